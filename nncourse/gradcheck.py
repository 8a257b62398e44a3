"""Gradient checking: is backprop right? Compare it with a numerical estimate.

The central difference estimates a derivative from two evaluations of the function:

    ∂f/∂x ≈ (f(x + ε) − f(x − ε)) / (2ε)

and its error shrinks like ε². We compare the two arrays with the relative error of the whole
gradient,

    ‖a − b‖ / (‖a‖ + ‖b‖)        (‖·‖ the Euclidean norm; 0 when both are all zeros)

How to read it:

    relative error   reading
    < 1e-7           right: what float64 central differences reach for a correct gradient
    1e-7 … 1e-4      close: almost surely right; rounding, a large ε, tiny gradients
    1e-4 … 1e-2      suspect: a small mistake, or a kink crossed by x ± ε
    > 1e-2           wrong: a factor of 2 gives exactly 1/3, a flipped sign 1, a wrong formula
                     anything in between (σ in place of σ·(1 − σ) gives 0.38 to 0.79, depending
                     on where z lies)

A kink (ReLU and leaky ReLU at z = 0) has no derivative: there backprop takes one slope, and the
central difference averages the two sides, so a correct gradient disagrees. A check whose inputs
put some z within reach of a kink says so ("at a kink") instead of "WRONG".

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
# (upper bound, verdict) for the relative error, from right to wrong
VERDICTS = ((TOLERANCE, "ok"), (1e-4, "close"), (1e-2, "suspect"), (float("inf"), "WRONG"))
# How close to a kink a z may come before x ± ε could cross it (ε·|x| for inputs up to about 100)
KINK_WINDOW = 1e-4


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
        f_plus = _scalar(f())
        flat_x[i] = original - eps
        f_minus = _scalar(f())
        flat_x[i] = original
        flat_g[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def _scalar(value) -> float:
    """f()'s value as one float, or a plain error: a gradient is of one number (a loss)."""
    if np.size(value) != 1:
        raise CourseError(
            f"numerical_gradient needs f() to return one number (a loss), but it returned "
            f"{np.size(value)} numbers, shape {np.shape(value)}; sum them or pick one."
        )
    try:
        return float(np.asarray(value, dtype=float).reshape(()))
    except (TypeError, ValueError):
        raise CourseError(f"numerical_gradient needs f() to return a number; it returned "
                          f"{type(value).__name__}.") from None


def relative_error(a, b) -> float:
    """‖a − b‖ / (‖a‖ + ‖b‖) for two gradients of one shape; 0 when both are all zeros."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise CourseError(f"Cannot compare gradients of shapes {a.shape} and {b.shape}.")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    if scale == 0.0:
        return 0.0
    return float(np.linalg.norm(a - b) / scale)


def verdict(error: float) -> str:
    """"ok", "close", "suspect" or "WRONG" for a relative error (see the table above)."""
    return next(word for bound, word in VERDICTS if error < bound)


@dataclass
class GradCheckReport:
    """One row per checked array: its name and relative error; `kinks` names the rows whose
    inputs sit at a kink, where the numerical estimate is not a derivative."""

    rows: list = field(default_factory=list)
    tolerance: float = TOLERANCE
    kinks: dict = field(default_factory=dict)

    def add(self, name: str, analytic, numeric) -> None:
        self.rows.append((name, relative_error(analytic, numeric)))

    @property
    def max_error(self) -> float:
        return max((err for _, err in self.rows), default=0.0)

    @property
    def at_kink(self) -> bool:
        """True when the check touched a kink, so a large error need not mean a wrong gradient."""
        return bool(self.kinks)

    def passed(self, tol: float | None = None) -> bool:
        return self.max_error < (self.tolerance if tol is None else tol)

    def row_verdict(self, name: str, err: float) -> str:
        if err < self.tolerance:
            return "ok"
        return "at a kink" if self.kinks else verdict(err)

    def __str__(self):
        width = max([len("gradient")] + [len(name) for name, _ in self.rows])
        lines = [f"{'gradient'.ljust(width)}  relative error  verdict"]
        for name, err in self.rows:
            lines.append(f"{name.ljust(width)}  {err:14.2e}  {self.row_verdict(name, err)}")
        if self.kinks and not self.passed():
            where = "; ".join(f"{name}: {count} value{'s' if count > 1 else ''}"
                              for name, count in self.kinks.items())
            lines.append(
                f"z at a kink ({where} within {KINK_WINDOW:g} of 0): the derivative does not exist "
                "there and central differences average the two slopes, so this check cannot judge "
                "the gradient; check at another point."
            )
        return "\n".join(lines)

    __repr__ = __str__

    def note_kinks(self, name: str, activation, z) -> None:
        """Record how many z of `name` lie within KINK_WINDOW of one of the activation's kinks."""
        z = np.asarray(z, dtype=float)
        count = sum(int(np.count_nonzero(np.abs(z - k) < KINK_WINDOW))
                    for k in activation.kinks)
        if count:
            self.kinks[name] = count


def check_activation(activation, z) -> GradCheckReport:
    """Compare the activation's backward with central differences of Σ g·f(z) for a random g."""
    act = get_activation(activation)
    z = np.array(z, dtype=float)
    g = np.random.default_rng(0).normal(size=z.shape)
    analytic = act.backward(z, act.forward(z), g)
    numeric = numerical_gradient(lambda: np.sum(g * act.forward(z)), z)
    report = GradCheckReport()
    report.note_kinks("z", act, z)
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
    report.note_kinks(f"{layer.label}.z", layer.activation, layer.z)
    for name, array in (("W", layer.W), ("b", layer.b), ("X", X)):
        report.add(f"{layer.label}.d{name}", analytic[name], numerical_gradient(value, array))
    return report


def check_network(network, X, y, loss) -> GradCheckReport:
    """Check every parameter gradient of a network (and dL/dX) against central differences."""
    loss = get_loss(loss)
    X = np.array(X, dtype=float)
    network.forward(X)
    dX = network.backward(y, loss)
    analytic = [layer.grads[key].copy() for layer in network.layers for key in layer.params]
    report = GradCheckReport()
    for layer in network.layers:
        if layer.z is not None:
            report.note_kinks(f"{layer.label}.z", layer.activation, layer.z)

    def value():
        return network.loss(X, y, loss)

    for (name, param), grad in zip(network.named_parameters(), analytic):
        layer, key = name.rsplit(".", 1)
        report.add(f"{layer}.d{key}", grad, numerical_gradient(value, param))  # "dense1.dW"
    report.add("dX", dX, numerical_gradient(value, X))
    return report
