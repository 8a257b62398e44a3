"""A learner who hands in fewer notebooks than the class: the missing ones count as zero, and say
so."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from nncourse.cli import main

SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions"


def test_a_missing_notebook_scores_zero_and_is_named(tmp_path):
    for learner, notebooks in {"alice": ["01_neuron", "02_activations"],
                               "bob": ["01_neuron"]}.items():
        (tmp_path / learner).mkdir()
        for name in notebooks:
            shutil.copy(SOLUTIONS / f"{name}.ipynb", tmp_path / learner / f"{name}.ipynb")
    out = tmp_path / "out"
    status = main(["grade", str(tmp_path / "alice"), str(tmp_path / "bob"), "-o", str(out),
                   "--solutions", str(SOLUTIONS), "--no-progress"])
    assert status == 0
    with (out / "grades.csv").open() as handle:
        rows = {row["learner"]: row for row in csv.DictReader(handle)}
    alice, bob = rows["alice"], rows["bob"]
    assert alice["total"] == alice["max_score"]
    assert bob["max_score"] == alice["max_score"]  # the missing notebook's points still count
    assert bob["02-sigmoid"] == "0"
    assert float(bob["total"]) < float(bob["max_score"])
    assert "No notebook handed in for 02_activations." in bob["problems"]
    assert alice["problems"] == ""
    summary = json.loads((out / "summary.json").read_text())
    assert summary["missing_notebooks"] == {"bob": ["02_activations"]}


HIDDEN = '''
import numpy as np
from nncourse.grading import Case, HiddenCheck

HIDDEN_CHECKS = [HiddenCheck("02-sigmoid", "far from zero",
                             cases=(Case("large", (np.array([30.0]),)),), points=3)]
'''


def test_a_missing_notebooks_hidden_points_count_in_the_maximum_too(tmp_path):
    (tmp_path / "hidden").mkdir()
    (tmp_path / "hidden" / "checks.py").write_text(HIDDEN)
    for learner, notebooks in {"alice": ["01_neuron", "02_activations"],
                               "bob": ["01_neuron"]}.items():
        (tmp_path / "subs" / learner).mkdir(parents=True)
        for name in notebooks:
            shutil.copy(SOLUTIONS / f"{name}.ipynb", tmp_path / "subs" / learner)
    out = tmp_path / "out"
    assert main(["grade", str(tmp_path / "subs"), "-o", str(out), "--solutions", str(SOLUTIONS),
                 "--hidden", str(tmp_path / "hidden"), "--no-progress"]) == 0
    with (out / "grades.csv").open() as handle:
        rows = {row["learner"]: row for row in csv.DictReader(handle)}
    assert rows["alice"]["total"] == rows["alice"]["max_score"] == rows["bob"]["max_score"]
    bob = json.loads((out / "bob" / "results.json").read_text())
    assert "No notebook handed in for 02_activations." in bob["output"]
    hidden = [t for t in bob["tests"] if "hidden" in t["tags"]]
    assert [(t["score"], t["max_score"]) for t in hidden] == [(0, 3)]
    assert sum(t["max_score"] for t in bob["tests"]) == float(rows["bob"]["max_score"])
