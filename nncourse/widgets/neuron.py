"""The neuron explorer: one neuron, a slider for every input, weight and the bias.

    z = w₁·x₁ + … + wₙ·xₙ + b        a = f(z)

Left: the activation curve f, with a marker where this neuron sits, (z, f(z)).
Right: the pieces of the weighted sum, wᵢ·xᵢ and b, and their total z.
The readout writes the sum out with the current numbers.
"""

from __future__ import annotations

import html

import numpy as np

from nncourse.activations import ELEMENTWISE_ACTIVATIONS, get_activation
from nncourse.errors import CourseError
from nncourse.layers import Neuron
from nncourse.widgets.base import App, dropdown, float_slider
from nncourse.widgets.formatting import format_number
from nncourse.widgets.style import BLUE, GREY, VERMILLION, sign_colour

NEURON_ACTIVATIONS = ELEMENTWISE_ACTIVATIONS  # every activation a single neuron can use
Z_LIMIT = 8.0        # the curve is drawn for z in [−8, 8]
WEIGHT_LIMIT = 3.0   # sliders for inputs and weights go from −3 to 3
BIAS_LIMIT = 5.0
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


class NeuronExplorer(App):
    """One neuron: inputs xᵢ, weights wᵢ, bias b, activation f; shows z, a = f(z) and the curve."""

    title = "A neuron"

    def __init__(self, weights=(0.5, -1.0), bias=0.0, activation="sigmoid", inputs=None, *,
                 hide=(), show=None):
        weights = [float(w) for w in np.atleast_1d(weights)]
        if not 1 <= len(weights) <= 6:
            raise CourseError(f"The neuron explorer shows 1 to 6 weights; got {len(weights)}.")
        inputs = ([1.0] * len(weights) if inputs is None
                  else [float(x) for x in np.atleast_1d(inputs)])
        if len(inputs) != len(weights):
            raise CourseError(f"Give one input per weight: {len(inputs)} inputs for {len(weights)} "
                              "weights.")
        activation = get_activation(activation).name
        if activation not in NEURON_ACTIVATIONS:
            raise CourseError(f"The neuron explorer shows one of: {', '.join(NEURON_ACTIVATIONS)}; "
                              f"got {activation!r}.")
        self.n = len(weights)
        controls = {}
        for i, x in enumerate(inputs, start=1):
            controls[f"x{i}"] = float_slider(f"input x{_sub(i)}",
                                             _in_range(x, WEIGHT_LIMIT, f"x{i}"), -WEIGHT_LIMIT,
                                             WEIGHT_LIMIT, 0.05)
        for i, w in enumerate(weights, start=1):
            controls[f"w{i}"] = float_slider(f"weight w{_sub(i)}",
                                             _in_range(w, WEIGHT_LIMIT, f"w{i}"), -WEIGHT_LIMIT,
                                             WEIGHT_LIMIT, 0.05)
        controls["bias"] = float_slider("bias b", _in_range(bias, BIAS_LIMIT, "bias"),
                                        -BIAS_LIMIT, BIAS_LIMIT, 0.05)
        controls["activation"] = dropdown("activation f", NEURON_ACTIVATIONS, activation)
        self.neuron = Neuron(weights, bias, activation)
        self._curve_z = np.linspace(-Z_LIMIT, Z_LIMIT, 400)
        super().__init__(controls, hide=hide, show=show, figsize=(8.0, 3.2))

    # ------------------------------------------------------------------ model
    @property
    def inputs(self) -> np.ndarray:
        return np.array([self.controls[f"x{i}"].value for i in range(1, self.n + 1)])

    @property
    def weights(self) -> np.ndarray:
        return np.array([self.controls[f"w{i}"].value for i in range(1, self.n + 1)])

    @property
    def z(self) -> float:
        """The weighted sum z = Σ wᵢ·xᵢ + b."""
        return self.neuron.weighted_sum(self.inputs)

    @property
    def output(self) -> float:
        """The neuron's output a = f(z)."""
        return self.neuron.forward(self.inputs)

    def on_change(self, changed):
        self.neuron = Neuron(self.weights, self.controls["bias"].value,
                             self.controls["activation"].value)
        if "activation" in changed:
            self._draw_curve()

    # ------------------------------------------------------------------ figure
    def build(self, figure):
        grid = figure.add_gridspec(1, 2, width_ratios=(3, 2), left=0.09, right=0.97, bottom=0.16,
                                   top=0.88, wspace=0.3)
        ax = self.curve_axes = figure.add_subplot(grid[0])
        ax.set_xlim(-Z_LIMIT, Z_LIMIT)
        ax.set_xlabel("weighted sum z")
        ax.set_ylabel("output a = f(z)")
        ax.grid(True, alpha=0.3)
        ax.axhline(0, color=GREY, lw=0.8)
        ax.axvline(0, color=GREY, lw=0.8)
        (self.curve_line,) = ax.plot([], [], color=BLUE, lw=2)
        self.z_line = self.dynamic(ax.axvline(0, color=VERMILLION, ls="--", lw=1))
        (self.marker,) = ax.plot([], [], "o", color=VERMILLION, markersize=10,
                                 markeredgecolor="black")
        self.dynamic(self.marker)
        self._draw_curve()

        bars = self.sum_axes = figure.add_subplot(grid[1])
        labels = [f"w{_sub(i)}·x{_sub(i)}" for i in range(1, self.n + 1)] + ["b", "z"]
        positions = np.arange(len(labels))[::-1]
        self.bars = list(bars.barh(positions, np.zeros(len(labels)), color=BLUE, edgecolor="black"))
        self.dynamic(*self.bars)
        bars.set_yticks(positions, labels)
        bars.set_xlim(-Z_LIMIT, Z_LIMIT)
        bars.set_ylim(-0.7, len(labels) - 0.3)
        bars.axvline(0, color=GREY, lw=0.8)
        bars.axhline(0.5, color=GREY, lw=0.8, ls=":")
        bars.set_title("the weighted sum, piece by piece", fontsize=10)
        bars.set_xlabel("contribution to z")

    def _draw_curve(self):
        activation = get_activation(self.controls["activation"].value)
        values = activation.forward(self._curve_z)
        self.curve_line.set_data(self._curve_z, values)
        low, high = float(values.min()), float(values.max())
        pad = 0.08 * (high - low)
        self.curve_axes.set_ylim(low - pad, high + pad)
        self.curve_axes.set_title(f"where the neuron sits on {activation.name}", fontsize=10)
        self.invalidate_background()

    def update_artists(self):
        x, w, b = self.inputs, self.weights, self.controls["bias"].value
        z, a = self.z, self.output
        shown_z = float(np.clip(z, -Z_LIMIT, Z_LIMIT))
        shown_a = float(self.neuron.activation.forward(shown_z))
        self.marker.set_data([shown_z], [shown_a])
        self.marker.set_marker("o" if shown_z == z else (">" if z > 0 else "<"))
        self.z_line.set_xdata([shown_z, shown_z])
        for bar, value in zip(self.bars, self.contributions):
            bar.set_width(value)
            bar.set_facecolor(sign_colour(value))
            bar.set_hatch("" if value >= 0 else "//")
        off = "" if shown_z == z else "  (off the chart: the curve shows −8 … 8)"
        self.readout.value = self.readout_html(x, w, b, z, a, off)

    @property
    def contributions(self) -> list:
        """The bars: w₁·x₁, …, wₙ·xₙ, b and their sum z."""
        pieces = list(self.weights * self.inputs) + [self.controls["bias"].value]
        return pieces + [sum(pieces)]

    def readout_html(self, x, w, b, z, a, note="") -> str:
        symbols = " + ".join(f"w{_sub(i)}·x{_sub(i)}" for i in range(1, self.n + 1))
        numbers = " + ".join(f"({format_number(wi)})·({format_number(xi)})" for wi, xi in zip(w, x))
        name = self.neuron.activation.name
        lines = [
            f"z = {symbols} + b = {numbers} + ({format_number(b)}) = {format_number(z)}{note}",
            f"a = {name}(z) = {name}({format_number(z)}) = {format_number(a)}",
        ]
        return ('<div style="font-family:monospace;font-size:14px">'
                + "<br>".join(html.escape(line) for line in lines) + "</div>")


def _sub(i: int) -> str:
    return str(i).translate(SUBSCRIPTS)


def _in_range(value: float, limit: float, name: str) -> float:
    if not -limit <= value <= limit:
        raise CourseError(f"{name} = {value:g} is outside the slider's range −{limit:g} … "
                          f"{limit:g}.")
    return value


def neuron_explorer(weights=(0.5, -1.0), bias=0.0, activation="sigmoid", inputs=None, *,
                    hide=(), show=None) -> NeuronExplorer:
    """An interactive neuron: sliders for inputs, weights and bias, a drop-down for the activation.

    neuron_explorer(weights=(0.5, -1.0), bias=0.0, activation="sigmoid", inputs=(1.0, 1.0))
    `hide=("bias",)` hides controls for a focused demonstration; `app.set_state(w1=0.8)` moves them.
    """
    return NeuronExplorer(weights, bias, activation, inputs, hide=hide, show=show)
