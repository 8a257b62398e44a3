"""The `nncourse` command line."""

from __future__ import annotations

import argparse
import sys

from nncourse import __version__
from nncourse.errors import CourseError
from nncourse.grading.commands import (
    add_autograder_command, add_grade_command, add_release_command,
)
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
    add_autograder_command(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    # Each command reports its own problems; what reaches here is said in a sentence too, never as
    # a traceback: a CourseError as it is, a file-system error with the file it concerns.
    try:
        return args.run(args)
    except CourseError as error:
        print(f"nncourse {args.command}: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        where = f": {error.filename}" if error.filename else ""
        print(f"nncourse {args.command}: {error.strerror or error}{where}", file=sys.stderr)
        return 1
