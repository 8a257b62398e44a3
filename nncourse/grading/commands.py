"""The `nncourse release` and `nncourse grade` subcommands (argument parsing and exit status)."""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from nncourse.errors import CourseError
from nncourse.grading.layouts import LAYOUTS
from nncourse.grading.gradescope import DEFAULT_HIDDEN_VISIBILITY, VISIBILITIES

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
  items.csv, items.html    per exercise and case: learners who failed it, common wrong answers
  learners.csv             every notebook found: its learner, its lesson, graded or why not
  summary.json             the class summary

Who handed in what (--layout, default auto: recognised from the tree):
  flat          submissions/alice.ipynb             a learner per file, named by the file
  per-learner   submissions/alice/01_neuron.ipynb   a learner per folder
  nbgrader      submitted/alice/01_neuron/*.ipynb   nbgrader's layout (course folder or
                                                    its submitted/ folder)
  single        submission/01_neuron.ipynb ...      one learner, several notebooks (name it
                                                    with --learner); given as an option, every
                                                    notebook of --solutions is expected
Names keep their letters (Unicode); every learner gets a folder of their own. The lessons
graded are those of --assignment, or those at least half of the learners handed in; a notebook
of another lesson is a "wrong notebook" (0 points, no one else's columns change). Of two
notebooks of one lesson from one learner, the newest (modification time) is graded and the
other reported.

One learner, one results.json (a Gradescope autograder, or one task of a batch system):
  nncourse grade SUBMISSION_DIR --layout single --results-json results/results.json

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
  nncourse grade course/submitted -o grades --layout nbgrader
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


def unwritable(folder: Path) -> str | None:
    """Why nothing can be written into `folder` (made when missing), or None when it can: asked
    before any grading, so that a class's results are never computed only to be lost."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        return f"cannot write into {folder} ({error.strerror or error})"
    return None


def run_release(args) -> int:
    from nncourse.grading.release import release

    problem = None if args.check else unwritable(Path(args.output))
    if problem:
        print(f"nncourse release: {problem}; choose a folder you can write to.", file=sys.stderr)
        return 1
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
    parser.add_argument("-o", "--output", type=Path, metavar="OUTDIR",
                        help="folder for the reports (created if needed); required unless "
                             "--results-json is given")
    parser.add_argument("--layout", choices=LAYOUTS, default="auto",
                        help="how the submissions are laid out (default: auto, from the tree)")
    parser.add_argument("--learner", default=None, metavar="NAME",
                        help="the learner's name for --layout single (default: the folder's)")
    parser.add_argument("--results-json", type=Path, default=None, metavar="FILE",
                        help="write the one learner's results.json here (the submissions must "
                             "be one learner's)")
    parser.add_argument("--hidden-visibility", choices=VISIBILITIES,
                        default=DEFAULT_HIDDEN_VISIBILITY,
                        help="Gradescope visibility of hidden checks' tests (default: visible; "
                             "see the README)")
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
                        help="grade only this notebook, e.g. 01_neuron (a notebook of another "
                             "lesson scores 0 as a wrong notebook)")
    parser.add_argument("--sandbox", choices=("auto", "required", "off"), default="auto",
                        help="auto: bubblewrap when it works here, else grade without it and "
                             "warn; required: refuse to grade without it; off: never "
                             "(trusted code only)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(run=run_grade)


def run_grade(args) -> int:
    from nncourse.grading.grader import GradingOptions, grade
    from nncourse.grading.reports import write_one_result, write_reports

    if args.output is None and args.results_json is None:
        print("nncourse grade: give -o OUTDIR, --results-json FILE, or both.", file=sys.stderr)
        return 2
    targets = [p for p in (args.output, args.results_json and args.results_json.parent) if p]
    for problem in filter(None, map(unwritable, targets)):
        print(f"nncourse grade: {problem}; choose a folder you can write to (nothing was "
              "graded).", file=sys.stderr)
        return 2
    options = GradingOptions(
        solutions=args.solutions or default_solutions(), hidden=args.hidden,
        assignment=args.assignment, jobs=args.jobs, timeout=args.timeout,
        memory_bytes=args.memory, progress=not args.no_progress, layout=args.layout,
        learner=args.learner, sandbox=args.sandbox,
        private=tuple(p for p in (args.output, args.results_json) if p is not None),
    )
    try:
        batch = grade(args.submissions, options)
    except CourseError as error:
        print(f"nncourse grade: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # the grader's own fault (a reference or hidden check failed)
        print(f"nncourse grade: could not grade: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    try:
        if args.results_json is not None:
            write_one_result(batch, args.results_json, args.hidden_visibility)
        if args.output is not None:
            write_reports(batch, args.output, args.hidden_visibility)
    except CourseError as error:  # results of several learners for --results-json
        print(f"nncourse grade: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # the disk filled up, the folder went away while grading, ...
        print(f"nncourse grade: graded, but the results could not be written: {error}",
              file=sys.stderr)
        return 1
    n = sum(r.path is not None for r in batch.submissions)
    learners = len({r.learner for r in batch.submissions})
    print(f"submissions read as {'; '.join(batch.layouts) or 'nothing found'}: "
          f"{learners} learner{'s' if learners != 1 else ''}, "
          f"{n} notebook{'s' if n != 1 else ''}")
    written = ", ".join(str(p) for p in (args.output, args.results_json) if p is not None)
    print(f"graded in {batch.seconds:.1f} s; written to {written}")
    for report in batch.submissions:
        for problem in report.internal_errors:
            print(f"not graded properly: {report.path}: {problem}", file=sys.stderr)
    return 0 if batch.fully_graded else 1


def add_autograder_command(subparsers) -> None:
    parser = subparsers.add_parser(
        "autograder", help="write a Gradescope autograder (a zip) that grades with nncourse",
        description="Write a Gradescope autograder: setup.sh installs this package from a wheel "
                    "in the zip (dependencies pinned, no Docker); run_autograder grades "
                    "/autograder/submission as one learner into "
                    "/autograder/results/results.json. See nncourse/grading/gradescope.py and "
                    "the README.",
    )
    parser.add_argument("solutions", nargs="+", type=Path, metavar="SOLUTIONS",
                        help="solution notebooks (or folders of them) the learners hand in")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="ZIP",
                        help="the zip to write, e.g. autograder.zip")
    parser.add_argument("--hidden", type=Path, default=None, metavar="DIR",
                        help="folder of hidden checks to grade with too")
    parser.add_argument("--hidden-visibility", choices=VISIBILITIES,
                        default=DEFAULT_HIDDEN_VISIBILITY,
                        help="what a learner sees of hidden checks' tests (default: visible; "
                             "anything else also hides their total until then)")
    parser.add_argument("--timeout", type=positive_float, default=10.0, metavar="S",
                        help="seconds per exercise (default: 10)")
    parser.add_argument("--memory", default="1G", metavar="M",
                        help="memory per exercise, e.g. 512M (default: 1G)")
    parser.add_argument("--wheel", type=Path, default=None, metavar="WHEEL",
                        help="an nncourse wheel to ship (default: built from the source tree)")
    parser.set_defaults(run=run_autograder)


def run_autograder(args) -> int:
    from nncourse.grading.gradescope import build_autograder

    problem = unwritable(Path(args.output).parent)
    if problem:
        print(f"nncourse autograder: {problem}; choose a folder you can write to.",
              file=sys.stderr)
        return 1
    try:
        memory_size(args.memory)
        path = build_autograder(args.solutions, args.output, hidden=args.hidden,
                                wheel=args.wheel, hidden_visibility=args.hidden_visibility,
                                timeout=args.timeout, memory=args.memory)
    except (CourseError, argparse.ArgumentTypeError) as error:
        print(f"nncourse autograder: could not build the autograder: {error}", file=sys.stderr)
        return 1
    print(f"wrote {path}: upload it as the assignment's autograder on Gradescope")
    return 0
