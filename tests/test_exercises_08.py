"""Exercise 08: three broken set-ups, each with its own fault. The broken set-ups miss the target,
the repairs reach it, the wrong repairs do not, and the verdicts say what to do."""

from __future__ import annotations

import pytest

from nncourse.diagnostics import update_ratios
from nncourse.exercises.topic08_failures import fault_name
from nncourse.failures import BROKEN, TARGET
from nncourse.grading import evaluate
from nncourse.grading.messages import format_result
from nncourse.plots.histograms import saturated_fraction

REPAIRS = {"A": dict(lr=0.5), "B": dict(init="xavier"), "C": dict(standardize=True)}
WRONG_REPAIRS = {"A": dict(init="xavier"), "B": dict(lr=2.0), "C": dict(lr=1e-4)}
FAULTS = {"A": "learning rate", "B": "initialisation", "C": "input scaling"}


def verdict(which, fault, fixed):
    key = which.lower()
    result = evaluate(f"08-setup_{key}", namespace={f"fault_{key}": fault, f"fixed_{key}": fixed})
    return result, format_result(result)


@pytest.mark.parametrize("which", "ABC")
def test_each_broken_setup_misses_the_target(which):
    assert BROKEN[which].validation_accuracy() < TARGET - 0.1


@pytest.mark.parametrize("which", "ABC")
def test_the_repair_of_the_named_fault_reaches_the_target(which):
    result, text = verdict(which, FAULTS[which], BROKEN[which].replace(**REPAIRS[which]))
    assert result.passed, text


@pytest.mark.parametrize("which", "ABC")
def test_a_repair_of_another_setting_does_not_reach_the_target(which):
    assert BROKEN[which].replace(**WRONG_REPAIRS[which]).validation_accuracy() < TARGET


def test_a_wrong_repair_is_told_its_accuracy_and_the_target():
    result, text = verdict("C", "input scaling", BROKEN["C"].replace(lr=1e-4))
    assert not result.passed
    assert "validation accuracy" in text and "the target is 90%" in text


def test_a_wrong_diagnosis_fails_without_naming_the_right_fault():
    result, text = verdict("C", "learning rate", BROKEN["C"].replace(standardize=True))
    assert not result.passed and result.n_passed == 1
    assert "'learning rate'" in text and "input scaling" not in text
    assert "the learning rate has not done anything yet" in text.lower()


@pytest.mark.parametrize("written, meant", [
    ("Learning Rate", "learning rate"), ("lr", "learning rate"),
    ("initialization", "initialisation"), ("  init ", "initialisation"),
    ("unscaled inputs", "input scaling"), ("standardisation", "input scaling"),
])
def test_fault_names_accept_the_usual_spellings(written, meant):
    assert fault_name(written) == meant


def test_an_unknown_fault_lists_the_choices():
    result, text = verdict("A", "bad luck", BROKEN["A"].replace(lr=0.5))
    assert "'bad luck' is not one of the faults" in text and "'initialisation'" in text


def test_an_unchanged_or_foreign_setup_gets_a_plain_sentence():
    _, text = verdict("B", "initialisation", BROKEN["B"])
    assert "set-up B unchanged" in text
    _, text = verdict("B", "initialisation", {"init": "xavier"})
    assert "must be a set-up" in text


def test_an_unwritten_answer_is_not_written_yet():
    result, _ = verdict("A", None, None)
    assert result.status == "not written"


def test_the_faults_show_in_the_lessons_measurements():
    a = BROKEN["A"]
    X, y, _, _ = a.split()
    assert max(update_ratios(a.network(), a.new_optimizer(), X, y,
                             "categorical_crossentropy").values()) > 1
    b = BROKEN["B"]
    X, y, _, _ = b.split()
    net = b.network()
    net.forward(X)
    spreads = [layer.a.std() for layer in net.layers[:-1]]
    assert all(0.4 < after / before < 0.75 for before, after in zip(spreads, spreads[1:]))
    c = BROKEN["C"]
    X, y, _, _ = c.split()
    net = c.network()
    net.forward(X)
    assert saturated_fraction("tanh", net.layers[0].a) > 0.99
    assert X.std(axis=0).max() / X.std(axis=0).min() > 1e6


def test_a_setup_refuses_settings_it_does_not_have():
    from nncourse.errors import CourseError

    with pytest.raises(CourseError, match="no setting 'learning_rate'"):
        BROKEN["A"].replace(learning_rate=0.1)
    with pytest.raises(CourseError, match="epochs must be"):
        BROKEN["A"].replace(epochs=10_000)
