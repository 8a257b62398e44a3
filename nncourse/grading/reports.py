"""What `nncourse grade` writes into its output folder.

    OUTDIR/<learner>/results.json   Gradescope's autograder format (`results_document`)
    OUTDIR/<learner>/feedback.html  the same, as a page a learner can read (all text escaped;
                                    hidden checks by name and verdict, never their code)
    OUTDIR/grades.csv               one row per learner, one column per exercise (points earned,
                                    public and hidden checks together), then total and max_score
    OUTDIR/pass_rates.csv           per exercise: learners graded, learners with full points, rate
    OUTDIR/items.csv, items.html    item analysis: per exercise and case, how many learners
                                    failed it and their most common wrong answers (`items`)
    OUTDIR/learners.csv             what each learner was taken to be: every notebook found, its
                                    learner, their folder, the notebook it answers, and whether
                                    it was graded (or an older copy, a wrong notebook, missing)
    OUTDIR/summary.json             the class summary: counts, pass rates, timings, problems,
                                    missing notebooks, how the submissions were laid out

The exercise columns of grades.csv, pass_rates.csv and summary.json are those of the lessons the
batch grades (`roster`), in the solutions folder's order of notebooks and each notebook's order
of exercises, whatever the order of the submissions. A learner who hands in no notebook for one
of those lessons scores 0 on each of its tests (hidden ones too), they count in their max_score,
and their row names the missing notebook: nothing goes unseen.

Every learner gets a folder of their own, named with the letters of their name
(`layouts.output_folders`: 李娜 and 王伟 are two folders).

Everything is written after all submissions are graded, so no child process can touch it.
"""

from __future__ import annotations

import csv
import html
import json
from collections import defaultdict
from pathlib import Path

from nncourse.grading import roster
from nncourse.grading.gradescope import DEFAULT_HIDDEN_VISIBILITY
from nncourse.grading.grader import BatchReport, SubmissionReport, TestResult
from nncourse.grading.layouts import output_folders



def group_by_learner(batch: BatchReport) -> dict[str, list[SubmissionReport]]:
    grouped: dict[str, list[SubmissionReport]] = defaultdict(list)
    for report in batch.submissions:
        grouped[report.learner].append(report)
    return dict(grouped)


def _lesson_number(batch: BatchReport | None, assignment: str | None) -> int:
    names = [a.name for a in batch.assignments] if batch else []
    return names.index(assignment) + 1 if assignment in names else 0


def results_document(reports: list[SubmissionReport], batch: BatchReport | None = None,
                     hidden_visibility: str = DEFAULT_HIDDEN_VISIBILITY) -> dict:
    """A learner's results in Gradescope's autograder `results.json` format: only fields of its
    specification. Top level: score, execution_time, output (the total, every missing, wrong
    or older notebook), visibility, stdout_visibility, tests. Each test: name, number ("lesson.
    test", for Gradescope's ordering), score, max_score, status, output, tags (the exercise, the
    lesson, "public" or "hidden") and visibility (hidden tests: `hidden_visibility`)."""
    reports = sorted(reports, key=lambda r: (_lesson_number(batch, r.assignment),
                                             str(r.path or "")))
    tests, counters = [], defaultdict(int)
    for report in reports:
        lesson = _lesson_number(batch, report.assignment)
        for test in report.tests:
            counters[lesson] += 1
            tests.append({
                "name": test.name,
                "number": f"{lesson}.{counters[lesson]}",
                "score": test.score,
                "max_score": test.max_score,
                "status": test.status,
                "output": test.output,
                "tags": [test.exercise_id, report.assignment or "",
                         "hidden" if test.hidden else "public"],
                "visibility": hidden_visibility if test.hidden else "visible",
            })
    score = sum(t["score"] for t in tests)
    max_score = sum(t["max_score"] for t in tests)
    output = [f"{score:g} of {max_score:g} points."] + [r.problem for r in reports if r.problem]
    return {
        "score": score,
        "execution_time": round(sum(r.seconds for r in reports), 3),
        "output": "\n".join(output),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def feedback_page(learner: str, reports: list[SubmissionReport]) -> str:
    """A self-contained HTML page with the learner's verdicts (every text escaped)."""
    e = html.escape
    document = results_document(reports)
    total = sum(t["max_score"] for t in document["tests"])
    rows = []
    for test in (t for r in reports for t in r.tests):
        mark = "passed" if test.status == "passed" else "failed"
        rows.append(
            f"<tr class=\"{mark}\"><td>{e(test.name)}</td><td>{e(mark)}</td>"
            f"<td>{test.score:g} / {test.max_score:g}</td>"
            f"<td><pre>{e(test.output)}</pre></td></tr>"
        )
    problems = "".join(f"<p class=\"problem\">{e(r.problem)}</p>" for r in reports if r.problem)
    files = ", ".join(e(r.path.name) for r in reports if r.path) or "none"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Feedback for {e(learner)}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; max-width: 70em; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border: 1px solid #888; padding: 0.4em; vertical-align: top; text-align: left; }}
tr.passed td:nth-child(2) {{ font-weight: bold; }}
tr.failed td:nth-child(2) {{ font-weight: bold; text-decoration: underline; }}
pre {{ white-space: pre-wrap; margin: 0; }}
</style>
</head>
<body>
<h1>Feedback for {e(learner)}</h1>
<p>Notebook: {files}. Score: <strong>{document["score"]:g} of {total:g}</strong>
points.</p>
{problems}
<table>
<tr><th>test</th><th>result</th><th>points</th><th>details</th></tr>
{chr(10).join(rows)}
</table>
</body>
</html>
"""


def exercise_columns(batch: BatchReport) -> list[str]:
    """The exercises of every lesson the batch grades, in order."""
    return [slot.exercise_id for a in batch.assignments if a.name in batch.lessons
            for slot in a.slots]


def write_reports(batch: BatchReport, outdir: str | Path,
                  hidden_visibility: str = DEFAULT_HIDDEN_VISIBILITY) -> Path:
    """Write every file listed in the module docstring; returns the output folder."""
    from nncourse.grading.items import write_item_analysis

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    by_learner = group_by_learner(batch)
    folders = output_folders(by_learner)
    for learner, reports in by_learner.items():
        folder = outdir / folders[learner]
        folder.mkdir(parents=True, exist_ok=True)
        document = results_document(reports, batch, hidden_visibility)
        (folder / "results.json").write_text(
            json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (folder / "feedback.html").write_text(feedback_page(learner, reports), encoding="utf-8")
    columns = exercise_columns(batch)
    missing = missing_notebooks(batch)
    _write_grades(outdir / "grades.csv", by_learner, columns)
    _write_learners(outdir / "learners.csv", batch, folders)
    rates = pass_rates(by_learner, columns)
    _write_pass_rates(outdir / "pass_rates.csv", rates)
    write_item_analysis(batch, outdir)
    summary = {
        "learners": len(by_learner),
        "submissions": sum(r.path is not None for r in batch.submissions),
        "fully_graded": batch.fully_graded,
        "sandbox": batch.sandbox,
        "seconds": round(batch.seconds, 3),
        "layout": batch.layouts,
        "lessons": batch.lessons,
        "pass_rates": rates,
        "problems": {learner: " ".join(r.problem for r in reports if r.problem and r.path)
                     for learner, reports in sorted(by_learner.items())
                     if any(r.problem and r.path for r in reports)},
        "missing_notebooks": missing,
        "grader_errors": {r.learner: r.internal_errors for r in batch.submissions
                          if r.internal_errors},
    }
    (outdir / "summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return outdir


def write_one_result(batch: BatchReport, path: str | Path,
                     hidden_visibility: str = DEFAULT_HIDDEN_VISIBILITY) -> Path:
    """One learner's results.json at `path` (Gradescope's /autograder/results/results.json)."""
    from nncourse.errors import CourseError

    by_learner = group_by_learner(batch)
    if len(by_learner) != 1:
        names = ", ".join(sorted(by_learner)) or "none"
        raise CourseError(f"--results-json writes one learner's results, but the submissions "
                          f"are {len(by_learner)} learners ({names}); give one learner's folder "
                          f"or use --layout single.")
    (reports,) = by_learner.values()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = results_document(reports, batch, hidden_visibility)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _points_by_exercise(tests: list[TestResult]) -> dict[str, float]:
    points: dict[str, float] = defaultdict(float)
    for test in tests:
        points[test.exercise_id] += test.score
    return points


def _full_marks(tests: list[TestResult]) -> dict[str, bool]:
    full: dict[str, bool] = {}
    for test in tests:
        full[test.exercise_id] = full.get(test.exercise_id, True) and test.status == "passed"
    return full


def missing_notebooks(batch: BatchReport) -> dict[str, list[str]]:
    """Per learner, the graded lessons they handed in no notebook for."""
    missing: dict[str, list[str]] = defaultdict(list)
    for report in batch.submissions:
        if report.status == roster.MISSING:
            missing[report.learner].append(report.assignment)
    return dict(sorted(missing.items()))


def _write_grades(path: Path, by_learner, columns: list[str]) -> None:
    """One row per learner. An exercise of a notebook the learner did not hand in scores 0 and
    counts in max_score (its hidden checks too), and the row says which notebook is missing."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["learner", *columns, "total", "max_score", "notebooks", "problems"])
        for learner in sorted(by_learner):
            reports = by_learner[learner]
            tests = [t for r in reports for t in r.tests]
            points = _points_by_exercise(tests)
            writer.writerow([
                learner,
                *[f"{points[c]:g}" if c in points else "0" for c in columns],
                f"{sum(t.score for t in tests):g}",
                f"{sum(t.max_score for t in tests):g}",
                ";".join(str(r.path) for r in reports if r.path),
                " ".join(r.problem for r in reports if r.problem),
            ])


def _write_learners(path: Path, batch: BatchReport, folders: dict[str, str]) -> None:
    """Every notebook found (and every one missing), whose it was taken to be, and its fate."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["learner", "folder", "notebook", "assignment", "status", "score",
                         "max_score"])
        for report in sorted(batch.submissions, key=lambda r: (r.learner, str(r.path or ""))):
            writer.writerow([report.learner, folders[report.learner], report.path or "",
                             report.assignment or "", report.status, f"{report.score:g}",
                             f"{report.max_score:g}"])


def pass_rates(by_learner, columns: list[str]) -> dict[str, dict]:
    """For each exercise: how many learners were graded on it (a missing notebook is not), how
    many got full points."""
    rates = {}
    for column in columns:
        graded = passed = 0
        for reports in by_learner.values():
            full = _full_marks([t for r in reports if r.status != roster.MISSING
                                for t in r.tests])
            if column in full:
                graded += 1
                passed += full[column]
        rates[column] = {"graded": graded, "passed": passed,
                         "pass_rate": round(passed / graded, 4) if graded else None}
    return rates


def _write_pass_rates(path: Path, rates: dict[str, dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["exercise", "graded", "passed", "pass_rate"])
        for exercise, row in rates.items():
            rate = "" if row["pass_rate"] is None else f"{row['pass_rate']:.4f}"
            writer.writerow([exercise, row["graded"], row["passed"], rate])
