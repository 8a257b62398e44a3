"""Initialisers: the numbers a network's weights start from.

Why it matters: if every weight starts equal, every neuron of a layer computes the same thing and
receives the same gradient, so they stay equal for ever (the symmetry problem). Random starts break
the symmetry; Xavier/Glorot and He scale them so that signals neither vanish nor explode layer by
layer. Every random initialiser takes a `numpy.random.Generator`, so the same seed gives the same
network.
"""

from __future__ import annotations

import numpy as np

from nncourse.registry import Registry


def _fans(shape) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight matrix shaped (n_inputs, n_neurons)."""
    if len(shape) == 1:
        return shape[0], shape[0]
    return shape[0], shape[1]


def zeros(shape, rng=None):
    """Every weight 0: a network that starts like this can never break symmetry."""
    return np.zeros(shape)


def constant(shape, value: float = 0.5, rng=None):
    """Every weight the same value: the same symmetry problem as zeros."""
    return np.full(shape, float(value))


def uniform(shape, rng, low: float = -0.5, high: float = 0.5):
    """Uniform on [low, high)."""
    return rng.uniform(low, high, size=shape)


def normal(shape, rng, std: float = 0.1):
    """Normal with mean 0 and standard deviation `std`."""
    return rng.normal(0.0, std, size=shape)


def xavier(shape, rng):
    """Xavier/Glorot uniform: U(−r, r) with r = √(6 / (fan_in + fan_out)).

    Suits sigmoid and tanh.
    """
    fan_in, fan_out = _fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape)


def he(shape, rng):
    """He normal: N(0, 2 / fan_in). Suits ReLU, which zeroes half of its inputs."""
    fan_in, _ = _fans(shape)
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)


INITIALIZERS = Registry("initialiser", {
    "zeros": zeros, "constant": constant, "uniform": uniform, "normal": normal, "xavier": xavier,
    "he": he,
}, aliases={"zero": "zeros", "glorot": "xavier", "glorot_uniform": "xavier",
            "xavier_uniform": "xavier", "kaiming": "he", "he_normal": "he", "gaussian": "normal"})


def get_initializer(name):
    """Look an initialiser up by name ("he", "xavier", "glorot", …), or pass a function through."""
    if callable(name):
        return name
    return INITIALIZERS.lookup(name)
