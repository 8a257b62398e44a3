"""Dropout: during training, switch off a random share of a layer's outputs at every step.

Inverted dropout, as PyTorch and Keras do it. With drop rate p, each output of the layer below is
kept with probability 1 − p and scaled up by 1 / (1 − p), so that its expected value is unchanged:

    training:    mask ~ Bernoulli(1 − p), one draw per output and per step
                 A = X ⊙ mask / (1 − p)           dX = dA ⊙ mask / (1 − p)
    evaluation:  A = X                            dX = dA

Because training already scales by 1 / (1 − p), nothing needs rescaling at evaluation time: the
network used for predictions is the trained one, unchanged. A neuron that cannot count on any one
neighbour being there learns features that are useful on their own, which is why dropout fights
overfitting.

A `Dropout` layer sits between two layers of a `Sequential` and has no parameters. It is in
evaluation mode until told otherwise: `fit` switches it to training for the training steps and back
for the validation data and when it returns; in a loop of your own, call `net.train()` before the
steps and `net.eval()` before measuring (the names PyTorch uses for the same switch). The masks are
drawn from the layer's own generator, so the same seed gives the same masks.
"""

from __future__ import annotations

import numpy as np

from nncourse.errors import CourseError


class Dropout:
    """Inverted dropout with drop rate `rate`: Dropout(0.5, seed=0)."""

    def __init__(self, rate: float, *, seed=None, rng=None, name: str | None = None):
        if isinstance(rate, bool) or not isinstance(rate, (int, float, np.floating)) \
                or not 0.0 <= float(rate) < 1.0:
            raise CourseError(f"Dropout's rate is the share of outputs switched off, a number from "
                              f"0 (keep all) up to but not including 1; got {rate!r}.")
        self.rate = float(rate)
        self.rng = rng if rng is not None else np.random.default_rng(seed)
        self.name = name
        self.training = False
        self.width = None            # set by the network: the number of outputs of the layer below
        self.mask = None
        self.X = self.a = self.da = None
        self.z = self.dz = self.dW = self.db = None    # no weighted sum, no parameters

    # ------------------------------------------------------------ what a network asks of a layer
    @property
    def n_inputs(self):
        return self.width

    @property
    def n_neurons(self):
        return self.width

    @property
    def label(self) -> str:
        return self.name or "Dropout layer"

    @property
    def params(self) -> dict:
        return {}

    @property
    def grads(self) -> dict:
        return {}

    n_params = 0
    frozen = frozenset()  # nothing to hold fixed

    def connect(self, width: int) -> None:
        """Take the width of the layer below (a network calls this when it is built)."""
        self.width = int(width)

    def summary_row(self) -> tuple:
        """The row of `Sequential.summary()`: name, W shape, output, what it does, parameters."""
        return (self.name or "dropout", "-", f"(n, {self.width})", f"dropout p={self.rate:g}", "0")

    # ------------------------------------------------------------ forward and backward
    def _forward(self, X):
        """Training: A = X ⊙ mask / (1 − p), a fresh mask each call. Evaluation: A = X."""
        self.X = X
        if self.training and self.rate > 0.0:
            keep = self.rng.random(X.shape) >= self.rate
            self.mask = keep / (1.0 - self.rate)
            self.a = X * self.mask
        else:
            self.mask = None
            self.a = X
        return self.a

    def forward(self, X):
        """The forward pass on one matrix (rows are samples); the layer keeps its own copy."""
        X = np.array(X, dtype=float)
        if X.ndim == 1:
            return self._forward(X[None, :])[0].copy()
        return self._forward(X).copy()

    def backward(self, grad_a):
        """dX = dA ⊙ mask / (1 − p) with the mask of the last forward pass (dX = dA without one)."""
        if self.a is None:
            raise CourseError(f"{self.label}: run forward before backward "
                              "(backward needs the mask of the forward pass).")
        grad_a = np.asarray(grad_a, dtype=float)
        if grad_a.size != self.a.size:
            raise CourseError(f"{self.label}: the gradient has shape {grad_a.shape} but the "
                              f"layer's output has shape {self.a.shape}; they must match.")
        return self._backward(grad_a.reshape(self.a.shape))

    def _backward(self, grad_a, input_gradient: bool = True):
        """Backward from a checked dL/dA shaped like the cached output."""
        self.da = grad_a
        return grad_a * self.mask if self.mask is not None else grad_a

    __call__ = forward

    def __repr__(self):
        name = f", name={self.name!r}" if self.name else ""
        return f"Dropout({self.rate:g}{name})"


__all__ = ["Dropout"]
