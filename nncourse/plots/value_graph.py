"""Draw a scalar computational graph (`nncourse.value.Value`) with matplotlib alone.

The layout is computed here, without Graphviz:

1. **Columns by depth.** A computed value sits one column to the right of its deepest parent
   (depth = length of the longest path from an input). An input (a leaf: a data point, a weight,
   a constant) sits one column to the left of the first value that uses it, so a weight appears
   next to the neuron it belongs to rather than far away at the left edge.
2. **Rows by neighbours.** Within each column the boxes are ordered by the average row of the
   values they connect to (a few sweeps right-to-left and left-to-right), which keeps most
   arrows short and uncrossed.
3. **Drawing.** Each value is a box with its label, its data and (optionally) its gradient; the
   operation that produced it is a small circle just left of its box; arrows run from each
   parent's box to the operation's circle, and from the circle to the result.

A big graph is drawn in pieces that fit a page: ``draw_graph(loss, inputs=[o4, o5])`` draws only
what lies between `o4`, `o5` and the loss, with `o4` and `o5` as its inputs (dashed boxes), and
``draw_graph(o4)`` draws how `o4` itself was computed. The pieces join at the cut values, which
show the same data and grad in both drawings: the chain rule carried across the cut,
∂L/∂w14 = ∂L/∂o4 · ∂o4/∂w14.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from nncourse.errors import CourseError
from nncourse.plots.numbers import format_number
from nncourse.plots.style import new_figure
from nncourse.value import Value

# Sizes in data units: columns are COLUMN_WIDTH apart, rows ROW_HEIGHT apart. At INCHES_PER_UNIT
# and 100 dpi, eight columns make a figure 10 in (1000 px) wide: a notebook shows it unscaled.
COLUMN_WIDTH = 1.05
BOX_WIDTH = 0.8
BOX_HEIGHT = 0.5
ROW_HEIGHT = 0.62
OP_RADIUS = 0.075
OP_GAP = 0.115
INCHES_PER_UNIT = 1.2
MAX_NODES = 400

# Colour-blind-safe fills (Okabe-Ito tints); inputs are also told apart by a thicker border.
LEAF_FILL = "#cfe6f5"
COMPUTED_FILL = "#f2f2f2"
OUTPUT_FILL = "#fbe3c4"
OP_FILL = "#ffffff"
EDGE_COLOUR = "#333333"

# The gid of the text artists, so that a value's text can be found in the figure.
VALUE_TEXT_GID = "value-node"
OP_TEXT_GID = "operation-node"


def node_text(value: Value, show_grad: bool = True) -> str:
    """The text of one value's box: label, data and gradient on separate lines."""
    lines = [value.label] if value.label else []
    lines.append(f"data {format_number(value.data, significant=4)}")
    if show_grad:
        lines.append(f"grad {format_number(value.grad, significant=4)}")
    return "\n".join(lines)


def piece(output: Value, inputs: Iterable[Value] = ()) -> tuple[list[Value], dict]:
    """The values of `output`'s graph down to `inputs`, and each value's drawn parents.

    Returns ``(order, parents)``: `order` lists the values `output` is computed from without
    going through an input (the inputs included), each parent before its children;
    ``parents[id(value)]`` is the tuple of parents drawn for it, empty for an input. With no
    `inputs` this is the whole graph, ``output.graph()``.
    """
    cut = {id(value) for value in inputs}
    parents = {}
    stack = [output]
    while stack:  # every value reached from `output` without passing through a cut
        node = stack.pop()
        if id(node) not in parents:
            parents[id(node)] = () if id(node) in cut else tuple(node.parents)
            stack.extend(parents[id(node)])
    order = [node for node in output.graph() if id(node) in parents]
    return order, parents


def layout(output: Value, inputs: Iterable[Value] = ()) -> dict[int, tuple[float, float]]:
    """Position (x, y) of every value in the graph of `output` (down to `inputs`), by ``id``."""
    order, parents = piece(output, inputs)
    consumers: dict[int, list[Value]] = defaultdict(list)
    for node in order:
        for parent in parents[id(node)]:
            consumers[id(parent)].append(node)

    depth: dict[int, int] = {}
    for node in order:  # parents come before children in this order
        computed_parents = [depth[id(p)] for p in parents[id(node)] if parents[id(p)]]
        depth[id(node)] = 1 + max(computed_parents, default=0) if parents[id(node)] else 0
    for node in order:  # leaves: just left of their first consumer
        if not parents[id(node)] and consumers[id(node)]:
            depth[id(node)] = min(depth[id(c)] for c in consumers[id(node)]) - 1
    shift = min(depth.values())
    columns: dict[int, list[Value]] = defaultdict(list)
    for node in order:
        columns[depth[id(node)] - shift].append(node)

    row = {id(node): float(i) for col in columns.values() for i, node in enumerate(col)}

    def neighbours_mean(node: Value, neighbours: list[Value]) -> float:
        if not neighbours:
            return row[id(node)]
        return sum(row[id(n)] for n in neighbours) / len(neighbours)

    def reorder(col: list[Value], key) -> None:
        col.sort(key=key)
        centre = (len(col) - 1) / 2
        for i, node in enumerate(col):
            row[id(node)] = i - centre

    for _ in range(4):
        for c in sorted(columns, reverse=True):
            reorder(columns[c], lambda n: neighbours_mean(n, consumers[id(n)]))
        for c in sorted(columns):
            reorder(columns[c], lambda n: neighbours_mean(n, list(parents[id(n)])))

    return {
        id(node): ((depth[id(node)] - shift) * COLUMN_WIDTH, -row[id(node)] * ROW_HEIGHT)
        for node in order
    }


def draw_graph(value: Value, ax=None, show_grad: bool = True, title: str | None = None,
               inputs: Iterable[Value] = ()):
    """Draw the computational graph that produced `value` and return the matplotlib Figure.

    The Figure is made outside pyplot (as every figure of the course): the last line of a
    notebook cell, ``draw_graph(loss)`` shows it once.

    Each value is a box showing its label, ``data`` and (if `show_grad`) ``grad``; inputs and
    parameters have a blue fill and a thick border, the drawn output an orange fill. Each
    operation (+, −, ×, ÷, ^n, exp, log, tanh, σ, ReLU) is a circle with arrows from its
    operands and to its result. Call ``value.backward()`` first to see the gradients.

    Values given as `inputs` are drawn as inputs of this piece (a grey fill and a thick dashed
    border) and how they were computed is left out: a big graph is drawn piece by piece (see the
    module's docstring).
    """
    if not isinstance(value, Value):
        raise CourseError(f"draw_graph draws a Value, not {type(value).__name__}.")
    inputs = list(inputs)
    if not all(isinstance(v, Value) for v in inputs):
        raise CourseError("draw_graph's inputs= are Values of the graph, where the drawing stops.")
    order, parents = piece(value, inputs)
    if len(order) > MAX_NODES:
        raise CourseError(
            f"This graph has {len(order)} values; drawings stay readable up to {MAX_NODES}. "
            "Draw it piece by piece: draw_graph(value, inputs=[...]) stops at the values given."
        )
    positions = layout(value, inputs)
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    width = max(xs) - min(xs) + 1.0
    height = max(ys) - min(ys) + 1.2

    if ax is None:  # a Figure outside pyplot: shown once, as the value of a notebook cell
        fig, ax = new_figure(
            (max(4.0, width * INCHES_PER_UNIT), max(2.5, height * INCHES_PER_UNIT))
        )
    else:
        fig = ax.figure
    font = 7.5

    for node in order:
        x, y = positions[id(node)]
        is_leaf = not parents[id(node)]
        is_cut = is_leaf and bool(node.parents)  # computed elsewhere: an input of this piece
        fill = LEAF_FILL if is_leaf else (OUTPUT_FILL if node is value else COMPUTED_FILL)
        ax.add_patch(
            FancyBboxPatch(
                (x - BOX_WIDTH / 2, y - BOX_HEIGHT / 2), BOX_WIDTH, BOX_HEIGHT,
                boxstyle="round,pad=0.0,rounding_size=0.06",
                facecolor=COMPUTED_FILL if is_cut else fill, edgecolor=EDGE_COLOUR,
                linewidth=2.0 if is_leaf else 0.8, linestyle="--" if is_cut else "-",
            )
        )
        ax.text(
            x, y, node_text(node, show_grad), ha="center", va="center", fontsize=font,
            family="DejaVu Sans", gid=VALUE_TEXT_GID, color="#111111", linespacing=1.25,
        )
        if is_leaf:
            continue
        op_x = x - BOX_WIDTH / 2 - OP_GAP
        ax.add_patch(
            Circle((op_x, y), OP_RADIUS, facecolor=OP_FILL, edgecolor=EDGE_COLOUR, linewidth=0.8)
        )
        ax.text(
            op_x, y, node.op, ha="center", va="center",
            fontsize=font if len(node.op) <= 2 else font - 2.5,
            gid=OP_TEXT_GID, color="#111111",
        )
        _arrow(ax, (op_x + OP_RADIUS, y), (x - BOX_WIDTH / 2, y))
        for parent in parents[id(node)]:
            px, py = positions[id(parent)]
            _arrow(ax, (px + BOX_WIDTH / 2, py), (op_x - OP_RADIUS, y))

    ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
    ax.set_ylim(min(ys) - 0.5, max(ys) + 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    if title is None:
        name = value.label or "the output"
        cut = [v.label or "?" for v in order if v.parents and not parents[id(v)]]
        title = f"Computational graph of {name}"
        title += f" from {', '.join(cut)}" if cut else ""
        title += f": {len(order)} values"
        if show_grad:
            title += f" ({grad_meaning(value)})"
    ax.set_title(title, fontsize=12)
    return fig


def grad_meaning(value: Value) -> str:
    """What the drawn `grad` numbers are: "grad = ∂L/∂value", after `L.backward()`."""
    root = value.grad_of
    if root is None:
        return "grad: 0 until backward() runs"
    name = root.label or ("this output" if root is value else f"the value {root.data:.4g}")
    return f"grad = ∂({name})/∂value" if " " in name else f"grad = ∂{name}/∂value"


def _arrow(ax, start, end) -> None:
    ax.add_patch(
        FancyArrowPatch(
            start, end, arrowstyle="-|>", mutation_scale=9, linewidth=0.8,
            color="#555555", shrinkA=0, shrinkB=0,
        )
    )
