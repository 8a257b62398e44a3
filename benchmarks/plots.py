"""How fast the course's figures are computed and drawn.

Measured (median of several runs, milliseconds):

- a 201 × 201 loss grid: the quadratic bowl, the one-neuron regression loss, a 2-2-1 network on
  XOR over two weights, and a 2-8-2 network on 200 moons samples (all 40 401 networks evaluated
  at once, compared with a Python loop over grid points on a 21 × 21 grid, scaled up);
- a descent path of 100 SGD steps;
- drawing and PNG rendering of the network diagram, the decision boundary (200 × 200 grid) and
  the loss landscape. (The widgets draw their own pictures on a kept background: see
  benchmarks/widgets.py.)

Run: .venv/bin/python benchmarks/plots.py
"""

from __future__ import annotations

import copy
import os
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402

from nncourse import data, examples, mlp  # noqa: E402
from nncourse.plots import (  # noqa: E402
    descent_path, draw_decision_boundary, draw_loss_landscape, draw_network, loss_surface,
    neuron_regression_loss, quadratic_bowl,
)

REPEATS = 5


def median_ms(function, repeats=REPEATS):
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def loop_grid_ms(net, X, y, loss, resolution=21):
    """The same network grid evaluated one grid point at a time (engine forward per point)."""
    other = copy.deepcopy(net)
    W = other.layers[0].W
    values = np.linspace(-2, 2, resolution)

    def run():
        for a in values:
            for b in values:
                W[0, 0], W[1, 0] = a, b
                other.loss(X, y, loss)
    return median_ms(run, 3)


def main():
    rows = []
    bowl = quadratic_bowl(1.0, 10.0)
    rows.append(("201×201 grid: quadratic bowl",
                 median_ms(lambda: loss_surface(bowl, p1_range=(-3, 3), p2_range=(-2, 2)))))
    x, y = data.noisy_line(50, 2.0, 1.0, 0.3, seed=0)
    neuron = neuron_regression_loss(x[:, 0], y)
    rows.append(("201×201 grid: one-neuron regression",
                 median_ms(lambda: loss_surface(neuron, p1_range=(-2, 6), p2_range=(-3, 5)))))
    Xx, yx = data.xor()
    small = mlp([2, 2, 1], hidden="sigmoid", output="sigmoid", seed=0)
    params = ("dense1.W[0, 0]", "dense1.W[1, 0]")
    grid_ms = median_ms(lambda: loss_surface(small, Xx, yx, "binary_crossentropy", params=params,
                                             resolution=201))
    rows.append(("201×201 grid: 2-2-1 network on XOR", grid_ms))
    loop_ms = loop_grid_ms(small, Xx, yx, "binary_crossentropy") * (201 * 201) / (21 * 21)
    rows.append(("  the same as a Python loop (estimated from 21×21)", loop_ms))
    Xm, ym = data.moons(200, 0.2, seed=0)
    moons_net = mlp([2, 8, 2], hidden="tanh", output="softmax", seed=0)
    rows.append(("201×201 grid: 2-8-2 network on 200 moons", median_ms(
        lambda: loss_surface(moons_net, Xm, ym, "categorical_crossentropy",
                             params=("dense1.W[0, 0]", "dense2.b[1]"), resolution=201), 3)))
    rows.append(("51×51 grid: 2-8-2 network on 200 moons", median_ms(
        lambda: loss_surface(moons_net, Xm, ym, "categorical_crossentropy",
                             params=("dense1.W[0, 0]", "dense2.b[1]"), resolution=51))))
    rows.append(("descent path, 100 SGD steps",
                 median_ms(lambda: descent_path(bowl, (-2.5, 1.5), lr=0.1,
                                                                               steps=100))))

    rows.append(("network diagram 3-2-3-2: draw + PNG", median_ms(
        lambda: draw_network(examples.network_3232(), x=examples.X_3232).figure._repr_png_())))
    rows.append(("decision boundary 200×200: draw + PNG", median_ms(
        lambda: draw_decision_boundary(moons_net, Xm, ym).figure._repr_png_())))
    surface = loss_surface(bowl, p1_range=(-3, 3), p2_range=(-2, 2))
    rows.append(("loss landscape contour: draw + PNG", median_ms(
        lambda: draw_loss_landscape(surface).figure._repr_png_())))
    rows.append(("loss landscape contour with a 50-step path: draw + PNG", median_ms(
        lambda: draw_loss_landscape(surface, descent_path(bowl, (-2.5, 1.5), lr=0.15, steps=50))
        .figure._repr_png_())))

    width = max(len(name) for name, _ in rows)
    print(f"{'what':<{width}}  median ms")
    for name, ms in rows:
        print(f"{name:<{width}}  {ms:9.1f}")


if __name__ == "__main__":
    main()
