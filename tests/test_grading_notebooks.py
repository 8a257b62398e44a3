"""Every solution notebook grades to full marks; every untouched exercise notebook runs without an
error, its checks say what is missing, and it grades to zero.

(The solution notebooks themselves are executed by nbval, against their stored outputs.)
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from nncourse.grading.answers import load_assignment
from nncourse.grading.grader import GradingOptions, grade

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
NAMES = [p.name for p in sorted(SOLUTIONS.glob("*.ipynb"))]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Every solution and every untouched exercise notebook, graded in one batch."""
    folder = tmp_path_factory.mktemp("submissions")
    for learner, source in (("solution", SOLUTIONS), ("exercise", EXERCISES)):
        (folder / learner).mkdir()
        for name in NAMES:
            shutil.copy(source / name, folder / learner / name)
    report = grade([folder], GradingOptions(solutions=SOLUTIONS, jobs=2, progress=False))
    assert report.layouts == ["<learner>/<notebook>: each folder is a learner"]
    return {f"{r.learner}-{r.path.name}": r for r in report.submissions}


@pytest.mark.parametrize("name", NAMES)
def test_solution_grades_to_full_marks(batch, name):
    report = batch[f"solution-{name}"]
    assert report.max_score == load_assignment(SOLUTIONS / name).max_points > 0
    assert report.score == report.max_score, [t.output for t in report.tests
                                              if t.status != "passed"]


@pytest.mark.parametrize("name", NAMES)
def test_untouched_exercise_grades_to_zero(batch, name):
    report = batch[f"exercise-{name}"]
    assert report.score == 0 and report.max_score > 0
    assert not report.internal_errors


@pytest.fixture
def kernel_dirs(tmp_path, monkeypatch):
    """Jupyter and IPython keep their state in the test's folder, not in the home folder."""
    for variable in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        if not os.environ.get(variable):
            monkeypatch.setenv(variable, str(tmp_path / variable.lower()))


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_untouched_exercise_runs_and_says_what_is_missing(tmp_path, kernel_dirs, name):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(EXERCISES / name, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(EXERCISES)}}).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    for slot in load_assignment(SOLUTIONS / name).slots:
        verdict = next(line for line in text.splitlines()
                       if line.startswith(f"{slot.exercise_id} ("))
        assert "not written yet" in verdict, verdict
    assert "Topic" in text and "0 of" in text
