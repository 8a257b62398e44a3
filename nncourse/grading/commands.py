"""The `nncourse release` and `nncourse grade` subcommands (argument parsing and exit status)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from nncourse.errors import CourseError

GRADE_DESCRIPTION = """\
Grade submitted exercise notebooks.

Each submission is matched to its notebook in the solutions folder (by its metadata, cell ids,
exercise ids or file name, so renamed files work). Only the learner's answer code is taken from
it; every exercise is graded in a fresh Python process with time and memory limits, inside a
bubblewrap sandbox (no network, no view of your files or of other learners, nothing left running
afterwards), against values the grader computes itself from the reference solution. A broken
submission (invalid JSON, an exception, an endless loop, sys.exit, a memory bomb, ...) gets its
zero and an explanation; it never stops the batch.

Written to OUTDIR:
  <learner>/results.json   Gradescope autograder format
  <learner>/feedback.html  the verdicts as a web page
  grades.csv               one row per learner, one column per exercise, total
  pass_rates.csv           per exercise: learners graded, learners with full points, rate
  summary.json             the class summary

The learner's name is the file name, or the folder name when all files are named alike
(alice/01_neuron.ipynb, bob/01_neuron.ipynb).

Without bubblewrap (`bwrap`: Debian/Ubuntu package bubblewrap; not on macOS or Windows) the
grader still grades, prints one warning line and records "sandbox": "none" in summary.json:
learner code can then read and change what you can. `--sandbox required` refuses to grade
instead, before any learner code runs.

Exit status: 0 when every submission was graded (whatever the scores), 1 when the grader itself
could not grade something, 2 for wrong arguments.
"""

EXAMPLES = """\
examples:
  nncourse grade submissions/*.ipynb -o grades
  nncourse grade submissions/ -o grades --jobs 4 --timeout 5 --memory 512M
  nncourse grade submissions/ -o grades --hidden hidden_checks/
"""


def memory_size(text: str) -> int:
    """'512M', '2G', '1024' (megabytes) -> bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?)B?\s*", text.upper())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a memory size like 512M or 2G")
    value, unit = float(match.group(1)), match.group(2) or "M"
    return int(value * {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[unit])


def positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return value


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def default_solutions() -> Path:
    """./solutions if there is one, else the course's own (the installed copy, or the clone's)."""
    here = Path("solutions")
    if here.is_dir():
        return here
    from nncourse.course_files import course_folder

    return course_folder("solutions")


def add_release_command(subparsers) -> None:
    parser = subparsers.add_parser(
        "release", help="write the exercise notebooks from the solution notebooks",
        description="Write exercise notebooks from solution notebooks: answers replaced by "
                    "placeholders, outputs cleared, solution-only cells left out.",
    )
    parser.add_argument("solutions", type=Path, help="folder of solution notebooks (or one file)")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="EXERCISES_DIR",
                        help="folder to write the exercise notebooks into")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if any exercise notebook is out of date")
    parser.set_defaults(run=run_release)


def run_release(args) -> int:
    from nncourse.grading.release import release

    try:
        changed = release(args.solutions, args.output, write=not args.check)
    except CourseError as error:
        print(f"nncourse release: {error}", file=sys.stderr)
        return 1
    if args.check:
        for path in changed:
            print(f"out of date: {path}")
        return 1 if changed else 0
    for path in changed:
        print(f"wrote {path}")
    if not changed:
        print(f"{args.output} is up to date.")
    return 0


def add_grade_command(subparsers) -> None:
    parser = subparsers.add_parser(
        "grade", help="grade submitted exercise notebooks",
        description=GRADE_DESCRIPTION, epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                        help="submitted .ipynb files, or folders searched for them")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="OUTDIR",
                        help="folder for the reports (created if needed)")
    parser.add_argument("--jobs", "-j", type=positive_int, default=1, metavar="N",
                        help="exercises graded in parallel (default: 1)")
    parser.add_argument("--timeout", type=positive_float, default=10.0, metavar="S",
                        help="seconds of CPU and wall time per exercise (default: 10)")
    parser.add_argument("--memory", type=memory_size, default=memory_size("1G"), metavar="M",
                        help="memory the learner's code may use per exercise, on top of "
                             "Python, numpy and the engine; e.g. 512M or 2G (default: 1G)")
    parser.add_argument("--solutions", type=Path, default=None, metavar="DIR",
                        help="the instructor's solution notebooks (default: ./solutions)")
    parser.add_argument("--hidden", type=Path, default=None, metavar="DIR",
                        help="folder of hidden checks (.py files defining HIDDEN_CHECKS)")
    parser.add_argument("--assignment", default=None, metavar="NAME",
                        help="grade every submission as this notebook, e.g. 01_neuron")
    parser.add_argument("--sandbox", choices=("auto", "required", "off"), default="auto",
                        help="auto: bubblewrap when it works here, else grade without it and "
                             "warn; required: refuse to grade without it; off: never "
                             "(trusted code only)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(run=run_grade)


def run_grade(args) -> int:
    from nncourse.grading.grader import GradingOptions, grade
    from nncourse.grading.reports import write_reports

    options = GradingOptions(
        solutions=args.solutions or default_solutions(), hidden=args.hidden,
        assignment=args.assignment, jobs=args.jobs, timeout=args.timeout,
        memory_bytes=args.memory, progress=not args.no_progress, sandbox=args.sandbox,
        private=(args.output,),
    )
    try:
        batch = grade(args.submissions, options)
    except CourseError as error:
        print(f"nncourse grade: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # the grader's own fault (a reference or hidden check failed)
        print(f"nncourse grade: could not grade: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    write_reports(batch, args.output)
    n = len(batch.submissions)
    print(f"graded {n} notebook{'s' if n != 1 else ''} in {batch.seconds:.1f} s; "
          f"reports in {args.output}")
    for report in batch.submissions:
        for problem in report.internal_errors:
            print(f"not graded properly: {report.path}: {problem}", file=sys.stderr)
    return 0 if batch.fully_graded else 1
