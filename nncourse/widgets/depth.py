"""The depth explorer: how a signal grows or fades through a stack of layers, forward and back.

Choose the depth, the activation, the initialiser and a factor on the initial weights. A batch of
inputs with spread 1 goes forward through that many equal layers and a gradient comes back
(`nncourse.diagnostics.depth_profile`). Left: each layer's activation spread; right: the norm of
the gradient that reaches each layer, ‖∂L/∂z‖. Both axes are logarithmic, so a constant factor
per layer is a straight line: flat is healthy, falling is vanishing, rising is exploding.
Xavier with tanh and He with ReLU at a factor of 1 stay near flat; any other factor makes a slope.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from nncourse.diagnostics import depth_profile
from nncourse.errors import CourseError
from nncourse.plots.numbers import format_number
from nncourse.plots.style import BLUE, GREY, VERMILLION
from nncourse.widgets.base import CONTROL_LAYOUT, CONTROL_STYLE, App, choice_slider, dropdown
from nncourse.widgets.formatting import html_table

ACTIVATIONS = ("tanh", "relu", "sigmoid")
INITIALIZERS = ("xavier", "he", "normal")
MAX_DEPTH = 30
WEIGHT_FACTORS = (0.25, 0.5, 0.7, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0, 3.0, 4.0)
Y_LIMITS = (1e-16, 1e8)


class DepthExplorer(App):
    """Activation spread and gradient norm per layer of a deep stack of equal layers."""

    title = "Signals through depth"

    def __init__(self, depth=10, activation="tanh", init="xavier", weight_scale=1.0, *,
                 width=64, seed=0, hide=(), show=None):
        if activation not in ACTIVATIONS:
            raise CourseError(f"activation must be one of {', '.join(ACTIVATIONS)}; "
                              f"got {activation!r}.")
        if init not in INITIALIZERS:
            raise CourseError(f"init must be one of {', '.join(INITIALIZERS)}; got {init!r}.")
        if not isinstance(depth, (int, np.integer)) or not 2 <= depth <= MAX_DEPTH:
            raise CourseError(f"depth must be a whole number from 2 to {MAX_DEPTH}; "
                              f"got {depth!r}.")
        if not 0.25 <= float(weight_scale) <= 4.0:
            raise CourseError(f"weight_scale must be from 0.25 to 4; got {weight_scale!r}.")
        self.width, self.seed = int(width), seed
        controls = {
            "depth": widgets.IntSlider(value=int(depth), min=2, max=MAX_DEPTH, step=1,
                                       description="layers", style=CONTROL_STYLE,
                                       layout=CONTROL_LAYOUT),
            "activation": dropdown("activation", ACTIVATIONS, activation),
            "init": dropdown("initialiser", INITIALIZERS, init),
            "weight_scale": choice_slider("weight factor", weight_scale, WEIGHT_FACTORS),
        }
        self.profile = None
        self._compute(controls)
        super().__init__(controls, hide=hide, show=show, figsize=(8.4, 3.4))

    def _compute(self, controls=None):
        c = {name: widget.value for name, widget in (controls or self.controls).items()}
        self.profile = depth_profile(int(c["depth"]), c["activation"], c["init"],
                                     float(c["weight_scale"]), width=self.width, seed=self.seed)

    # ------------------------------------------------------------------ figure
    def build(self, figure):
        self.spread_axes, self.gradient_axes = figure.subplots(
            1, 2, gridspec_kw=dict(left=0.08, right=0.98, bottom=0.16, top=0.88, wspace=0.25))
        for ax, title, ylabel in (
                (self.spread_axes, "forward: activation spread", "standard deviation of a"),
                (self.gradient_axes, "backward: gradient reaching the layer", "‖∂L/∂z‖")):
            ax.set_yscale("log")
            ax.set_ylim(*Y_LIMITS)
            ax.set_xlim(0.5, MAX_DEPTH + 0.5)
            ax.set_title(title, fontsize=10)
            ax.set_xlabel("layer (1 = next to the input)")
            ax.set_ylabel(ylabel)
            ax.grid(True, which="major", alpha=0.3)
            ax.axhline(1.0, color=GREY, lw=0.8, ls=":")
        self.spread_line = self.dynamic(self.spread_axes.plot(
            [], [], color=BLUE, ls="-", marker="o", markersize=4, label="spread")[0])
        self.gradient_line = self.dynamic(self.gradient_axes.plot(
            [], [], color=VERMILLION, ls="--", marker="s", markersize=4, label="gradient")[0])

    def on_change(self, changed):
        self._compute()

    def update_artists(self):
        p = self.profile
        layers = np.arange(1, p.depth + 1)
        low, high = Y_LIMITS
        self.spread_line.set_data(layers, np.clip(p.activation_std, low, high))
        self.gradient_line.set_data(layers, np.clip(p.gradient_norm, low, high))
        down = p.gradient_norm[0] / p.gradient_norm[-1] if p.gradient_norm[-1] > 0 else np.nan
        rows = [("activation spread", fixed(p.activation_std[0]), fixed(p.activation_std[-1]),
                 fixed(p.growth_per_layer())),
                ("gradient ‖∂L/∂z‖", fixed(p.gradient_norm[0]), fixed(p.gradient_norm[-1]),
                 fixed(down ** (1.0 / (p.depth - 1))))]
        self.readout.value = (
            f"<b>{p.depth} layers of {self.width} {p.activation} neurons, {p.init} × "
            f"{format_number(p.weight_scale, 3)}</b>"
            + html_table(rows, header=("", "layer 1", f"layer {p.depth}",
                                       "factor per layer (away from its start)")))


def fixed(value) -> str:
    """A table entry with four decimals, so that the columns line up."""
    return format_number(value, 4, trim=False)


def depth_explorer(depth=10, activation="tanh", init="xavier", weight_scale=1.0, *, hide=(),
                   show=None) -> DepthExplorer:
    """Vanishing and exploding signals: depth × activation × initialiser × weight factor.

    depth_explorer(depth=10, activation="relu", init="xavier", weight_scale=1.0)
    """
    return DepthExplorer(depth, activation, init, weight_scale, hide=hide, show=show)
