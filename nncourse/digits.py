"""Real data: scikit-learn's handwritten digits, split and scaled the way a real project does it.

The digits come with scikit-learn (no download): 1,797 images of 8×8 pixels, each pixel a grey
level from 0 to 16, labelled 0 to 9. `load_digits()` gives them as a (1797, 64) matrix, one
flattened image per row, and the labels.

A project with real data splits it three ways before looking at any result:

    training set     the network learns its weights from it
    validation set   choices are made on it: learning rate, size, penalty, when to stop
    test set         looked at once, at the end: the honest estimate for new data

`digits_split` does this (stratified: every part keeps each digit's share) and standardises the
pixels with the mean and standard deviation of the *training* part only, applied unchanged to the
other two: statistics taken from validation or test data would let them leak into the model. A
pixel that is 0 in every training image keeps its value divided by 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nncourse.data import standardize, train_test_split
from nncourse.errors import CourseError

N_SAMPLES, N_PIXELS, N_CLASSES = 1797, 64, 10


def load_digits():
    """(X, y): X (1797, 64) float64 grey levels 0…16, one image per row; y (1797,) labels 0…9."""
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError:
        raise CourseError("The digits data set comes with scikit-learn, which is not installed: "
                          "run `pip install scikit-learn` (it is one of the course's "
                          "dependencies).") from None
    bunch = sklearn_digits()
    return bunch.data.astype(float), bunch.target.astype(int)


@dataclass
class DigitsSplit:
    """The three parts of the digits, standardised with the training part's statistics."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    images_train: np.ndarray      # the raw 0…16 grey levels, for looking at the pictures
    images_val: np.ndarray
    images_test: np.ndarray

    def sizes(self) -> tuple[int, int, int]:
        return len(self.y_train), len(self.y_val), len(self.y_test)


def digits_split(val_fraction: float = 0.2, test_fraction: float = 0.2, seed=0,
                 train_size: int | None = None) -> DigitsSplit:
    """Split the digits into training, validation and test parts, stratified by label.

    The test part is cut first (`test_fraction` of all samples), then the validation part
    (`val_fraction` of all samples) from what is left. `train_size` keeps only that many training
    samples (stratified too), to show what little data does. Standardisation uses the training
    part's mean and standard deviation only.
    """
    if not (0 < val_fraction and 0 < test_fraction and val_fraction + test_fraction < 1):
        raise CourseError("val_fraction and test_fraction must be positive and add up to less "
                          f"than 1; got {val_fraction} and {test_fraction}.")
    X, y = load_digits()
    rest_X, X_test, rest_y, y_test = train_test_split(X, y, test_fraction, seed=seed)
    X_train, X_val, y_train, y_val = train_test_split(
        rest_X, rest_y, val_fraction / (1.0 - test_fraction), seed=seed)
    if train_size is not None:
        if not isinstance(train_size, int) or not N_CLASSES <= train_size < len(y_train):
            raise CourseError(f"train_size must be a whole number from {N_CLASSES} to "
                              f"{len(y_train) - 1}; got {train_size!r}.")
        _, X_train, _, y_train = train_test_split(X_train, y_train, train_size / len(y_train),
                                                  seed=seed)
    train, mean, std = standardize(X_train)
    val, _, _ = standardize(X_val, mean, std)
    test, _, _ = standardize(X_test, mean, std)
    return DigitsSplit(train, y_train, val, y_val, test, y_test, mean, std,
                       X_train, X_val, X_test)


def confusion_matrix(y_true, y_pred, n_classes: int = N_CLASSES) -> np.ndarray:
    """C[i, j] = how many samples of true class i were predicted as class j (rows: truth)."""
    y_true, y_pred = np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)
    if y_true.shape != y_pred.shape:
        raise CourseError(f"{y_true.size} true labels but {y_pred.size} predictions; give one "
                          "prediction per sample.")
    matrix = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix


__all__ = ["load_digits", "digits_split", "DigitsSplit", "confusion_matrix"]
