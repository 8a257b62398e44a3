"""A scalar computational graph: one number, where it came from, and how the loss depends on it.

A `Value` wraps one float. Every arithmetic operation on Values returns a new Value that remembers

- its **parents** (the Values it was computed from), and
- its **local gradients**: the partial derivative of the result with respect to each parent,
  worked out right there, next to the forward computation.

`backward()` then applies the chain rule over the whole graph. Walking the nodes from the output
back to the inputs, each node passes its gradient on to its parents, multiplied by the local
gradient of the edge::

    parent.grad += local_gradient * node.grad

The `+=` matters: a Value used twice (``a * a``, or a weight feeding two neurons) collects the
gradient of every path through it. `backward()` first sets every gradient in the graph to zero,
so calling it twice gives the same gradients, never twice as much.

Example::

    >>> x = Value(2.0, "x")
    >>> y = x * x + 3 * x
    >>> y.backward()
    >>> x.grad          # dy/dx = 2x + 3
    7.0

`nncourse.plots.value_graph.draw_graph(value)` shows the graph with matplotlib, and
`nncourse.examples.scalar_network_321()` builds the 3-2-1 network of lesson 05 from Values.
This module knows nothing of drawing or of the examples: it is the graph and its chain rule.
"""

from __future__ import annotations

import math
from numbers import Real

from nncourse.errors import CourseError


class Value:
    """One scalar in a computational graph, and the gradient of the final output with respect to it.

    Attributes
    ----------
    data : float
        The number computed in the forward pass.
    grad : float
        d(output)/d(this value), filled in by `backward()` called on the output.
    grad_of : Value or None
        The output whose `backward()` filled in `grad` (None before any backward pass).
    label : str
        A name to show in drawings and error messages (``"w14"``, ``"o6"``).
    op : str
        The operation that produced this value (``"+"``, ``"×"``, ``"σ"`` ...); ``""`` for an input.
    parents : tuple of Value
        The values this one was computed from.
    local_grads : tuple of float
        d(this value)/d(parent) for each parent, in the same order.
    """

    def __init__(self, data, label: str = "", *, parents=(), local_grads=(), op: str = ""):
        if isinstance(data, Value):
            raise CourseError("Value(...) takes a plain number; this is already a Value.")
        if not isinstance(data, Real):
            raise CourseError(f"A Value holds one real number, not {type(data).__name__} {data!r}.")
        data = float(data)
        if not math.isfinite(data):
            raise CourseError(f"A Value must be a finite number, got {data}.")
        self.data = data
        self.grad = 0.0
        self.grad_of = None
        self.label = label
        self.op = op
        self.parents = tuple(parents)
        self.local_grads = tuple(float(g) for g in local_grads)

    def __repr__(self) -> str:
        name = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{name})"

    # ---------------------------------------------------------------- helpers

    @staticmethod
    def _as_value(other, operation: str) -> Value:
        """Turn a plain number into a constant Value (a leaf); leave a Value as it is."""
        if isinstance(other, Value):
            return other
        if isinstance(other, Real):
            return Value(other)
        raise CourseError(
            f"Cannot use {type(other).__name__} {other!r} in {operation} with a Value; "
            "use a number or another Value."
        )

    def _result(self, data: float, op: str, parents, local_grads) -> Value:
        """The Value an operation returns, with its parents and local gradients recorded."""
        if not math.isfinite(data):
            raise CourseError(
                f"The result of {op!r} on {', '.join(_describe(p) for p in parents)} "
                f"is not a finite number ({data})."
            )
        return Value(data, parents=parents, local_grads=local_grads, op=op)

    # ------------------------------------------------------------- arithmetic

    def __add__(self, other) -> Value:
        """Sum ``out = a + b``.  Local gradients: ∂out/∂a = 1, ∂out/∂b = 1."""
        other = self._as_value(other, "an addition")
        return self._result(self.data + other.data, "+", (self, other), (1.0, 1.0))

    def __sub__(self, other) -> Value:
        """Difference ``out = a − b``.  Local gradients: ∂out/∂a = 1, ∂out/∂b = −1."""
        other = self._as_value(other, "a subtraction")
        return self._result(self.data - other.data, "−", (self, other), (1.0, -1.0))

    def __mul__(self, other) -> Value:
        """Product ``out = a · b``.  Local gradients: ∂out/∂a = b, ∂out/∂b = a."""
        other = self._as_value(other, "a multiplication")
        return self._result(self.data * other.data, "×", (self, other), (other.data, self.data))

    def __truediv__(self, other) -> Value:
        """Quotient ``out = a / b``.  Local gradients: ∂out/∂a = 1/b, ∂out/∂b = −a/b²."""
        other = self._as_value(other, "a division")
        if other.data == 0.0:
            raise CourseError(f"Cannot divide {_describe(self)} by {_describe(other)}, which is 0.")
        b = other.data
        return self._result(self.data / b, "÷", (self, other), (1.0 / b, -self.data / b**2))

    def __pow__(self, exponent) -> Value:
        """Power ``out = aⁿ`` for a fixed number n.  Local gradient: ∂out/∂a = n·aⁿ⁻¹.

        The exponent must be a plain number: a Value exponent (``a ** b``) would need
        ∂out/∂b = aᵇ·ln(a), which this class does not provide. Write ``(b * a.log()).exp()``.
        """
        if isinstance(exponent, Value):
            raise CourseError(
                "A Value can only be raised to a plain number (a ** 2), not to another Value; "
                "for a ** b write (b * a.log()).exp()."
            )
        if not isinstance(exponent, Real):
            raise CourseError(f"The exponent must be a number, not {type(exponent).__name__}.")
        n = float(exponent)
        a = self.data
        if a == 0.0 and n < 1.0 and n != 0.0:
            raise CourseError(
                f"{_describe(self)} is 0, and 0 ** {n:g} or its gradient is not a finite number."
            )
        if a < 0.0 and not n.is_integer():
            raise CourseError(
                f"{_describe(self)} is negative, and a negative number to the power {n:g} "
                "is not a real number."
            )
        try:
            out = a**n
            local = n * a ** (n - 1.0) if n != 0.0 else 0.0
        except OverflowError:
            message = f"{_describe(self)} to the power {n:g} is too large for a float."
            raise CourseError(message) from None
        return self._result(out, f"^{n:g}", (self,), (local,))

    def __neg__(self) -> Value:
        """Negation ``out = −a``.  Local gradient: ∂out/∂a = −1."""
        return self._result(-self.data, "neg", (self,), (-1.0,))

    def __radd__(self, other) -> Value:
        """``number + value``: the same sum, with the number first."""
        return self._as_value(other, "an addition") + self

    def __rsub__(self, other) -> Value:
        """``number − value``."""
        return self._as_value(other, "a subtraction") - self

    def __rmul__(self, other) -> Value:
        """``number · value``."""
        return self._as_value(other, "a multiplication") * self

    def __rtruediv__(self, other) -> Value:
        """``number / value``."""
        return self._as_value(other, "a division") / self

    def _no_comparison(self, other):
        raise CourseError(
            "A Value cannot be compared with < or > (as max(0, v) or sorted do): the comparison "
            "would drop it from the graph. Write v.relu() for max(0, v), or compare v.data."
        )

    __lt__ = __le__ = __gt__ = __ge__ = _no_comparison

    def __rpow__(self, base):
        raise CourseError(
            "A number cannot be raised to a Value here (2 ** v); "
            "write (v * math.log(2)).exp() instead."
        )

    # ------------------------------------------------------------- functions

    def exp(self) -> Value:
        """Exponential ``out = eᵃ``.  Local gradient: ∂out/∂a = eᵃ (the output itself)."""
        try:
            out = math.exp(self.data)
        except OverflowError:
            raise CourseError(f"exp({_describe(self)}) is too large for a float.") from None
        return self._result(out, "exp", (self,), (out,))

    def log(self) -> Value:
        """Natural logarithm ``out = ln a`` for a > 0.  Local gradient: ∂out/∂a = 1/a."""
        if self.data <= 0.0:
            raise CourseError(f"log needs a positive number, and {_describe(self)} is not.")
        return self._result(math.log(self.data), "log", (self,), (1.0 / self.data,))

    def tanh(self) -> Value:
        """Hyperbolic tangent ``out = tanh a``.  Local gradient: ∂out/∂a = 1 − tanh²a."""
        t = math.tanh(self.data)
        return self._result(t, "tanh", (self,), (1.0 - t * t,))

    def sigmoid(self) -> Value:
        """Logistic sigmoid ``out = σ(a) = 1 / (1 + e⁻ᵃ)``.  Local gradient: σ(a)·(1 − σ(a)).

        Computed without overflow for any a: for a < 0 it uses the equal form eᵃ / (1 + eᵃ).
        """
        a = self.data
        if a >= 0.0:
            s = 1.0 / (1.0 + math.exp(-a))
        else:
            e = math.exp(a)
            s = e / (1.0 + e)
        return self._result(s, "σ", (self,), (s * (1.0 - s),))

    def relu(self) -> Value:
        """Rectified linear unit ``out = max(0, a)``.  Local gradient: 1 if a > 0, else 0."""
        a = self.data
        return self._result(max(0.0, a), "ReLU", (self,), (1.0 if a > 0.0 else 0.0,))

    # ---------------------------------------------------------------- backward

    def graph(self) -> list[Value]:
        """Every Value this one depends on (itself included), each parent before its children.

        This is a topological order: walking it backwards visits a node only after every node
        that uses it, so its gradient is complete before it is passed on.
        """
        order: list[Value] = []
        visited: set[int] = set()
        # An explicit stack instead of recursion, so that long graphs (a training loop) work too.
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:
            node, parents_done = stack.pop()
            if parents_done:
                order.append(node)
                continue
            if id(node) in visited:
                continue
            visited.add(id(node))
            stack.append((node, True))
            for parent in reversed(node.parents):
                if id(parent) not in visited:
                    stack.append((parent, False))
        return order

    def backward(self) -> None:
        """Fill in ``grad`` of every Value in the graph with d(self)/d(that value).

        1. Put the nodes in topological order (`graph`).
        2. Set every gradient to 0, and d(self)/d(self) = 1.
        3. From the output back to the inputs, pass each node's gradient to its parents:
           ``parent.grad += local_grad * node.grad`` (the chain rule; ``+=`` sums over paths).

        Gradients are overwritten on each call, so calling backward twice gives the same result.
        """
        order = self.graph()
        for node in order:
            node.grad = 0.0
            node.grad_of = self
        self.grad = 1.0
        for node in reversed(order):
            for parent, local_grad in zip(node.parents, node.local_grads):
                parent.grad += local_grad * node.grad


def _describe(value: Value) -> str:
    """A value named in an error message: its label if it has one, and its number."""
    return f"{value.label} = {value.data:g}" if value.label else f"the value {value.data:g}"
