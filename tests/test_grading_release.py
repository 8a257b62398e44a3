"""`nncourse release`: exercises/ is exactly what releasing solutions/ writes, every time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nncourse.errors import CourseError
from nncourse.grading.release import release, release_notebook, solution_problems, strip_solutions

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
SOLUTION_FILES = sorted(SOLUTIONS.glob("*.ipynb"))


def test_exercises_folder_is_what_release_writes():
    stale = release(SOLUTIONS, EXERCISES, write=False)
    assert stale == [], f"run `nncourse release solutions -o exercises`; out of date: {stale}"
    assert sorted(p.name for p in EXERCISES.glob("*.ipynb")) == [p.name for p in SOLUTION_FILES]


def test_release_is_deterministic(tmp_path):
    release(SOLUTIONS, tmp_path / "a")
    release(SOLUTIONS, tmp_path / "b")
    for path in SOLUTION_FILES:
        first = (tmp_path / "a" / path.name).read_bytes()
        assert first == (tmp_path / "b" / path.name).read_bytes()
        assert first == (EXERCISES / path.name).read_bytes()


def test_release_command_check_mode():
    out = subprocess.run([sys.executable, "-m", "nncourse", "release", str(SOLUTIONS), "-o",
                          str(EXERCISES), "--check"], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize("path", SOLUTION_FILES, ids=lambda p: p.name)
def test_solution_notebook_is_ready_for_release(path):
    assert solution_problems(path) == []


@pytest.mark.parametrize("path", SOLUTION_FILES, ids=lambda p: p.name)
def test_released_notebook_has_no_solution_and_no_outputs(path):
    released = json.loads((EXERCISES / path.name).read_text())
    text = (EXERCISES / path.name).read_text()
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    for cell in released["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    assert released["metadata"]["nncourse"] == {"assignment": path.stem}
    assert "widgets" not in released["metadata"]


def test_solution_in_a_function_becomes_return_none():
    code = ('def f(x):\n    """Doc."""\n    ### BEGIN SOLUTION\n    y = x + 1\n    return y\n'
            '    ### END SOLUTION\n')
    assert strip_solutions(code) == ('def f(x):\n    """Doc."""\n    # YOUR CODE HERE\n'
                                     '    return None  # replace with your answer\n')


def test_solution_at_top_level_becomes_none_assignments():
    code = "### BEGIN SOLUTION\nrate = 0.1\nsteps: int = 3\nprint(rate)\n### END SOLUTION"
    assert strip_solutions(code) == ("# YOUR CODE HERE\nrate = None  # replace with your answer\n"
                                     "steps = None  # replace with your answer")


def test_solution_in_markdown_becomes_your_answer_here():
    text = "Which is wrong?\n\n### BEGIN SOLUTION\nThe value of a5.\n### END SOLUTION\n"
    assert strip_solutions(text, markdown=True) == "Which is wrong?\n\nYOUR ANSWER HERE\n"


def test_unclosed_solution_region_is_refused():
    with pytest.raises(CourseError, match="no matching"):
        strip_solutions("### BEGIN SOLUTION\nx = 1\n")


def test_solution_only_cells_are_left_out_and_outputs_cleared():
    notebook = {"cells": [
        {"cell_type": "markdown", "id": "a", "metadata": {"tags": ["solution-only"]},
         "source": "the worked answer"},
        {"cell_type": "code", "id": "b", "metadata": {"execution": {"iopub.status.busy": "x"}},
         "source": "print(1)", "outputs": [{"output_type": "stream", "name": "stdout",
                                            "text": "1\n"}], "execution_count": 3},
    ], "metadata": {"widgets": {"state": {}}}, "nbformat": 4, "nbformat_minor": 5}
    released = release_notebook(notebook, "01_neuron")
    assert [c["id"] for c in released["cells"]] == ["b"]
    assert released["cells"][0]["outputs"] == [] and released["cells"][0]["execution_count"] is None
    assert released["cells"][0]["metadata"] == {}
    assert released["metadata"] == {"nncourse": {"assignment": "01_neuron"}}
    assert notebook["cells"][1]["execution_count"] == 3  # the solution itself is not changed


def test_problems_of_a_solution_notebook_are_listed(tmp_path):
    notebook = json.loads((SOLUTIONS / "01_neuron.ipynb").read_text())
    for cell in notebook["cells"]:
        if cell.get("id") == "weighted-sum-answer":
            cell["source"] = "def weighted_sum(inputs, weights, bias):\n    return 0\n"
        if cell.get("id") == "neuron-batch-check":
            cell["metadata"]["nbgrader"]["points"] = 5
    notebook["cells"] = [c for c in notebook["cells"] if c.get("id") != "zero-input-check"]
    broken = tmp_path / "01_neuron.ipynb"
    broken.write_text(json.dumps(notebook))
    problems = "\n".join(solution_problems(broken))
    assert "01-weighted_sum needs '### BEGIN SOLUTION'" in problems
    assert "the check cell of 01-neuron_batch gives 5 points, its specification 2" in problems
    assert "01-zero_input_output has no check cell" in problems
    with pytest.raises(CourseError, match="not ready for release"):
        release(broken, tmp_path / "out")
