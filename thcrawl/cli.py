"""The `thcrawl` command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.error import URLError
from urllib.request import Request, urlopen

from thcrawl import __version__
from thcrawl.extract import NotHtmlError
from thcrawl.jsonl import dumps_line
from thcrawl.parsing import NotAnArticleError, parse_page

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
    out = sys.stdout
    for item in parsed.items:
        out.write(dumps_line(item))
    out.flush()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="thcrawl", description=__doc__)
    parser.add_argument("--version", action="version", version=f"thcrawl {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    parse = commands.add_parser(
        "parse", help="extract one saved or fetched page and print it as JSONL",
        description="Print the item(s) of one page as the JSONL a crawl writes: one Article for an "
                    "article page, one line per entry for a listing page.",
    )
    parse.add_argument("target", metavar="PATH_OR_URL", help="a saved page (file) or an http(s) URL")
    parse.add_argument("--url", help="the page's URL, for a saved file (resolves relative links)")
    parse.set_defaults(func=cmd_parse)
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


if __name__ == "__main__":
    sys.exit(main())
