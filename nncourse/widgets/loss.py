"""The loss explorer: move a prediction against a target and watch each loss and its gradient.

Binary case: a predicted probability p for a label y ∈ {0, 1}.

    binary cross-entropy  L = −[y·log p + (1 − y)·log(1 − p)]     dL/dp = (p − y) / (p·(1 − p))
    squared error         L = (p − y)²                              dL/dp = 2·(p − y)

The network's last layer computes a logit s and p = σ(s), so what reaches the weights is the
gradient on the logit, dL/ds = dL/dp · σ′(s) with σ′(s) = p·(1 − p):

    cross-entropy         dL/ds = p − y                 (−0.99 at p = 0.01, y = 1)
    squared error         dL/ds = 2·(p − y)·p·(1 − p)   (−0.0196 at p = 0.01, y = 1)

A sigmoid output that is confidently wrong gets a gradient fifty times smaller from the squared
error than from cross-entropy: that, not the steep loss curve alone, is why cross-entropy trains
faster.

Multi-class case: logits s for three classes, p = softmax(s), a one-hot target y.

    categorical cross-entropy  L = −Σ_k y_k·log p_k = −log p_true     dL/ds = p − y
    squared error on p         L = (1/K)·Σ_k (p_k − y_k)²             dL/dp = 2·(p − y)/K

A confident wrong prediction is punished hard by cross-entropy (−log p → ∞ as p → 0) and only
mildly by the squared error (at most 1): that is the lesson of the curves.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from nncourse.activations import softmax
from nncourse.errors import CourseError
from nncourse.losses import BinaryCrossEntropy, CategoricalCrossEntropy, MeanSquaredError
from nncourse.widgets.base import CONTROL_STYLE, App, float_slider
from nncourse.plots.numbers import format_number, format_vector
from nncourse.widgets.formatting import html_table
from nncourse.plots.style import BLUE, GREY, VERMILLION

GRADIENT_LIMIT = 10.0  # the gradient axes show −10 … 10; larger values are written in the readout
LOGIT_LIMIT = 5.0


def toggle(description, options, value):
    """Buttons sized to their words ("Rabbit" is never cut to "Rab…")."""
    return widgets.ToggleButtons(options=options, value=value, description=description,
                                 style={**CONTROL_STYLE, "button_width": "auto"},
                                 layout={"width": "100%"})


class BinaryLossExplorer(App):
    """A probability p against a label y: binary cross-entropy and squared error, with gradients."""

    title = "Losses for a yes/no prediction"

    def __init__(self, p=0.9, target=1, *, hide=(), show=None):
        if target not in (0, 1):
            raise CourseError(f"The target of a binary prediction is 0 or 1; got {target!r}.")
        if not 0.01 <= p <= 0.99:
            raise CourseError("The prediction p must be a probability between 0.01 and 0.99; "
                              f"got {p}.")
        self.cross_entropy, self.squared = BinaryCrossEntropy(), MeanSquaredError()
        controls = {"p": float_slider("prediction p", p, 0.01, 0.99, 0.01),
                    "target": toggle("target y", [("0", 0), ("1", 1)], target)}
        self._p = np.linspace(0.005, 0.995, 300)
        super().__init__(controls, hide=hide, show=show, figsize=(8.0, 3.2))

    def logit_gradients(self) -> dict:
        """{name: dL/ds}, the gradient on the logit s of p = σ(s): dL/dp · p·(1 − p)."""
        p = self.controls["p"].value
        return {name: gradient * p * (1 - p) for name, (_, gradient) in self.losses().items()}

    def losses(self) -> dict:
        """{name: (value, gradient)} at the current p and y, computed by nncourse.losses."""
        p, y = (np.array([self.controls["p"].value]),
                np.array([float(self.controls["target"].value)]))
        return {
            "binary cross-entropy": (self.cross_entropy.value(p, y),
                                     float(self.cross_entropy.gradient(p, y)[0])),
            "squared error": (self.squared.value(p, y), float(self.squared.gradient(p, y)[0])),
        }

    def build(self, figure):
        self.loss_axes, self.gradient_axes = figure.subplots(
            1, 2, gridspec_kw=dict(left=0.07, right=0.98, bottom=0.16, top=0.88, wspace=0.22))
        styles = {"binary cross-entropy": dict(color=BLUE, ls="-", marker="o"),
                  "squared error": dict(color=VERMILLION, ls="--", marker="s")}
        self.curves, self.markers = {}, {}
        for name, style in styles.items():
            line = dict(color=style["color"], ls=style["ls"], lw=2, label=name)
            dot = dict(color=style["color"], marker=style["marker"], ls="none", markersize=9,
                       markeredgecolor="black")
            self.curves[name] = (self.loss_axes.plot([], [], **line)[0],
                                 self.gradient_axes.plot([], [], **line)[0])
            self.markers[name] = (self.dynamic(self.loss_axes.plot([], [], **dot)[0]),
                                  self.dynamic(self.gradient_axes.plot([], [], **dot)[0]))
        self.loss_axes.set_ylim(-0.1, 5.0)
        self.gradient_axes.set_ylim(-GRADIENT_LIMIT, GRADIENT_LIMIT)
        for ax, title in ((self.loss_axes, "loss L(p)"), (self.gradient_axes, "gradient dL/dp")):
            ax.set_xlim(0, 1)
            ax.set_xlabel("predicted probability p")
            ax.set_title(title, fontsize=10)
            ax.grid(True, alpha=0.3)
            ax.axhline(0, color=GREY, lw=0.8)
        self.loss_axes.legend(loc="upper center", fontsize=8)
        self._draw_curves()

    def on_change(self, changed):
        if "target" in changed:
            self._draw_curves()

    def _draw_curves(self):
        y = float(self.controls["target"].value)
        p = self._p
        curves = {"binary cross-entropy": (-(y * np.log(p) + (1 - y) * np.log(1 - p)),
                                           (p - y) / (p * (1 - p))),
                  "squared error": ((p - y) ** 2, 2 * (p - y))}
        for name, (value, gradient) in curves.items():
            self.curves[name][0].set_data(p, value)
            self.curves[name][1].set_data(p, gradient)
        self.loss_axes.set_title(f"loss L(p) for target y = {int(y)}", fontsize=10)
        self.invalidate_background()

    def update_artists(self):
        p, y = self.controls["p"].value, self.controls["target"].value
        rows = []
        on_logit = self.logit_gradients()
        for name, (value, gradient) in self.losses().items():
            self.markers[name][0].set_data([p], [value])
            self.markers[name][1].set_data([p],
                                           [float(np.clip(gradient, -GRADIENT_LIMIT,
                                                          GRADIENT_LIMIT))])
            rows.append((name, fixed(value), fixed(gradient), fixed(on_logit[name])))
        self.readout.value = (
            f"<b>p = {format_number(p)}, y = {y}</b>"
            + html_table(rows, header=("loss", "L", "dL/dp", "dL/ds on the logit (p = σ(s))"))
            + "<div>on the logit: cross-entropy p − y; squared error 2(p − y)·p(1 − p)</div>")


class MulticlassLossExplorer(App):
    """Three logits, their softmax probabilities and a one-hot target: cross-entropy and squared
    error."""

    title = "Losses for a choice between classes"

    def __init__(self, logits=(2.0, 1.0, 0.1), target=1, classes=("Cat", "Dog", "Rabbit"), *,
                 hide=(), show=None):
        classes = tuple(classes)
        logits = [float(s) for s in logits]
        if len(logits) != len(classes) or not 2 <= len(classes) <= 6:
            raise CourseError("Give one logit per class (2 to 6 classes); "
                              f"got {len(logits)} logits "
                              f"for {len(classes)} classes.")
        if target not in range(len(classes)):
            raise CourseError(f"The target is a class number 0 … {len(classes) - 1}; "
                              f"got {target!r}.")
        self.classes = classes
        self.cross_entropy = CategoricalCrossEntropy(from_logits=True)
        self.squared = MeanSquaredError()
        controls = {f"s{k}": float_slider(f"logit s ({name})", _logit(s), -LOGIT_LIMIT, LOGIT_LIMIT,
                                          0.05)
                    for k, (name, s) in enumerate(zip(classes, logits), start=1)}
        controls["target"] = toggle("true class", [(name, k) for k, name in enumerate(classes)],
                                    target)
        super().__init__(controls, hide=hide, show=show, figsize=(8.0, 3.2))

    @property
    def logits(self) -> np.ndarray:
        return np.array([self.controls[f"s{k}"].value for k in range(1, len(self.classes) + 1)])

    @property
    def probabilities(self) -> np.ndarray:
        return softmax(self.logits)

    @property
    def target(self) -> np.ndarray:
        return np.eye(len(self.classes))[self.controls["target"].value]

    def losses(self) -> dict:
        """{name: (value, gradient)}: cross-entropy with its gradient on the logits, squared error
        on p."""
        s, p, y = self.logits, self.probabilities, self.target
        return {"categorical cross-entropy": (self.cross_entropy.value(s, y),
                                              self.cross_entropy.gradient(s, y)),
                "squared error on p": (self.squared.value(p, y), self.squared.gradient(p, y))}

    def build(self, figure):
        self.probability_axes, self.gradient_axes = figure.subplots(
            1, 2, gridspec_kw=dict(left=0.07, right=0.98, bottom=0.12, top=0.88, wspace=0.22))
        k = np.arange(len(self.classes))
        self.target_bars = list(self.probability_axes.bar(k, np.zeros(k.size), width=0.8,
                                                          fill=False, edgecolor="black", hatch="//",
                                                          lw=1.5, label="target y"))
        self.probability_bars = list(self.probability_axes.bar(k, np.zeros(k.size), width=0.5,
                                                               color=BLUE,
                                                               label="prediction p = softmax(s)"))
        self.gradient_bars = list(self.gradient_axes.bar(k, np.zeros(k.size), width=0.6,
                                                         color=BLUE))
        self.dynamic(*self.target_bars, *self.probability_bars, *self.gradient_bars)
        self.probability_axes.set_ylim(0, 1.4)
        self.probability_axes.set_title("probabilities against the target", fontsize=10)
        self.probability_axes.legend(loc="upper left", fontsize=8, ncols=2)
        self.gradient_axes.set_ylim(-1.05, 1.05)
        self.gradient_axes.set_title("cross-entropy gradient on the logits: p − y", fontsize=10)
        for ax in (self.probability_axes, self.gradient_axes):
            ax.set_xticks(k, self.classes)
            ax.axhline(0, color=GREY, lw=0.8)
            ax.grid(True, axis="y", alpha=0.3)

    def update_artists(self):
        p, y = self.probabilities, self.target
        losses = self.losses()
        gradient = losses["categorical cross-entropy"][1]
        for k in range(len(self.classes)):
            self.target_bars[k].set_height(y[k])
            self.probability_bars[k].set_height(p[k])
            self.gradient_bars[k].set_height(gradient[k])
            self.gradient_bars[k].set_facecolor(BLUE if gradient[k] >= 0 else VERMILLION)
            self.gradient_bars[k].set_hatch("" if gradient[k] >= 0 else "//")
        rows = [(name, fixed(value)) for name, (value, _) in losses.items()]
        per_class = [(name, fixed(s, 2), fixed(pk), int(yk), fixed(g), fixed(m))
                     for name, s, pk, yk, g, m in zip(self.classes, self.logits, p, y, gradient,
                                                      losses["squared error on p"][1])]
        self.readout.value = (
            html_table(rows, header=("loss", "L"))
            + html_table(per_class,
                         header=("class", "logit s", "p", "y", "dCE/ds = p − y", "dSE/dp"))
            + f"<div>p = {format_vector(p, trim=False)}; "
              f"−log p(true) = {fixed(losses['categorical cross-entropy'][0])}</div>"
        )


def fixed(value, decimals: int = 4) -> str:
    """A table entry: a fixed number of decimals, so that a column lines up."""
    return format_number(value, decimals, trim=False)


def _logit(value: float) -> float:
    if not -LOGIT_LIMIT <= value <= LOGIT_LIMIT:
        raise CourseError(f"A logit of {value:g} is outside the slider's range −{LOGIT_LIMIT:g} … "
                          f"{LOGIT_LIMIT:g}.")
    return value


def loss_explorer(kind="binary", *, hide=(), show=None, **options):
    """Move a prediction against a target and read every loss and its gradient.

    loss_explorer("binary", p=0.9, target=1)
    loss_explorer("multiclass", logits=(2.0, 1.0, 0.1), target=1, classes=("Cat", "Dog", "Rabbit"))
    """
    kinds = {"binary": BinaryLossExplorer, "multiclass": MulticlassLossExplorer}
    if kind not in kinds:
        raise CourseError(f"Unknown kind {kind!r}; choose 'binary' or 'multiclass'.")
    return kinds[kind](hide=hide, show=show, **options)
