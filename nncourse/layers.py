"""Layers: the neuron of lesson 01, and a dense layer of many neurons.

A neuron takes inputs x₁ … xₙ, multiplies each by its weight, adds a bias and passes the
weighted sum through an activation:

    z = w₁·x₁ + … + wₙ·xₙ + b        a = f(z)

A dense layer is many neurons reading the same inputs. With a batch of samples in the rows of X
(batch first) and one column of W per neuron:

    shapes:    X: (n, inputs)   W: (inputs, neurons)   b: (neurons,)
    forward:   Z = X @ W + b
               A = f(Z)
    backward:  dZ = dA ⊙ f'(Z)                       (the activation's chain rule)
               dW = Xᵀ @ dZ      db = Σ_rows dZ      (what the optimiser needs)
               dX = dZ @ Wᵀ                          (handed to the layer below)

Backward overwrites `dW` and `db` every time it runs: gradients never pile up silently.
"""

from __future__ import annotations

import numpy as np

from nncourse.activations import Activation, get_activation
from nncourse.errors import CourseError
from nncourse.init import get_initializer

_RELU_LIKE = {"relu", "leaky_relu", "gelu", "swish"}


def as_float_matrix(X, what: str = "input") -> np.ndarray:
    """X as a float64 array, refusing text, NaN and infinity with a plain sentence."""
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        raise CourseError(f"The {what} must be numbers "
                          "(a list or numpy array of floats).") from None
    if X.size == 0:
        raise CourseError(f"The {what} is empty; give at least one sample.")
    if not np.all(np.isfinite(X)):
        raise CourseError(
            f"The {what} contains NaN or infinity; clean or fill those values before using them."
        )
    return X


class Neuron:
    """One artificial neuron: output = f(w · x + b).

    >>> n = Neuron(weights=[0.5, -1.0], bias=2.0, activation="relu")
    >>> n.forward([0.0, 0.0])   # all inputs zero: the bias alone makes it fire
    2.0
    """

    def __init__(self, weights, bias: float = 0.0, activation: str | Activation = "relu"):
        self.weights = as_float_matrix(weights, "neuron's weights").reshape(-1)
        self.bias = float(bias)
        self.activation = get_activation(activation)
        self.z = None

    @property
    def n_inputs(self) -> int:
        return self.weights.size

    def weighted_sum(self, x):
        """z = Σᵢ wᵢ·xᵢ + b, for one input vector (→ float) or a batch of rows (→ array)."""
        x = as_float_matrix(x, "neuron's input")
        if x.shape[-1] != self.n_inputs:
            raise CourseError(
                f"This neuron has {self.n_inputs} weights but received {x.shape[-1]} inputs "
                f"(input shape {x.shape}); give exactly one input per weight."
            )
        z = x @ self.weights + self.bias
        return float(z) if np.ndim(z) == 0 else z

    def forward(self, x):
        """a = f(z): the neuron's output."""
        self.z = self.weighted_sum(x)
        a = self.activation.forward(self.z)
        return float(a) if np.ndim(a) == 0 else a

    __call__ = forward

    def __repr__(self):
        return (f"Neuron(weights={self.weights.tolist()}, bias={self.bias}, "
                f"activation={self.activation.name!r})")


class Dense:
    """A fully connected layer: every neuron sees every input. A = f(X @ W + b)."""

    def __init__(self, n_inputs: int, n_neurons: int, activation: str | Activation = "identity",
                 *, init=None, seed=None, rng=None, name: str | None = None):
        for label, count in (("inputs", n_inputs), ("neurons", n_neurons)):
            if not isinstance(count, (int, np.integer)) or count < 1:
                raise CourseError(f"A Dense layer needs a whole number ≥ 1 of {label}; "
                                  f"got {count!r}.")
        self.activation = get_activation(activation)
        if rng is None:
            rng = np.random.default_rng(seed)
        if init is None:
            init = "he" if self.activation.name in _RELU_LIKE else "xavier"
        self.init = init
        self.W = np.asarray(get_initializer(init)((int(n_inputs), int(n_neurons)), rng=rng),
                            dtype=float)
        self.b = np.zeros(int(n_neurons))
        self.name = name
        self._clear_cache()

    @classmethod
    def from_weights(cls, W, b, activation: str | Activation = "identity", name: str | None = None):
        """A layer with the weights you give: W shaped (inputs, neurons), b shaped (neurons,)."""
        W = as_float_matrix(W, "weight matrix W")
        if W.ndim != 2:
            raise CourseError(f"W must be a 2-D matrix (inputs × neurons); got shape {W.shape}.")
        b = as_float_matrix(b, "bias b").reshape(-1)
        if b.shape != (W.shape[1],):
            raise CourseError(
                f"W has {W.shape[1]} columns (one per neuron) but b has {b.size} values; "
                f"give one bias per neuron."
            )
        layer = cls(W.shape[0], W.shape[1], activation, init="zeros", name=name)
        layer.W[...] = W
        layer.b[...] = b
        return layer

    def _clear_cache(self):
        self.X = self.z = self.a = None
        self.da = self.dz = self.dW = self.db = None

    # ------------------------------------------------------------ shape facts
    @property
    def n_inputs(self) -> int:
        return self.W.shape[0]

    @property
    def n_neurons(self) -> int:
        return self.W.shape[1]

    @property
    def label(self) -> str:
        return self.name or "Dense layer"

    @property
    def params(self) -> dict:
        return {"W": self.W, "b": self.b}

    @property
    def grads(self) -> dict:
        return {"W": self.dW, "b": self.db}

    @property
    def n_params(self) -> int:
        return self.W.size + self.b.size

    # ------------------------------------------------------------ forward and backward
    def check_input(self, X) -> np.ndarray:
        """X as a float matrix whose width is this layer's number of inputs, or a plain error."""
        X = as_float_matrix(X, f"input of {self.label}")
        if X.ndim not in (1, 2) or X.shape[-1] != self.n_inputs:
            raise CourseError(
                f"{self.label} expects {self.n_inputs} inputs per sample, "
                f"shape (n, {self.n_inputs}), but received shape {X.shape}."
            )
        return X

    def forward(self, X):
        """Z = X @ W + b, A = f(Z). A single sample (a 1-D x) gives a 1-D output."""
        X = self.check_input(X)
        if X.ndim == 1:
            return self.forward_batch(X[None, :])[0]
        return self.forward_batch(X)

    def forward_batch(self, X):
        """The forward pass on an already checked (n, inputs) float matrix; caches X, z, a."""
        self.X = X
        self.z = X @ self.W + self.b
        self.a = self.activation.forward(self.z)
        return self.a

    def backward(self, grad_a, input_gradient: bool = True):
        """Given dL/dA, store dZ, dW, db and return dL/dX (the gradient for the layer below).

        dZ = dA ⊙ f'(Z);  dW = Xᵀ @ dZ;  db = Σ_rows dZ;  dX = dZ @ Wᵀ.
        With input_gradient=False (the first layer, in training) dX is not needed and not computed.
        """
        if self.a is None:
            raise CourseError(f"{self.label}: run forward before backward "
                              "(backward needs the cached input).")
        grad_a = np.asarray(grad_a, dtype=float)
        if grad_a.shape != self.a.shape:
            if grad_a.size == self.a.size:
                grad_a = grad_a.reshape(self.a.shape)
            else:
                raise CourseError(
                    f"{self.label}: the gradient has shape {grad_a.shape} "
                    f"but the layer's output has shape {self.a.shape}; they must match."
                )
        self.da = grad_a
        dz = self.activation.backward(self.z, self.a, grad_a)
        return self.backward_from_z(dz, input_gradient)

    def backward_from_z(self, dz, input_gradient: bool = True):
        """The part of backward after the activation: given dL/dZ, store dW, db, return dL/dX."""
        self.dz = dz
        self.dW = self.X.T @ dz
        self.db = dz.sum(axis=0)
        return dz @ self.W.T if input_gradient else None

    __call__ = forward

    def __repr__(self):
        name = f", name={self.name!r}" if self.name else ""
        return (f"Dense({self.n_inputs}, {self.n_neurons}, "
                f"activation={self.activation.name!r}{name})")
