"""Training set-ups that fail, for lesson 08's exercise: each holds every setting of a run.

Three set-ups (`BROKEN`) do not reach their target of 90 % validation accuracy, each because of
one fault: a learning rate, an initialisation, or unscaled inputs. A learner diagnoses them with
the tools of lesson 08 (`nncourse.diagnostics`) and repairs them with `setup.replace(...)`;
`setup.train()` trains a fresh network from the set-up's seed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from nncourse import data
from nncourse.errors import CourseError
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
