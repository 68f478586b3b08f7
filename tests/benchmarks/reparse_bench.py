"""Benchmark of `thcrawl reparse` and WACZ packaging, ratios side by side in one run.

    python -m tests.benchmarks.reparse_bench                   # 5,000 and 50,000 captures (~10 minutes)
    python -m tests.benchmarks.reparse_bench --sizes 500 --rounds 1   # a quick check that every part runs

For each size, WARC captures of the replica's article pages are written once (one archived run, a request and a
200 response per article, as `crawl --warc` writes them). Then, in each round, `thcrawl reparse` runs with 1 job
and with 2 jobs (alternating which goes first) into fresh data folders, as a subprocess, while this script
samples the memory of its whole process tree (the reparse and its workers) every 50 ms with psutil. Reported:
- pages/s: captures over the command's wall time (start-up included), and over the run's own duration
  (stats.json, without interpreter start-up);
- CPU milliseconds (user + system, workers included) a page: how the work scales, whatever the machine's
  load; and the main process's own, which no number of jobs spreads (it feeds every item to the pipelines);
- from those, the speed-up 2 jobs would have on two idle cores (see projected());
- peak RSS of the process tree, and of the main process alone;
- whether the two data folders are byte-identical;
- WACZ packaging of the captures (`thcrawl.wacz.package_run`): seconds, and size against the WARC files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[2]


def captures(size: int, work: Path) -> Path:
    """The folder of WARC captures of `size` articles (written on first use, then reused)."""
    from tests.replica_helpers import write_archive
    from thcrawl.replica.content import ReplicaSite

    folder = work / f"captures-{size}"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        started = time.monotonic()
        write_archive(ReplicaSite(articles=size, seed=15), folder, runs=1)
        done.write_text(f"{time.monotonic() - started:.1f}")
        print(f"  wrote {size:,} captures in {done.read_text()} s", flush=True)
    return folder


def tree_rss(process: psutil.Process) -> tuple[int, int]:
    """(RSS of the process and all its descendants, RSS of the process alone), bytes."""
    try:
        main = process.memory_info().rss
        total = main
        for child in process.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return total, main
    except psutil.Error:
        return 0, 0


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_reparse(folder: Path, out: Path, jobs: int) -> dict[str, Any]:
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "thcrawl.cli", "reparse", str(folder), "--out", str(out), "--jobs", str(jobs)]
    cpu_before = cpu_of_children()
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watched = psutil.Process(process.pid)
    peak_tree = peak_main = 0
    main_cpu = 0.0
    while process.poll() is None:
        total, main = tree_rss(watched)
        peak_tree, peak_main = max(peak_tree, total), max(peak_main, main)
        try:  # the main process's own CPU, last seen within 50 ms of its end
            times = watched.cpu_times()
            main_cpu = times.user + times.system
        except psutil.Error:
            pass
        time.sleep(0.05)
    stdout, stderr = process.communicate()
    wall = time.monotonic() - started
    if process.returncode != 0:
        raise SystemExit(f"reparse failed ({process.returncode}): {stderr[-2000:]}")
    cpu = cpu_of_children() - cpu_before
    stats = [json.loads(p.read_text("utf-8")) for p in sorted(out.glob("runs/*/stats.json"))]
    pages = sum(s["articles"] for s in stats)
    duration = sum(s["duration_seconds"] for s in stats)
    return {"jobs": jobs, "pages": pages, "wall_s": round(wall, 2), "run_s": round(duration, 2),
            "pages_per_s": round(pages / wall, 1), "pages_per_s_in_run": round(pages / duration, 1),
            "cpu_s": round(cpu, 2), "cpu_ms_per_page": round(1000 * cpu / pages, 3),
            "main_cpu_ms_per_page": round(1000 * main_cpu / pages, 3),
            "peak_tree_mb": round(peak_tree / 2**20, 1), "peak_main_mb": round(peak_main / 2**20, 1),
            "digest": dataset_digest(out)}


def projected(one: dict[str, Any], two: dict[str, Any]) -> float:
    """The speed-up of 2 jobs on two cores nobody else uses, from CPU time (which the machine's load does not
    change much): 2 jobs need at least their CPU time over two cores, and at least the main process's own CPU
    time (it feeds every item to the pipelines alone)."""
    floor = max(two["cpu_ms_per_page"] / 2, two["main_cpu_ms_per_page"])
    return one["cpu_ms_per_page"] / floor


def dataset_digest(data: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted((data / "articles").rglob("*.jsonl")):
        digest.update(path.relative_to(data).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def package(folder: Path, work: Path, reparsed: Path) -> dict[str, Any]:
    """WACZ of the captures, as `thcrawl wacz` makes it for a run folder holding them."""
    from thcrawl.wacz import package_run

    run = work / "wacz-run" / "20260101T000000Z"
    shutil.rmtree(run.parent, ignore_errors=True)
    (run / "warc").mkdir(parents=True)
    for path in folder.glob("*.warc.gz"):
        os.link(path, run / "warc" / path.name)
    shutil.copy(next(reparsed.glob("runs/*/articles.jsonl")), run / "articles.jsonl")  # titles for pages.jsonl
    started = time.monotonic()
    result = package_run(run)
    seconds = time.monotonic() - started
    return {"seconds": round(seconds, 2), "warc_mb": round(result.warc_bytes / 2**20, 1),
            "wacz_mb": round(result.bytes / 2**20, 1), "size_ratio": round(result.bytes / result.warc_bytes, 4),
            "pages": result.pages, "mb_per_s": round(result.warc_bytes / 2**20 / seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="5000,50000", help="captures, comma-separated (default: 5000,50000)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of (1 job, 2 jobs) per size (default: 2)")
    parser.add_argument("--work", default=None, help="folder for captures and data (default: a temporary one)")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    args = parser.parse_args()
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="reparse-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}; work folder {work}", flush=True)
    figures: dict[str, Any] = {"sizes": {}}
    for size in sizes:
        print(f"\n{size:,} captures", flush=True)
        folder = captures(size, work)
        rounds = []
        for number in range(args.rounds):
            order = (1, 2) if number % 2 == 0 else (2, 1)
            result = {jobs: run_reparse(folder, work / f"out-{size}-{jobs}", jobs) for jobs in order}
            rounds.append(result)
            one, two = result[1], result[2]
            print(f"  round {number + 1}: 1 job {one['pages_per_s']} pages/s ({one['pages_per_s_in_run']} in run), "
                  f"2 jobs {two['pages_per_s']} pages/s ({two['pages_per_s_in_run']} in run): "
                  f"{two['pages_per_s'] / one['pages_per_s']:.2f}x "
                  f"({two['pages_per_s_in_run'] / one['pages_per_s_in_run']:.2f}x in run); "
                  f"CPU {one['cpu_ms_per_page']} / {two['cpu_ms_per_page']} ms a page; "
                  f"peak RSS {one['peak_tree_mb']} / {two['peak_tree_mb']} MB (main {one['peak_main_mb']} / "
                  f"{two['peak_main_mb']}); identical items: {one['digest'] == two['digest']}; "
                  f"2 jobs' main process {two['main_cpu_ms_per_page']} ms a page, so on two idle cores "
                  f"{projected(one, two):.2f}x; "
                  f"load {os.getloadavg()[0]:.1f}", flush=True)
        wacz = package(folder, work, work / f"out-{size}-1")
        print(f"  WACZ: {wacz['seconds']} s for {wacz['warc_mb']} MB of WARC ({wacz['mb_per_s']} MB/s), "
              f"{wacz['wacz_mb']} MB ({wacz['size_ratio']:.4f}x), {wacz['pages']} pages listed", flush=True)
        figures["sizes"][size] = {
            "rounds": rounds, "wacz": wacz,
            "speedup_median": round(statistics.median(r[2]["pages_per_s"] / r[1]["pages_per_s"] for r in rounds), 2),
            "projected_idle_speedup_median": round(statistics.median(projected(r[1], r[2]) for r in rounds), 2),
            "speedup_in_run_median": round(statistics.median(
                r[2]["pages_per_s_in_run"] / r[1]["pages_per_s_in_run"] for r in rounds), 2),
            "peak_tree_mb": {jobs: max(r[jobs]["peak_tree_mb"] for r in rounds) for jobs in (1, 2)},
            "identical": all(r[1]["digest"] == r[2]["digest"] for r in rounds),
        }
    if len(sizes) >= 2:
        small, large = figures["sizes"][sizes[0]], figures["sizes"][sizes[-1]]
        for jobs in (1, 2):
            ratio = large["peak_tree_mb"][jobs] / small["peak_tree_mb"][jobs]
            print(f"peak RSS, {jobs} job(s): {small['peak_tree_mb'][jobs]} MB at {sizes[0]:,}, "
                  f"{large['peak_tree_mb'][jobs]} MB at {sizes[-1]:,}: {ratio:.2f}x")
    for size in sizes:
        entry = figures["sizes"][size]
        print(f"{size:,}: 2 jobs / 1 job = {entry['speedup_median']}x (median of rounds; "
              f"{entry['speedup_in_run_median']}x in run; {entry['projected_idle_speedup_median']}x projected on "
              f"two idle cores from CPU times), identical items: {entry['identical']}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), "utf-8")


if __name__ == "__main__":
    main()
