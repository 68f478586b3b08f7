"""The benchmark runs end to end on tiny sizes (its figures are not asserted: timing belongs to the
benchmark run behind BENCHMARKS.md, not to the test suite)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from tests.replica_helpers import REPO


def test_quick_benchmark_runs_every_section(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, "-m", "tests.benchmarks.bench", "--quick", "--json", str(out)],
                            cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    for section in ("1. extraction", "2. dates", "3. end to end", "4. incremental", "5. scale"):
        assert section in result.stdout
    figures = json.loads(out.read_text())
    assert figures["dates"]["different_results"] == 0  # the two date paths agree
    assert figures["extraction"]["thcrawl"]["body_f1"] == 1.0
    assert figures["extraction"]["thcrawl / lxml parse, the two alone"] > 0
    assert figures["extraction"]["real_weight"]["body_f1"]["thcrawl"] == 1.0  # heavy chrome changes nothing
    assert figures["crawls"]["real_weight"]["thcrawl"]["articles"] == 60
    assert figures["crawls"]["incremental"]["rerun"]["articles"] == 0


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed: the instruction count needs it")
def test_instruction_count_compares_thcrawl_with_lxml_parsing():
    result = subprocess.run([sys.executable, "-m", "tests.benchmarks.instructions", "--pages", "3"],
                            cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    ratio = float(re.search(r"thcrawl / lxml parse ([\d.]+)x", result.stdout).group(1))
    assert ratio > 1  # the page object parses the page, then does more
