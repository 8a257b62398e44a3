"""Which notebooks count: one per learner and lesson, only the lessons the batch grades.

The rules, applied after every notebook has been matched to a lesson of the solutions folder:

- The lessons graded are those named with `--assignment`; with `--layout single` (one learner,
  as in a Gradescope autograder) every lesson of the solutions folder; or else every lesson that
  at least half of the learners handed in a notebook for.
- A notebook of any other lesson, or one handed in under nbgrader's folder of another assignment,
  is a **wrong notebook**: it scores 0, its exercises become nobody's columns, and it changes no
  one's maximum. The learner's row says so.
- Two or more notebooks of one lesson from one learner: the **newest** (latest modification time;
  on a tie, the last path in alphabetical order) is graded, every other is reported as an older
  copy and never added to the score.
- A graded lesson a learner handed in nothing for scores 0 on each of its tests (hidden ones
  included), so that the learner's maximum is the class's maximum.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

GRADED = "graded"
OLDER_COPY = "older copy"
WRONG_NOTEBOOK = "wrong notebook"
MISSING = "missing"
UNREADABLE = "unmatched"


def lessons_graded(reports: Sequence, lessons: Sequence[str], chosen: str | None,
                   every_lesson: bool = False) -> list[str]:
    """The lessons of the batch, in the solutions folder's order (see the module docstring)."""
    if chosen is not None:
        return [chosen]
    if every_lesson:
        return list(lessons)
    learners: dict[str, set[str]] = defaultdict(set)
    for report in reports:
        if report.assignment:
            learners[report.assignment].add(report.learner)
    everyone = {r.learner for r in reports}
    return [name for name in lessons if 2 * len(learners[name]) >= len(everyone) > 0]


def settle(reports: Sequence, lessons: Sequence[str], chosen: str | None,
           every_lesson: bool = False) -> list[str]:
    """Mark wrong notebooks and older copies (`report.status`, `report.problem`); returns the
    lessons graded."""
    graded = lessons_graded(reports, lessons, chosen, every_lesson)
    for report in reports:
        intended = report.intended if report.intended in lessons else None
        if report.assignment is None:
            continue
        if intended and report.assignment != intended:
            _mark(report, WRONG_NOTEBOOK, f"Wrong notebook: this is {report.assignment}, handed "
                                          f"in as {intended}; it scores 0.")
        elif report.assignment not in graded:
            _mark(report, WRONG_NOTEBOOK, f"Wrong notebook: this is {report.assignment}, which "
                                          f"this batch does not grade ({', '.join(graded)}); "
                                          f"it scores 0.")
    copies: dict[tuple[str, str], list] = defaultdict(list)
    for report in reports:
        if report.status == GRADED and report.assignment:
            copies[(report.learner, report.assignment)].append(report)
    for (_learner, lesson), group in copies.items():
        if len(group) < 2:
            continue
        group.sort(key=lambda r: (_modified(r.path), str(r.path)))
        newest = group[-1]
        for report in group[:-1]:
            _mark(report, OLDER_COPY, f"Not graded: {newest.path.name} is a newer notebook of "
                                      f"{lesson} from the same learner, and only the newest "
                                      f"counts.")
    return graded


def absent_lessons(reports: Sequence, graded: Sequence[str]) -> dict[str, list[str]]:
    """Per learner, the graded lessons they handed in no notebook for (wrong notebooks do not
    count as handed in)."""
    handed_in: dict[str, set[str]] = defaultdict(set)
    for report in reports:
        handed_in[report.learner]
        if report.status in (GRADED, OLDER_COPY) and report.assignment:
            handed_in[report.learner].add(report.assignment)
    absent = {}
    for learner, lessons in handed_in.items():
        missing = [name for name in graded if name not in lessons]
        if missing:
            absent[learner] = missing
    return absent


def _mark(report, status: str, problem: str) -> None:
    report.status = status
    report.problem = " ".join(filter(None, [report.problem, problem]))


def _modified(path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
