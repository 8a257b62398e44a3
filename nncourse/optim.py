"""Optimisers: how the weights move once the gradients are known.

All of them follow the gradient downhill; they differ in how far and in which direction each step
goes. Each one's `step(params, grads)` updates the parameter arrays in place (η is the learning
rate):

    SGD        w ← w − η·g
    Momentum   v ← β·v + g;            w ← w − η·v                  (a ball rolling downhill)
    RMSProp    s ← ρ·s + (1 − ρ)·g²;   w ← w − η·g / (√s + ε)        (per-weight step sizes)
    Adam       m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²
               m̂ = m / (1 − β₁ᵗ);      v̂ = v / (1 − β₂ᵗ);   w ← w − η·m̂ / (√v̂ + ε)

These are the same formulas as PyTorch's SGD (with momentum), RMSprop and Adam. As in PyTorch, a
parameter whose gradient is None (one held fixed with `layer.freeze`) is left where it is, and its
state does not move either.
"""

from __future__ import annotations

import math

import numpy as np

from nncourse.errors import CourseError
from nncourse.registry import Registry


def check_learning_rate(lr) -> float:
    """The learning rate as a float, refusing values that cannot make progress."""
    try:
        lr = float(lr)
    except (TypeError, ValueError):
        raise CourseError(f"The learning rate must be a number; got {lr!r}.") from None
    if not math.isfinite(lr) or lr <= 0:
        raise CourseError(
            f"The learning rate must be a positive number (for example 0.1); got {lr}. "
            "With η ≤ 0 gradient descent would stand still or climb uphill."
        )
    return lr


class Optimizer:
    """Base class: keeps the learning rate and per-parameter state."""

    name = "optimizer"
    default_lr = 0.1

    def __init__(self, lr: float):
        self.lr = check_learning_rate(lr)
        self.state: list = []
        self.t = 0
        self._checked_state, self._checked_shapes = None, None

    def reset(self) -> None:
        """Forget all state (velocities, averages, step count)."""
        self.state = []
        self.t = 0

    def step(self, params, grads) -> None:
        """Move every parameter array (in place) using its gradient; a None gradient (a parameter
        held fixed) leaves its parameter unchanged."""
        params, grads = list(params), list(grads)
        self.check(params, grads)
        self._step(params, grads)

    def check(self, params, grads=None) -> None:
        """Refuse parameters this optimiser's state was not made for, and gradients whose shapes
        differ from their parameters', before anything moves (and build the state on first use)."""
        if grads is not None and len(params) != len(grads):
            raise CourseError(f"{len(params)} parameters but {len(grads)} gradients; "
                              "give one gradient each.")
        if len(self.state) != len(params):
            if any(self.state):  # velocities or averages of other parameters: never mixed in
                raise self._other_parameters(params)
            self.state = [self.new_state(p) for p in params]
        shapes = [p.shape for p in params]
        if self.state is not self._checked_state or shapes != self._checked_shapes:
            # state built or set for other parameters: refuse before anything moves
            if any(value.shape != p.shape for p, s in zip(params, self.state)
                   for value in s.values()):
                raise self._other_parameters(params)
            self._checked_state, self._checked_shapes = self.state, shapes
        for p, g in zip(params, grads or ()):
            if g is not None and np.shape(g) != p.shape:
                raise CourseError(f"A parameter of shape {p.shape} got a gradient of shape "
                                  f"{np.shape(g)}.")

    def _step(self, params, grads) -> None:
        """One update of parameters and gradients already checked (the training loop's path)."""
        self.t += 1
        for p, g, s in zip(params, grads, self.state):
            if g is not None:  # None: held fixed
                self.update(p, g if isinstance(g, np.ndarray) else np.asarray(g, dtype=float), s)

    def _other_parameters(self, params) -> CourseError:
        held = [next(iter(s.values())).shape for s in self.state if s]
        return CourseError(
            f"This {type(self).__name__} holds state for parameters of shapes {held}, but got "
            f"shapes {[np.shape(p) for p in params]}; use a new optimiser for another network "
            "(or call reset())."
        )

    def new_state(self, param) -> dict:
        return {}

    def update(self, param, grad, state) -> None:
        raise CourseError(f"{type(self).__name__} does not define update().")

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr})"


class SGD(Optimizer):
    """Plain gradient descent: w ← w − η·g."""

    name = "sgd"

    def update(self, param, grad, state):
        param -= self.lr * grad


class Momentum(Optimizer):
    """v ← β·v + g;  w ← w − η·v. Past gradients keep pushing, smoothing zig-zags."""

    name = "momentum"

    def __init__(self, lr: float, beta: float = 0.9):
        super().__init__(lr)
        self.beta = float(beta)

    def new_state(self, param):
        return {"v": np.zeros_like(param)}

    def update(self, param, grad, state):
        v = state["v"]
        v *= self.beta
        v += grad
        param -= self.lr * v


class RMSProp(Optimizer):
    """s ← ρ·s + (1 − ρ)·g²;  w ← w − η·g / (√s + ε). Big, noisy gradients get smaller steps."""

    name = "rmsprop"
    default_lr = 0.01

    def __init__(self, lr: float = 0.01, rho: float = 0.99, eps: float = 1e-8):
        super().__init__(lr)
        self.rho, self.eps = float(rho), float(eps)

    def new_state(self, param):
        return {"s": np.zeros_like(param)}

    def update(self, param, grad, state):
        s = state["s"]
        s *= self.rho
        s += (1.0 - self.rho) * grad * grad
        param -= self.lr * grad / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    """Momentum and RMSProp together, with bias correction for the first steps."""

    name = "adam"
    default_lr = 0.001

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8):
        super().__init__(lr)
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)

    def new_state(self, param):
        return {"m": np.zeros_like(param), "v": np.zeros_like(param)}

    def update(self, param, grad, state):
        m, v = state["m"], state["v"]
        m *= self.beta1
        m += (1.0 - self.beta1) * grad
        v *= self.beta2
        v += (1.0 - self.beta2) * grad * grad
        m_hat = m / (1.0 - self.beta1**self.t)
        v_hat = v / (1.0 - self.beta2**self.t)
        param -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


OPTIMIZERS = Registry("optimiser", {cls.name: cls for cls in (SGD, Momentum, RMSProp, Adam)},
                      aliases={"gd": "sgd", "gradient_descent": "sgd", "rms_prop": "rmsprop"})


def get_optimizer(optimizer, lr: float | None = None) -> Optimizer:
    """An Optimizer from a name ("sgd", "momentum", "rmsprop", "adam") or a class, with the
    learning rate lr (or the optimiser's usual one: 0.1 for SGD and momentum, 0.01 for RMSProp,
    0.001 for Adam). An Optimizer already made is passed through with its own lr."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    if isinstance(optimizer, type) and issubclass(optimizer, Optimizer):
        cls = optimizer
    else:
        cls = OPTIMIZERS.lookup(optimizer)
    return cls(cls.default_lr if lr is None else lr)
