"""constraints.txt is the lock of tested versions: it pins every requirement pyproject.toml declares (extras
included) at a version the requirement accepts, and the environment running the tests installed exactly
those versions. Refresh it with the command in its header (also in the README)."""

from __future__ import annotations

import tomllib
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO


def _pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "constraints.txt").read_text("utf-8").splitlines():
        spec = line.split("#", 1)[0].strip()
        if spec:
            name, sep, version = spec.partition("==")
            assert sep, f"constraints.txt: {spec!r} is not pinned with =="
            pins[canonicalize_name(name)] = version.strip()
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    declared = [Requirement(r) for r in project["dependencies"]]
    for extra in project.get("optional-dependencies", {}).values():
        declared += [Requirement(r) for r in extra]
    return declared


PINS = _pins()


@pytest.mark.parametrize("requirement", _declared(), ids=str)
def test_every_declared_requirement_is_pinned_within_its_range(requirement: Requirement) -> None:
    pinned = PINS.get(canonicalize_name(requirement.name))
    assert pinned is not None, f"{requirement.name} is declared but not in constraints.txt: refresh the lock"
    assert requirement.specifier.contains(pinned, prereleases=True), \
        f"constraints.txt pins {requirement.name}=={pinned}, outside the declared {requirement.specifier}"


def test_installed_versions_are_the_locked_ones() -> None:
    differing = []
    for distribution in metadata.distributions():
        name = canonicalize_name(distribution.metadata["Name"])
        if name in PINS and distribution.version != PINS[name]:
            differing.append(f"{name} {distribution.version} (locked {PINS[name]})")
    assert not differing, "installed without the lock (pip install -c constraints.txt): " + ", ".join(differing)


def test_the_runtime_requirements_are_installed() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    missing = []
    for requirement in map(Requirement, project["dependencies"]):
        try:
            metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            missing.append(requirement.name)
    assert not missing, f"declared but not installed: {missing}"
