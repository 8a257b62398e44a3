"""The course through nbgrader 0.9 itself: `generate_assignment` with the shipped
nbgrader_config.py, `autograde` and `generate_feedback` on every solution notebook, for a correct,
a half-right and an untouched submission of each (and one that replaces `check`), with the
scores compared with `nncourse grade` on the very same `submitted/` folder."""

from __future__ import annotations

import copy
import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

pytest.importorskip("nbgrader", reason="nbgrader is in the test extra")

from nncourse.cli import main  # noqa: E402
from nncourse.grading.release import release_notebook  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
NAMES = [p.stem for p in sorted(SOLUTIONS.glob("*.ipynb"))]
STUDENTS = ("correct", "half", "untouched")
BIN = Path(sys.executable).parent
CHEATS = {  # a line at the top of the first answer cell of an otherwise untouched notebook
    "replaces-check": "check = lambda *a, **k: None\n",
    "silences-stderr": "import io, sys\nsys.stderr = io.StringIO()\n",
}


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    for variable in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        env.setdefault(variable, str(course / ".state" / variable.lower()))
    done = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def answered(released: dict, solution: dict, keep) -> dict:
    """The released notebook with the solution's answer put back where `keep(index)` says."""
    notebook = copy.deepcopy(released)
    answers = {c["metadata"]["nbgrader"]["grade_id"]: c["source"] for c in solution["cells"]
               if c["metadata"].get("nbgrader", {}).get("solution")}
    index = 0
    for cell in notebook["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in answers and cell["metadata"]["nbgrader"].get("solution"):
            if keep(index):
                cell["source"] = answers[grade_id]
            index += 1
    return notebook


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """An nbgrader course folder: source/, release/, submitted/, autograded/, feedback/."""
    course = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    for name in NAMES:
        (course / "source" / name).mkdir(parents=True)
        shutil.copy(SOLUTIONS / f"{name}.ipynb", course / "source" / name)
    nbgrader(course, "generate_assignment", "*", "--force")
    keep = {"correct": lambda i: True, "half": lambda i: i % 2 == 0,
            "untouched": lambda i: False}
    for name in NAMES:
        released = json.loads((course / "release" / name / f"{name}.ipynb").read_text())
        solution = json.loads((SOLUTIONS / f"{name}.ipynb").read_text())
        for student in STUDENTS:
            folder = course / "submitted" / student / name
            folder.mkdir(parents=True)
            notebook = answered(released, solution, keep[student])
            (folder / f"{name}.ipynb").write_text(json.dumps(notebook))
    cheat = answered(json.loads((course / "release" / NAMES[0] / f"{NAMES[0]}.ipynb")
                                .read_text()), {"cells": []}, lambda i: False)
    first_answer = next(c for c in cheat["cells"]
                        if c["metadata"].get("nbgrader", {}).get("solution"))
    answer = "".join(first_answer["source"])
    for cheater, trick in CHEATS.items():
        first_answer["source"] = trick + answer
        (course / "submitted" / cheater / NAMES[0]).mkdir(parents=True)
        (course / "submitted" / cheater / NAMES[0] / f"{NAMES[0]}.ipynb").write_text(
            json.dumps(cheat))
    nbgrader(course, "autograde", "*", "--create", "--force")
    # feedback pages for the half-right submissions (passed and failed checks side by side):
    # nbconvert's HTML export is the slowest step, and the other two add nothing to test
    nbgrader(course, "generate_feedback", "*", "--student", "half", "--force")
    return course


def nbgrader_scores(course: Path) -> dict[tuple[str, str], tuple[float, float]]:
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                scores[(submission.student.id, assignment.name)] = (
                    submission.score, submission.max_score)
    return scores


def test_nbgrader_releases_the_notebook_nncourse_release_writes(course):
    for name in NAMES:
        ours = release_notebook(json.loads((SOLUTIONS / f"{name}.ipynb").read_text()), name)
        theirs = json.loads((course / "release" / name / f"{name}.ipynb").read_text())
        assert [c["id"] for c in theirs["cells"]] == [c["id"] for c in ours["cells"]]
        for mine, nbgraders in zip(ours["cells"], theirs["cells"]):
            assert "".join(nbgraders["source"]) == "".join(mine["source"]), mine["id"]
        text = json.dumps(theirs)
        assert "BEGIN SOLUTION" not in text and "NotImplementedError" not in text
        assert not any("solution-only" in c["metadata"].get("tags", []) for c in theirs["cells"])


def test_run_all_reaches_the_end_of_every_untouched_notebook(course):
    for name in NAMES:
        notebook = json.loads((course / "autograded" / "untouched" / name / f"{name}.ipynb")
                              .read_text())
        code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        assert all(c["execution_count"] is not None for c in code), name
        assert not [o for c in code for o in c["outputs"] if o["output_type"] == "error"], name
        assert "Topic" in "".join("".join(o.get("text", "")) for o in code[-1]["outputs"])


def test_nbgrader_and_nncourse_grade_give_the_same_scores(course, tmp_path):
    scores = nbgrader_scores(course)
    out = tmp_path / "out"
    assert main(["grade", str(course / "submitted"), "-o", str(out), "--solutions",
                 str(SOLUTIONS), "--no-progress", "--jobs", "2"]) == 0
    with (out / "learners.csv").open(encoding="utf-8") as handle:
        ours = {(row["learner"], row["assignment"]): (float(row["score"]),
                                                      float(row["max_score"]))
                for row in csv.DictReader(handle) if row["status"] == "graded"}
    for name in NAMES:
        full = scores[("correct", name)][1]
        assert full > 0
        assert scores[("correct", name)] == ours[("correct", name)] == (full, full)
        assert scores[("untouched", name)] == ours[("untouched", name)] == (0, full)
        half = scores[("half", name)]
        assert half == ours[("half", name)], name
        assert 0 < half[0] < full, name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["layout"] == ["nbgrader's submitted/<student>/<assignment>/<notebook>"]


@pytest.mark.parametrize("cheater", CHEATS)
def test_replacing_check_or_silencing_stderr_earns_nothing_under_nbgrader(course, cheater):
    assert nbgrader_scores(course)[(cheater, NAMES[0])][0] == 0


def test_feedback_shows_each_passed_and_failed_check(course):
    scores = nbgrader_scores(course)
    for name in NAMES:
        page = (course / "feedback" / "half" / name / f"{name}.html").read_text()
        score, full = scores[("half", name)]
        assert f"{score:g} / {full:g}" in page.replace(".0 ", " ").replace(".0<", "<") or \
            f"{score} / {full}" in page, name
        assert "tests passed" in page and "not written yet" in page, name
