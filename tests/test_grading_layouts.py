"""Who handed in what: layouts recognised from the tree, learners' names in every script, one
notebook per learner and lesson, wrong notebooks, and the item analysis of a class."""

from __future__ import annotations

import csv
import json
import os
import unicodedata
from pathlib import Path

import pytest

import grading_submissions as subs
from nncourse.cli import main
from nncourse.grading.layouts import folder_name, output_folders, recognise

SOLUTIONS = subs.SOLUTION.parent
COURSE = [p.stem for p in sorted(SOLUTIONS.glob("*.ipynb"))]
ALWAYS_HALF = "def weighted_sum(inputs, weights, bias):\n    return 0.5\n"


def write(path: Path, notebook: dict, age: float = 0.0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(subs.text(notebook), encoding="utf-8")
    if age:
        stamp = path.stat().st_mtime - age
        os.utime(path, (stamp, stamp))


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def grade(*args: str) -> int:
    return main(["grade", *args, "--solutions", str(SOLUTIONS), "--no-progress", "--jobs", "2"])


@pytest.fixture(scope="module")
def nbgrader_class(tmp_path_factory):
    """nbgrader's submitted/<student>/<assignment>/: two learners named in Chinese, one who
    handed in two copies of the notebook, one who handed in another lesson's notebook, and three
    who share one wrong answer."""
    root = tmp_path_factory.mktemp("course")
    lesson = subs.SOLUTION.stem
    submitted = root / "submitted"
    write(submitted / "李娜" / lesson / f"{lesson}.ipynb", subs.solution())
    write(submitted / "王伟" / lesson / f"{lesson}.ipynb", subs.exercise())
    write(submitted / "alice" / lesson / f"{lesson}.ipynb", subs.exercise(), age=3600)
    write(submitted / "alice" / lesson / "copy.ipynb", subs.solution())
    other = json.loads((SOLUTIONS / "02_activations.ipynb").read_text())
    write(submitted / "bob" / lesson / f"{lesson}.ipynb", other)
    for name in ("carol", "dan", "erin"):
        write(submitted / name / lesson / f"{lesson}.ipynb",
              subs.with_answer("weighted_sum", ALWAYS_HALF))
    out = root / "out"
    assert grade(str(root), "-o", str(out)) == 0
    return out


def test_nbgrader_layout_is_recognised_and_each_student_is_a_learner(nbgrader_class):
    summary = json.loads((nbgrader_class / "summary.json").read_text())
    assert summary["layout"] == ["nbgrader's submitted/<student>/<assignment>/<notebook>"]
    assert summary["learners"] == 7 and summary["lessons"] == [subs.SOLUTION.stem]
    learners = {r["learner"] for r in rows(nbgrader_class / "grades.csv")}
    assert learners == {"李娜", "王伟", "alice", "bob", "carol", "dan", "erin"}


def test_names_in_other_scripts_keep_their_letters_and_their_own_folders(nbgrader_class):
    grades = {r["learner"]: r for r in rows(nbgrader_class / "grades.csv")}
    assert grades["李娜"]["total"] == grades["李娜"]["max_score"]
    assert grades["王伟"]["total"] == "0"
    for name in ("李娜", "王伟"):
        document = json.loads((nbgrader_class / name / "results.json").read_text("utf-8"))
        assert document["score"] == float(grades[name]["total"])
        assert name in (nbgrader_class / name / "feedback.html").read_text("utf-8")


def test_two_copies_of_one_lesson_the_newest_is_graded_never_both(nbgrader_class):
    grades = {r["learner"]: r for r in rows(nbgrader_class / "grades.csv")}
    alice = grades["alice"]
    assert alice["total"] == alice["max_score"] == grades["李娜"]["max_score"]  # not doubled
    statuses = {Path(r["notebook"]).name: r["status"] for r in rows(nbgrader_class /
                                                                    "learners.csv")
                if r["learner"] == "alice"}
    assert statuses == {"copy.ipynb": "graded", "01_neuron.ipynb": "older copy"}
    assert "copy.ipynb is a newer notebook of 01_neuron" in alice["problems"]


def test_a_notebook_of_another_lesson_scores_zero_and_changes_no_one_else(nbgrader_class):
    grades = rows(nbgrader_class / "grades.csv")
    bob = next(r for r in grades if r["learner"] == "bob")
    assert bob["total"] == "0" and "Wrong notebook: this is 02_activations" in bob["problems"]
    assert len({r["max_score"] for r in grades}) == 1  # everyone's maximum is 01's
    assert not any(column.startswith("02-") for column in grades[0])


def test_item_analysis_counts_failures_and_the_common_wrong_answer(nbgrader_class):
    items = rows(nbgrader_class / "items.csv")
    weighted = [r for r in items if r["exercise"] == "01-weighted_sum"]
    assert weighted and all(r["graded"] == "6" for r in weighted)  # bob's is a wrong notebook
    for row in weighted:  # 王伟 (untouched), and the three who always return 0.5
        if row["failed"] == "4":
            assert (row["wrong_answer_1"], row["learners_1"]) == ("0.5 (a float)", "3"), row
            assert (row["wrong_answer_2"], row["learners_2"]) == ("None", "1"), row
        else:  # a case whose right answer happens to be 0.5
            assert (row["failed"], row["wrong_answer_1"]) == ("1", "None"), row
    assert sum(r["failed"] == "4" for r in weighted) >= 2
    passed_by_all_but_untouched = [r for r in items if r["exercise"] == "01-zero_input_output"]
    assert passed_by_all_but_untouched and \
        all(r["failed"] == "1" for r in passed_by_all_but_untouched)
    page = (nbgrader_class / "items.html").read_text("utf-8")
    assert '<span style="width: 67%">' in page and "0.5 (a float) (3)" in page


def test_one_learners_folder_with_several_notebooks_and_one_results_json(tmp_path):
    folder = tmp_path / "submission"
    write(folder / "01_neuron.ipynb", subs.solution())
    write(folder / "02_activations.ipynb", subs.exercise())  # 01's notebook, handed in as 02
    assert recognise(folder, sorted(folder.glob("*.ipynb")), COURSE) == "single"
    result = tmp_path / "results" / "results.json"
    assert grade(str(folder), "--results-json", str(result)) == 0
    document = json.loads(result.read_text())
    assert [t["number"] for t in document["tests"]][:2] == ["1.1", "1.2"]
    assert "02_activations.ipynb is a newer notebook" in document["output"] or \
        "01_neuron.ipynb is a newer notebook" in document["output"]


def test_a_flat_folder_is_a_learner_per_file(tmp_path, capsys):
    write(tmp_path / "subs" / "ann.ipynb", subs.solution())
    write(tmp_path / "subs" / "ben.ipynb", subs.exercise())
    assert grade(str(tmp_path / "subs"), "-o", str(tmp_path / "out")) == 0
    assert "a flat folder" in capsys.readouterr().out
    assert [r["learner"] for r in rows(tmp_path / "out" / "grades.csv")] == ["ann", "ben"]
    assert grade(str(tmp_path / "subs"), "--layout", "single", "--learner", "Zoë",
                 "--results-json", str(tmp_path / "one.json")) == 0
    assert "Not graded" in json.loads((tmp_path / "one.json").read_text())["output"]
    assert grade(str(tmp_path / "subs"), "--results-json", str(tmp_path / "two.json")) == 2
    assert "2 learners (ann, ben)" in capsys.readouterr().err


def test_the_layout_is_recognised_from_the_tree(tmp_path):
    def tree(*paths: str) -> str:
        root = tmp_path / str(len(list(tmp_path.iterdir())))
        for path in paths:
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text("{}")
        return recognise(root, sorted(root.rglob("*.ipynb")), COURSE)

    assert tree("alice.ipynb", "bob.ipynb") == "flat"
    assert tree("01_neuron.ipynb", "02_activations.ipynb") == "single"
    assert tree("01_neuron.ipynb") == "single"
    assert tree("alice/01_neuron.ipynb", "bob/01_neuron.ipynb") == "per-learner"
    assert tree("submitted/alice/01_neuron/01_neuron.ipynb") == "nbgrader"


def test_every_learner_gets_a_folder_of_their_own():
    decomposed = unicodedata.normalize("NFD", "José")
    folders = output_folders(["李娜", "王伟", "Alice", "alice", "a/b", "a?b", ".hidden", "CON"])
    assert folders["李娜"] == "李娜" and folders["王伟"] == "王伟"
    assert len({f.casefold() for f in folders.values()}) == len(folders)
    assert "/" not in folders["a/b"] and not folders[".hidden"].startswith(".")
    assert folders["CON"] != "CON"
    assert folder_name(decomposed) == "José"


def test_with_assignment_given_another_lessons_notebook_is_a_wrong_notebook(tmp_path):
    write(tmp_path / "subs" / "ann.ipynb", subs.solution())
    write(tmp_path / "subs" / "ben.ipynb", json.loads((SOLUTIONS / "02_activations.ipynb")
                                                     .read_text()))
    out = tmp_path / "out"
    assert grade(str(tmp_path / "subs"), "-o", str(out), "--assignment", "01_neuron") == 0
    grades = {r["learner"]: r for r in rows(out / "grades.csv")}
    assert grades["ann"]["total"] == grades["ann"]["max_score"] == grades["ben"]["max_score"]
    assert grades["ben"]["total"] == "0"
    assert "Wrong notebook: this is 02_activations" in grades["ben"]["problems"]
    assert "No notebook handed in for 01_neuron." in grades["ben"]["problems"]
