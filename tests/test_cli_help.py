"""Every command and option of `thcrawl` says what it does, and `thcrawl --help` lists the exit codes."""

from __future__ import annotations

import argparse
import re

import pytest

from tests.replica_helpers import run_cli
from thcrawl import crawl
from thcrawl.cli import build_parser


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices


def test_every_subcommand_has_help():
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    described = {choice.dest: choice.help for choice in action._choices_actions}
    assert set(described) == set(subcommands()) and all(described.values())


def test_every_option_and_argument_has_help():
    missing = [(name, a.option_strings or a.dest) for name, sub in subcommands().items() for a in sub._actions
               if not a.help]
    assert missing == []


def test_help_lists_the_exit_codes_the_crawl_returns():
    result = run_cli("--help")
    assert result.returncode == 0
    listed = {int(code) for code in re.findall(r"^  (\d+)  ", result.stdout.split("exit codes:", 1)[1], re.M)}
    returned = {crawl.EXIT_OK, crawl.EXIT_FAILURE, crawl.EXIT_USAGE, crawl.EXIT_DEGRADED, crawl.EXIT_LOCKED}
    assert returned <= listed


def test_each_command_help_runs(capsys):
    for name in subcommands():
        with pytest.raises(SystemExit) as exit_:
            build_parser().parse_args([name, "--help"])
        assert exit_.value.code == 0 and capsys.readouterr().out.startswith(f"usage: thcrawl {name}")
