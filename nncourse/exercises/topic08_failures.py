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

import dataclasses
from dataclasses import dataclass

import numpy as np

from nncourse import data
from nncourse.errors import CourseError
from nncourse.exercises import register
from nncourse.grading.spec import Case, Exercise
from nncourse.network import mlp
from nncourse.optim import get_optimizer
from nncourse.training import fit

TARGET = 0.9
FAULTS = ("learning rate", "initialisation", "input scaling", "output activation")
FAULT_ALIASES = {
    "lr": "learning rate", "learning_rate": "learning rate", "step size": "learning rate",
    "eta": "learning rate", "η": "learning rate",
    "init": "initialisation", "initialization": "initialisation",
    "initial weights": "initialisation", "weight initialisation": "initialisation",
    "weight initialization": "initialisation",
    "scaling": "input scaling", "unscaled inputs": "input scaling",
    "standardisation": "input scaling", "standardization": "input scaling",
    "standardise": "input scaling", "standardize": "input scaling",
    "normalisation": "input scaling", "normalization": "input scaling",
    "output": "output activation",
}
DATASETS = ("spirals", "sensors")
MAX_EPOCHS, MAX_WIDTH, MAX_LAYERS = 400, 256, 8


def sensor_readings(seed=0):
    """Four kinds of machine state read by eight sensors in very different units.

    Four clouds in eight dimensions (nncourse.data.blobs), each feature then put on its own
    scale: feature k is multiplied by 10^(k − 2) and shifted by 3·10^(k − 2), so the readings
    go from hundredths to hundreds of thousands.
    """
    X, y = data.blobs(600, n_features=8, n_classes=4, spread=2.5, seed=seed)
    units = 10.0 ** np.arange(-2, 6)
    return X * units + 3 * units, y


@dataclass(frozen=True)
class Setup:
    """Everything that decides a training run: the data, the network and the optimiser.

    `setup.split()` gives (X_train, y_train, X_val, y_val), standardised with the training part's
    statistics when `standardize` is True; `setup.network()` a fresh network; `setup.train()`
    trains one and returns (network, history); `setup.replace(lr=0.1)` a copy with changes.
    """

    data: str
    hidden: tuple
    activation: str
    init: str | None
    optimizer: str
    lr: float
    epochs: int
    standardize: bool
    seed: int = 0

    def __post_init__(self):
        if self.data not in DATASETS:
            raise CourseError(f"data must be one of {', '.join(DATASETS)}; got {self.data!r}.")
        hidden = tuple(self.hidden)
        if not 1 <= len(hidden) <= MAX_LAYERS or not all(
                isinstance(n, int) and 1 <= n <= MAX_WIDTH for n in hidden):
            raise CourseError(f"hidden is a tuple of 1 to {MAX_LAYERS} layer widths, each a whole "
                              f"number from 1 to {MAX_WIDTH}; got {self.hidden!r}.")
        object.__setattr__(self, "hidden", hidden)
        if not isinstance(self.epochs, int) or not 1 <= self.epochs <= MAX_EPOCHS:
            raise CourseError(f"epochs must be a whole number from 1 to {MAX_EPOCHS}; "
                              f"got {self.epochs!r}.")
        if not isinstance(self.standardize, bool):
            raise CourseError(f"standardize is True or False; got {self.standardize!r}.")

    def replace(self, **changes) -> Setup:
        """A copy with some settings changed: setup.replace(lr=0.1, epochs=200)."""
        names = [f.name for f in dataclasses.fields(self)]
        unknown = sorted(set(changes) - set(names))
        if unknown:
            raise CourseError(f"A set-up has no setting {', '.join(map(repr, unknown))}; its "
                              f"settings are {', '.join(names)}.")
        return dataclasses.replace(self, **changes)

    def split(self):
        """(X_train, y_train, X_val, y_val): 70 % to train on, 30 % to validate on."""
        if self.data == "spirals":
            X, y = data.spirals(n_per_class=100, n_classes=3, noise=0.2, seed=0)
        else:
            X, y = sensor_readings()
        X_train, X_val, y_train, y_val = data.train_test_split(X, y, test_fraction=0.3, seed=0)
        if self.standardize:
            X_train, mean, std = data.standardize(X_train)
            X_val, _, _ = data.standardize(X_val, mean, std)
        return X_train, y_train, X_val, y_val

    def network(self):
        """A fresh, untrained network for this set-up (softmax output, one neuron per class)."""
        X_train, y_train, _, _ = self.split()
        sizes = [X_train.shape[1], *self.hidden, int(np.max(y_train)) + 1]
        return mlp(sizes, hidden=self.activation, output="softmax", init=self.init,
                   seed=self.seed)

    def new_optimizer(self):
        """A fresh optimiser of this set-up's kind and learning rate."""
        return get_optimizer(self.optimizer, self.lr)

    def train(self):
        """Train a fresh network, full batch, with categorical cross-entropy: (network, history).

        A run whose loss becomes infinite or NaN stops there, as `fit` does, with its history so
        far (`history.diverged` is then True)."""
        X_train, y_train, X_val, y_val = self.split()
        network = self.network()
        history = None

        def keep(epoch, h, net):
            nonlocal history
            history = h
            return True

        try:
            history = fit(network, X_train, y_train, loss="categorical_crossentropy",
                          optimizer=self.optimizer, lr=self.lr, epochs=self.epochs,
                          validation_data=(X_val, y_val), callbacks=[keep])
            history.diverged = False
        except CourseError:
            if history is None:
                raise
            history.diverged = True
        return network, history

    def validation_accuracy(self) -> float:
        """Train, then the share of validation samples classified right (0 if it diverged)."""
        _, history = self.train()
        return 0.0 if history.diverged else float(history.val_accuracy[-1])

    def __str__(self):
        width = max(len(f.name) for f in dataclasses.fields(self))
        return "\n".join(f"{f.name.ljust(width)}  {getattr(self, f.name)!r}"
                         for f in dataclasses.fields(self))


BROKEN = {
    "A": Setup(data="spirals", hidden=(32, 32), activation="relu", init="he", optimizer="sgd",
               lr=5.0, epochs=150, standardize=True),
    "B": Setup(data="spirals", hidden=(32, 32, 32, 32), activation="tanh", init="normal",
               optimizer="sgd", lr=0.5, epochs=150, standardize=True),
    "C": Setup(data="sensors", hidden=(32,), activation="tanh", init="xavier", optimizer="sgd",
               lr=0.1, epochs=100, standardize=False),
}
FAULT_OF = {"A": "learning rate", "B": "initialisation", "C": "input scaling"}

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
