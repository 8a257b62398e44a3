"""Item analysis: what to re-teach. Per exercise and per case, how many learners failed it, and
the wrong answers they gave most often.

    OUTDIR/items.csv    exercise, case, hidden, graded, failed, fail_rate, then the three most
                        common wrong answers with how many learners gave each
    OUTDIR/items.html   the same as a page: one bar per case, its length the share of learners
                        who failed it, worst first within each exercise

A learner counts once per case: "graded" is every learner whose notebook of that lesson was
graded (a missing notebook, an older copy or a wrong notebook do not count). A wrong answer is the
value the learner's code returned, written the way the feedback writes it ("0.73 (a float)"), or
the exception it raised; an answer that was never computed (the function is missing, or the
exercise's process was stopped) counts as "(no answer)". These files are for the instructor:
they name hidden cases and the answers to value exercises.
"""

from __future__ import annotations

import csv
import html
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nncourse.grading.evaluate import Outcome, Presence, judge

if TYPE_CHECKING:
    from nncourse.grading.grader import BatchReport

NO_ANSWER = "(no answer)"
MAX_ANSWER_LENGTH = 80
TOP_ANSWERS = 3


def case_marks(exercise, cases, outcomes: list[Outcome], expected: list[Any],
               presence: Presence) -> list[tuple[str, bool, str]]:
    """(case name, passed, the learner's answer as text) for each case, judged one by one with
    the same `judge` that gives the verdict."""
    marks = []
    for case, outcome, want in zip(cases, outcomes, expected):
        if presence.missing or presence.not_callable:
            marks.append((case.name, False, NO_ANSWER))
            continue
        verdict = judge(exercise, [case], [outcome], presence, expected=[want])
        if verdict.passed:
            marks.append((case.name, True, ""))
        elif outcome.error is not None:
            marks.append((case.name, False, _short(outcome.error)))
        elif verdict.failure is not None:
            marks.append((case.name, False, _short(verdict.failure.got)))
        else:  # "not written": the answer was None
            marks.append((case.name, False, "None"))
    return marks


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_ANSWER_LENGTH else text[: MAX_ANSWER_LENGTH - 3] + "..."


@dataclass
class Item:
    """One case of one exercise, over the class."""

    exercise_id: str
    case: str
    hidden: bool
    graded: int = 0
    wrong: Counter = field(default_factory=Counter)

    @property
    def failed(self) -> int:
        return sum(self.wrong.values())

    @property
    def fail_rate(self) -> float:
        return self.failed / self.graded if self.graded else 0.0


def item_analysis(batch: BatchReport) -> list[Item]:
    """Every case of every graded exercise, in the order of the exercises and their cases."""
    from nncourse.grading import roster

    found: dict[tuple[str, str, bool], Item] = {}
    order = {slot.exercise_id: i for i, slot in
             enumerate(s for a in batch.assignments for s in a.slots)}
    for report in batch.submissions:
        if report.status != roster.GRADED:
            continue
        for test in report.tests:
            for case, passed, answer in test.cases:
                key = (test.exercise_id, case, test.hidden)
                item = found.setdefault(key, Item(test.exercise_id, case, test.hidden))
                item.graded += 1
                if not passed:
                    item.wrong[answer] += 1
    return sorted(found.values(), key=lambda i: order.get(i.exercise_id, len(order)))


def write_item_analysis(batch: BatchReport, outdir: str | Path) -> list[Item]:
    """items.csv and items.html in `outdir` (see the module docstring)."""
    outdir = Path(outdir)
    items = item_analysis(batch)
    with (outdir / "items.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        header = ["exercise", "case", "hidden", "graded", "failed", "fail_rate"]
        for n in range(1, TOP_ANSWERS + 1):
            header += [f"wrong_answer_{n}", f"learners_{n}"]
        writer.writerow(header)
        for item in items:
            row = [item.exercise_id, item.case, "yes" if item.hidden else "no", item.graded,
                   item.failed, f"{item.fail_rate:.4f}"]
            common = item.wrong.most_common(TOP_ANSWERS)
            for answer, count in common + [("", "")] * (TOP_ANSWERS - len(common)):
                row += [answer, count]
            writer.writerow(row)
    (outdir / "items.html").write_text(items_page(items), encoding="utf-8")
    return items


def items_page(items: list[Item]) -> str:
    """A page with one horizontal bar per case (the share of learners who failed it)."""
    e = html.escape
    by_exercise: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_exercise[item.exercise_id].append(item)
    sections = []
    for exercise_id, group in by_exercise.items():
        rows = []
        for item in sorted(group, key=lambda i: -i.fail_rate):
            percent = round(100 * item.fail_rate)
            answers = "; ".join(f"{e(a)} ({n})" for a, n in item.wrong.most_common(TOP_ANSWERS))
            hidden = " <em>(hidden)</em>" if item.hidden else ""
            rows.append(
                f"<tr><td>{e(item.case)}{hidden}</td>"
                f"<td class=\"bar\"><span class=\"track\"><span style=\"width: {percent}%\">"
                f"</span></span></td>"
                f"<td>{item.failed} of {item.graded} failed ({percent}%)</td>"
                f"<td>{answers}</td></tr>")
        sections.append(f"<h2>{e(exercise_id)}</h2>\n<table>\n<tr><th>case</th><th>failed</th>"
                        f"<th>learners</th><th>most common wrong answers (learners)</th></tr>\n"
                        + "\n".join(rows) + "\n</table>")
    body = "\n".join(sections) or "<p>No exercise was graded.</p>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Item analysis</title>
<style>
body {{ font-family: sans-serif; margin: 2em; max-width: 75em; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: 1.5em; }}
td, th {{ border: 1px solid #bbb; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }}
td.bar {{ width: 30%; }}
span.track {{ display: block; background: #eee; }}
span.track span {{ display: block; height: 1.1em; background: #c0392b; min-width: 1px; }}
</style>
</head>
<body>
<h1>Item analysis</h1>
<p>Per exercise, each case with the share of learners whose answer failed it (longest bar
first) and the wrong answers given most often: what to go over again.</p>
{body}
</body>
</html>
"""
