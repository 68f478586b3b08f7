"""Every module of the package imports in a fresh interpreter, so a dependency missing from an install fails
the suite at once instead of on the first page that needs it (the generic body fallback, say)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

IMPORT_ALL = """
import importlib, pkgutil, thcrawl
names = [m.name for m in pkgutil.walk_packages(thcrawl.__path__, "thcrawl.")]
for name in names:
    importlib.import_module(name)
print(len(names))
"""

# The generic fallback imports its extractor lazily inside trafilatura (justext -> lxml.html.clean):
# extracting one small page proves the whole chain is installed.
FALLBACK_RUNS = """
from lxml import html
from thcrawl.extract.fallback import generic_paragraphs
words = " ".join(["word"] * 60)
page = f"<html><body><article><p>{words} one.</p><p>{words} two.</p></article></body></html>"
print(len(generic_paragraphs(html.fromstring(page))))
"""


def _fresh(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)


def test_every_module_imports_in_a_fresh_interpreter() -> None:
    done = _fresh(IMPORT_ALL)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) >= 30  # the walk really found the package's modules


def test_the_generic_fallback_extracts_on_this_install() -> None:
    done = _fresh(FALLBACK_RUNS)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) >= 1
