"""Toy data sets made on the spot with numpy (nothing is downloaded), and their preparation.

Every generator takes a `seed`, so the same call always gives the same points. Features come as
X of shape (n_samples, n_features) and class labels as integers y of shape (n_samples,).
"""

from __future__ import annotations

import numpy as np

from nncourse.errors import CourseError


def _rng(seed):
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _count(value, name: str, minimum: int = 1) -> int:
    if not isinstance(value, (int, np.integer)) or value < minimum:
        raise CourseError(f"{name} must be a whole number ≥ {minimum}; got {value!r}.")
    return int(value)


_CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def xor():
    """The four corners of the unit square, labelled 1 where exactly one input is 1.

    No straight line separates the 1s from the 0s, so no single neuron (and no stack of
    linear layers) can learn it.
    """
    return _CORNERS.copy(), np.array([0, 1, 1, 0])


def and_gate():
    """The four corners labelled with x₁ AND x₂: one straight line separates them."""
    return _CORNERS.copy(), np.array([0, 0, 0, 1])


def or_gate():
    """The four corners labelled with x₁ OR x₂: one straight line separates them."""
    return _CORNERS.copy(), np.array([0, 1, 1, 1])


def spirals(n_per_class: int = 100, n_classes: int = 3, noise: float = 0.2, seed=0):
    """Interleaved spiral arms in 2-D, one arm per class: a classic non-linear problem."""
    n_per_class = _count(n_per_class, "n_per_class")
    n_classes = _count(n_classes, "n_classes", 2)
    rng = _rng(seed)
    radius = np.tile(np.linspace(0.0, 1.0, n_per_class), n_classes)
    labels = np.repeat(np.arange(n_classes), n_per_class)
    angle = (labels * 4.0 + np.linspace(0.0, 4.0, n_per_class)[np.arange(radius.size) % n_per_class]
             + rng.normal(0.0, noise, radius.size))
    X = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    return X, labels


def moons(n_samples: int = 200, noise: float = 0.1, seed=0):
    """Two interleaving half circles (2 classes)."""
    n_samples = _count(n_samples, "n_samples", 2)
    rng = _rng(seed)
    n_upper = n_samples // 2
    n_lower = n_samples - n_upper
    t_upper = np.linspace(0.0, np.pi, n_upper)
    t_lower = np.linspace(0.0, np.pi, n_lower)
    X = np.vstack([
        np.column_stack([np.cos(t_upper), np.sin(t_upper)]),
        np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)]),
    ])
    X += rng.normal(0.0, noise, X.shape)
    y = np.concatenate([np.zeros(n_upper, int), np.ones(n_lower, int)])
    return X, y


def circles(n_samples: int = 200, noise: float = 0.05, factor: float = 0.5, seed=0):
    """A small circle (class 1) inside a large one (class 0)."""
    n_samples = _count(n_samples, "n_samples", 2)
    if not 0 < factor < 1:
        raise CourseError("factor (inner radius / outer radius) must be between 0 and 1; "
                          f"got {factor}.")
    rng = _rng(seed)
    n_outer = n_samples // 2
    n_inner = n_samples - n_outer
    t_outer = np.linspace(0.0, 2 * np.pi, n_outer, endpoint=False)
    t_inner = np.linspace(0.0, 2 * np.pi, n_inner, endpoint=False)
    X = np.vstack([
        np.column_stack([np.cos(t_outer), np.sin(t_outer)]),
        factor * np.column_stack([np.cos(t_inner), np.sin(t_inner)]),
    ])
    X += rng.normal(0.0, noise, X.shape)
    y = np.concatenate([np.zeros(n_outer, int), np.ones(n_inner, int)])
    return X, y


def blobs(n_samples: int = 300, n_features: int = 2, n_classes: int = 3, spread: float = 1.0,
          center_box: float = 10.0, seed=0):
    """Gaussian clouds, one per class, around random centres in any number of dimensions."""
    n_samples = _count(n_samples, "n_samples", 1)
    n_features = _count(n_features, "n_features", 1)
    n_classes = _count(n_classes, "n_classes", 1)
    rng = _rng(seed)
    centres = rng.uniform(-center_box, center_box, size=(n_classes, n_features))
    y = np.arange(n_samples) % n_classes
    X = centres[y] + rng.normal(0.0, spread, size=(n_samples, n_features))
    order = rng.permutation(n_samples)
    return X[order], y[order]


def noisy_line(n_samples: int = 50, slope: float = 2.0, intercept: float = 1.0, noise: float = 0.5,
               seed=0):
    """Points y = slope·x + intercept + noise, with x in [−1, 1]; for regression. y is (n, 1)."""
    n_samples = _count(n_samples, "n_samples", 1)
    rng = _rng(seed)
    x = np.sort(rng.uniform(-1.0, 1.0, n_samples))
    y = slope * x + intercept + rng.normal(0.0, noise, n_samples)
    return x[:, None], y[:, None]


def standardize(X, mean=None, std=None):
    """Rescale every feature to mean 0 and standard deviation 1: (X − mean) / std.

    Fit on the training data (mean and std left out) and apply the same mean and std to the
    test data. Returns (X_standardized, mean, std). A constant feature is left centred at 0.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise CourseError(f"standardize expects X with shape (samples, features); got {X.shape}.")
    if not np.all(np.isfinite(X)):
        raise CourseError("X contains NaN or infinity; "
                          "clean or fill those values before standardizing.")
    mean = X.mean(axis=0) if mean is None else np.asarray(mean, dtype=float)
    std = X.std(axis=0) if std is None else np.asarray(std, dtype=float)
    safe_std = np.where(std > 0, std, 1.0)
    return (X - mean) / safe_std, mean, std


def train_test_split(X, y, test_fraction: float = 0.25, seed=0, stratify: bool = True):
    """Split into (X_train, X_test, y_train, y_test); stratified keeps each class's share."""
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise CourseError(f"X has {len(X)} samples but y has {len(y)}; they must match.")
    if not 0 < test_fraction < 1:
        raise CourseError(f"test_fraction must be between 0 and 1; got {test_fraction}.")
    rng = _rng(seed)
    n_test = int(round(test_fraction * len(y)))
    test_mask = np.zeros(len(y), bool)
    if stratify and y.ndim == 1:
        labels, counts = np.unique(y, return_counts=True)
        # each class gives its share of the n_test places; the places left over by rounding down
        # go to the classes with the largest remainders, so the total is n_test exactly
        shares = test_fraction * counts
        per_class = np.floor(shares).astype(int)
        leftover = n_test - per_class.sum()
        per_class[np.argsort(per_class - shares, kind="stable")[:leftover]] += 1
        for label, k in zip(labels, per_class):
            members = rng.permutation(np.flatnonzero(y == label))
            test_mask[members[:k]] = True
    else:
        test_mask[rng.permutation(len(y))[:n_test]] = True
    return X[~test_mask], X[test_mask], y[~test_mask], y[test_mask]


def one_hot(labels, n_classes: int | None = None):
    """Integer labels (n,) as one-hot rows (n, n_classes): 2 → [0, 0, 1]."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.all(labels == np.round(labels)) or np.any(labels < 0):
        raise CourseError("one_hot expects a 1-D array of whole-number class labels 0, 1, 2, …")
    labels = labels.astype(int)
    n_classes = int(labels.max()) + 1 if n_classes is None else int(n_classes)
    if labels.size and labels.max() >= n_classes:
        raise CourseError(f"Label {labels.max()} does not fit in {n_classes} classes "
                          f"(0 … {n_classes - 1}).")
    return np.eye(n_classes)[labels]
