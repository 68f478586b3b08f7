"""The benchmark runs end to end on tiny sizes (its figures are not asserted: timing belongs to the
benchmark run behind BENCHMARKS.md, not to the test suite)."""

from __future__ import annotations

import json
import subprocess
import sys

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
    assert figures["crawls"]["incremental"]["rerun"]["articles"] == 0
