"""Histograms of what flows through each layer: activations forward, gradients backward.

They show two classic troubles at a glance:

- **saturation**: sigmoid and tanh outputs piled up at their bounds (sigmoid near 0 or 1, tanh
  near ±1), where the derivative is almost 0 and gradients vanish;
- **dead ReLUs**: neurons whose output is 0 for every sample; their gradient is 0 too, so they
  never learn again.

Each panel's title gives the fraction of saturated outputs or of dead neurons of its layer.
`kind="gradients"` runs the engine's backward pass and shows ∂L/∂W per layer instead: shrinking
spreads from the last layer to the first are vanishing gradients.
"""

from __future__ import annotations

import numpy as np

from nncourse.errors import CourseError
from nncourse.plots.style import PALETTE, new_figure, styled

# An output counts as saturated when the slope of its activation is below this at that output:
# sigmoid: a·(1 − a) < 0.01 (a < 0.0101 or a > 0.9899); tanh: 1 − a² < 0.01 (|a| > 0.995).
SATURATION_SLOPE = 0.01


def saturated_fraction(activation_name: str, a) -> float | None:
    """The fraction of outputs where a sigmoid or tanh is saturated (slope < SATURATION_SLOPE)."""
    a = np.asarray(a, dtype=float)
    if activation_name == "sigmoid":
        return float(np.mean(a * (1 - a) < SATURATION_SLOPE))
    if activation_name == "tanh":
        return float(np.mean(1 - a * a < SATURATION_SLOPE))
    return None


def dead_fraction(a) -> float:
    """The fraction of neurons (columns) whose output is 0 for every sample (a dead ReLU)."""
    a = np.asarray(a, dtype=float)
    return float(np.mean(np.all(a == 0, axis=0)))


def layer_summary(layer, values, kind) -> str:
    """The panel title: layer, activation and, for activations, saturation or dead neurons."""
    name = layer.activation.name
    title = f"{layer.name} ({name})"
    if kind == "activations":
        saturated = saturated_fraction(name, values)
        if saturated is not None:
            title += f"\nsaturated: {saturated:.0%} of outputs"
        elif name == "relu":
            title += f"\ndead: {dead_fraction(values):.0%} of neurons"
    else:
        title += f"\nlargest |∂L/∂W| = {np.max(np.abs(values)):.2g}"
    return title


@styled
def plot_layer_histograms(net, X, y=None, loss=None, *, kind: str = "activations", bins: int = 30,
                          axes=None):
    """One histogram per layer of the activations a (or, with kind="gradients", of ∂L/∂W).

    The numbers come from the engine's forward (and backward) pass on X; gradients need y and loss.
    Returns the Figure.
    """
    if kind not in ("activations", "gradients"):
        raise CourseError(f'kind must be "activations" or "gradients"; got {kind!r}.')
    net.forward(X)
    if kind == "gradients":
        if y is None or loss is None:
            raise CourseError("Gradient histograms need the targets y and the loss "
                              "to run backward.")
        net.backward(y, loss)
    n = len(net.layers)
    if axes is None:  # at most three panels a row, so that the figure stays within 10 inches
        nrows = -(-n // 3)
        ncols = -(-n // nrows)
        fig, grid = new_figure((min(10.0, 3.4 * ncols + 0.6), 3.6 * nrows + 0.4), nrows=nrows,
                               ncols=ncols, sharey=False)
        grid = np.atleast_1d(grid).ravel()
        for ax in grid[n:]:
            ax.remove()
        axes = grid[:n]
    else:
        axes = np.atleast_1d(axes)
        if len(axes) != n:
            raise CourseError(f"The network has {n} layers; give {n} axes (one per layer).")
        fig = axes[0].figure
    for k, (layer, ax) in enumerate(zip(net.layers, axes)):
        values = layer.a if kind == "activations" else layer.dW
        flat = np.asarray(values, dtype=float).ravel()
        ax.hist(flat, bins=bins, color=PALETTE[k % len(PALETTE)], edgecolor="black", linewidth=0.5,
                hatch=["", "//", "..", "xx"][k % 4], label=f"{flat.size} values")
        ax.set_title(layer_summary(layer, values, kind))
        ax.set_xlabel("activation a" if kind == "activations" else "gradient ∂L/∂W")
        ax.set_ylabel("count")
        ax.legend(loc="upper right")
    what = "Activations" if kind == "activations" else "Weight gradients"
    fig.suptitle(f"{what} per layer of {net.name} ({len(np.atleast_2d(X))} samples)")
    return fig
