"""Activation functions and their derivatives, drawn side by side.

The left panel shows a = f(z), the right panel f'(z), for the same z. Reading them together is the
point: where f flattens out (sigmoid and tanh far from 0, ReLU left of 0) the derivative is near
zero, and a gradient passing through that neuron almost vanishes.

Each activation's output range is marked: dotted horizontal lines at its finite bounds and the
range written in the legend. Softmax is left out: it is not a function of one number (every output
depends on every input), so it has no curve of its own.
"""

from __future__ import annotations

import numpy as np

from nncourse.activations import get_activation
from nncourse.errors import CourseError
from nncourse.plots.style import activation_style, figure_and_axes, new_figure, series_style, styled

DEFAULT_ACTIVATIONS = ("sigmoid", "tanh", "relu", "gelu")

# Finite bounds of each activation's output, marked on the curve panel.
OUTPUT_BOUNDS = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": (0.0,)}


def elementwise_activation(activation):
    """The Activation object for a name, refusing softmax with an explanation."""
    act = get_activation(activation)
    if not act.elementwise:
        raise CourseError(
            "Softmax has no curve of its own: each of its outputs depends on all of its inputs. "
            "Plot sigmoid instead (softmax of [z, 0] is sigmoid(z))."
        )
    return act


def curve_data(activation, z):
    """(f(z), f'(z)) from the engine's own forward and derivative."""
    act = elementwise_activation(activation)
    return act.forward(z), act.derivative(z)


class ActivationCurves:
    """The artists of the value and derivative curves of several activations.

    Attributes: `figure`, `value_ax`, `derivative_ax`, `value_lines`, `derivative_lines`,
    `bound_lines`. (The activation explorer draws its own picture: see nncourse.widgets.base.)
    """

    def __init__(self, activations, z, value_ax, derivative_ax):
        self.value_ax, self.derivative_ax = value_ax, derivative_ax
        self.figure = value_ax.figure
        self.z = np.asarray(z, dtype=float)
        self.activations = [elementwise_activation(a) for a in activations]
        self.value_lines, self.derivative_lines, self.bound_lines = [], [], []
        markevery = max(1, self.z.size // 8)
        for act in self.activations:
            value, slope = act.forward(self.z), act.derivative(self.z)
            style = dict(activation_style(act.name), markevery=markevery, markersize=6)
            label = f"{act.name}  range {act.output_range}"
            (line,) = value_ax.plot(self.z, value, label=label, **style)
            self.value_lines.append(line)
            (dline,) = derivative_ax.plot(self.z, slope, label=f"{act.name}′", **style)
            self.derivative_lines.append(dline)
            for bound in OUTPUT_BOUNDS.get(act.name, ()):
                self.bound_lines.append(value_ax.axhline(bound, color=style["color"], linestyle=":",
                                                         linewidth=1.2, alpha=0.8))
        value_ax.set_title("Activation a = f(z)")
        value_ax.set_xlabel("weighted sum z")
        value_ax.set_ylabel("activation a")
        derivative_ax.set_title("Derivative f′(z) = da/dz")
        derivative_ax.set_xlabel("weighted sum z")
        derivative_ax.set_ylabel("slope da/dz")
        value_ax.legend(loc="upper left", title="dotted: output bounds")
        derivative_ax.legend(loc="upper left")


@styled
def draw_activation_curves(activations=DEFAULT_ACTIVATIONS, z_range=(-5.0, 5.0), *, axes=None,
                           points: int = 401) -> ActivationCurves:
    """Draw value and derivative curves; returns the `ActivationCurves` artists.

    axes: a pair (value_ax, derivative_ax) to draw into, or None for a new figure.
    """
    if isinstance(activations, str) or not np.iterable(activations):
        activations = [activations]
    z = np.linspace(float(z_range[0]), float(z_range[1]), int(points))
    if axes is None:
        _, axes = new_figure((10.0, 4.2), ncols=2)
    value_ax, derivative_ax = axes
    return ActivationCurves(activations, z, value_ax, derivative_ax)


def plot_activation_curves(activations=DEFAULT_ACTIVATIONS, z_range=(-5.0, 5.0), *, axes=None,
                           points: int = 401):
    """Activations (left) and their derivatives (right) over z_range; returns the Figure."""
    return draw_activation_curves(activations, z_range, axes=axes, points=points).figure


@styled
def plot_activation(activation, z_range=(-5.0, 5.0), *, ax=None, points: int = 401):
    """One activation and its derivative on one Axes (f solid, f′ dashed); returns the Figure."""
    act = elementwise_activation(activation)
    fig, ax = figure_and_axes(ax, (7.0, 4.8))
    z = np.linspace(float(z_range[0]), float(z_range[1]), int(points))
    value, slope = act.forward(z), act.derivative(z)
    markevery = max(1, z.size // 8)
    ax.plot(z, value, color=series_style(0)["color"], linestyle="-", marker="o",
            markevery=markevery, label=f"f(z) = {act.name}(z)")
    ax.plot(z, slope, color=series_style(1)["color"], linestyle="--", marker="s",
            markevery=markevery, label="f′(z)")
    bounds = OUTPUT_BOUNDS.get(act.name, ())
    for bound in bounds:
        ax.axhline(bound, color="0.3", linestyle=":", linewidth=1.2)
    if len(bounds) == 2:
        ax.axhspan(bounds[0], bounds[1], color="0.85", alpha=0.5,
                   label=f"output range {act.output_range}")
    ax.set_title(f"{act.name}: output range {act.output_range}")
    ax.set_xlabel("weighted sum z")
    ax.set_ylabel("value")
    ax.legend(loc="upper left")
    return fig
