"""One SGD step, every number: walk through a small network's forward pass, loss, backward pass and
update one quantity at a time.

Neurons are numbered through the network as the hand calculation numbers them (the 3-2-1
network: inputs 1–3, hidden 4–5, output 6), and wᵢⱼ is the weight from neuron i to neuron j.
Each step of the walk highlights one node or one edge of the diagram and writes its formula with
the real numbers:

    forward    zⱼ = Σᵢ aᵢ·wᵢⱼ + bⱼ,   aⱼ = f(zⱼ)             (aᵢ = xᵢ for an input)
    loss       L(a_out, y)
    backward   ∂L/∂zⱼ = ∂L/∂a_out · f′(zⱼ) at the output,
               ∂L/∂zⱼ = f′(zⱼ) · Σₖ wⱼₖ·∂L/∂zₖ below it;  δⱼ = −∂L/∂zⱼ (the textbook's error signal)
    gradients  ∂L/∂wᵢⱼ = aᵢ · ∂L/∂zⱼ,   ∂L/∂bⱼ = ∂L/∂zⱼ
    update     wᵢⱼ ← wᵢⱼ − η·∂L/∂wᵢⱼ

Every number comes from the engine (`Sequential.forward`, `backward`, the layers' dW and db); the
stepper only writes them out. The network given is not changed.
"""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import FancyArrowPatch

from nncourse.errors import CourseError
from nncourse.losses import get_loss
from nncourse.plots.numbers import format_number
from nncourse.plots.style import BLUE, GREY, ORANGE, VERMILLION
from nncourse.widgets.base import CONTROL_LAYOUT, CONTROL_STYLE, App, button, png_url
from nncourse.widgets.pasted_text import PastedText

PHASES = ("forward", "loss", "backward", "gradients", "update")
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
MAX_NEURONS = 12
DRAW_AHEAD_DELAY = 0.05  # seconds of quiet before the kernel draws a step ahead
NODE_POINTS = 15     # a node's radius, in points
LOSS_FORMULAS = {"half_squared_error": "½·Σ(y − a)²", "mse": "(1/n)·Σ(y − a)²",
                 "binary_crossentropy": "−[y·ln a + (1 − y)·ln(1 − a)]"}


@dataclass(frozen=True)
class Step:
    """One click of the stepper: its phase, what it highlights and what it says."""

    phase: str
    title: str
    formula: str          # the rule, with symbols
    numbers: str          # the same rule with this network's numbers
    node: int | None = None           # neuron number highlighted (1-based), or None
    edge: tuple | None = None         # (i, j) highlighted, or None
    label: str = ""                   # written under the node from this step on ("a 0.3318")


def _n(value) -> str:
    return format_number(value, 4)


def _p(value) -> str:
    """A number inside a formula: negative numbers in brackets."""
    text = _n(value)
    return f"({text})" if text.startswith("−") else text


def _sub(i: int) -> str:
    return str(i).translate(SUBSCRIPTS)


class SGDStepper(App):
    """Forward, loss, backward and update of one SGD step on a small network, one number a click."""

    title = "One SGD step, every number"

    def __init__(self, network, x, y, loss="half_squared_error", lr=0.5, *, start=0, hide=(),
                 show=None):
        self.network = copy.deepcopy(network)
        self.x = np.asarray(x, dtype=float).ravel()
        self.y = np.asarray(y, dtype=float).ravel()
        self.loss = get_loss(loss)
        self.lr = float(lr)
        sizes = [self.network.layers[0].W.shape[0]] + [layer.W.shape[1]
                                                      for layer in self.network.layers]
        if max(sizes) > MAX_NEURONS or sum(sizes) > 4 * MAX_NEURONS:
            raise CourseError(f"The stepper shows small networks (at most {MAX_NEURONS} neurons "
                              f"a layer); this one has layers {sizes}.")
        if self.x.size != sizes[0] or self.y.size != sizes[-1]:
            raise CourseError(f"The network takes {sizes[0]} inputs and gives {sizes[-1]} outputs; "
                              f"got x with {self.x.size} and y with {self.y.size} numbers.")
        self.sizes = sizes
        self._run_engine()
        self.steps = self._make_steps()
        controls = {"step": widgets.IntSlider(value=int(start), min=0, max=len(self.steps) - 1,
                                              description="step", style=CONTROL_STYLE,
                                              layout=CONTROL_LAYOUT)}
        buttons = {"back": button("back", "arrow-left", "the step before"),
                   "next": button("next", "arrow-right", "the next step")}
        buttons["back"].on_click(lambda _: self.back())
        buttons["next"].on_click(lambda _: self.next())
        super().__init__(controls, buttons=buttons, hide=hide, show=show, figsize=(6.4, 3.0))

    # ------------------------------------------------------------------ the numbers
    def _run_engine(self):
        """Forward and backward pass with the engine; the update is computed, not applied."""
        net = self.network
        self.output = net.forward(self.x[None, :])
        self.loss_value = float(self.loss.value(self.output, self.y[None, :]))
        net.backward(self.y[None, :], self.loss)
        self.layers = net.layers
        self.new_W = [layer.W - self.lr * layer.dW for layer in self.layers]
        self.new_b = [layer.b - self.lr * layer.db for layer in self.layers]
        # neuron numbers, column by column: [[1, 2, 3], [4, 5], [6]] for the 3-2-1 network
        first = np.cumsum([0] + self.sizes)
        self.numbers = [list(range(int(first[c]) + 1, int(first[c + 1]) + 1))
                        for c in range(len(self.sizes))]

    def activation_value(self, column: int, unit: int) -> float:
        """aᵢ of the neuron `unit` of column `column` (column 0: the inputs xᵢ)."""
        if column == 0:
            return float(self.x[unit])
        return float(self.layers[column - 1].a[0, unit])

    def _make_steps(self) -> list:
        steps = []
        for depth, layer in enumerate(self.layers, start=1):
            name = layer.activation.name
            for j, number in enumerate(self.numbers[depth]):
                sources = self.numbers[depth - 1]
                terms = " + ".join(f"a{_sub(i)}·w{_sub(i)}{_sub(number)}" for i in sources)
                values = " + ".join(f"{_p(self.activation_value(depth - 1, k))}·{_p(layer.W[k, j])}"
                                    for k in range(len(sources)))
                z, a = float(layer.z[0, j]), float(layer.a[0, j])
                steps.append(Step("forward", f"weighted sum of neuron {number}",
                                  f"z{_sub(number)} = {terms} + b{_sub(number)}",
                                  f"z{_sub(number)} = {values} + {_p(layer.b[j])} = {_n(z)}",
                                  node=number))
                steps.append(Step("forward", f"output of neuron {number}",
                                  f"a{_sub(number)} = {name}(z{_sub(number)})",
                                  f"a{_sub(number)} = {name}({_n(z)}) = {_n(a)}", node=number,
                                  label=f"a {_n(a)}"))
        outputs = self.numbers[-1]
        a_out = ", ".join(_n(v) for v in self.output[0])
        rule = LOSS_FORMULAS.get(self.loss.name, f"{self.loss.name}(a, y)")
        steps.append(Step("loss", "the loss", f"L = {rule}",
                          f"L = {self.loss.name}(a = {a_out}, y = {', '.join(map(_n, self.y))}) "
                          f"= {_n(self.loss_value)}", node=outputs[0] if len(outputs) == 1
                          else None))
        for depth in range(len(self.layers), 0, -1):
            layer = self.layers[depth - 1]
            for j, number in enumerate(self.numbers[depth]):
                dz = float(layer.dz[0, j])
                a = float(layer.a[0, j])
                slope = _slope_text(layer.activation.name, a, float(layer.z[0, j]))
                if depth == len(self.layers):
                    da = float(layer.da[0, j]) if layer.da is not None else dz
                    formula = f"∂L/∂z{_sub(number)} = ∂L/∂a{_sub(number)} · f′(z{_sub(number)})"
                    numbers = (f"∂L/∂z{_sub(number)} = {_p(da)} · {slope} = {_n(dz)}"
                               if layer.activation.elementwise
                               else f"∂L/∂z{_sub(number)} = a − y = {_n(dz)}")
                else:
                    above = self.layers[depth]
                    targets = self.numbers[depth + 1]
                    total = " + ".join(f"w{_sub(number)}{_sub(k)}·∂L/∂z{_sub(k)}" for k in targets)
                    values = " + ".join(f"{_p(above.W[j, m])}·{_p(above.dz[0, m])}"
                                        for m in range(len(targets)))
                    formula = f"∂L/∂z{_sub(number)} = f′(z{_sub(number)}) · ({total})"
                    numbers = f"∂L/∂z{_sub(number)} = {slope} · ({values}) = {_n(dz)}"
                steps.append(Step("backward", f"error signal of neuron {number}", formula,
                                  numbers + f";  δ{_sub(number)} = −∂L/∂z{_sub(number)} = "
                                  f"{_n(-dz)};  ∂L/∂b{_sub(number)} = {_n(dz)}", node=number,
                                  label=f"δ {_n(-dz)}"))
        for depth, layer in enumerate(self.layers, start=1):
            for j, number in enumerate(self.numbers[depth]):
                for k, source in enumerate(self.numbers[depth - 1]):
                    name = f"w{_sub(source)}{_sub(number)}"
                    steps.append(Step(
                        "gradients", f"gradient of {name}",
                        f"∂L/∂{name} = a{_sub(source)} · ∂L/∂z{_sub(number)}",
                        f"∂L/∂{name} = {_p(self.activation_value(depth - 1, k))} · "
                        f"{_p(layer.dz[0, j])} = {_n(layer.dW[k, j])}", edge=(source, number)))
        for depth, layer in enumerate(self.layers, start=1):
            for j, number in enumerate(self.numbers[depth]):
                for k, source in enumerate(self.numbers[depth - 1]):
                    name = f"w{_sub(source)}{_sub(number)}"
                    steps.append(Step(
                        "update", f"update of {name}", f"{name} ← {name} − η·∂L/∂{name}",
                        f"{name} ← {_n(layer.W[k, j])} − {_n(self.lr)}·{_p(layer.dW[k, j])} "
                        f"= {_n(self.new_W[depth - 1][k, j])}", edge=(source, number)))
        biases = [(number, depth - 1, j) for depth in range(1, len(self.layers) + 1)
                  for j, number in enumerate(self.numbers[depth])]
        steps.append(Step("update", "update of the biases", "bⱼ ← bⱼ − η·∂L/∂bⱼ",
                          ";  ".join(f"b{_sub(n)} ← {_n(self.layers[depth].b[j])} − {_n(self.lr)}·"
                                     f"{_p(self.layers[depth].db[j])} = {_n(self.new_b[depth][j])}"
                                     for n, depth, j in biases)))
        return steps

    # ------------------------------------------------------------------ actions
    @property
    def current(self) -> Step:
        return self.steps[self.controls["step"].value]

    def next(self) -> SGDStepper:
        self.controls["step"].value = min(self.controls["step"].value + 1, len(self.steps) - 1)
        return self

    def back(self) -> SGDStepper:
        self.controls["step"].value = max(self.controls["step"].value - 1, 0)
        return self

    # ------------------------------------------------------------------ figure
    def build(self, figure):
        ax = self.axes = figure.add_axes((0.01, 0.02, 0.98, 0.86))
        ax.set_axis_off()
        columns = len(self.sizes)
        top = max(self.sizes)
        self.position = {}
        for c, numbers in enumerate(self.numbers):
            gap = top / len(numbers)  # a shorter column spreads out: room for the values below
            for i, number in enumerate(numbers):
                self.position[number] = (c * 2.2, ((len(numbers) - 1) / 2 - i) * gap)
        self.edges = [(i, j) for c in range(columns - 1) for j in self.numbers[c + 1]
                      for i in self.numbers[c]]
        ax.add_collection(LineCollection([[self.position[i], self.position[j]]
                                          for i, j in self.edges], colors=GREY, linewidths=1.0,
                                         zorder=1))
        # the highlighted edge stops at the circles (shrink, in points), so the nodes and their
        # numbers stay in the kept background and only a few artists are drawn per step
        self.edge_highlight = FancyArrowPatch((0, 0), (0, 0), arrowstyle="-", color=ORANGE,
                                              lw=4, shrinkA=NODE_POINTS, shrinkB=NODE_POINTS,
                                              zorder=2)
        ax.add_patch(self.edge_highlight)
        xs, ys = zip(*self.position.values())
        ax.scatter(xs, ys, s=(2 * NODE_POINTS) ** 2, c="white", edgecolors="black", zorder=3)
        self.node_highlight = ax.scatter([], [], s=1100, facecolors="none",
                                         edgecolors=VERMILLION, linewidths=3, zorder=4)
        for number, (px, py) in self.position.items():
            ax.text(px, py, str(number), ha="center", va="center", fontsize=11, zorder=5)
        for i, number in enumerate(self.numbers[0]):  # the inputs never change: background
            px, py = self.position[number]
            ax.text(px, py - 0.36, f"x {_n(self.x[i])}", ha="center", va="top", fontsize=8)
        # the values under the neurons: each label is drawn once and pasted when it comes back
        self.value_texts = {number: PastedText(ax, self.position[number] - np.array([0, 0.36]),
                                               fontsize=8)
                            for numbers in self.numbers[1:] for number in numbers}
        self.dynamic(self.edge_highlight, self.node_highlight,
                     *(text.image for text in self.value_texts.values()))
        names = ["inputs"] + [layer.activation.name for layer in self.layers]
        for c, name in enumerate(names):
            ax.text(c * 2.2, (top - 1) / 2 + 0.55, name, ha="center", va="bottom", fontsize=9,
                    color=BLUE)
        ax.set_xlim(-0.7, (columns - 1) * 2.2 + 0.7)
        ax.set_ylim(-(top - 1) / 2 - 0.95, (top - 1) / 2 + 0.95)
        self.phase_title = ax.set_title("", fontsize=11)
        self.dynamic(self.phase_title)

    def known_values(self, upto: int) -> dict:
        """What the walk has computed by step `upto`, per computed neuron: "a 0.3318", then
        "δ −0.0087"."""
        known = {}
        for step in self.steps[:upto + 1]:
            if step.label:
                known.setdefault(step.node, []).append(step.label)
        return known

    def render(self) -> bytes:
        """Each step's picture is drawn once and kept: walking back and forth costs nothing. In a
        kernel, the pictures of the next steps are drawn ahead while it waits for the learner."""
        index = self.controls["step"].value
        frames = self._frames
        if index in frames:
            self.png = frames[index]
            self.image.value = png_url(self.png)
            self.renders += 1
        else:
            frames[index] = super().render()
        self._draw_ahead_later()
        return self.png

    @property
    def _frames(self) -> dict:
        return self.__dict__.setdefault("_frame_cache", {})

    def _draw_ahead_later(self) -> None:
        """Ask the kernel's event loop to draw one not yet drawn step near the current one, a
        moment from now: it runs only while no message from the browser is waiting, one frame at
        a time (10–20 ms each), and asks again until every step is drawn. Outside a running event
        loop (a script, a test) steps are drawn when visited."""
        if self.__dict__.get("_ahead_pending"):
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._ahead_pending = True
        loop.call_later(DRAW_AHEAD_DELAY, self._draw_ahead)

    def _draw_ahead(self) -> None:
        self._ahead_pending = False
        current, count = self.controls["step"].value, len(self.steps)
        order = sorted(range(count), key=lambda i: (abs(i - current), i < current))
        missing = next((i for i in order if i not in self._frames), None)
        if missing is None:
            return
        self.draw_step(missing)
        self._frames[missing] = self.draw_png()
        self.draw_step(current)  # the artists show the current step again
        self._draw_ahead_later()

    def update_artists(self):
        step = self.current
        self.draw_step(self.controls["step"].value)
        self.readout.value = (
            '<div style="font-size:14px">'
            f"<b>{step.phase}</b>: {step.title}<br>"
            f'<span style="font-family:monospace">{step.formula}</span><br>'
            f'<span style="font-family:monospace">{step.numbers}</span></div>')

    def draw_step(self, index: int) -> None:
        """Set the diagram's highlight, values and title to what step `index` shows."""
        step = self.steps[index]
        if step.edge is not None:
            self.edge_highlight.set_positions(self.position[step.edge[0]],
                                              self.position[step.edge[1]])
        self.edge_highlight.set_visible(step.edge is not None)
        self.node_highlight.set_offsets([self.position[step.node]] if step.node is not None
                                        else np.empty((0, 2)))
        known = self.known_values(index)
        for number, text in self.value_texts.items():
            text.set_text("\n".join(known.get(number, [])))
        self.phase_title.set_text(f"step {index + 1} of {len(self.steps)} · {step.phase}: "
                                  f"{step.title}")

    def picture_description(self) -> str:
        return (f"The network {' → '.join(map(str, self.sizes))}, neurons numbered "
                f"1 to {sum(self.sizes)}; the step's neuron or weight is highlighted.")


def _slope_text(name: str, a: float, z: float) -> str:
    """f′(z) written out: a·(1 − a) for sigmoid, 1 − a² for tanh, else its value."""
    if name == "sigmoid":
        return f"{_n(a)}·(1 − {_n(a)})"
    if name == "tanh":
        return f"(1 − {_n(a)}²)"
    from nncourse.activations import get_activation

    return _p(float(get_activation(name).derivative(z)))


def sgd_stepper(network=None, x=None, y=None, loss="half_squared_error", lr=None, *, start=0,
                hide=(), show=None) -> SGDStepper:
    """Walk through one SGD step on a small network, one number per click.

    sgd_stepper()                       # the 3-2-1 network of lesson 05, η = 0.9
    sgd_stepper(network, x, y, loss="half_squared_error", lr=0.5)
    app.next(), app.back(), app.set_state(step=12); app.steps lists every step.
    """
    if network is None:
        from nncourse.examples import LR_321, X_321, Y_321, network_321

        network, x, y = network_321(), X_321, Y_321
        lr = LR_321 if lr is None else lr
    if x is None or y is None:
        raise CourseError("Give the sample the step is taken on: sgd_stepper(network, x, y).")
    return SGDStepper(network, x, y, loss, 0.5 if lr is None else lr, start=start, hide=hide,
                      show=show)
