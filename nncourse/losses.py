"""Loss functions: one number that says how wrong the predictions are.

Each loss has its value (a single scalar, averaged over the samples of the batch) and its gradient
with respect to the prediction, side by side:

- `value(y_pred, y_true)` gives L;
- `gradient(y_pred, y_true)` gives dL/dy_pred, an array shaped like y_pred.

The cross-entropies come in two flavours: from probabilities (what a sigmoid or softmax output
gives) and from logits (`from_logits=True`: the raw scores before the activation), which is the
numerically safest form. Look one up by name with `get_loss("mse")`.
"""

from __future__ import annotations

import numpy as np

from nncourse.activations import log_softmax, sigmoid, softmax
from nncourse.errors import CourseError, unknown_name

# Probabilities are kept inside [EPS, 1 − EPS] before taking a logarithm, so log(0) never happens.
EPS = 1e-12


def _as_pair(y_pred, y_true, loss_name: str):
    """Both arrays as float64 of one shape (a 1-D target is matched to an (n, 1) prediction)."""
    y_pred = np.asarray(y_pred, dtype=float)
    y_true = np.asarray(y_true, dtype=float)
    if y_pred.size == 0:
        raise CourseError(f"{loss_name}: the batch is empty; give at least one prediction.")
    if y_true.shape != y_pred.shape:
        if y_true.size == y_pred.size and y_pred.ndim == 2 and y_pred.shape[1] == 1:
            y_true = y_true.reshape(y_pred.shape)
        else:
            raise CourseError(
                f"{loss_name}: targets have shape {y_true.shape} but predictions have shape "
                f"{y_pred.shape}; they must match (one target per prediction)."
            )
    return y_pred, y_true


def _n_samples(y_pred) -> int:
    """How many samples the batch holds: the first axis of a 2-D array; 1 for a single vector."""
    return y_pred.shape[0] if y_pred.ndim >= 2 else 1


class Loss:
    """A loss function: `value` and `gradient`. Subclasses set `name`."""

    name = "loss"

    def checked(self, y_pred, y_true):
        """Both arrays as float64 of one shape, or a plain error saying what is wrong."""
        return _as_pair(y_pred, y_true, self.title)

    @property
    def title(self) -> str:
        return type(self).__name__

    def value(self, y_pred, y_true) -> float:
        """L: one number for the whole batch."""
        return self.formula(*self.checked(y_pred, y_true))

    def gradient(self, y_pred, y_true):
        """dL/dŷ, shaped like the prediction."""
        return self.formula_gradient(*self.checked(y_pred, y_true))

    def formula(self, y_pred, y_true) -> float:
        """The loss's formula, on arrays that are already checked."""
        raise CourseError(f"{type(self).__name__} does not define its formula.")

    def formula_gradient(self, y_pred, y_true):
        """The gradient's formula, on arrays that are already checked."""
        raise CourseError(f"{type(self).__name__} does not define its gradient.")

    def __call__(self, y_pred, y_true) -> float:
        return self.value(y_pred, y_true)

    def __repr__(self):
        return f"{type(self).__name__}()"


class MeanSquaredError(Loss):
    """MSE = (1/N)·Σ (ŷ − y)² over all N numbers; dL/dŷ = 2·(ŷ − y)/N.

    Squaring punishes large errors much more than small ones.
    """

    name = "mse"
    title = "Mean squared error"

    def formula(self, y_pred, y_true) -> float:
        return float(np.mean((y_pred - y_true) ** 2))

    def formula_gradient(self, y_pred, y_true):
        return 2.0 * (y_pred - y_true) / y_pred.size


class HalfSquaredError(Loss):
    """L = ½·Σ_outputs (y − ŷ)², averaged over samples; dL/dŷ = (ŷ − y)/n.

    The classic textbook loss: the ½ cancels the 2 of the derivative, so for one sample the
    error signal is just (ŷ − y).
    """

    name = "half_squared_error"
    title = "Half squared error"

    def formula(self, y_pred, y_true) -> float:
        return float(0.5 * np.sum((y_true - y_pred) ** 2) / _n_samples(y_pred))

    def formula_gradient(self, y_pred, y_true):
        return (y_pred - y_true) / _n_samples(y_pred)


class BinaryCrossEntropy(Loss):
    """BCE = −mean[y·log p + (1 − y)·log(1 − p)], for labels y in {0, 1}.

    From probabilities p: dL/dp = (p − y) / (p·(1 − p)) / N.
    From logits s (p = σ(s)): L = mean[max(s, 0) − s·y + log(1 + e^(−|s|))], dL/ds = (σ(s) − y)/N,
    which is finite for any s.
    """

    name = "binary_crossentropy"
    title = "Binary cross-entropy"

    def __init__(self, from_logits: bool = False):
        self.from_logits = bool(from_logits)

    def checked(self, y_pred, y_true):
        y_pred, y_true = _as_pair(y_pred, y_true, self.title)
        if np.any((y_true < 0) | (y_true > 1)):
            raise CourseError("Binary cross-entropy needs targets between 0 and 1 "
                              "(class labels 0 or 1).")
        if not self.from_logits and np.any((y_pred < 0) | (y_pred > 1)):
            raise CourseError(
                "Binary cross-entropy got predictions outside [0, 1]; give probabilities "
                "(a sigmoid output), or use BinaryCrossEntropy(from_logits=True) for raw scores."
            )
        return y_pred, y_true

    def formula(self, y_pred, y_true) -> float:
        if self.from_logits:
            s = y_pred
            return float(np.mean(np.maximum(s, 0) - s * y_true + np.log1p(np.exp(-np.abs(s)))))
        p = np.clip(y_pred, EPS, 1 - EPS)
        return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))

    def formula_gradient(self, y_pred, y_true):
        if self.from_logits:
            return (sigmoid(y_pred) - y_true) / y_pred.size
        p = np.clip(y_pred, EPS, 1 - EPS)
        return (p - y_true) / (p * (1 - p)) / y_pred.size

    def __repr__(self):
        return f"BinaryCrossEntropy(from_logits={self.from_logits})"


def one_hot_targets(y_true, y_pred, loss_name: str):
    """Targets for a (n, k) prediction: integer labels (n,) become one-hot rows (n, k).

    A single prediction vector (k,) takes a one-hot vector (k,) or one integer label.
    One-hot or probability targets pass through unchanged.
    """
    y_true = np.asarray(y_true)
    n_classes = y_pred.shape[-1] if y_pred.ndim else 1
    labels_given = (y_pred.ndim == 2 and y_true.ndim == 1 and y_true.shape[0] == y_pred.shape[0]
                    and n_classes > 1) or (y_pred.ndim == 1 and y_true.ndim == 0)
    if not labels_given:
        return np.asarray(y_true, dtype=float)
    labels = np.asarray(y_true, dtype=float)
    if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)):
        raise CourseError(f"{loss_name}: class labels must be whole numbers 0 … {n_classes - 1}.")
    labels = labels.astype(int)
    bad = labels[(labels < 0) | (labels >= n_classes)]
    if bad.size:
        raise CourseError(
            f"{loss_name}: class label {int(bad.flat[0])} is out of range; "
            f"with {n_classes} outputs the labels must be 0 … {n_classes - 1}."
        )
    return np.eye(n_classes)[labels]


class CategoricalCrossEntropy(Loss):
    """CCE = −(1/n)·Σ_samples Σ_classes y_k·log p_k, for one-hot targets (or integer labels).

    Only the probability given to the true class counts: a confident wrong answer (p_true → 0)
    costs −log p_true → ∞.
    From probabilities: dL/dp = −y / p / n.
    From logits s (p = softmax(s)): L uses log-softmax (finite for any s) and dL/ds = (p − y)/n.
    """

    name = "categorical_crossentropy"
    title = "Categorical cross-entropy"

    def __init__(self, from_logits: bool = False):
        self.from_logits = bool(from_logits)

    def checked(self, y_pred, y_true):
        y_pred = np.asarray(y_pred, dtype=float)
        y_true = one_hot_targets(y_true, y_pred, self.title)
        y_pred, y_true = _as_pair(y_pred, y_true, self.title)
        if not self.from_logits and np.any((y_pred < 0) | (y_pred > 1)):
            raise CourseError(
                "Categorical cross-entropy got predictions outside [0, 1]; give probabilities "
                "(a softmax output), or use CategoricalCrossEntropy(from_logits=True) "
                "for raw scores."
            )
        return y_pred, y_true

    def formula(self, y_pred, y_true) -> float:
        if self.from_logits:
            log_p = log_softmax(y_pred)
        else:
            log_p = np.log(np.maximum(y_pred, EPS))  # p ≤ 1 is already checked
        return float(-(y_true * log_p).sum() / _n_samples(y_pred))

    def formula_gradient(self, y_pred, y_true):
        n = _n_samples(y_pred)
        if self.from_logits:
            return (softmax(y_pred) - y_true) / n
        return -y_true / np.maximum(y_pred, EPS) / n

    def __repr__(self):
        return f"CategoricalCrossEntropy(from_logits={self.from_logits})"


class Hinge(Loss):
    """Hinge = mean[max(0, 1 − y·s)] for labels y in {−1, +1} and raw scores s.

    Zero once a sample is on the right side with a margin of 1;
    dL/ds = −y/N where 1 − y·s > 0, else 0.
    """

    name = "hinge"
    title = "Hinge loss"

    def checked(self, y_pred, y_true):
        y_pred, y_true = _as_pair(y_pred, y_true, self.title)
        if not np.all(np.isin(y_true, (-1.0, 1.0))):
            raise CourseError("Hinge loss needs labels −1 or +1 "
                              "(turn 0/1 labels into −1/+1 with 2·y − 1).")
        return y_pred, y_true

    def formula(self, y_pred, y_true) -> float:
        return float(np.mean(np.maximum(0.0, 1.0 - y_true * y_pred)))

    def formula_gradient(self, y_pred, y_true):
        return np.where(1.0 - y_true * y_pred > 0, -y_true, 0.0) / y_pred.size


class KLDivergence(Loss):
    """KL(P ‖ Q) = (1/n)·Σ_samples Σ_k p_k·log(p_k / q_k).

    How much Q (the prediction) loses against P.

    Zero when the two distributions are equal, never negative. dL/dq = −p / q / n.
    """

    name = "kl_divergence"
    title = "KL divergence"

    def checked(self, y_pred, y_true):
        y_pred, y_true = _as_pair(y_pred, y_true, self.title)
        if np.any(y_pred < 0) or np.any(y_true < 0):
            raise CourseError("KL divergence compares probability distributions; "
                              "no value may be negative.")
        return y_pred, y_true

    def formula(self, q, p) -> float:
        q = np.clip(q, EPS, 1.0)
        safe_p = np.where(p > 0, p, 1.0)
        terms = np.where(p > 0, p * (np.log(safe_p) - np.log(q)), 0.0)  # 0·log 0 counts as 0
        return float(np.sum(terms) / _n_samples(q))

    def formula_gradient(self, q, p):
        return -p / np.clip(q, EPS, 1.0) / _n_samples(q)


LOSSES: dict[str, type[Loss]] = {
    "mse": MeanSquaredError,
    "mean_squared_error": MeanSquaredError,
    "half_squared_error": HalfSquaredError,
    "binary_crossentropy": BinaryCrossEntropy,
    "categorical_crossentropy": CategoricalCrossEntropy,
    "hinge": Hinge,
    "kl_divergence": KLDivergence,
}


def get_loss(loss: str | Loss) -> Loss:
    """Turn a name such as "mse" (or a Loss) into a Loss object."""
    if isinstance(loss, Loss):
        return loss
    if isinstance(loss, type) and issubclass(loss, Loss):
        return loss()
    if isinstance(loss, str):
        key = loss.strip().lower().replace("-", "_").replace(" ", "_")
        if key in LOSSES:
            return LOSSES[key]()
    raise unknown_name("loss", loss, list(LOSSES))
