"""Gradient checking: is backprop right? Compare it with a numerical estimate.

The central difference estimates a derivative from two evaluations of the function:

    ∂f/∂x ≈ (f(x + ε) − f(x − ε)) / (2ε)

and its error shrinks like ε². We compare the two arrays with the relative error of the whole
gradient,

    ‖a − b‖ / (‖a‖ + ‖b‖)        (‖·‖ the Euclidean norm; 0 when both are all zeros)

which is below about 1e-7 in float64 when backprop is correct, and near 1 when it is wrong.
Comparing whole arrays, rather than element by element, keeps a correct gradient that happens to
cross zero somewhere (GELU and swish have a minimum; leaky ReLU's slope is tiny) from looking wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nncourse.activations import get_activation
from nncourse.errors import CourseError
from nncourse.losses import get_loss

TOLERANCE = 1e-7


def numerical_gradient(f, x, eps: float = 1e-6) -> np.ndarray:
    """∂f/∂x for a scalar function f of the array x, by central differences (x is restored)."""
    x = np.asarray(x)
    if x.dtype != np.float64:
        raise CourseError("numerical_gradient needs a float64 array "
                          "(it nudges the values in place).")
    grad = np.zeros_like(x)
    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        original = flat_x[i]
        flat_x[i] = original + eps
        f_plus = float(f())
        flat_x[i] = original - eps
        f_minus = float(f())
        flat_x[i] = original
        flat_g[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a, b) -> float:
    """‖a − b‖ / (‖a‖ + ‖b‖) for two gradients of one shape; 0 when both are all zeros."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise CourseError(f"Cannot compare gradients of shapes {a.shape} and {b.shape}.")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    if scale == 0.0:
        return 0.0
    return float(np.linalg.norm(a - b) / scale)


@dataclass
class GradCheckReport:
    """One row per checked array: its name, the largest relative error, and the tolerance."""

    rows: list = field(default_factory=list)
    tolerance: float = TOLERANCE

    def add(self, name: str, analytic, numeric) -> None:
        self.rows.append((name, relative_error(analytic, numeric)))

    @property
    def max_error(self) -> float:
        return max((err for _, err in self.rows), default=0.0)

    def passed(self, tol: float | None = None) -> bool:
        return self.max_error < (self.tolerance if tol is None else tol)

    def __str__(self):
        width = max([len("gradient")] + [len(name) for name, _ in self.rows])
        lines = [f"{'gradient'.ljust(width)}  relative error  verdict"]
        for name, err in self.rows:
            verdict = "ok" if err < self.tolerance else "WRONG"
            lines.append(f"{name.ljust(width)}  {err:14.2e}  {verdict}")
        return "\n".join(lines)

    __repr__ = __str__


def check_activation(activation, z) -> GradCheckReport:
    """Compare the activation's backward with central differences of Σ g·f(z) for a random g."""
    act = get_activation(activation)
    z = np.array(z, dtype=float)
    g = np.random.default_rng(0).normal(size=z.shape)
    analytic = act.backward(z, act.forward(z), g)
    numeric = numerical_gradient(lambda: np.sum(g * act.forward(z)), z)
    report = GradCheckReport()
    report.add(f"{act.name}: dL/dz", analytic, numeric)
    return report


def check_loss(loss, y_pred, y_true) -> GradCheckReport:
    """Compare the loss's gradient with central differences of its value."""
    loss = get_loss(loss)
    y_pred = np.array(y_pred, dtype=float)
    analytic = loss.gradient(y_pred, y_true)
    numeric = numerical_gradient(lambda: loss.value(y_pred, y_true), y_pred)
    report = GradCheckReport()
    report.add(f"{loss.name}: dL/dŷ", analytic, numeric)
    return report


def check_layer(layer, X) -> GradCheckReport:
    """Check a layer's dW, db and dX for the scalar L = Σ g·layer(X), g random."""
    X = np.array(X, dtype=float)
    g = np.random.default_rng(0).normal(size=layer.forward(X).shape)

    def value():
        return np.sum(g * layer.forward(X))

    layer.forward(X)
    dX = layer.backward(g)
    analytic = {"W": layer.dW.copy(), "b": layer.db.copy(), "X": dX.copy()}
    report = GradCheckReport()
    for name, array in (("W", layer.W), ("b", layer.b), ("X", X)):
        report.add(f"{layer.label}.d{name}", analytic[name], numerical_gradient(value, array))
    return report


def check_network(network, X, y, loss) -> GradCheckReport:
    """Check every parameter gradient of a network (and dL/dX) against central differences."""
    loss = get_loss(loss)
    X = np.array(X, dtype=float)
    network.forward(X)
    dX = network.backward(y, loss)
    analytic = [g.copy() for g in network.gradients()]
    report = GradCheckReport()

    def value():
        return network.loss(X, y, loss)

    for (name, param), grad in zip(network.named_parameters(), analytic):
        layer, key = name.rsplit(".", 1)
        report.add(f"{layer}.d{key}", grad, numerical_gradient(value, param))  # "dense1.dW"
    report.add("dX", dX, numerical_gradient(value, X))
    return report
