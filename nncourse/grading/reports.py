"""What `nncourse grade` writes into its output folder.

    OUTDIR/<learner>/results.json   Gradescope's autograder format: score, max_score,
                                    execution_time, output, tests [{name, score, max_score,
                                    status, output, visibility}]
    OUTDIR/<learner>/feedback.html  the same, as a page a learner can read (all text escaped;
                                    hidden checks by name and verdict, never their code)
    OUTDIR/grades.csv               one row per learner, one column per exercise (points earned,
                                    public and hidden checks together), then total and max_score
    OUTDIR/pass_rates.csv           per exercise: learners graded, learners with full points, rate
    OUTDIR/summary.json             the class summary: counts, pass rates, timings, problems,
                                    missing notebooks

The exercise columns of grades.csv, pass_rates.csv and summary.json are those of the assignments
the batch answers (not every notebook of the solutions folder), in the folder's order of
notebooks and each notebook's order of exercises, whatever the order of the submissions.
A learner who hands in no notebook for one of those assignments scores 0 on its exercises, its
points count in their max_score, and their row names the missing notebook: nothing goes unseen.

Everything is written after all submissions are graded, so no child process can touch it.
"""

from __future__ import annotations

import csv
import html
import json
import re
from collections import defaultdict
from pathlib import Path

from nncourse.grading.grader import BatchReport, SubmissionReport, TestResult

HIDDEN_VISIBILITY = "after_published"


def safe_folder_name(name: str) -> str:
    """A learner's name as a folder name (no path separators, no leading dots)."""
    cleaned = re.sub(r"[^A-Za-z0-9._@+-]+", "_", name).lstrip(".")
    return cleaned or "learner"


def group_by_learner(batch: BatchReport) -> dict[str, list[SubmissionReport]]:
    grouped: dict[str, list[SubmissionReport]] = defaultdict(list)
    for report in batch.submissions:
        grouped[report.learner].append(report)
    return dict(grouped)


def results_document(reports: list[SubmissionReport]) -> dict:
    """A learner's results in Gradescope's autograder `results.json` format."""
    tests = [t for r in reports for t in r.tests]
    problems = [r.problem for r in reports if r.problem]
    score = sum(t.score for t in tests)
    max_score = sum(t.max_score for t in tests)
    output = [f"{score:g} of {max_score:g} points."] + problems
    return {
        "score": score,
        "max_score": max_score,
        "execution_time": round(sum(r.seconds for r in reports), 3),
        "output": "\n".join(output),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [
            {
                "name": t.name,
                "score": t.score,
                "max_score": t.max_score,
                "status": t.status,
                "output": t.output,
                "visibility": HIDDEN_VISIBILITY if t.hidden else "visible",
            }
            for t in tests
        ],
    }


def feedback_page(learner: str, reports: list[SubmissionReport]) -> str:
    """A self-contained HTML page with the learner's verdicts (every text escaped)."""
    e = html.escape
    document = results_document(reports)
    rows = []
    for test in (t for r in reports for t in r.tests):
        mark = "passed" if test.status == "passed" else "failed"
        rows.append(
            f"<tr class=\"{mark}\"><td>{e(test.name)}</td><td>{e(mark)}</td>"
            f"<td>{test.score:g} / {test.max_score:g}</td>"
            f"<td><pre>{e(test.output)}</pre></td></tr>"
        )
    problems = "".join(f"<p class=\"problem\">{e(r.problem)}</p>" for r in reports if r.problem)
    files = ", ".join(e(r.path.name) for r in reports)
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
<p>Notebook: {files}. Score: <strong>{document["score"]:g} of {document["max_score"]:g}</strong>
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
    """The exercises of every assignment that at least one submission answers, in order."""
    answered = {r.assignment for r in batch.submissions}
    return [slot.exercise_id for a in batch.assignments if a.name in answered for slot in a.slots]


def write_reports(batch: BatchReport, outdir: str | Path) -> Path:
    """Write every file listed in the module docstring; returns the output folder."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    by_learner = group_by_learner(batch)
    for learner, reports in by_learner.items():
        folder = outdir / safe_folder_name(learner)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "results.json").write_text(
            json.dumps(results_document(reports), indent=2) + "\n", encoding="utf-8")
        (folder / "feedback.html").write_text(feedback_page(learner, reports), encoding="utf-8")
    columns = exercise_columns(batch)
    missing = missing_notebooks(batch, by_learner)
    _write_grades(outdir / "grades.csv", by_learner, columns, missing, batch)
    rates = pass_rates(by_learner, columns)
    _write_pass_rates(outdir / "pass_rates.csv", rates)
    summary = {
        "learners": len(by_learner),
        "submissions": len(batch.submissions),
        "fully_graded": batch.fully_graded,
        "sandbox": batch.sandbox,
        "seconds": round(batch.seconds, 3),
        "pass_rates": rates,
        "problems": {r.learner: r.problem for r in batch.submissions if r.problem},
        "missing_notebooks": missing,
        "grader_errors": {r.learner: r.internal_errors for r in batch.submissions
                          if r.internal_errors},
    }
    (outdir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return outdir


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


def missing_notebooks(batch: BatchReport, by_learner) -> dict[str, list[str]]:
    """Per learner, the graded assignments of the batch they handed in no notebook for."""
    graded = [a.name for a in batch.assignments
              if a.name in {r.assignment for r in batch.submissions}]
    missing = {}
    for learner, reports in by_learner.items():
        handed_in = {r.assignment for r in reports}
        absent = [name for name in graded if name not in handed_in]
        if absent:
            missing[learner] = absent
    return missing


def _write_grades(path: Path, by_learner, columns: list[str], missing: dict, batch) -> None:
    """One row per learner. An exercise of a notebook the learner did not hand in scores 0 and
    counts in max_score, and the row says which notebook is missing."""
    max_of = {a.name: a.max_points for a in batch.assignments}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["learner", *columns, "total", "max_score", "notebooks", "problems"])
        for learner in sorted(by_learner):
            reports = by_learner[learner]
            tests = [t for r in reports for t in r.tests]
            points = _points_by_exercise(tests)
            attempted = {t.exercise_id for t in tests}
            absent = missing.get(learner, [])
            problems = [r.problem for r in reports if r.problem]
            problems += [f"No notebook handed in for {name}." for name in absent]
            writer.writerow([
                learner,
                *[f"{points[c]:g}" if c in attempted else "0" for c in columns],
                f"{sum(t.score for t in tests):g}",
                f"{sum(t.max_score for t in tests) + sum(max_of[name] for name in absent):g}",
                ";".join(str(r.path) for r in reports),
                " ".join(problems),
            ])


def pass_rates(by_learner, columns: list[str]) -> dict[str, dict]:
    """For each exercise: how many learners were graded on it, how many got full points."""
    rates = {}
    for column in columns:
        graded = passed = 0
        for reports in by_learner.values():
            full = _full_marks([t for r in reports for t in r.tests])
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
