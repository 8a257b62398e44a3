"""Activation functions: what a neuron does with its weighted sum.

Each activation is a small class with its value (`forward`) and its derivative side by side:

- `forward(z)` gives a = f(z);
- `derivative(z)` gives f'(z), element by element;
- `backward(z, a, grad_a)` applies the chain rule, dL/dz = dL/da · da/dz, given dL/da.

Every function here is written to stay finite for inputs as large as ±1000: no overflow, no NaN.
Look one up by name with `get_activation("relu")`.
"""

from __future__ import annotations

import numpy as np

from nncourse.errors import CourseError
from nncourse.registry import Registry

_SQRT_2_OVER_PI = np.sqrt(2.0 / np.pi)
_GELU_CUBIC = 0.044715
# Probabilities in backward are kept inside [TINY, 1 − 2⁻⁵³], as a loss's dL/dp keeps them: where
# an output rounds to exactly 0 or 1 the factors a and 1 − a stay positive, so dL/da · da/dz keeps
# its right value instead of 0 · ∞. Away from those two ends nothing changes.
_TINY = float(np.finfo(float).tiny)
_ONE_BELOW = float(np.nextafter(1.0, 0.0))


# ---------------------------------------------------------------- plain functions

def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), computed without overflow for large |z|.

    For z ≥ 0 we use 1 / (1 + e^(−z)); for z < 0 the equal form e^z / (1 + e^z),
    so that e is only ever raised to a negative power.
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def tanh(z):
    """tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z)), a sigmoid stretched to (−1, 1)."""
    return np.tanh(np.asarray(z, dtype=float))


def relu(z):
    """ReLU(z) = max(0, z)."""
    return np.maximum(np.asarray(z, dtype=float), 0.0)


def leaky_relu(z, alpha: float = 0.01):
    """LeakyReLU(z) = z if z > 0, else α·z."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, alpha * z)


def softmax(z, axis: int = -1):
    """softmax(z)_i = e^(z_i) / Σ_j e^(z_j).

    Subtracting max(z) first changes nothing mathematically (it cancels) but keeps every
    exponent ≤ 0, so nothing overflows.
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(z, axis: int = -1):
    """log softmax(z)_i = z_i − max(z) − log Σ_j e^(z_j − max(z)).

    Finite even where softmax is 0.
    """
    z = np.asarray(z, dtype=float)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def gelu(z):
    """GELU(z) ≈ ½·z·(1 + tanh(√(2/π)·(z + 0.044715·z³))), the tanh form used in transformers.

    Computed as z·σ(2u), the same number (1 + tanh(u) = 2·σ(2u)), because for negative z the sum
    1 + tanh(u) cancels two numbers close to 1 and loses most of its digits.
    """
    z = np.asarray(z, dtype=float)
    return z * sigmoid(2.0 * _gelu_inner(z))


def swish(z):
    """Swish(z) = z·σ(z) (also called SiLU)."""
    z = np.asarray(z, dtype=float)
    return z * sigmoid(z)


def _gelu_inner(z):
    """u(z) = √(2/π)·(z + 0.044715·z³), computed without overflowing the cube for huge |z|."""
    clipped = np.clip(z, -100.0, 100.0)  # tanh(u) is ±1 long before |z| = 100
    return _SQRT_2_OVER_PI * (clipped + _GELU_CUBIC * clipped**3)


# ---------------------------------------------------------------- classes

class Activation:
    """An activation function with its derivative. Subclasses set `name` and `output_range`.

    `elementwise`: each output depends only on its own z (softmax is the exception).
    `default_init`: how a Dense layer with this activation starts its weights unless told
    ("xavier" suits sigmoid and tanh, "he" suits the ReLU family, which zeroes about half its
    inputs).
    `label_threshold`: a single output at or above it means class 1 (0.5 for a probability,
    0 for a score).
    """

    name = "activation"
    output_range = "(−∞, ∞)"
    elementwise = True
    default_init = "xavier"
    label_threshold = 0.0
    kinks: tuple = ()  # the z where the function has a corner and no derivative

    def forward(self, z):
        raise CourseError(f"{type(self).__name__} does not define forward().")

    def derivative(self, z):
        raise CourseError(f"{type(self).__name__} does not define derivative().")

    def backward(self, z, a, grad_a):
        """Chain rule: dL/dz = dL/da · f'(z), element by element."""
        return grad_a * self.derivative(z)

    def __call__(self, z):
        return self.forward(z)

    def __repr__(self):
        return f"{type(self).__name__}()"


class Identity(Activation):
    """f(z) = z; f'(z) = 1. A layer with it is purely linear (used for logits and regression)."""

    name = "identity"

    def forward(self, z):
        return np.asarray(z, dtype=float)

    def derivative(self, z):
        return np.ones_like(np.asarray(z, dtype=float))

    def backward(self, z, a, grad_a):
        return grad_a


class Sigmoid(Activation):
    """f(z) = 1 / (1 + e^(−z)); f'(z) = f(z)·(1 − f(z)), at most 0.25 (at z = 0)."""

    name = "sigmoid"
    output_range = "(0, 1)"
    label_threshold = 0.5

    def forward(self, z):
        return sigmoid(z)

    def derivative(self, z):
        s = sigmoid(z)
        return s * (1.0 - s)

    def backward(self, z, a, grad_a):
        a = np.clip(a, _TINY, _ONE_BELOW)
        return grad_a * a * (1.0 - a)


class Tanh(Activation):
    """f(z) = tanh(z); f'(z) = 1 − tanh(z)², at most 1 (at z = 0). Zero-centred, unlike sigmoid."""

    name = "tanh"
    output_range = "(−1, 1)"

    def forward(self, z):
        return tanh(z)

    def derivative(self, z):
        return 1.0 - tanh(z) ** 2

    def backward(self, z, a, grad_a):
        return grad_a * (1.0 - a * a)


class ReLU(Activation):
    """f(z) = max(0, z); f'(z) = 1 for z > 0, else 0 (we take 0 at z = 0, as PyTorch does)."""

    name = "relu"
    default_init = "he"
    kinks = (0.0,)
    output_range = "[0, ∞)"

    def forward(self, z):
        return relu(z)

    def derivative(self, z):
        return (np.asarray(z) > 0).astype(float)

    def backward(self, z, a, grad_a):
        return grad_a * (z > 0)


class LeakyReLU(Activation):
    """f(z) = z for z > 0, else α·z; f'(z) = 1 for z > 0, else α. Its gradient never dies."""

    name = "leaky_relu"
    default_init = "he"
    kinks = (0.0,)

    def __init__(self, alpha: float = 0.01):
        self.alpha = float(alpha)

    def forward(self, z):
        return leaky_relu(z, self.alpha)

    def derivative(self, z):
        return np.where(np.asarray(z) > 0, 1.0, self.alpha)

    def __repr__(self):
        return f"LeakyReLU(alpha={self.alpha})"


class Softmax(Activation):
    """softmax(z)_i = e^(z_i) / Σ_j e^(z_j) over the last axis; outputs are positive and sum to 1.

    It is not element-wise: every output depends on every input. Its Jacobian is
    ∂a_i/∂z_j = a_i·(δ_ij − a_j), so the chain rule gives, with g = dL/da,

        dL/dz = a ⊙ (g − Σ_j g_j·a_j).
    """

    name = "softmax"
    output_range = "(0, 1), summing to 1"
    elementwise = False

    def forward(self, z):
        return softmax(z, axis=-1)

    def derivative(self, z):
        raise CourseError(
            "Softmax has no element-wise derivative: each output depends on every input. "
            "Use jacobian(z) for the full matrix, or backward(z, a, grad_a) for the chain rule."
        )

    def jacobian(self, z):
        """The matrix ∂a_i/∂z_j = a_i·(δ_ij − a_j) for one vector z."""
        a = softmax(np.asarray(z, dtype=float).reshape(-1))
        return np.diag(a) - np.outer(a, a)

    def backward(self, z, a, grad_a):
        a = np.maximum(a, _TINY)
        return a * (grad_a - (grad_a * a).sum(axis=-1, keepdims=True))


class GELU(Activation):
    """GELU(z) ≈ ½·z·(1 + tanh(u)), u = √(2/π)·(z + 0.044715·z³).

    Derivative: ½·(1 + tanh(u)) + ½·z·(1 − tanh(u)²)·√(2/π)·(1 + 3·0.044715·z²).
    With s = σ(2u) = ½·(1 + tanh(u)) this is s + 2·z·s·(1 − s)·du/dz, which keeps its digits
    for negative z.
    """

    name = "gelu"
    default_init = "he"
    output_range = "[−0.17, ∞)"

    def forward(self, z):
        return gelu(z)

    def derivative(self, z):
        z = np.asarray(z, dtype=float)
        s = sigmoid(2.0 * _gelu_inner(z))
        clipped = np.clip(z, -100.0, 100.0)
        du_dz = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_CUBIC * clipped**2)
        return s + 2.0 * z * s * (1.0 - s) * du_dz


class Swish(Activation):
    """Swish(z) = z·σ(z); derivative σ(z) + z·σ(z)·(1 − σ(z))."""

    name = "swish"
    default_init = "he"
    output_range = "[−0.28, ∞)"

    def forward(self, z):
        return swish(z)

    def derivative(self, z):
        z = np.asarray(z, dtype=float)
        s = sigmoid(z)
        return s + z * s * (1.0 - s)


ACTIVATIONS = Registry("activation", {
    cls.name: cls for cls in (Identity, Sigmoid, Tanh, ReLU, LeakyReLU, Softmax, GELU, Swish)
}, aliases={"linear": "identity", "none": "identity", "logistic": "sigmoid", "lrelu": "leaky_relu",
            "silu": "swish"})

# The activations that act on each number alone (all but softmax): what a single neuron can use.
ELEMENTWISE_ACTIVATIONS = ACTIVATIONS.names(lambda cls: cls.elementwise)


def get_activation(activation: str | Activation | None) -> Activation:
    """Turn a name such as "relu" (or an Activation, or None for identity) into an Activation
    object."""
    if activation is None:
        return Identity()
    if isinstance(activation, Activation):
        return activation
    if isinstance(activation, type) and issubclass(activation, Activation):
        return activation()
    return ACTIVATIONS.lookup(activation)()
