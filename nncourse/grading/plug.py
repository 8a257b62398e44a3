"""Put a learner's own function inside the real engine, and watch a network learn with it (or not).

    from nncourse.grading.plug import LearnerActivation, with_learner_backward
    from nncourse.network import mlp

    # the learner's sigmoid and its derivative, as the hidden activation of a network
    act = LearnerActivation(my_sigmoid, my_sigmoid_derivative)
    net = Sequential([Dense(2, 4, act, seed=0), Dense(4, 1, "sigmoid", seed=1)])

    # the learner's backward step of a dense layer, in every layer of a network
    net = with_learner_backward(mlp([2, 8, 1], hidden="tanh", output="sigmoid"), dense_backward)
    history = net.fit(X, y, loss="binary_crossentropy", lr=0.5, epochs=500)

`dense_backward(X, W, dZ)` (the signature of exercise 05-dense_backward) receives a layer's
cached input X (n, inputs), its weights W (inputs, neurons) and dL/dZ (n, neurons), and returns
(dX, dW, db): dW = Xᵀ @ dZ, db = Σ_rows dZ, dX = dZ @ Wᵀ. Everything else (forward pass,
activations, loss, optimiser) stays the engine's, so a right answer trains exactly like the engine
and a wrong one visibly does not. A result of the wrong shape, or None, is refused with a plain
sentence.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nncourse.activations import Activation
from nncourse.errors import CourseError
from nncourse.layers import Dense
from nncourse.network import Sequential


class LearnerActivation(Activation):
    """An activation whose value (and, if given, derivative) are a learner's functions."""

    def __init__(self, forward: Callable, derivative: Callable | None = None,
                 name: str = "yours"):
        self._forward = forward
        self._derivative = derivative
        self.name = name

    def forward(self, z):
        return _as_array(self._forward(z), np.shape(z), f"your {self.name} activation")

    def derivative(self, z):
        if self._derivative is None:
            raise CourseError(f"The activation {self.name!r} was given without a derivative, "
                              f"so it cannot be used for training.")
        return _as_array(self._derivative(z), np.shape(z), f"the derivative of {self.name}")


class LearnerDense(Dense):
    """A Dense layer whose backward step (after the activation) is a learner's function."""

    learner_backward: Callable | None = None

    def backward_from_z(self, dz, input_gradient: bool = True):
        result = self.learner_backward(self.X, self.W, dz)
        if not isinstance(result, tuple | list) or len(result) != 3:
            raise CourseError(f"{self.label}: your dense_backward must return three arrays "
                              f"(dX, dW, db); it returned {type(result).__name__}.")
        dX, dW, db = result
        self.dz = dz
        self.dW = _as_array(dW, self.W.shape, f"{self.label}: your dW")
        self.db = _as_array(db, self.b.shape, f"{self.label}: your db")
        return _as_array(dX, self.X.shape, f"{self.label}: your dX") if input_gradient else None


def with_learner_backward(network: Sequential, dense_backward: Callable) -> Sequential:
    """A copy of the network (same weights) whose every layer uses `dense_backward`."""
    layers = []
    for layer in network.layers:
        copy = LearnerDense.from_weights(layer.W, layer.b, layer.activation, name=layer.name)
        copy.learner_backward = dense_backward
        layers.append(copy)
    return Sequential(layers, name=network.name if hasattr(network, "name") else None)


def _as_array(value, shape: tuple, what: str) -> np.ndarray:
    if value is None:
        raise CourseError(f"{what} is None: the function returned nothing.")
    array = np.asarray(value, dtype=float)
    if array.shape != tuple(shape):
        raise CourseError(f"{what} has shape {array.shape}; it must have shape {tuple(shape)}.")
    return array
