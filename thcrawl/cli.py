"""The `thcrawl` command line."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.error import URLError
from urllib.request import Request, urlopen

from thcrawl import __version__
from thcrawl.extract import NotHtmlError
from thcrawl.jsonl import dumps_line
from thcrawl.parsing import NotAnArticleError, parse_page

if TYPE_CHECKING:
    from thcrawl.crawl import CrawlOptions, CrawlResult

EXIT_USAGE = 2
USER_AGENT = f"thcrawl/{__version__} (+https://github.com/thcrawl/thcrawl)"


class CliError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


def _read(target: str, timeout: float = 30.0) -> tuple[bytes, str, str | None]:
    """(body, url, content type) of a file path or an http(s) URL."""
    if target.startswith(("http://", "https://")):
        try:
            with urlopen(Request(target, headers={"User-Agent": USER_AGENT}), timeout=timeout) as response:
                return response.read(), response.geturl(), response.headers.get("Content-Type")
        except (URLError, OSError, ValueError) as exc:
            raise CliError(f"cannot fetch {target}: {getattr(exc, 'reason', exc)}") from exc
    path = Path(target)
    try:
        return path.read_bytes(), path.resolve().as_uri(), None
    except IsADirectoryError as exc:
        raise CliError(f"{target} is a directory, not a page") from exc
    except OSError as exc:
        raise CliError(f"cannot read {target}: {exc.strerror or exc}") from exc


def cmd_parse(args: argparse.Namespace) -> int:
    body, url, content_type = _read(args.target)
    try:
        parsed = parse_page(body, args.url or url, content_type)
    except (NotHtmlError, NotAnArticleError) as exc:
        raise CliError(f"{args.target}: {exc}") from exc
    except RecursionError as exc:  # elements nested thousands deep: what the crawl lists as parse_error
        raise CliError(f"{args.target}: nested too deeply to extract (parse_error)") from exc
    out = sys.stdout
    for item in parsed.items:
        out.write(dumps_line(item))
    out.flush()
    return 0


def _settings_pairs(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise CliError(f"-s takes NAME=VALUE, not {pair!r}")
        out[name.strip()] = value
    return out


def _crawl_options(args: argparse.Namespace) -> CrawlOptions:
    from thcrawl.crawl import CrawlOptions

    try:
        return CrawlOptions.from_args(
            base_url=args.base_url, out=args.out, source=args.source, since=args.since, until=args.until,
            categories=args.categories, max_articles=args.max_articles, fast=args.fast,
            follow_see_more=args.follow_see_more, settings=_settings_pairs(args.set), log_level=args.log_level,
            full=args.full, recheck_hours=args.recheck_hours, warc=args.warc,
        )
    except ValueError as exc:
        raise CliError(str(exc)) from exc


def _report_json(result: CrawlResult, report: Path | None) -> None:
    """`--log-format json`: the run's outcome as one JSON object on stdout (the log is on stderr)."""
    summary = dict(result.summary or {})
    summary.pop("failures", None)  # up to 200 URLs: they stay in stats.json
    print(json.dumps({"event": "run_finished", "exit_code": result.exit_code,
                      "run_dir": str(result.run_dir) if result.run_dir else None,
                      "report": str(report) if report else None, **summary}, ensure_ascii=False, default=str))


def _check_monitoring(options: CrawlOptions) -> None:
    """Monitoring settings given with -s, checked before Scrapy starts."""
    from importlib.util import find_spec

    from thcrawl.monitoring import notifier_names

    try:
        notifier_names(options.settings.get("THCRAWL_NOTIFY"))
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    enabled = str(options.settings.get("SPIDERMON_ENABLED", "")).lower() in ("1", "true", "yes", "on")
    if enabled and find_spec("spidermon") is None:
        raise CliError("SPIDERMON_ENABLED needs the monitor extra: pip install 'thcrawl[monitor]'")


def _report(result: CrawlResult) -> None:
    summary = result.summary or {}
    if summary.get("status") == "lock_held":
        return  # the run logged the one line: another thcrawl run (pid N) is using DATA
    _report_summary(result.run_dir, summary)


def _report_summary(run_dir: Path | None, summary: dict | None) -> None:
    if run_dir:
        print(f"output: {run_dir}")
    if summary:
        errors = sum(summary["errors"].values())
        print(f"summary: {summary['status']}, {summary['mode']} run: {summary['articles']} articles "
              f"({summary['new']} new, {summary['updated']} updated, {summary['unchanged']} unchanged), "
              f"{summary['failed']} failed, {summary['duplicates']} duplicates, {summary['invalid']} invalid, "
              f"{summary['requests']} requests, {errors} errors, {summary['duration_seconds']} s")
        if summary["coverage_below_threshold"]:
            print(f"degraded: coverage below threshold for {', '.join(summary['coverage_below_threshold'])} "
                  f"({summary['coverage']})", file=sys.stderr)


def _write_report(data_dir: Path, quiet: bool = False) -> Path | None:
    """Refresh DATA/report.html after a run; a report that cannot be written never fails the crawl."""
    from thcrawl.report import write_report

    try:
        path = write_report(data_dir)
    except (OSError, ValueError) as exc:
        print(f"thcrawl: report not written: {exc}", file=sys.stderr)
        return None
    if not quiet:
        print(f"report: {path}")
    return path


def cmd_crawl(args: argparse.Namespace) -> int:
    from thcrawl.crawl import run_crawl

    options = _crawl_options(args)
    _check_monitoring(options)
    options.settings.setdefault("THCRAWL_LOG_FORMAT", args.log_format)
    result = run_crawl(options)
    as_json = options.settings["THCRAWL_LOG_FORMAT"] == "json"
    if not as_json:
        _report(result)
    # After a failed write the disk is full: the run's one line says so, and no report is attempted.
    report = _write_report(options.data_dir, quiet=as_json) if result.run_dir and not result.write_failed else None
    if as_json:
        _report_json(result, report)
    if args.warc and result.run_dir and not result.write_failed and (result.run_dir / "warc").is_dir():
        try:
            _package(result.run_dir, None, quiet=as_json)
        except (ValueError, OSError) as exc:
            print(f"thcrawl: error: the run's WACZ was not written: {exc}", file=sys.stderr)
            return result.exit_code or 1
    return result.exit_code


def _package(run_dir: Path, out: Path | None, quiet: bool = False) -> None:
    from time import monotonic

    from thcrawl.wacz import package_run

    started = monotonic()
    result = package_run(run_dir, out)
    if not quiet:
        print(f"wacz: {result.path} ({result.pages} article pages, {result.warcs} WARC file(s) of "
              f"{result.warc_bytes / 2**20:.1f} MB -> {result.bytes / 2**20:.1f} MB, "
              f"{monotonic() - started:.1f} s)")


def cmd_wacz(args: argparse.Namespace) -> int:
    run_dir = Path(args.run_dir)
    if not run_dir.is_dir():
        raise CliError(f"{run_dir} is not a run folder")
    try:
        _package(run_dir, Path(args.out) if args.out else None)
    except (ValueError, OSError) as exc:
        raise CliError(str(exc)) from exc
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from thcrawl.report import write_report

    data = Path(args.data)
    if not (data / "runs").is_dir() and not (data / "articles").is_dir():
        raise CliError(f"{data} holds no run and no dataset: run `thcrawl crawl --out {data}` first")
    out = Path(args.out) if args.out else None
    if out is not None and out.is_dir():
        raise CliError(f"--out takes a file name (FILE.html), and {out} is a folder")
    try:
        print(write_report(data, out))
    except OSError as exc:
        raise CliError(f"cannot write the report: {exc.strerror or exc}") from exc
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from thcrawl.crawl import CrawlOptions, run_crawl
    from thcrawl.replica.content import ReplicaSite
    from thcrawl.replica.server import ReplicaServer

    try:  # every option is checked before the replica starts
        site = ReplicaSite(articles=args.articles, seed=args.seed)
        CrawlOptions.from_args(base_url="http://127.0.0.1", out=args.out, fast=True, log_level=args.log_level)
    except ValueError as exc:
        raise CliError(f"--articles: {exc}" if "articles" in str(exc) else str(exc)) from exc
    with ReplicaServer(site) as server:
        print(f"replica of the site with {args.articles} articles at {server.base_url}")
        options = CrawlOptions.from_args(base_url=server.base_url, out=args.out, fast=True,
                                         log_level=args.log_level, full=True)
        result = run_crawl(options)
    _report(result)
    if result.run_dir:
        print(f"articles: {result.run_dir / 'articles.jsonl'}")
        print(f"dataset: {Path(args.out) / 'articles'}")
        _write_report(Path(args.out))
    return result.exit_code


def cmd_replica(args: argparse.Namespace) -> int:
    from thcrawl.replica.content import ReplicaSite
    from thcrawl.replica.faults import FaultPlan
    from thcrawl.replica.server import ReplicaServer

    try:
        faults = FaultPlan.parse(args.faults, args.offsite_target)
        site = ReplicaSite(articles=args.articles, seed=args.seed, grow_every=args.grow, page_weight=args.page_weight)
        if args.crawl_delay < 0:
            raise ValueError(f"--crawl-delay must be 0 or more, not {args.crawl_delay:g}")
        server = ReplicaServer(site, port=args.port, faults=faults, crawl_delay=args.crawl_delay)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    except OSError as exc:
        raise CliError(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}") from exc
    print(server.base_url, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("replica stopped", file=sys.stderr)
    finally:
        server.httpd.server_close()
    return 0


def _add_crawl_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--since", help="only articles listed at or after this date (YYYY-MM-DD or ISO)")
    command.add_argument("--until", help="only articles listed at or before this date")
    command.add_argument("--categories", help="comma-separated category slugs (default: the home menu's)")
    command.add_argument("--max-articles", type=int, metavar="N", help="stop after N articles")
    command.add_argument("--out", default="data", metavar="DIR", help="data folder; the run goes to DIR/runs/<UTC time>/")
    command.add_argument("--base-url", default=None, metavar="URL", help="site to crawl (default: the real site)")
    command.add_argument("--source", default="listing", choices=("listing", "rss", "sitemap"),
                         help="where article links come from (default: listing)")
    command.add_argument("--fast", action="store_true",
                         help="no delays, no AutoThrottle, high concurrency: only for a loopback replica")
    command.add_argument("--follow-see-more", action="store_true", help="also follow 'xem thêm' and related links")
    command.add_argument("--full", action="store_true",
                         help="ignore the state when choosing what to fetch (state and dataset are still updated)")
    command.add_argument("--recheck-hours", type=float, default=None, metavar="H",
                         help="re-fetch known articles listed in the last H hours (default: 48)")
    command.add_argument("--warc", action="store_true",
                         help="also keep every request and response in WARC files under the run folder, "
                              "and package the run as a WACZ at the end")
    command.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                         help="override a Scrapy or thcrawl setting (repeatable)")


def _date_option(value: str | None, name: str, end_of_day: bool = False) -> object:
    from thcrawl.dates import parse_bound

    try:
        return parse_bound(value, name, end_of_day)
    except ValueError as exc:
        raise CliError(str(exc)) from exc


def cmd_export(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from thcrawl.export import ExportOptions, export

    # The default folder says its format: DATA/exports/<UTC time>-parquet
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = Path(args.out) if args.out else Path(args.data) / "exports" / f"{stamp}-{args.format.replace('.', '-')}"
    if out.exists() and not out.is_dir():
        raise CliError(f"--out must name a folder, and {out} is a file")
    options = ExportOptions(data_dir=Path(args.data), out_dir=out, fmt=args.format,
                            since=_date_option(args.since, "--since"), until=_date_option(args.until, "--until", end_of_day=True),
                            bom=args.bom, licence=args.licence)
    try:
        result = export(options)
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        raise CliError(f"cannot write{where}: {exc.strerror} (give --out a writable folder)" if exc.strerror
                       else str(exc)) from exc
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    print(f"exported {result.rows} articles in {len(result.resources)} file(s) to {result.out_dir}")
    print(f"manifest: {result.out_dir / 'datapackage.json'}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from thcrawl.verify import verify

    folder = Path(args.folder)
    if not folder.is_dir():
        raise CliError(f"{folder} is not a folder")
    report = verify(folder)
    print(f"verify {folder}: {report.files} files, {report.rows} rows")
    for finding in report.findings:
        print(f"  - {finding}")
    print("clean" if report.clean else f"{len(report.findings)} finding(s)")
    return 0 if report.clean else 1


def cmd_reparse(args: argparse.Namespace) -> int:
    from thcrawl.reparse import ReparseOptions, WarcError, find_warcs, run_reparse

    if args.jobs is not None and args.jobs < 1:
        raise CliError("--jobs must be at least 1")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CliError(f"--out must name a data folder, and {out} is a file")
    try:
        paths = find_warcs(args.warcs)
        options = ReparseOptions(warcs=paths, data_dir=out, jobs=args.jobs or os.cpu_count() or 1,
                                 settings={"LOG_LEVEL": args.log_level.upper(), **_settings_pairs(args.set)})
        result = run_reparse(options)
    except (WarcError, ValueError) as exc:
        raise CliError(str(exc)) from exc
    if result.lock_message:
        print(f"thcrawl: {result.lock_message}; exiting", file=sys.stderr)
        return result.exit_code
    for run in result.runs:
        print(f"reparse of {run.group.name} ({len(run.group.files)} WARC file(s)):")
        _report_summary(run.run_dir, run.summary)
    print(f"re-parsed {len(paths)} WARC file(s) in {len(result.runs)} run(s) with {options.jobs} job(s) "
          f"into {options.data_dir / 'articles'}")
    return result.exit_code


EXIT_CODES = """exit codes:
  0  success (verify: the export is clean)
  1  failure: the crawl did not finish or fetched nothing and had errors; verify found problems
  2  bad input: a one-line message on stderr
  3  crawl degraded: field coverage below THCRAWL_MIN_COVERAGE (a layout change on the site?)
  4  crawl not started: another run holds the data folder's lock
  130  interrupted (Ctrl-C)

Run `thcrawl COMMAND --help` for a command's options. Documentation: README.md, docs/schema.md."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="thcrawl", epilog=EXIT_CODES,
                                     description="Crawl truyenhinhthanhhoa.vn (or its local replica) into a "
                                                 "dataset, export and verify it, and report on the runs.",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"thcrawl {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     help="one of the commands below")

    parse = commands.add_parser(
        "parse", help="extract one saved or fetched page and print it as JSONL",
        description="Print the item(s) of one page as the JSONL a crawl writes: one Article for an "
                    "article page, one line per entry for a listing page.",
    )
    parse.add_argument("target", metavar="PATH_OR_URL", help="a saved page (file) or an http(s) URL")
    parse.add_argument("--url", help="the page's URL, for a saved file (resolves relative links)")
    parse.set_defaults(func=cmd_parse)

    crawl = commands.add_parser("crawl", help="crawl the site (or a replica) into a dated run folder",
                                description="Crawl the site politely into DIR/runs/<UTC time>/articles.jsonl "
                                            "with stats.json beside it.")
    _add_crawl_arguments(crawl)
    crawl.add_argument("--log-level", default="WARNING", help="Scrapy log level (default: WARNING)")
    crawl.add_argument("--log-format", default="text", choices=("text", "json"),
                       help="'json': the log (stderr) as one JSON object per line and the run's outcome as one "
                            "JSON object on stdout, for cron and log collectors (default: text)")
    crawl.set_defaults(func=cmd_crawl)

    demo = commands.add_parser("demo", help="start a local replica, crawl it fast, print where the output is")
    demo.add_argument("--articles", type=int, default=300, help="articles in the replica (default: 300)")
    demo.add_argument("--seed", type=int, default=1, help="content seed of the replica (default: 1)")
    demo.add_argument("--out", default="data/demo", metavar="DIR", help="data folder (default: data/demo)")
    demo.add_argument("--log-level", default="WARNING", help="Scrapy log level (default: WARNING)")
    demo.set_defaults(func=cmd_demo)

    export = commands.add_parser("export", help="export the dataset as jsonl.gz, Parquet or CSV with a manifest")
    export.add_argument("--format", required=True, choices=("jsonl.gz", "parquet", "csv"),
                        help="jsonl.gz (rows as they are), parquet (articles/year=Y/month=M/ partition tree) "
                             "or csv (nested fields as JSON text)")
    export.add_argument("--since", help="only articles published at or after this date")
    export.add_argument("--until", help="only articles published at or before this date")
    export.add_argument("--data", default="data", metavar="DIR", help="data folder holding articles/ (default: data)")
    export.add_argument("--out", default=None, metavar="DIR", help="new folder for the export "
                        "(default: DATA/exports/<UTC time>-<format>)")
    export.add_argument("--bom", action="store_true", help="CSV: start with a UTF-8 BOM, for spreadsheet programs")
    export.add_argument("--licence", default=None, help="licence or attribution note for the manifest")
    export.set_defaults(func=cmd_export)

    report = commands.add_parser(
        "report", help="write one self-contained HTML page with charts of the runs and the dataset",
        description="Charts of every run (articles, requests, errors, duration, field coverage, CMS-layer "
                    "share per field, failure reasons) and of the archive's articles per month, in one HTML file that "
                    "opens offline. `thcrawl crawl` refreshes DATA/report.html after each run.")
    report.add_argument("--data", default="data", metavar="DIR", help="data folder (default: data)")
    report.add_argument("--out", default=None, metavar="FILE.html", help="where to write it "
                        "(default: DATA/report.html)")
    report.set_defaults(func=cmd_report)

    verify = commands.add_parser("verify", help="check an export against its manifest; exit 0 only when clean")
    verify.add_argument("folder", metavar="DIR", help="an export folder holding datapackage.json")
    verify.set_defaults(func=cmd_verify)

    reparse = commands.add_parser(
        "reparse", help="re-extract articles from WARC files with today's page objects, into a data folder",
        description="Run archived article pages through today's page objects and the crawl's pipelines into a "
                    "data folder (DIR/articles/YYYY/MM.jsonl, state, one run folder per crawl run archived). "
                    "Into an existing data folder, a changed item becomes a new version; the rest is left alone.")
    reparse.add_argument("warcs", nargs="+", metavar="WARC", help="WARC files or folders holding them")
    reparse.add_argument("--out", default="data", metavar="DIR", help="data folder (default: data)")
    reparse.add_argument("--jobs", type=int, default=None, metavar="N",
                         help="processes that parse pages: this one and N-1 workers (default: the machine's cores)")
    reparse.add_argument("--log-level", default="WARNING", help="Scrapy log level (default: WARNING)")
    reparse.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                         help="override a Scrapy or thcrawl setting (repeatable)")
    reparse.set_defaults(func=cmd_reparse)

    wacz = commands.add_parser("wacz", help="package a run's WARC files as a WACZ (archive, index, pages list)",
                               description="Write RUN_DIR/<run>.wacz from RUN_DIR/warc/: the WARC files, a CDXJ "
                                           "index, the list of article pages fetched and datapackage.json with "
                                           "their sha256. `thcrawl crawl --warc` does this at the end of a run.")
    wacz.add_argument("run_dir", metavar="RUN_DIR", help="a run folder of a crawl made with --warc")
    wacz.add_argument("--out", default=None, metavar="FILE", help="where to write it (default: RUN_DIR/<run>.wacz)")
    wacz.set_defaults(func=cmd_wacz)

    replica = commands.add_parser("replica", help="serve a replica of the site on 127.0.0.1 until Ctrl-C")
    replica.add_argument("--articles", type=int, default=1000, help="articles, 10 to 200,000 (default: 1000)")
    replica.add_argument("--seed", type=int, default=1, help="content seed (default: 1)")
    replica.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    replica.add_argument("--page-weight", choices=("light", "real"), default="light",
                         help="'real' wraps every page in ~45 KB of generated header, menu, scripts and footer, "
                              "like a real page of the CMS family (default: light, ~19 KB article pages)")
    replica.add_argument("--grow", type=float, default=None, metavar="SECONDS",
                         help="publish one new article every SECONDS while serving")
    replica.add_argument("--faults", default=None, metavar="SPEC",
                         help="misbehave like a real site: 'all', or a list such as '5xx=0.2,429,badfeed' "
                              "(5xx, 429, timeout, truncated, offsite, loop, huge, slow, malformed, charset, "
                              "endless, badfeed, bomb; by name only: canonical, offcanonical, deepnest, deepjson)")
    replica.add_argument("--crawl-delay", type=float, default=2.0, metavar="SECONDS",
                         help="the Crawl-delay its robots.txt asks for (default: 2, as a polite site might)")
    replica.add_argument("--offsite-target", default=None, metavar="URL",
                         help="where the 'offsite' fault redirects and links (default: http://127.0.0.2:9/)")
    replica.set_defaults(func=cmd_replica)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"thcrawl: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("thcrawl: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug of ours: one line for the user, the traceback on request
        if os.environ.get("THCRAWL_DEBUG"):
            raise
        print(f"thcrawl: internal error: {type(exc).__name__}: {exc} (set THCRAWL_DEBUG=1 for the traceback)",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
