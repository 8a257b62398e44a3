"""Calling a learner's function so that a floating-point accident is a failed case, not a warning.

numpy does not stop when `np.exp(1000)` overflows: it prints a RuntimeWarning and carries on with
`inf`, and sometimes the final answer even looks right (1 / (1 + inf) is 0). The exercises on
numerically stable formulas (sigmoid, softmax, cross-entropy) call the learner's code through
`call_strictly`, under which overflow, division by zero and invalid operations raise
FloatingPointError with a sentence that says what happened. Underflow (e^(−1000) becoming 0) is
harmless and allowed.
"""

from __future__ import annotations

import numpy as np

_MEANING = {
    "overflow": "a number grew past the largest float (about 1.8e308) and became inf",
    "divide by zero": "something was divided by zero or log(0) was taken, which gives ±inf",
    "invalid value": "an operation with no answer (0 / 0, inf / inf, inf − inf, 0 · inf, the log "
                     "of a negative number) gave NaN",
}


def call_strictly(function, *args):
    """`function(*args)` with numpy overflow, division by zero and invalid operations as errors."""
    try:
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            return function(*args)
    except FloatingPointError as error:
        text = str(error)
        meaning = next((m for key, m in _MEANING.items() if key in text), None)
        if meaning is None:
            raise
        raise FloatingPointError(f"numpy reported '{text}': {meaning}") from None


__all__ = ["call_strictly"]
