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


# A layer's weights may take at most this much memory (a 100 000 × 100 000 layer would need 80 GB).
MAX_WEIGHT_BYTES = 4 * 10**9


def as_float_matrix(X, what: str = "input", *, copy: bool = False) -> np.ndarray:
    """X as a float64 array (a copy if asked), refusing text, ragged lists, NaN and infinity with
    a plain sentence."""
    try:
        X = np.array(X, dtype=float) if copy else np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        raise CourseError(f"The {what} must be numbers in a rectangular table "
                          "(a list of rows of equal length, or a numpy array of floats).") from None
    if X.size == 0:
        raise CourseError(f"The {what} is empty; give at least one sample.")
    if not np.all(np.isfinite(X)):
        raise CourseError(
            f"The {what} contains NaN or infinity; clean or fill those values before using them."
        )
    return X


def check_finite(output, what: str) -> None:
    """Refuse an output that overflowed (inputs or weights so large that z is ±∞ or NaN)."""
    if not np.all(np.isfinite(output)):
        raise CourseError(
            f"{what} is not a finite number: the weighted sums overflowed (inputs or weights too "
            "large for float64). Scale the inputs, for example with data.standardize."
        )


class Neuron:
    """One artificial neuron: output = f(w · x + b).

    >>> n = Neuron(weights=[0.5, -1.0], bias=2.0, activation="relu")
    >>> n.forward([0.0, 0.0])   # all inputs zero: the bias alone makes it fire
    2.0
    """

    def __init__(self, weights, bias: float = 0.0, activation: str | Activation = "relu"):
        weights = as_float_matrix(weights, "neuron's weights")
        if weights.ndim != 1:
            raise CourseError(
                f"A neuron's weights are one list of numbers, one per input; got shape "
                f"{weights.shape}. For several neurons use Dense.from_weights(W, b)."
            )
        self.weights = weights.copy()
        bias_array = as_float_matrix(bias, "neuron's bias")
        if bias_array.ndim != 0:
            raise CourseError(f"A neuron has one bias, a single number; got {bias!r}.")
        self.bias = float(bias_array)
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
        with np.errstate(over="ignore", invalid="ignore"):
            self.z = self.weighted_sum(x)
            a = self.activation.forward(self.z)
        check_finite(a, "This neuron's output")
        return float(a) if np.ndim(a) == 0 else a

    __call__ = forward

    def __repr__(self):
        return (f"Neuron(weights={self.weights.tolist()}, bias={self.bias}, "
                f"activation={self.activation.name!r})")


class Dense:
    """A fully connected layer: every neuron sees every input. A = f(X @ W + b).

    `W` and `b` are the layer's own arrays: assigning `layer.W = …` copies the new numbers into
    them (same shape only), so an optimiser that holds them keeps moving the layer.
    `freeze()` holds the parameters fixed (`freeze("b")` only the biases): backward still computes
    their gradients, but `Sequential.gradients()` gives None for them and every optimiser leaves a
    parameter whose gradient is None where it is.
    """

    PARAMETER_NAMES = ("W", "b")

    def __init__(self, n_inputs: int, n_neurons: int, activation: str | Activation = "identity",
                 *, init=None, seed=None, rng=None, name: str | None = None):
        for label, count in (("inputs", n_inputs), ("neurons", n_neurons)):
            if not isinstance(count, (int, np.integer)) or isinstance(count, bool) or count < 1:
                raise CourseError(f"A Dense layer needs a whole number ≥ 1 of {label}; "
                                  f"got {count!r}.")
        self.activation = get_activation(activation)
        if rng is None:
            rng = np.random.default_rng(seed)
        if init is None:
            init = self.activation.default_init
        self.init = init
        self.name = name
        self._W = _weights_array(init, (int(n_inputs), int(n_neurons)), rng, self.label)
        self._b = np.zeros(int(n_neurons))
        self.frozen: frozenset = frozenset()
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
        layer._W[...] = W
        layer._b[...] = b
        return layer

    def _clear_cache(self):
        self.X = self.z = self.a = None
        self.da = self.dz = self.dW = self.db = None

    # ------------------------------------------------------------ parameters
    @property
    def W(self) -> np.ndarray:
        """The weights, shaped (inputs, neurons): column j holds neuron j's weights."""
        return self._W

    @W.setter
    def W(self, value):
        self._W[...] = self._checked_parameter("W", value, self._W.shape, "(inputs, neurons)")

    @property
    def b(self) -> np.ndarray:
        """The biases, shaped (neurons,): one per neuron."""
        return self._b

    @b.setter
    def b(self, value):
        self._b[...] = self._checked_parameter("b", value, self._b.shape, "(neurons,)")

    def _checked_parameter(self, key, value, shape, layout) -> np.ndarray:
        value = as_float_matrix(value, f"new value of {self.label}.{key}")
        if value.shape != shape:
            raise CourseError(
                f"{self.label}.{key} has shape {shape} {layout}, but the new value has shape "
                f"{value.shape}; give the same shape (a layer of another size is a new Dense)."
            )
        return value

    def freeze(self, *names: str) -> Dense:
        """Hold parameters fixed during training: freeze() holds W and b, freeze("b") the biases."""
        self.frozen = self.frozen | self._parameter_names(names)
        return self

    def unfreeze(self, *names: str) -> Dense:
        """Let frozen parameters train again: unfreeze() frees both, unfreeze("W") the weights."""
        self.frozen = self.frozen - self._parameter_names(names)
        return self

    def _parameter_names(self, names) -> frozenset:
        unknown = [name for name in names if name not in self.PARAMETER_NAMES]
        if unknown:
            raise CourseError(f"{self.label} has the parameters 'W' and 'b'; "
                              f"there is no {unknown[0]!r}.")
        return frozenset(names or self.PARAMETER_NAMES)

    # ------------------------------------------------------------ shape facts
    @property
    def n_inputs(self) -> int:
        return self._W.shape[0]

    @property
    def n_neurons(self) -> int:
        return self._W.shape[1]

    @property
    def label(self) -> str:
        return self.name or "Dense layer"

    @property
    def params(self) -> dict:
        return {"W": self._W, "b": self._b}

    @property
    def grads(self) -> dict:
        return {"W": self.dW, "b": self.db}

    @property
    def n_params(self) -> int:
        return self._W.size + self._b.size

    # ------------------------------------------------------------ forward and backward
    def check_input(self, X) -> np.ndarray:
        """A copy of X as a float matrix whose width is this layer's number of inputs, or a plain
        error. A copy, so that changing X afterwards cannot change what the layer remembers."""
        X = as_float_matrix(X, f"input of {self.label}", copy=True)
        if X.ndim not in (1, 2) or X.shape[-1] != self.n_inputs:
            raise CourseError(
                f"{self.label} expects {self.n_inputs} inputs per sample, "
                f"shape (n, {self.n_inputs}), but received shape {X.shape}."
            )
        return X

    def forward(self, X):
        """Z = X @ W + b, A = f(Z). A single sample (a 1-D x) gives a 1-D output.

        The layer keeps its own copy of X, Z and A for backward; what it returns is yours to change.
        """
        X = self.check_input(X)
        with np.errstate(over="ignore", invalid="ignore"):
            A = self._forward(X[None, :] if X.ndim == 1 else X)
        check_finite(A, f"The output of {self.label}")
        return A[0].copy() if X.ndim == 1 else A.copy()

    def _forward(self, X):
        """The forward pass on an already checked (n, inputs) float matrix; caches X, z, a."""
        self.X = X
        self.z = X @ self._W + self._b
        self.a = self.activation.forward(self.z)
        return self.a

    def backward(self, grad_a):
        """Given dL/dA, store dZ, dW, db and return dL/dX (the gradient for the layer below).

        dZ = dA ⊙ f'(Z);  dW = Xᵀ @ dZ;  db = Σ_rows dZ;  dX = dZ @ Wᵀ.
        """
        if self.a is None:
            raise CourseError(f"{self.label}: run forward before backward "
                              "(backward needs the cached input).")
        grad_a = as_float_matrix(grad_a, f"gradient given to {self.label}'s backward")
        if grad_a.shape != self.a.shape:
            if grad_a.size == self.a.size:
                grad_a = grad_a.reshape(self.a.shape)
            else:
                raise CourseError(
                    f"{self.label}: the gradient has shape {grad_a.shape} "
                    f"but the layer's output has shape {self.a.shape}; they must match."
                )
        return self._backward(grad_a)

    def _backward(self, grad_a, input_gradient: bool = True):
        """Backward from a checked dL/dA shaped like the cached output. The training loop passes
        input_gradient=False for the first layer, whose dL/dX nobody reads: then dX is not
        computed and None is returned (unless a subclass writes its own backward_from_z, which
        is always called)."""
        self.da = grad_a
        dz = self.activation.backward(self.z, self.a, grad_a)
        if input_gradient or not self._engine_backward:
            return self.backward_from_z(dz)
        self._store_gradients(dz)
        return None

    def backward_from_z(self, dz):
        """The part of backward after the activation: given dL/dZ, store dW, db, return dL/dX."""
        self._store_gradients(dz)
        return dz @ self._W.T

    def _store_gradients(self, dz):
        """dZ, dW = Xᵀ @ dZ and db = Σ_rows dZ, stored on the layer for the optimiser."""
        self.dz = dz
        self.dW = self.X.T @ dz
        self.db = dz.sum(axis=0)

    # True while backward_from_z is this class's own; a subclass that writes its own (lesson
    # 05's exercise does) is always asked through it.
    _engine_backward = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._engine_backward = cls.backward_from_z is Dense.backward_from_z

    __call__ = forward

    def __repr__(self):
        name = f", name={self.name!r}" if self.name else ""
        frozen = f", frozen={sorted(self.frozen)}" if self.frozen else ""
        return (f"Dense({self.n_inputs}, {self.n_neurons}, "
                f"activation={self.activation.name!r}{name}{frozen})")


def _weights_array(init, shape, rng, label) -> np.ndarray:
    """The starting weights from an initialiser, refusing a size that does not fit in memory."""
    n_bytes = shape[0] * shape[1] * 8
    if n_bytes > MAX_WEIGHT_BYTES:
        raise CourseError(
            f"{label}: {shape[0]:,} × {shape[1]:,} weights would take {n_bytes / 1e9:.0f} GB of "
            f"memory (the limit is {MAX_WEIGHT_BYTES / 1e9:.0f} GB); use fewer inputs or neurons."
        )
    return np.array(get_initializer(init)(shape, rng=rng), dtype=float)
