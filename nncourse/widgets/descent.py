"""The descent explorer: gradient descent, step by step, on a loss landscape of two parameters.

Each step moves the parameters against the gradient; for plain SGD

    p ← p − η·∇L(p)

and momentum, RMSProp and Adam change how far and where each step goes (see `nncourse.optim`,
which computes every step here). Left: the path on the contour lines of L. Right: the loss after
each step, on a log scale. With a learning rate that is too small the path crawls; a good one
reaches the bottom in a few dozen steps; a too large one overshoots further at every step and
diverges (on the bowl ½(p₁² + 10·p₂²), plain SGD diverges as soon as η > 2/10).
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from nncourse.data import noisy_line
from nncourse.errors import CourseError
from nncourse.optim import OPTIMIZERS, get_optimizer
from nncourse.plots.loss_landscape import (
    TwoParameterFunction, contour_levels, neuron_regression_loss, quadratic_bowl,
)
from nncourse.widgets.base import (
    CONTROL_LAYOUT, CONTROL_STYLE, App, button, dropdown, float_slider, play_control, rate_slider,
)
from nncourse.plots.numbers import format_number, format_vector
from nncourse.plots.style import BLUE, VERMILLION

MAX_STEPS = 100
GRID = 121
CONTOUR_LEVELS = 12  # few bands: clearer, and the picture compresses faster


def rosenbrock(a: float = 1.0, b: float = 100.0) -> TwoParameterFunction:
    """L = (a − p₁)² + b·(p₂ − p₁²)²: a curved, flat-bottomed valley with its minimum at (a, a²).

    ∂L/∂p₁ = −2·(a − p₁) − 4·b·p₁·(p₂ − p₁²),   ∂L/∂p₂ = 2·b·(p₂ − p₁²).
    """
    def value(p1, p2):
        p1, p2 = np.asarray(p1, dtype=float), np.asarray(p2, dtype=float)
        return (a - p1) ** 2 + b * (p2 - p1 * p1) ** 2

    def gradient(p1, p2):
        p1, p2 = np.asarray(p1, dtype=float), np.asarray(p2, dtype=float)
        return -2 * (a - p1) - 4 * b * p1 * (p2 - p1 * p1), 2 * b * (p2 - p1 * p1)

    return TwoParameterFunction(value, gradient, ("p₁", "p₂"), "Rosenbrock's valley", (a, a * a))


class DescentRun:
    """An optimiser walking on a function of two parameters, one step at a time, by nncourse.optim.

    `extend_to(k)` takes steps until k are done (or the walk has stopped); `points` (k + 1, 2) and
    `losses` (k + 1,) hold where it has been. It stops, without a numpy warning, when a point
    leaves `bounds` or a number is no longer finite: the walk has diverged.
    """

    def __init__(self, function: TwoParameterFunction, start, optimizer: str, lr: float, bounds):
        self.function = function
        self.optimizer = get_optimizer(optimizer, lr)
        self.p = np.array(start, dtype=float)
        self.low = np.array([bounds[0][0], bounds[1][0]])
        self.high = np.array([bounds[0][1], bounds[1][1]])
        self._points = [self.p.copy()]
        self._losses = [float(function(*self.p))]
        self.stopped = False

    def extend_to(self, k: int) -> None:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            while len(self._points) <= k and not self.stopped:
                gradient = np.array(self.function.gradient(*self.p), dtype=float)
                self.optimizer.step([self.p], [gradient])  # p ← p − η·g for SGD
                loss = float(self.function(*self.p))
                if not (np.all(np.isfinite(self.p)) and np.isfinite(loss)):
                    self.stopped = True
                    break
                self._points.append(self.p.copy())
                self._losses.append(loss)
                if np.any(self.p < self.low) or np.any(self.p > self.high):
                    self.stopped = True

    @property
    def points(self) -> np.ndarray:
        return np.array(self._points)

    @property
    def losses(self) -> np.ndarray:
        return np.array(self._losses)

    def __len__(self):
        return len(self._points)


@dataclass
class Landscape:
    """A loss of two parameters with the window it is shown in and a sensible start."""

    function: TwoParameterFunction
    p1_range: tuple
    p2_range: tuple
    start: tuple
    lr: float
    loss_range: tuple  # the y-limits of the loss-per-step plot (log scale)
    note: str = ""


def _landscapes() -> dict:
    x, y = noisy_line(n_samples=40, slope=2.0, intercept=1.0, noise=0.5, seed=0)
    return {
        "bowl": Landscape(quadratic_bowl(1.0, 10.0), (-3.0, 3.0), (-2.0, 2.0), (-2.5, 1.5), 0.1,
                          (1e-8, 1e6),
                          "plain SGD converges on this bowl only if η &lt; 2/10 = 0.2"),
        "regression": Landscape(neuron_regression_loss(x, y), (-2.0, 6.0), (-3.0, 5.0), (-1.5, 4.0),
                                0.1, (0.05, 1e6),
                                "the loss of ŷ = w·x + b on 40 noisy points of y = 2x + 1"),
        "rosenbrock": Landscape(rosenbrock(), (-2.0, 2.0), (-1.0, 3.0), (-1.5, 2.5), 0.001,
                                (1e-6, 1e8), "a curved valley: the minimum is at (1, 1)"),
    }


LANDSCAPES = _landscapes()


class DescentExplorer(App):
    """Gradient descent on a landscape: learning rate, start, optimiser; play, step, pause,
    reset."""

    title = "Gradient descent on a loss landscape"
    icon_names = {"play": "play the steps one after another", "pause": "pause",
                  "stop": "stop: back to step 0", "retweet": "repeat"}

    def __init__(self, function="bowl", lr=None, optimizer="sgd", start=None, steps=0, *,
                 hide=(), show=None):
        if function not in LANDSCAPES:
            raise CourseError(f"Unknown landscape {function!r}; choose one of: "
                              f"{', '.join(LANDSCAPES)}.")
        if optimizer not in OPTIMIZERS:
            raise CourseError(f"Unknown optimiser {optimizer!r}; choose one of: "
                              f"{', '.join(OPTIMIZERS)}.")
        landscape = LANDSCAPES[function]
        start = landscape.start if start is None else tuple(float(s) for s in start)
        lr = landscape.lr if lr is None else float(lr)
        if not 1e-4 <= lr <= 1.0:
            raise CourseError("The learning rate of the explorer goes from 0.0001 to 1; "
                              f"got {lr:g}.")
        controls = {
            "function": dropdown("landscape", LANDSCAPES, function),
            "optimizer": dropdown("optimiser", OPTIMIZERS, optimizer),
            "lr": rate_slider("learning rate η", lr, 1e-4, 1.0),
            "start_p1": float_slider("start p₁", 0.0, -6.0, 6.0, 0.05),
            "start_p2": float_slider("start p₂", 0.0, -6.0, 6.0, 0.05),
            "steps": widgets.IntSlider(value=0, min=0, max=MAX_STEPS, description="steps shown",
                                       style=CONTROL_STYLE, layout=CONTROL_LAYOUT),
        }
        # ▶ plays the steps one after another, ❚❚ pauses, ■ goes back to step 0 (= reset()).
        self.play = play_control(MAX_STEPS, 150, "play the steps one after another")
        widgets.jslink((self.play, "value"), (controls["steps"], "value"))
        buttons = {"play": self.play,
                   "step": button("step", "step-forward", "show one more step")}
        buttons["step"].on_click(lambda _: self.step())
        self._set_start_range(controls, landscape, start)
        self.path = None
        self._contours = []
        super().__init__(controls, buttons=buttons, hide=hide, show=show, figsize=(8.0, 3.2))
        if steps:
            self.set_state(steps=steps)

    # ------------------------------------------------------------------ model
    @property
    def landscape(self) -> Landscape:
        return LANDSCAPES[self.controls["function"].value]

    @property
    def shown_steps(self) -> int:
        """How many steps are shown: the step counter, or fewer if the walk stopped (diverged)."""
        return min(self.controls["steps"].value, len(self.path) - 1)

    @property
    def points(self) -> np.ndarray:
        """The parameters at steps 0 … k shown now, shape (k + 1, 2)."""
        return self.path.points[:self.shown_steps + 1]

    @property
    def losses(self) -> np.ndarray:
        return self.path.losses[:self.shown_steps + 1]

    @property
    def diverged(self) -> bool:
        """True when the walk left the map or the loss ended higher than it started."""
        losses = self.losses
        return bool(self.path.stopped and self.shown_steps == len(self.path) - 1) or (
            len(losses) > 2 and losses[-1] > losses[0])

    def compute_path(self):
        """A fresh walk from the start with the chosen optimiser and learning rate."""
        landscape = self.landscape
        (x0, x1), (y0, y1) = landscape.p1_range, landscape.p2_range
        width, height = x1 - x0, y1 - y0
        bounds = ((x0 - 10 * width, x1 + 10 * width), (y0 - 10 * height, y1 + 10 * height))
        start = (self.controls["start_p1"].value, self.controls["start_p2"].value)
        self.path = DescentRun(landscape.function, start, self.controls["optimizer"].value,
                               self.controls["lr"].value, bounds)

    def on_change(self, changed):
        if "function" in changed:
            # a new landscape is a new walk: back to step 0, so that ▶ plays it from its start
            landscape = self.landscape
            self._set_start_range(self.controls, landscape, landscape.start)
            self.controls["lr"].value = landscape.lr  # inside the batch: no extra redraw
            self.play.playing = False
            self.play.value = 0
            self.controls["steps"].value = 0
            self._draw_landscape()
        if changed - {"steps"}:
            self.compute_path()
        self.path.extend_to(self.controls["steps"].value)
        if self.play.playing and self.path.stopped:
            self.play.playing = False

    @staticmethod
    def _set_start_range(controls, landscape, start):
        for name, (low, high), value in (("start_p1", landscape.p1_range, start[0]),
                                         ("start_p2", landscape.p2_range, start[1])):
            if not low <= value <= high:
                raise CourseError(f"The start {name[-2:]} = {value:g} is outside the map {low:g} … "
                                  f"{high:g}.")
            slider = controls[name]
            slider.value = min(max(slider.value, low), high)
            slider.min, slider.max = low, high
            slider.value = round(float(value), 4)

    # ------------------------------------------------------------------ actions
    def step(self, n: int = 1) -> DescentExplorer:
        """Show n more steps (at most MAX_STEPS in all)."""
        self.controls["steps"].value = min(self.controls["steps"].value + int(n), MAX_STEPS)
        return self

    def run(self, steps: int = MAX_STEPS) -> DescentExplorer:
        """Show the first `steps` steps at once."""
        return self.set_state(steps=min(int(steps), MAX_STEPS))

    def pause(self) -> DescentExplorer:
        self.play.playing = False
        return self

    def reset(self) -> DescentExplorer:
        """Back to step 0 (the settings stay)."""
        self.play.playing = False
        self.play.value = 0
        self.controls["steps"].value = 0
        return self

    # ------------------------------------------------------------------ figure
    def build(self, figure):
        self.map_axes, self.loss_axes = figure.subplots(
            1, 2, gridspec_kw=dict(width_ratios=(1.1, 1), left=0.09, right=0.98, bottom=0.15,
                                   top=0.9, wspace=0.25))
        ax = self.map_axes
        (self.path_line,) = ax.plot([], [], "-o", color="white", markeredgecolor="black",
                                    markersize=3.5, lw=1.8, markeredgewidth=0.5)
        (self.start_marker,) = ax.plot([], [], "o", color=BLUE, markeredgecolor="white",
                                       markersize=9)
        (self.current_marker,) = ax.plot([], [], "X", color=VERMILLION, markeredgecolor="white",
                                         markersize=11)
        (self.minimum_marker,) = ax.plot([], [], "*", color="white", markeredgecolor="black",
                                         markersize=13)
        self.dynamic(self.path_line, self.start_marker, self.current_marker)
        for artist in (self.path_line, self.start_marker, self.current_marker):
            artist.set_zorder(5)
        loss = self.loss_axes
        (self.loss_line,) = loss.plot([], [], "-o", color=BLUE, markersize=3)
        self.dynamic(self.loss_line)
        loss.set_yscale("log")
        loss.set_xlim(0, MAX_STEPS)
        loss.set_xlabel("step")
        loss.set_title("loss after each step (log scale)", fontsize=10)
        loss.grid(True, which="major", alpha=0.3)
        self._draw_landscape()
        self.compute_path()
        self.path.extend_to(self.controls["steps"].value)

    def _draw_landscape(self):
        landscape, ax = self.landscape, self.map_axes
        for contour in self._contours:
            contour.remove()
        P1, P2 = np.meshgrid(np.linspace(*landscape.p1_range, GRID),
                             np.linspace(*landscape.p2_range, GRID))
        L = landscape.function(P1, P2)
        levels = contour_levels(L, CONTOUR_LEVELS)
        self._contours = [ax.contourf(P1, P2, L, levels=levels, cmap="viridis", extend="max"),
                          ax.contour(P1, P2, L, levels=levels, colors="white", linewidths=0.5,
                                     alpha=0.6)]
        ax.set_xlim(*landscape.p1_range)
        ax.set_ylim(*landscape.p2_range)
        names = landscape.function.names
        ax.set_xlabel(names[0])
        ax.set_ylabel(names[1])
        ax.set_title(landscape.function.name, fontsize=10)
        best = landscape.function.minimum
        (self.minimum_marker.set_data([best[0]], [best[1]]) if best is not None
         else self.minimum_marker.set_data([], []))
        self.loss_axes.set_ylim(*landscape.loss_range)
        self.invalidate_background()

    def update_artists(self):
        points, losses = self.points, self.losses
        self.path_line.set_data(points[:, 0], points[:, 1])
        self.start_marker.set_data(points[:1, 0], points[:1, 1])
        self.current_marker.set_data(points[-1:, 0], points[-1:, 1])
        low = self.landscape.loss_range[0]
        self.loss_line.set_data(np.arange(len(losses)), np.maximum(losses, low * 1e-3))
        self.loss_line.set_color(VERMILLION if self.diverged else BLUE)
        self.readout.value = self.readout_html()

    def readout_html(self) -> str:
        k, points, losses = self.shown_steps, self.points, self.losses
        opt, lr = self.controls["optimizer"].value, self.controls["lr"].value
        stop = " (the walk stopped here)" if self.path.stopped and k == len(self.path) - 1 else ""
        lines = [f"<b>{opt}, η = {format_number(lr)}</b> &nbsp; step {k} of {MAX_STEPS}{stop}",
                 f"p = {format_vector(points[-1])}, loss L = {format_number(losses[-1])} "
                 f"(start: {format_number(losses[0])})"]
        if self.diverged:
            lines.append(f'<span style="color:{VERMILLION}"><b>diverged: the loss grew past '
                         f"{format_number(losses[0])}</b> (to {format_number(losses.max())}) "
                         "&ndash; the learning rate is too large</span>")
        elif k == MAX_STEPS and losses[-1] > 0.01 * losses[0]:
            lines.append(f"after {k} steps the loss is still "
                         f"{format_number(100 * losses[-1] / losses[0], 1)}% "
                         "of where it started: the learning rate may be too small")
        if self.landscape.note:
            lines.append(f"<i>{self.landscape.note}</i>")
        return '<div style="font-size:14px">' + "<br>".join(lines) + "</div>"


def descent_explorer(function="bowl", lr=None, optimizer="sgd", start=None, steps=0, *,
                     hide=(), show=None) -> DescentExplorer:
    """Gradient descent on a loss landscape of two parameters, step by step.

    descent_explorer(function="bowl", lr=0.1, optimizer="sgd", start=(-2.5, 1.5))
    function: "bowl", "regression" or "rosenbrock"; optimizer: "sgd", "momentum", "rmsprop", "adam".
    app.step(5), app.run(50), app.reset(); app.set_state(lr=0.21) shows a divergent rate.
    """
    return DescentExplorer(function, lr, optimizer, start, steps, hide=hide, show=show)
