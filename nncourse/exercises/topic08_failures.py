"""Lesson 08, when training fails: the exercises of solutions/08_when_training_fails.ipynb.

Three training set-ups that do not reach their target, each with a different fault: a learning
rate, an initialisation, and unscaled inputs. The learner diagnoses each one with the lesson's
tools (the first loss against ln C, the update-to-weight ratios, the activation spreads and
histograms, the loss curves) and hands in two things per set-up:

    fault_x   the name of the fault, one of FAULTS
    fixed_x   the repaired set-up, e.g. BROKEN["A"].replace(lr=0.1)

The check names the fault back only when it is right, then trains the repaired set-up from its
seed and grades the outcome: its validation accuracy must reach TARGET. A repair that reaches the
target with a changed setting other than the faulty one also counts: what is graded is that the
learner found the fault and that the network now learns.
"""

from __future__ import annotations

from nncourse.errors import CourseError
from nncourse.exercises import register
from nncourse.failures import BROKEN, FAULT_ALIASES, FAULT_OF, FAULTS, TARGET, Setup
from nncourse.grading.spec import Case, Exercise

__all__ = ["BROKEN", "FAULTS", "TARGET", "Setup", "fault_name"]

REACHED = f"reaches {TARGET:.0%} validation accuracy"


def fault_name(value) -> str:
    """The learner's fault, in the words of FAULTS (aliases and capitals accepted)."""
    if not isinstance(value, str):
        raise CourseError(f"A fault is written as text, one of {', '.join(map(repr, FAULTS))}; "
                          f"got {value!r}.")
    key = " ".join(value.strip().lower().replace("-", " ").split())
    key = FAULT_ALIASES.get(key, key)
    if key not in FAULTS:
        raise CourseError(f"{value!r} is not one of the faults: "
                          f"{', '.join(map(repr, FAULTS))}.")
    return key


def _outcome(setup, which: str) -> str:
    """Train the repaired set-up and say whether it reaches the target (or why not)."""
    if not isinstance(setup, Setup):
        raise CourseError(f"fixed_{which.lower()} must be a set-up, made with "
                          f"BROKEN[{which!r}].replace(...); it is a {type(setup).__name__}.")
    if setup == BROKEN[which]:
        raise CourseError(f"fixed_{which.lower()} is set-up {which} unchanged: change the setting "
                          "that causes the fault with .replace(...).")
    network, history = setup.train()
    if history.diverged:
        raise CourseError(f"Your set-up {which} diverged: the loss became infinite at epoch "
                          f"{len(history.loss)}. A learning rate that large cannot work.")
    reached = float(history.val_accuracy[-1])
    if reached < TARGET:
        raise CourseError(f"Your repaired set-up {which} reaches {reached:.1%} validation accuracy "
                          f"after {setup.epochs} epochs (loss {history.loss[0]:.3f} → "
                          f"{history.loss[-1]:.3f}); the target is {TARGET:.0%}. The fault is "
                          "still there, or your change made something else go wrong.")
    return REACHED


def _answer(which: str):
    def call(f, part):
        fault, fixed = f[f"fault_{which.lower()}"], f[f"fixed_{which.lower()}"]
        if part == "fault":
            return None if fault is None else fault_name(fault)
        return None if fixed is None else _outcome(fixed, which)
    return call


HINTS = {
    "A": (
        ("Train set-up A and look at its loss curve, then at the update-to-weight ratio of its "
         "first step (nncourse.diagnostics.update_ratios). How far does one step move each "
         "layer, compared with its size?"),
        ("A ratio near or above 1 means every step rewrites the weights. Which one setting makes "
         "every step bigger or smaller in proportion?"),
        ("Divide the learning rate by 3 or 10 until the curve falls smoothly."),
    ),
    "B": (
        ("Compare set-up B's first loss with ln 3, and look at its loss curve. Then look at the "
         "spread of each layer's activations for the training inputs (layer.a after a forward "
         "pass, or plot_layer_histograms)."),
        ("The spread shrinks by a constant factor from layer to layer. Lesson 08's variance "
         "argument says which factor n·Var(w) a tanh layer needs; init='normal' draws weights "
         "with a standard deviation of 0.1 whatever the width."),
        ("Choose the initialiser made for tanh layers."),
    ),
    "C": (
        ("Look at set-up C's hidden layer before any step: the histogram of its activations for "
         "the training inputs (plot_layer_histograms). Then look at the inputs themselves: the "
         "standard deviation of each column of X_train."),
        ("Features from hundredths to hundreds of thousands give weighted sums far too large for "
         "tanh, which saturates, and steps that suit no feature. No learning rate fixes that."),
        ("Rescale every feature with the training part's mean and standard deviation: the "
         "set-up has a setting for it."),
    ),
}
CASE_HINTS = {
    "A": ("The first loss of set-up A is close to ln 3, so its start is fine; look at what one "
          "step does to the weights."),
    "B": ("Set-up B's inputs are standardised and its first loss is about ln 3; look at the "
          "activation spreads layer by layer, and at how flat the curve starts."),
    "C": ("Before a single step, set-up C's hidden layer is saturated: nearly every output is "
          "−1 or +1. The learning rate has not done anything yet; look at the inputs."),
}


def _exercise(which: str, title: str) -> Exercise:
    return register(Exercise(
        id=f"08-setup_{which.lower()}",
        title=title,
        names=(f"fault_{which.lower()}", f"fixed_{which.lower()}"),
        kind="value",
        arg_names=("part",),
        reference=lambda part, which=which: FAULT_OF[which] if part == "fault" else REACHED,
        call=_answer(which),
        cases=(Case(f"the fault of set-up {which}", ("fault",), hint=CASE_HINTS[which]),
               Case(f"set-up {which} repaired and trained", ("outcome",))),
        hints=HINTS[which],
        points=2,
    ))


SETUP_A = _exercise("A", "Repair set-up A")
SETUP_B = _exercise("B", "Repair set-up B")
SETUP_C = _exercise("C", "Repair set-up C")
