"""The `nncourse` command line."""

from __future__ import annotations

import argparse

from nncourse import __version__
from nncourse.grading.commands import add_grade_command, add_release_command
from nncourse.lab import add_lab_command


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nncourse",
        description="nncourse: neural networks from the single neuron to a trained network.",
    )
    parser.add_argument("--version", action="version", version=f"nncourse {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_lab_command(subparsers)
    add_release_command(subparsers)
    add_grade_command(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return args.run(args)
