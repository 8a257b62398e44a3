"""Weight penalties (L2 and L1): a price on large weights, added to the loss.

Training minimises the data loss plus a penalty on the weight matrices (not on the biases):

    objective = loss + (λ₂ / 2)·Σ W²  +  λ₁·Σ |W|
    gradient:   dW  += λ₂·W  +  λ₁·sign(W)          (db unchanged)

L2 ("weight decay") pulls every weight towards 0 in proportion to its size; with plain gradient
descent the step becomes w ← (1 − η·λ₂)·w − η·∂loss/∂w, a shrinking by a constant factor at every
step, hence the name. L1 pulls with a constant force λ₁ whatever the size, so it drives small
weights to exactly 0 (a sparse network).

Why in the loss, and not inside the optimiser: the penalty is then part of what is minimised, so
it is the same for every optimiser, its value can be printed, and the gradient check can check its
gradient like any other. The factor ½ makes λ₂ mean what PyTorch's `weight_decay=λ₂` means: torch
adds λ₂·w to the gradient before the optimiser's step (SGD, momentum, RMSprop and Adam alike), and
the gradient of (λ₂/2)·Σw² is exactly λ₂·w, so both take the same steps. (AdamW's decoupled decay
is a different rule.) PyTorch applies `weight_decay` to every parameter it is given; give it the
biases in a group of their own with `weight_decay=0` to match this module.

Biases are left alone: a bias shifts a neuron's threshold, it does not amplify the input, and
penalising it only pulls every boundary towards the origin.

`fit(..., penalty=L2(1e-3))` adds the penalty's gradient after every backward pass; the history's
`loss` stays the data loss, comparable with `val_loss`. In a loop of your own, call
`penalty.add_gradient(net)` between `net.backward(...)` and the optimiser's step.
"""

from __future__ import annotations

import math

import numpy as np

from nncourse.errors import CourseError


def _strength(value, name: str) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise CourseError(f"The {name} strength must be a number; got {value!r}.") from None
    if not math.isfinite(value) or value < 0:
        raise CourseError(f"The {name} strength must be a number ≥ 0 (0 switches it off, "
                          f"1e-4 to 1e-2 are common); got {value}.")
    return value


class Penalty:
    """(λ₂/2)·Σ W² + λ₁·Σ |W| over every weight matrix of a network: Penalty(l2=1e-3)."""

    def __init__(self, l2: float = 0.0, l1: float = 0.0):
        self.l2 = _strength(l2, "L2")
        self.l1 = _strength(l1, "L1")

    @staticmethod
    def weights(network) -> list:
        """The weight matrices the penalty applies to: every layer's W (biases excluded)."""
        return [layer.W for layer in network.layers if "W" in layer.params]

    def value(self, network) -> float:
        """(λ₂/2)·Σ W² + λ₁·Σ |W|, summed over the network's weight matrices."""
        total = 0.0
        for W in self.weights(network):
            total += 0.5 * self.l2 * float(np.sum(W * W)) + self.l1 * float(np.sum(np.abs(W)))
        return total

    def gradient(self, W) -> np.ndarray:
        """∂penalty/∂W = λ₂·W + λ₁·sign(W)   (sign(0) = 0: at 0 L1 does not push)."""
        return self.l2 * W + self.l1 * np.sign(W)

    def add_gradient(self, network) -> None:
        """dW += λ₂·W + λ₁·sign(W) for every layer, after a backward pass."""
        for layer in network.layers:
            if "W" not in layer.params:
                continue
            if layer.dW is None:
                raise CourseError("The penalty adds to the gradients of a backward pass: "
                                  "run backward first.")
            layer.dW = layer.dW + self.gradient(layer.W)

    def __repr__(self):
        parts = [f"l2={self.l2:g}"] if self.l2 else []
        parts += [f"l1={self.l1:g}"] if self.l1 else []
        return f"Penalty({', '.join(parts) or 'off'})"


def L2(strength: float) -> Penalty:
    """Weight decay: (λ/2)·Σ W², gradient λ·W (PyTorch's weight_decay=λ)."""
    return Penalty(l2=strength)


def L1(strength: float) -> Penalty:
    """λ·Σ |W|, gradient λ·sign(W): drives small weights to 0."""
    return Penalty(l1=strength)


__all__ = ["Penalty", "L2", "L1"]
