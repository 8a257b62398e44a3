"""Shared test set-up: numpy floating-point problems are errors everywhere in the suite."""

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _numpy_errors_raise():
    """Overflow, division by zero and invalid operations raise instead of warning."""
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        yield
