"""Loss functions: one number that says how wrong the predictions are.

Each loss has its value (a single scalar, averaged over the samples of the batch) and its gradient
with respect to the prediction, side by side:

- `value(y_pred, y_true)` gives L;
- `gradient(y_pred, y_true)` gives dL/dy_pred, an array shaped like y_pred.

The cross-entropies come in two flavours: from probabilities (what a sigmoid or softmax output
gives) and from logits (`from_logits=True`: the raw scores before the activation), which is the
numerically safest form. A network whose output layer is a softmax (or sigmoid) still has its
logits z cached, so `Sequential.loss` and `fit` compute the cross-entropy with them
(`value_from_output`): exact however wrong the prediction. Look one up by name with
`get_loss("mse")`.
"""

from __future__ import annotations

import numpy as np

from nncourse.activations import sigmoid, softmax
from nncourse.errors import CourseError
from nncourse.registry import Registry

# Probabilities are kept inside [EPS, 1 − EPS] before taking a logarithm, so log(0) never happens.
# This caps a cross-entropy computed from probabilities at −log(1e-12) ≈ 27.63 per sample; computed
# from logits (`value_from_logits`) it has no cap.
EPS = 1e-12
# A gradient divides by p: p is kept ≥ TINY, the smallest normal float64 (2.2e-308), so that
# dL/dp stays finite; the softmax and sigmoid backward keep their outputs inside the same bounds,
# so that dL/dp · dp/dz multiplies out to the right (p − y)/N even where p rounds to 0 or 1.
TINY = float(np.finfo(float).tiny)
ONE_BELOW = float(np.nextafter(1.0, 0.0))  # 1 − 2⁻⁵³, the largest float64 below 1


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
    """A loss function: `value` and `gradient`. Subclasses set `name`.

    `classifies`: its targets are class labels, so training reports an accuracy.
    `output_activation`: the activation the network's output layer must have for this loss
    ("softmax", "sigmoid", "identity"), or None when any output suits it.
    """

    name = "loss"
    classifies = False
    output_activation: str | None = None
    probability_activation: str | None = None  # the activation whose probabilities it scores

    def count(self, y_pred) -> int:
        """N, how many terms the loss averages over: every number of the prediction."""
        return np.size(y_pred)

    def output_mismatch(self, activation: str, layer: str, n_outputs: int) -> str | None:
        """Why an output layer with this activation does not suit the loss (a sentence saying
        what to change), or None when it suits."""
        wanted = self.output_activation
        if wanted is None or activation == wanted:
            return None
        if wanted == "identity":
            probability = self.probability_activation
            return (f"{type(self).__name__}(from_logits=True) applies the {probability} itself and "
                    f"needs raw scores from an identity output layer, but {layer} uses "
                    f"{activation!r}: make the last activation \"identity\", or use "
                    f"{type(self).__name__}() (from probabilities) with a {probability} output.")
        return (f"{self.title} needs probabilities from a {wanted} output layer, but {layer} uses "
                f"{activation!r}: make the last activation \"{wanted}\", or use "
                f"{type(self).__name__}(from_logits=True) with an identity output.")

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
    classifies = True
    probability_activation = "sigmoid"

    def __init__(self, from_logits: bool = False):
        self.from_logits = bool(from_logits)
        self.output_activation = "identity" if self.from_logits else self.probability_activation

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
            return self.value_from_logits(y_pred, y_true)
        p = np.clip(y_pred, EPS, 1 - EPS)
        return float(-np.mean(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))

    def value_from_output(self, p, s, y_true) -> float:
        """The loss of a sigmoid output p = σ(s), from its logits s: 1 − p rounds to 0 long before
        the true loss is large, so only the logits give it exactly."""
        return self.value_from_logits(s, y_true)

    @staticmethod
    def value_from_logits(s, y_true) -> float:
        """mean[max(s, 0) − s·y + log(1 + e^(−|s|))], which is −log σ(s) or −log(1 − σ(s)), exact
        for any logit s."""
        return float(np.mean(np.maximum(s, 0) - s * y_true + np.log1p(np.exp(-np.abs(s)))))

    def formula_gradient(self, y_pred, y_true):
        if self.from_logits:
            return (sigmoid(y_pred) - y_true) / y_pred.size
        p = np.clip(y_pred, TINY, ONE_BELOW)
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
    classifies = True
    probability_activation = "softmax"

    def __init__(self, from_logits: bool = False):
        self.from_logits = bool(from_logits)
        self.output_activation = "identity" if self.from_logits else self.probability_activation

    def count(self, y_pred) -> int:
        """N = n, the samples: the loss sums over the classes and averages over the samples."""
        return _n_samples(y_pred)

    def output_mismatch(self, activation: str, layer: str, n_outputs: int) -> str | None:
        if n_outputs == 1:
            return (f"{self.title} compares several classes, but {layer} has one output (a "
                    "softmax of one number is always 1): give the last layer one output per "
                    "class, or use binary cross-entropy with one sigmoid output.")
        return super().output_mismatch(activation, layer, n_outputs)

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
            return self.value_from_logits(y_pred, y_true)
        log_p = np.log(np.maximum(y_pred, EPS))  # p ≤ 1 is already checked
        return float(-(y_true * log_p).sum() / _n_samples(y_pred))

    def value_from_output(self, p, s, y_true) -> float:
        """The loss of a softmax output p = softmax(s), exact however wrong the prediction: from
        log p while every p is a normal float (log p is then right to the last digit), from the
        logits s (log-softmax) once some p has rounded towards 0."""
        if p.min() >= TINY:
            return float(-np.vdot(y_true, np.log(p)) / _n_samples(p))
        return self.value_from_logits(s, y_true)

    @staticmethod
    def value_from_logits(s, y_true) -> float:
        """−(1/n)·Σ y·log_softmax(s): exact for any logits s, however small the true class's p.

        With log_softmax(s)_k = s_k − m − log Σ_j e^(s_j − m) (m the row's largest logit), a row
        costs (m + log Σ_j e^(s_j − m))·Σ_k y_k − Σ_k y_k·s_k.
        """
        s = np.atleast_2d(s)
        y_true = np.asarray(y_true).reshape(s.shape)
        m = s.max(axis=-1, keepdims=True)
        log_sum = (m + np.log(np.exp(s - m).sum(axis=-1, keepdims=True)))[:, 0]
        return float((log_sum @ y_true.sum(axis=-1) - np.vdot(y_true, s)) / s.shape[0])

    def formula_gradient(self, y_pred, y_true):
        n = _n_samples(y_pred)
        if self.from_logits:
            return (softmax(y_pred) - y_true) / n
        return -y_true / np.maximum(y_pred, TINY) / n

    def __repr__(self):
        return f"CategoricalCrossEntropy(from_logits={self.from_logits})"


class Hinge(Loss):
    """Hinge = mean[max(0, 1 − y·s)] for labels y in {−1, +1} and raw scores s.

    Zero once a sample is on the right side with a margin of 1;
    dL/ds = −y/N where 1 − y·s > 0, else 0.
    """

    name = "hinge"
    title = "Hinge loss"
    classifies = True

    def output_mismatch(self, activation: str, layer: str, n_outputs: int) -> str | None:
        """Hinge scores raw margins y·s: s must go below 0 for class −1 and past ±1 for a margin,
        which only an identity output can do."""
        if activation == "identity":
            return None
        return (f"{self.title} needs raw scores s that can be negative (class −1) and reach "
                f"beyond ±1 (the margin), but {layer} uses {activation!r}: make the last "
                "activation \"identity\".")

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

    def output_mismatch(self, activation: str, layer: str, n_outputs: int) -> str | None:
        """KL compares two distributions, so the prediction Q must be one: a softmax over two or
        more outputs."""
        if activation == "softmax" and n_outputs > 1:
            return None
        if activation == "softmax":
            return (f"{self.title} compares distributions over several outcomes, but {layer} has "
                    "one output (a softmax of one number is always 1): give it one output per "
                    "outcome.")
        return (f"{self.title} needs a probability distribution from a softmax output layer, "
                f"but {layer} uses {activation!r}: make the last activation \"softmax\".")

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


LOSSES = Registry("loss", {
    cls.name: cls for cls in (MeanSquaredError, HalfSquaredError, BinaryCrossEntropy,
                              CategoricalCrossEntropy, Hinge, KLDivergence)
}, aliases={"mean_squared_error": "mse", "l2": "mse", "sse": "half_squared_error",
            "bce": "binary_crossentropy", "binary_cross_entropy": "binary_crossentropy",
            "log_loss": "binary_crossentropy", "ce": "categorical_crossentropy",
            "cce": "categorical_crossentropy", "cross_entropy": "categorical_crossentropy",
            "categorical_cross_entropy": "categorical_crossentropy", "kl": "kl_divergence",
            "kld": "kl_divergence", "kl_div": "kl_divergence"})


def get_loss(loss: str | Loss) -> Loss:
    """Turn a name such as "mse" or "ce" (or a Loss, or a Loss class) into a Loss object."""
    if isinstance(loss, Loss):
        return loss
    if isinstance(loss, type) and issubclass(loss, Loss):
        return loss()
    return LOSSES.lookup(loss)()
