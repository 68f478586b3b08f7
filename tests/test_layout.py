"""Each source file is one module: spiders/ and pipelines/ are imported as thcrawl.spiders and
thcrawl.pipelines only. Importing them under their folder names too (the checkout's root is on sys.path
under pytest) would load every class twice, and an isinstance or get_extension check would then fail."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import thcrawl.pipelines.store
import thcrawl.spiders.ttv

TESTS = Path(__file__).parent
TOP_LEVEL_IMPORT = re.compile(r"^\s*(from|import)\s+(spiders|pipelines)\b", re.MULTILINE)


def test_no_test_imports_the_folder_names():
    offenders = [path.name for path in TESTS.rglob("*.py") if TOP_LEVEL_IMPORT.search(path.read_text("utf-8"))]
    assert offenders == []


def test_no_module_is_loaded_twice():
    # By now pytest has imported every test module of the session.
    assert not [name for name in sys.modules if name.split(".")[0] in ("spiders", "pipelines")]


def test_the_installed_names_are_the_checkout_folders():
    root = TESTS.parent
    assert Path(thcrawl.spiders.ttv.__file__).resolve() == root / "spiders" / "ttv.py"
    assert Path(thcrawl.pipelines.store.__file__).resolve() == root / "pipelines" / "store.py"
