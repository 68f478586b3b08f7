"""Extraction cost in CPU instructions: thcrawl's article page object against lxml parsing alone.

    python -m tests.benchmarks.instructions [--pages N]

Timings on a shared machine drift 20-40 % from minute to minute, so two versions of the code timed in
separate runs cannot be told apart by a few per cent. Instructions executed, counted by valgrind's
cachegrind, repeat to within a fraction of a per cent: this is the measure to compare two versions of the
extraction code with. It is not the benchmark's figure (time is what users wait for, and time also pays
for cache misses, which instructions do not count); BENCHMARKS.md reports both.

Each of three runs of the same script (imports and one warm-up page only; + lxml parsing of N pages;
+ thcrawl's to_item() on the same N pages) is counted, and the differences give instructions per page.
"""

from __future__ import annotations

import argparse
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.benchmarks.bench import REPO

# The measured program: reads the pages written by this script, then does one of the three jobs.
PROGRAM = """
import pickle, sys
import lxml.html
from thcrawl.extract import ArticlePage
pages = pickle.load(open(sys.argv[1], "rb"))
ArticlePage(*pages[0]).to_item(); lxml.html.fromstring(pages[0][0])  # imports and caches, in every job
if sys.argv[2] == "lxml":
    for body, url in pages: lxml.html.fromstring(body)
elif sys.argv[2] == "thcrawl":
    for body, url in pages: ArticlePage(body, url).to_item()
"""


def instructions(program: Path, pages: Path, job: str) -> int:
    """Instructions cachegrind counted for one run of the program (hash seed fixed, so runs repeat)."""
    result = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, str(program), str(pages), job],
        cwd=REPO, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    match = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
    if result.returncode != 0 or not match:
        raise RuntimeError(f"cachegrind failed on the {job} job: {result.stderr[-500:]}")
    return int(match.group(1).replace(",", ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=100, help="replica article pages per job (default 100)")
    args = parser.parse_args(argv)
    if args.pages < 1:
        parser.error("--pages must be at least 1")
    if shutil.which("valgrind") is None:
        print("instructions: valgrind is not installed (apt install valgrind)", file=sys.stderr)
        return 2
    from thcrawl.replica import pages as render
    from thcrawl.replica.content import ReplicaSite

    site, base = ReplicaSite(articles=max(args.pages, 300), seed=101), "https://truyenhinhthanhhoa.vn"
    with tempfile.TemporaryDirectory() as tmp:
        program, pages = Path(tmp) / "job.py", Path(tmp) / "pages.pickle"
        program.write_text(PROGRAM, "utf-8")
        pages.write_bytes(pickle.dumps([(render.article_page(site, i, base).encode("utf-8"),
                                         base + site.article(i).path) for i in range(args.pages)]))
        # One run outside valgrind first, so that every job imports compiled modules: a job that compiles them
        # (after an edit) counts tens of millions of instructions more, which would skew the differences.
        subprocess.run([sys.executable, str(program), str(pages), "baseline"], cwd=REPO, check=True)
        counts = {job: instructions(program, pages, job) for job in ("baseline", "lxml", "thcrawl")}
    per_page = {job: (counts[job] - counts["baseline"]) / args.pages for job in ("lxml", "thcrawl")}
    print(f"{args.pages} replica article pages, instructions per page: lxml parse {per_page['lxml'] / 1e6:.3f} M, "
          f"thcrawl {per_page['thcrawl'] / 1e6:.3f} M; thcrawl / lxml parse {per_page['thcrawl'] / per_page['lxml']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
