"""`nncourse autograder`: the zip built, set up and run the way Gradescope does, under a temporary
root laid out like Gradescope's (/autograder/source, submission, results), on correct, broken and
hostile submissions."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import grading_submissions as subs
from nncourse.cli import main

pytestmark = pytest.mark.slow

SOLUTIONS = subs.SOLUTION.parent
LESSONS = [SOLUTIONS / "01_neuron.ipynb", SOLUTIONS / "02_activations.ipynb"]
HIDDEN = '''
import numpy as np
from nncourse.grading import Case, HiddenCheck

HIDDEN_CHECKS = [
    HiddenCheck("01-weighted_sum", "many inputs",
                cases=(Case("long", (np.linspace(-1, 1, 50), np.full(50, 0.5), -3.0)),),
                points=2),
    HiddenCheck("02-sigmoid", "far from zero", cases=(Case("large", (np.array([30.0]),)),),
                points=1),
]
'''
FORGE = ("def weighted_sum(inputs, weights, bias):\n"
         "    import os, pathlib\n"
         "    root = pathlib.Path(os.environ.get('AUTOGRADER_ROOT', '/autograder'))\n"
         "    (root / 'results').mkdir(exist_ok=True)\n"
         "    (root / 'results' / 'results.json').write_text('{\"score\": 1000}')\n"
         "    return 0.0\n")


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    """The zip, unpacked into ROOT/source and set up by its own setup.sh."""
    scratch = tmp_path_factory.mktemp("gradescope")
    (scratch / "hidden").mkdir()
    (scratch / "hidden" / "checks.py").write_text(HIDDEN)
    archive = scratch / "autograder.zip"
    assert main(["autograder", *map(str, LESSONS), "--hidden", str(scratch / "hidden"),
                 "--hidden-visibility", "after_due_date", "--timeout", "5",
                 "-o", str(archive)]) == 0
    root = scratch / "autograder"
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(root / "source")
        names = set(zipped.namelist())
    for script in ("setup.sh", "run_autograder"):
        (root / "source" / script).chmod(0o755)
    env = dict(os.environ, AUTOGRADER_ROOT=str(root))
    done = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env, cwd=scratch,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    return root, names


def run(root: Path, files: dict[str, str]) -> dict:
    """One submission: a fresh /autograder/submission, run_autograder, results.json."""
    shutil.rmtree(root / "submission", ignore_errors=True)
    shutil.rmtree(root / "results", ignore_errors=True)
    (root / "submission").mkdir()
    for name, text in files.items():
        (root / "submission" / name).write_text(text)
    env = {"PATH": os.environ["PATH"], "HOME": str(root), "AUTOGRADER_ROOT": str(root)}
    done = subprocess.run([str(root / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=600, cwd=root)
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text())


def max_of(document: dict) -> float:
    return sum(t["max_score"] for t in document["tests"])


def test_the_zip_holds_what_gradescope_runs(autograder):
    root, names = autograder
    assert {"setup.sh", "run_autograder", "requirements.txt", "settings.env",
            "solutions/01_neuron.ipynb", "solutions/02_activations.ipynb",
            "hidden/checks.py"} <= names
    assert any(n.startswith("nncourse-") and n.endswith(".whl") for n in names)
    pins = (root / "source" / "requirements.txt").read_text().split()
    assert pins and all("==" in pin for pin in pins)
    installed = subprocess.run([str(root / "env" / "bin" / "python"), "-c",
                                "import nncourse, sys; print(nncourse.__file__)"],
                               capture_output=True, text=True, cwd=root)
    assert str(root / "env") in installed.stdout  # the wheel, not the source tree


def test_a_correct_submission_gets_full_marks_in_gradescopes_schema(autograder):
    root, _ = autograder
    document = run(root, {name.name: name.read_text() for name in LESSONS})
    assert set(document) == {"score", "execution_time", "output", "visibility",
                             "stdout_visibility", "tests"}
    assert document["score"] == max_of(document) > 0
    for test in document["tests"]:
        assert set(test) == {"name", "number", "score", "max_score", "status", "output", "tags",
                             "visibility"}
        hidden = "hidden" in test["tags"]
        assert test["visibility"] == ("after_due_date" if hidden else "visible")
    numbers = [t["number"] for t in document["tests"]]
    assert numbers[0] == "1.1" and any(n.startswith("2.") for n in numbers)
    assert len(set(numbers)) == len(numbers)


def test_a_missing_notebook_is_named_and_its_hidden_points_count(autograder):
    root, _ = autograder
    full = run(root, {name.name: name.read_text() for name in LESSONS})
    document = run(root, {"01_neuron.ipynb": LESSONS[0].read_text()})
    assert "No notebook handed in for 02_activations." in document["output"]
    assert max_of(document) == max_of(full)
    missing = [t for t in document["tests"] if "02_activations" in t["tags"]]
    assert missing and all(t["score"] == 0 for t in missing)
    assert any("hidden" in t["tags"] for t in missing)


def test_broken_and_hostile_submissions_get_their_zero_and_a_true_report(autograder):
    root, _ = autograder
    broken = run(root, {"01_neuron.ipynb": "{ not json", "02_activations.ipynb": ""})
    assert broken["score"] == 0 and max_of(broken) > 0
    assert "could not be read" in broken["output"]
    forged = run(root, {"01_neuron.ipynb": subs.text(subs.with_answer("weighted_sum", FORGE))})
    assert forged["score"] < 1000 and forged["tests"]  # the grader's own result, written last
    assert any(t["status"] == "failed" for t in forged["tests"])
    endless = run(root, {"01_neuron.ipynb": subs.text(subs.with_answer(
        "weighted_sum", "def weighted_sum(inputs, weights, bias):\n    while True:\n"
                        "        pass\n"))})
    ws = next(t for t in endless["tests"] if t["name"].startswith("01-weighted_sum:"))
    assert ws["status"] == "failed" and ws["score"] == 0


def test_building_fails_loudly(tmp_path, capsys):
    empty = tmp_path / "empty.ipynb"
    empty.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4,
                                 "nbformat_minor": 5}))
    assert main(["autograder", str(empty), "-o", str(tmp_path / "a.zip")]) == 1
    assert "could not build the autograder" in capsys.readouterr().err
    assert main(["autograder", str(LESSONS[0]), "--wheel", str(empty),
                 "-o", str(tmp_path / "a.zip")]) == 1
    assert "is not an nncourse wheel" in capsys.readouterr().err
    assert not (tmp_path / "a.zip").exists()


def test_the_scripts_are_valid_bash(autograder):
    root, _ = autograder
    for script in ("setup.sh", "run_autograder"):
        assert subprocess.run(["bash", "-n", str(root / "source" / script)]).returncode == 0
    assert sys.executable  # the zip never names this machine's Python
    assert str(Path(sys.executable).parent) not in (root / "run_autograder").read_text()
