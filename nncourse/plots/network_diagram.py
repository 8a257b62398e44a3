"""A network drawn as neurons and connections, with the weights (or their gradients) visible.

Layout: one column per layer, the inputs on the left; the neurons of a column are spread evenly
and centred. Every weight wᵢⱼ is one line from neuron i to neuron j:

- its width grows with |wᵢⱼ| (the largest weight drawn has the widest line);
- its colour comes from a diverging map, blue for positive and red for negative;
- its line style repeats the sign without colour: solid for positive, dashed for negative.

With a forward pass (give `x`, or use the network's last trace) every neuron shows its weighted sum
z and activation a; with `show="gradients"` the lines show ∂L/∂w instead of w (give `y` and `loss`,
or run backward yourself first).

A layer with more than `max_nodes` neurons is drawn with its first neurons, a "⋮" and its last
neuron; the title says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D
from matplotlib.patches import Circle

from nncourse.errors import CourseError
from nncourse.plots.numbers import format_number
from nncourse.plots.style import (
    DIVERGING_CMAP, NEGATIVE_STYLE, POSITIVE_STYLE, figure_and_axes, sign_style,
    styled,
)

NODE_RADIUS = 0.38   # room for two lines of values ("z 0.578", "a 0.578") inside a node
LAYER_SPACING = 2.8
NODE_SPACING = 1.15
# An edge label is placed at the first point along its edge, from these fractions of the way, that
# keeps LABEL_GAP (x, y) away from every label placed before it: labels never sit on each other.
LABEL_STOPS = (0.25, 0.35, 0.45, 0.55, 0.65, 0.3, 0.4, 0.5, 0.6, 0.7, 0.2)
LABEL_GAP = (0.42, 0.24)
MIN_WIDTH, MAX_WIDTH = 0.6, 7.0
INPUT_FILL, HIDDEN_FILL, OUTPUT_FILL = "#E8F1FA", "#F4F4F4", "#FDEBD7"


@dataclass
class Edge:
    """One connection: weight W[source, target] of `layer` (0-based), drawn as `line`."""

    layer: int
    source: int
    target: int
    line: Line2D


def shown_indices(n: int, max_nodes: int) -> list:
    """Which neurons of a layer of n are drawn: all, or the first max_nodes − 1 and the last."""
    if n <= max_nodes:
        return list(range(n))
    return list(range(max_nodes - 1)) + [n - 1]


def free_label_spot(start, end, placed) -> tuple:
    """The first point of LABEL_STOPS along start → end at least LABEL_GAP from every placed
    label (the least crowded one if none is free)."""
    (x0, y0), (x1, y1) = start, end
    best, best_gap = None, -1.0
    for t in LABEL_STOPS:
        x, y = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
        gap = min((max(abs(x - px) / LABEL_GAP[0], abs(y - py) / LABEL_GAP[1])
                   for px, py in placed), default=np.inf)
        if gap >= 1.0:
            return x, y
        if gap > best_gap:
            best, best_gap = (x, y), gap
    return best


def edge_width(magnitude, largest: float):
    """Line width for |value|: MIN_WIDTH for 0, MAX_WIDTH for the largest magnitude drawn."""
    if largest <= 0:
        return MIN_WIDTH
    return MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * magnitude / largest


def subscript(i: int) -> str:
    return str(i).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


class NetworkDiagram:
    """The artists of a network diagram, drawn for the network's weights (or gradients) and last
    forward pass as they are (draw again after a training step).

    Attributes: `figure`, `ax`, `edges` (list of Edge, one per drawn weight), `nodes` (list per
    column of Circle patches), `node_texts`, `bias_texts`, `mappable` (for the colour bar),
    `show` ("weights" or "gradients").
    """

    def __init__(self, net, ax, *, show="weights", values=None, max_nodes=10, edge_labels=None,
                 show_bias=True):
        if show not in ("weights", "gradients"):
            raise CourseError(f'show must be "weights" or "gradients"; got {show!r}.')
        if values not in (None, "z", "a", "both"):
            raise CourseError(f'values must be None, "z", "a" or "both"; got {values!r}.')
        if int(max_nodes) < 2:
            raise CourseError("max_nodes must be at least 2 (the first neurons and the last one).")
        self.net, self.ax, self.figure = net, ax, ax.figure
        self.show, self.values, self.show_bias = show, values, show_bias
        self.max_nodes = int(max_nodes)
        sizes = [net.n_inputs] + [layer.n_neurons for layer in net.layers]
        self.sizes = sizes
        self.shown = [shown_indices(n, self.max_nodes) for n in sizes]
        self.positions = [self._column_positions(c, n) for c, n in enumerate(sizes)]
        n_edges = sum(len(a) * len(b) for a, b in zip(self.shown, self.shown[1:]))
        self.edge_labels = n_edges <= 24 if edge_labels is None else bool(edge_labels)
        self.cmap = colormaps[DIVERGING_CMAP]
        self.norm = Normalize(-1.0, 1.0)
        self.mappable = ScalarMappable(norm=self.norm, cmap=self.cmap)
        self._draw_edges()
        self._draw_nodes()
        self._finish_axes()
        self._restyle_edges()
        self._relabel_nodes()

    # ------------------------------------------------------------ layout
    def _column_positions(self, column, n):
        """{neuron index: (x, y)} for the drawn neurons of one column, centred on y = 0."""
        shown = self.shown[column]
        slots = len(shown) + (1 if len(shown) < n else 0)  # one slot for the "⋮"
        ys = (np.arange(slots)[::-1] - (slots - 1) / 2) * NODE_SPACING
        if len(shown) < n:
            ys = np.concatenate([ys[:-2], ys[-1:]])  # skip the slot of the ellipsis
        return {i: (column * LAYER_SPACING, float(y)) for i, y in zip(shown, ys)}

    def _draw_edges(self):
        self.edges, self.edge_texts = [], []
        placed = []
        for layer_index in range(len(self.net.layers)):
            left, right = self.positions[layer_index], self.positions[layer_index + 1]
            for target in self.shown[layer_index + 1]:
                for k, source in enumerate(self.shown[layer_index]):
                    (x0, y0), (x1, y1) = left[source], right[target]
                    line = Line2D([x0, x1], [y0, y1], zorder=1, solid_capstyle="round")
                    self.ax.add_line(line)
                    self.edges.append(Edge(layer_index, source, target, line))
                    if self.edge_labels:
                        lx, ly = free_label_spot((x0, y0), (x1, y1), placed)
                        placed.append((lx, ly))
                        text = self.ax.text(lx, ly, "", fontsize=9,
                                            ha="center", va="center", zorder=4,
                                            bbox=dict(boxstyle="round,pad=0.12", fc="white",
                                                      ec="none", alpha=0.85))
                        self.edge_texts.append(text)

    def _draw_nodes(self):
        self.nodes, self.node_texts, self.bias_texts = [], [], []
        last = len(self.sizes) - 1
        for column, positions in enumerate(self.positions):
            fill = INPUT_FILL if column == 0 else OUTPUT_FILL if column == last else HIDDEN_FILL
            circles, texts, biases = [], [], []
            for x, y in positions.values():
                circle = Circle((x, y), NODE_RADIUS, facecolor=fill, edgecolor="#333333",
                                linewidth=1.5, zorder=2)
                self.ax.add_patch(circle)
                circles.append(circle)
                texts.append(self.ax.text(x, y, "", ha="center", va="center", fontsize=8.5,
                                          zorder=3, linespacing=1.1))
                if column > 0 and self.show_bias:
                    biases.append(self.ax.text(x, y - NODE_RADIUS - 0.08, "", ha="center", va="top",
                                               fontsize=9, color="#333333", zorder=3))
            self.nodes.append(circles)
            self.node_texts.append(texts)
            self.bias_texts.append(biases)
            if len(positions) < self.sizes[column]:
                ys = [y for _, y in positions.values()]
                self.ax.text(column * LAYER_SPACING, (ys[-2] + ys[-1]) / 2, "⋮", ha="center",
                             va="center", fontsize=18, zorder=3)

    def _finish_axes(self):
        ax = self.ax
        ax.set_aspect("equal")
        ax.grid(False)
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        height = max(len(s) + (1 if len(s) < n else 0) for s, n in zip(self.shown, self.sizes))
        ax.set_xlim(-0.8, (len(self.sizes) - 1) * LAYER_SPACING + 0.8)
        half = (height - 1) / 2 * NODE_SPACING + 0.75
        ax.set_ylim(-half - 0.75, half)
        names = ["input"] + [f"{layer.name}\n({layer.activation.name})"
                             for layer in self.net.layers]
        for column, name in enumerate(names):
            ax.text(column * LAYER_SPACING, -half + 0.05, name, ha="center", va="top", fontsize=11)
        ax.set_xlabel("layers, from the inputs (left) to the output (right)")
        quantity = "weight" if self.show == "weights" else "gradient ∂L/∂w"
        handles = [Line2D([], [], color=self.cmap(0.9), linestyle=POSITIVE_STYLE, linewidth=3,
                          label=f"positive {quantity}"),
                   Line2D([], [], color=self.cmap(0.1), linestyle=NEGATIVE_STYLE, linewidth=3,
                          label=f"negative {quantity}"),
                   Line2D([], [], color="0.4", linewidth=1, label="line width ∝ |value|")]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=3,
                  frameon=False)
        self.colorbar = self.figure.colorbar(self.mappable, ax=ax, shrink=0.7, pad=0.02)

    # ------------------------------------------------------------ data
    def edge_values(self):
        """The weight (or gradient) of every drawn edge, in the order of `self.edges`."""
        matrices = []
        for layer in self.net.layers:
            if self.show == "weights":
                matrices.append(layer.W)
            else:
                if layer.dW is None:
                    raise CourseError("There are no gradients to draw: "
                                      "run forward and backward first "
                                      "(or give x, y and loss).")
                matrices.append(layer.dW)
        return np.array([matrices[e.layer][e.source, e.target] for e in self.edges], dtype=float)

    def _bias_values(self, layer):
        if self.show == "weights":
            return layer.b, "b"
        return layer.db, "∂L/∂b"

    def _restyle_edges(self):
        values = self.edge_values()
        largest = float(np.max(np.abs(values))) if values.size else 0.0
        limit = largest if largest > 0 else 1.0
        self.norm.vmin, self.norm.vmax = -limit, limit
        self.mappable.set_norm(self.norm)
        for edge, value in zip(self.edges, values):
            # keep every line visible: colour position at least 20 % away from the white centre
            strength = 0.2 + 0.8 * abs(value) / limit
            colour = self.cmap(0.5 + 0.5 * strength * (1 if value >= 0 else -1))
            edge.line.set_linewidth(edge_width(abs(value), largest))
            edge.line.set_color(colour)
            edge.line.set_linestyle(sign_style(value))
            edge.line.set_gid(f"w[{edge.layer}][{edge.source},{edge.target}]")
        for text, value in zip(self.edge_texts, values):
            if self.show == "weights":
                text.set_text(format_number(value, 2))
            else:  # gradients are often tiny: two significant digits
                text.set_text(f"{value:.2g}".replace("-", "−"))
        label = "weight w" if self.show == "weights" else "gradient ∂L/∂w"
        self.colorbar.set_label(label)
        self.colorbar.update_normal(self.mappable)
        hidden = [f"{n - len(s) + 1} of {n}" for s, n in zip(self.shown, self.sizes) if len(s) < n]
        title = f"{self.net.name}: {'weights' if self.show == 'weights' else 'gradients ∂L/∂w'}"
        if hidden:
            title += f"\n(a ⋮ hides {', '.join(hidden)} neurons in large layers)"
        self.ax.set_title(title)

    def _relabel_nodes(self):
        net = self.net
        inputs = net.layers[0].X
        show_values = self.values is not None
        # the values shown are those of the first sample of the last forward pass
        if show_values and inputs is None:
            raise CourseError("There are no values to show yet: give x (one input sample) to run "
                              "the forward pass.")
        for k, i in enumerate(self.shown[0]):
            text = f"x{subscript(i + 1)}"
            if show_values:
                text += f"\n{format_number(inputs[0, i], 3)}"
            self.node_texts[0][k].set_text(text)
        for column, layer in enumerate(net.layers, start=1):
            biases, name = self._bias_values(layer)
            for k, j in enumerate(self.shown[column]):
                lines = []
                if show_values and self.values in ("z", "both"):
                    lines.append(f"z {format_number(layer.z[0, j], 3)}")
                if show_values and self.values in ("a", "both"):
                    lines.append(f"a {format_number(layer.a[0, j], 3)}")
                self.node_texts[column][k].set_text("\n".join(lines))
                if self.show_bias:
                    value = "–" if biases is None else format_number(biases[j], 2)
                    self.bias_texts[column][k].set_text(f"{name}={value}")


def run_pass(net, x, y=None, loss=None):
    """The engine's forward pass on one sample x, and its backward pass when y and loss are
    given."""
    x = np.asarray(x, dtype=float)
    if x.ndim == 2 and x.shape[0] != 1:
        raise CourseError("The diagram shows one sample at a time; give a single input x.")
    net.forward(x.reshape(1, -1))
    if y is not None or loss is not None:
        if y is None or loss is None:
            raise CourseError("To show gradients give both y (the target) and loss.")
        y = np.asarray(y, dtype=float)
        net.backward(y.reshape(1, -1) if y.ndim else y.reshape(1), loss)


@styled
def draw_network(net, ax=None, *, show="weights", x=None, y=None, loss=None, values=None,
                 max_nodes: int = 10, edge_labels=None, show_bias: bool = True) -> NetworkDiagram:
    """Draw `net` and return its `NetworkDiagram` (its artists).

    show: "weights" or "gradients"; x: one input sample, whose z and a are shown on the neurons
    (values defaults to "both" when x is given); y and loss: also run backward for the gradients.
    """
    n_columns = len(net.layers) + 1
    tallest = min(max([net.n_inputs] + [layer.n_neurons for layer in net.layers]), max_nodes + 1)
    fig, ax = figure_and_axes(ax, (max(6.0, 2.4 * n_columns + 1.5), max(4.0, 0.95 * tallest + 2.0)))
    if x is not None:
        run_pass(net, x, y, loss)
        if values is None:
            values = "both"
    diagram = NetworkDiagram(net, ax, show=show, values=values, max_nodes=max_nodes,
                             edge_labels=edge_labels, show_bias=show_bias)
    return diagram


def plot_network(net, ax=None, **options):
    """The network diagram as a Figure; options as for `draw_network`."""
    return draw_network(net, ax, **options).figure
