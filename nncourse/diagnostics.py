"""The checks a practitioner runs when training fails, as numbers.

- `expected_initial_loss(C)`: a fresh classifier knows nothing, so its softmax gives about 1/C to
  every class and its cross-entropy starts near −ln(1/C) = ln C (2.303 for ten classes). A first
  loss far above that means badly scaled starting weights or a bug before training began.
- `update_ratios(net, ...)`: how far one optimiser step moves each layer, compared with its size,
  ‖ΔW‖ / ‖W‖ (Frobenius norms). Around 1e-3 is the usual healthy range; near 1 the step throws
  the weights around (learning rate too large); below 1e-6 nothing moves (too small, or a
  vanished gradient).
- `depth_profile(...)`: a stack of equal layers, a batch of inputs with mean 0 and spread 1, one
  forward and one backward pass: each layer's activation spread (standard deviation), the norm of
  the gradient that backpropagation brings to it, ‖∂L/∂zˡ‖, and the norm of its weight gradient
  ‖∂L/∂Wˡ‖. It shows vanishing and exploding signals, and why initialisers scale the weights by
  the layer's width.

The variance argument behind the initialisers: a weighted sum of n independent inputs x with
weights w (mean 0) has

    Var(z) = n · Var(w) · E[x²].

To keep Var(z) the same in every layer, Var(w) must be 1 / n when E[x²] ≈ Var(z) (tanh near 0,
or no activation: Xavier/Glorot's 2 / (n_in + n_out) is 1 / n for a square layer), and 2 / n
when ReLU zeroes half of z, so that E[x²] = Var(z) / 2 (He). Backward, the gradient of a layer's
inputs is a weighted sum over its n outputs, so the same factor n · Var(w) multiplies its variance
at every layer going down. Any other scale multiplies the signal by a constant factor per layer:
after L layers, that factor to the power L.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nncourse.errors import CourseError
from nncourse.layers import Dense
from nncourse.network import Sequential


def expected_initial_loss(n_classes: int) -> float:
    """ln C: the cross-entropy of a prediction of 1/C for every one of C classes."""
    if not isinstance(n_classes, (int, np.integer)) or n_classes < 2:
        raise CourseError(f"A classifier has at least 2 classes; got {n_classes!r}.")
    return math.log(n_classes)


def update_ratios(network, optimizer, X, y, loss) -> dict:
    """{"dense1": ‖ΔW‖/‖W‖, …} for one optimiser step on (X, y); the network takes that step."""
    before = {layer.name: layer.W.copy() for layer in network.layers if "W" in layer.params}
    network.train()
    network.loss(X, y, loss)
    network.backward(y, loss)
    network.eval()
    optimizer.step(network.parameters(), network.gradients())
    ratios = {}
    for layer in network.layers:
        if layer.name in before:
            size = np.linalg.norm(before[layer.name])
            step = np.linalg.norm(layer.W - before[layer.name])
            ratios[layer.name] = float(step / size) if size > 0 else math.inf
    return ratios


@dataclass
class DepthProfile:
    """Per layer (1 … depth): the spread of its activations, the norm of the gradient reaching its
    weighted sums ‖∂L/∂zˡ‖, and the norm of its weight gradient ‖∂L/∂Wˡ‖."""

    depth: int
    activation: str
    init: str
    weight_scale: float
    activation_std: np.ndarray
    gradient_norm: np.ndarray
    weight_gradient_norm: np.ndarray

    def growth_per_layer(self, which: str = "activation_std") -> float:
        """The average factor from one layer to the next, (last / first) ** (1 / (depth − 1))."""
        values = getattr(self, which)
        if self.depth < 2 or values[0] == 0:
            return float("nan")
        return float((values[-1] / values[0]) ** (1.0 / (self.depth - 1)))


def depth_profile(depth: int = 10, activation: str = "tanh", init: str = "xavier",
                  weight_scale: float = 1.0, *, width: int = 64, n_samples: int = 256,
                  seed=0) -> DepthProfile:
    """Send a batch through `depth` Dense layers of `width` neurons and back again.

    Every layer's weights are drawn by `init` and multiplied by `weight_scale`; biases are 0. The
    inputs are standard normal (mean 0, spread 1), and backward starts from a standard normal
    gradient at the output, divided by the number of samples (as a mean loss would give).
    """
    if not isinstance(depth, (int, np.integer)) or depth < 1:
        raise CourseError(f"depth is a number of layers, a whole number ≥ 1; got {depth!r}.")
    scale = float(weight_scale)
    if not math.isfinite(scale) or scale <= 0:
        raise CourseError(f"weight_scale multiplies the initial weights; it must be > 0, "
                          f"got {weight_scale!r}.")
    rng = np.random.default_rng(seed)
    layers = [Dense(width, width, activation, init=init, rng=rng) for _ in range(depth)]
    for layer in layers:
        layer.W *= scale
    network = Sequential(layers)
    X = rng.normal(size=(n_samples, width))
    output = network.forward(X)
    grad = rng.normal(size=output.shape) / n_samples
    for layer in reversed(layers):             # backpropagation, one layer at a time
        grad = layer.backward(grad)
    with np.errstate(over="ignore", invalid="ignore"):
        spreads = np.array([float(np.std(layer.a)) for layer in layers])
        norms = np.array([float(np.linalg.norm(layer.dz)) for layer in layers])
        weight_norms = np.array([float(np.linalg.norm(layer.dW)) for layer in layers])
    return DepthProfile(int(depth), network.layers[0].activation.name, str(init), scale,
                        spreads, norms, weight_norms)


__all__ = ["expected_initial_loss", "update_ratios", "depth_profile", "DepthProfile"]
