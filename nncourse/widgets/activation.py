"""The activation explorer: several activation functions, their derivatives, one input to move.

Top: f(z) for each chosen activation; bottom: its derivative f'(z), the factor backpropagation
multiplies by. A marker on every curve shows the value at the chosen input z, and the readout
lists f(z) and f'(z). Moving z far from 0 shows sigmoid and tanh saturate (f' → 0: vanishing
gradients) and ReLU's gradient die for z < 0.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from nncourse.activations import ELEMENTWISE_ACTIVATIONS, get_activation
from nncourse.errors import CourseError
from nncourse.widgets.base import CONTROL_STYLE, App, float_slider
from nncourse.widgets.formatting import format_number, html_table
from nncourse.widgets.style import GREY, LINESTYLES, MARKERS, SERIES

Z_LIMIT = 5.0


class ActivationExplorer(App):
    """Chosen activations f and derivatives f', with markers at one input z."""

    title = "Activation functions"

    def __init__(self, names=("sigmoid", "tanh", "relu"), x=1.0, *, hide=(), show=None):
        names = tuple([names] if isinstance(names, str) else names)
        for name in names:
            if get_activation(name).name not in ELEMENTWISE_ACTIVATIONS:
                raise CourseError(f"The activation explorer shows one of: "
                                  f"{', '.join(ELEMENTWISE_ACTIVATIONS)}; got {name!r}.")
        names = tuple(get_activation(name).name for name in names)
        if not names:
            raise CourseError("Choose at least one activation to show.")
        self.activations = {name: get_activation(name) for name in ELEMENTWISE_ACTIVATIONS}
        controls = {
            "names": widgets.SelectMultiple(options=ELEMENTWISE_ACTIVATIONS, value=names, rows=7,
                                            description="activations", style=CONTROL_STYLE,
                                            layout={"width": "330px"}),
            "x": float_slider("input z", _checked_x(x), -Z_LIMIT, Z_LIMIT, 0.05),
        }
        self._z = np.linspace(-Z_LIMIT, Z_LIMIT, 401)
        super().__init__(controls, hide=hide, show=show, figsize=(8.0, 3.4))

    @property
    def chosen(self) -> tuple:
        return tuple(self.controls["names"].value)

    def values_at(self, z: float) -> dict:
        """{name: (f(z), f'(z))} for every chosen activation."""
        return {name: (float(self.activations[name].forward(z)),
                       float(self.activations[name].derivative(z)))
                for name in self.chosen}

    # ------------------------------------------------------------------ figure
    def build(self, figure):
        self.value_axes, self.slope_axes = figure.subplots(
            1, 2, gridspec_kw=dict(left=0.07, right=0.98, bottom=0.15, top=0.9, wspace=0.22))
        self.curves, self.markers = {}, {}
        for i, (name, activation) in enumerate(self.activations.items()):
            style = dict(color=SERIES[i], ls=LINESTYLES[i], lw=2)
            value_line = self.value_axes.plot(self._z, activation.forward(self._z), label=name,
                                              **style)[0]
            slope_line = self.slope_axes.plot(self._z, activation.derivative(self._z), label=name,
                                              **style)[0]
            self.curves[name] = (value_line, slope_line)
            marker_style = dict(marker=MARKERS[i], color=SERIES[i], markersize=8,
                                markeredgecolor="black", ls="none")
            self.markers[name] = (self.dynamic(self.value_axes.plot([], [], **marker_style)[0]),
                                  self.dynamic(self.slope_axes.plot([], [], **marker_style)[0]))
        for ax, title in ((self.value_axes, "value f(z)"), (self.slope_axes, "derivative f′(z)")):
            ax.set_xlim(-Z_LIMIT, Z_LIMIT)
            ax.set_title(title, fontsize=10)
            ax.set_xlabel("z")
            ax.grid(True, alpha=0.3)
            ax.axhline(0, color=GREY, lw=0.8)
        self.x_lines = self.dynamic(self.value_axes.axvline(0, color=GREY, ls=":", lw=1.5),
                                    self.slope_axes.axvline(0, color=GREY, ls=":", lw=1.5))
        self._show_chosen()

    def on_change(self, changed):
        if "names" in changed:
            self._show_chosen()

    def _show_chosen(self):
        chosen = self.chosen
        for name, lines in self.curves.items():
            for line in lines + self.markers[name]:
                line.set_visible(name in chosen)
        for ax, column in ((self.value_axes, 0), (self.slope_axes, 1)):
            shown = [self.curves[name][column].get_ydata() for name in chosen] or [np.zeros(1)]
            low = min(float(np.min(y)) for y in shown)
            high = max(float(np.max(y)) for y in shown)
            pad = 0.08 * max(high - low, 1.0)
            ax.set_ylim(min(low, 0.0) - pad, high + pad)
            legend = ax.get_legend()
            if legend is not None:
                legend.remove()
            if column == 0 and chosen:
                ax.legend(handles=[self.curves[name][0] for name in chosen], loc="upper left",
                          fontsize=8)
        self.invalidate_background()

    def update_artists(self):
        z = self.controls["x"].value
        values = self.values_at(z)
        for name, (value, slope) in values.items():
            self.markers[name][0].set_data([z], [value])
            self.markers[name][1].set_data([z], [slope])
        for line in self.x_lines:
            line.set_xdata([z, z])
        rows = [(name, format_number(value), format_number(slope),
                 self.activations[name].output_range)
                for name, (value, slope) in values.items()]
        self.readout.value = (f"<b>at z = {format_number(z)}</b>"
                              + html_table(rows,
                                           header=("activation", "f(z)", "f′(z)", "output range")))


def _checked_x(x) -> float:
    x = float(x)
    if not -Z_LIMIT <= x <= Z_LIMIT:
        raise CourseError(f"x = {x:g} is outside the slider's range −{Z_LIMIT:g} … {Z_LIMIT:g}.")
    return x


def activation_explorer(names=("sigmoid", "tanh", "relu"), x=1.0, *, hide=(),
                        show=None) -> ActivationExplorer:
    """Compare activations: pick several, move the input z, read f(z) and f′(z).

    activation_explorer(names=("sigmoid", "tanh", "relu"), x=1.0)
    """
    return ActivationExplorer(names, x, hide=hide, show=show)
