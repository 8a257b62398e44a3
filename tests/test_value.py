"""The scalar computational graph: local gradients, backward, the 3-2-1 network, the drawing."""

import math

import matplotlib.pyplot
import numpy as np
import pytest
from matplotlib.figure import Figure

from nncourse import examples
from nncourse.errors import CourseError
from nncourse.examples import scalar_network_321
from nncourse.plots.numbers import format_number
from nncourse.plots.value_graph import (
    BOX_HEIGHT, BOX_WIDTH, OP_TEXT_GID, VALUE_TEXT_GID, draw_graph, piece,
)
from nncourse.value import Value

# Each case: a function of two Values a, b, and a point (a, b) where it is differentiable.
OPERATIONS = {
    "a + b": (lambda a, b: a + b, (0.7, -1.3)),
    "a - b": (lambda a, b: a - b, (0.7, -1.3)),
    "a * b": (lambda a, b: a * b, (0.7, -1.3)),
    "a / b": (lambda a, b: a / b, (0.7, -1.3)),
    "a ** 3": (lambda a, b: a**3 + b, (-0.8, 0.2)),
    "a ** -2": (lambda a, b: a**-2 * b, (1.5, 0.4)),
    "a ** 0.5": (lambda a, b: a**0.5 * b, (2.0, 0.4)),
    "-a": (lambda a, b: -a * b, (0.7, -1.3)),
    "2 + a": (lambda a, b: 2 + a * b, (0.7, -1.3)),
    "2 - a": (lambda a, b: 2 - a * b, (0.7, -1.3)),
    "3 * a": (lambda a, b: 3 * a + b, (0.7, -1.3)),
    "2 / a": (lambda a, b: 2 / a + b, (0.7, -1.3)),
    "a / 4": (lambda a, b: a / 4 - b, (0.7, -1.3)),
    "exp": (lambda a, b: (a * b).exp(), (0.7, -1.3)),
    "log": (lambda a, b: (a * b).log(), (0.7, 1.3)),
    "tanh": (lambda a, b: (a * b).tanh(), (0.7, -1.3)),
    "sigmoid": (lambda a, b: (a * b).sigmoid(), (0.7, -1.3)),
    "relu active": (lambda a, b: (a * b).relu(), (0.7, 1.3)),
    "relu inactive": (lambda a, b: (a * b).relu() + a, (0.7, -1.3)),
    "reused value": (lambda a, b: a * a + a * b + (a * b).tanh() * a, (0.7, -1.3)),
}


def central_difference(f, point, index, eps=1e-6):
    """∂f/∂(point[index]) by (f(x + ε) − f(x − ε)) / 2ε on plain numbers."""
    plus, minus = list(point), list(point)
    plus[index] += eps
    minus[index] -= eps
    return (f(*map(Value, plus)).data - f(*map(Value, minus)).data) / (2 * eps)


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_local_gradients_match_central_differences(name):
    f, point = OPERATIONS[name]
    a, b = Value(point[0], "a"), Value(point[1], "b")
    out = f(a, b)
    out.backward()
    for index, leaf in enumerate((a, b)):
        numeric = central_difference(f, point, index)
        assert leaf.grad == pytest.approx(numeric, rel=1e-6, abs=1e-8), (name, leaf.label)


def test_forward_values_are_the_plain_float_results():
    a, b = Value(0.7), Value(-1.3)
    assert (a / b).data == 0.7 / -1.3
    assert (a**3).data == 0.7**3
    assert a.exp().data == math.exp(0.7)
    assert b.tanh().data == math.tanh(-1.3)
    assert b.relu().data == 0.0
    assert Value(2.0).sigmoid().data == pytest.approx(0.8808, abs=5e-5)
    assert Value(-1.0).sigmoid().data == pytest.approx(0.2689, abs=5e-5)


def test_sigmoid_is_stable_for_large_inputs():
    big, small = Value(1000.0), Value(-1000.0)
    high, low = big.sigmoid(), small.sigmoid()
    assert high.data == 1.0 and low.data == 0.0
    high.backward()
    low.backward()
    assert big.grad == 0.0 and small.grad == 0.0


def test_backward_twice_gives_the_same_gradients():
    loss, params = scalar_network_321()
    loss.backward()
    first = {name: p.grad for name, p in params.items()}
    loss.backward()
    second = {name: p.grad for name, p in params.items()}
    assert first == second
    assert any(g != 0.0 for g in first.values())


def test_a_value_used_twice_collects_both_paths():
    x = Value(3.0, "x")
    y = x * x  # dy/dx = 2x
    y.backward()
    assert x.grad == 6.0
    y.backward()
    assert x.grad == 6.0


def test_graph_is_in_topological_order():
    loss, _ = scalar_network_321()
    order = loss.graph()
    position = {id(node): i for i, node in enumerate(order)}
    assert len(position) == len(order)
    assert order[-1] is loss
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]


def test_long_chain_does_not_hit_the_recursion_limit():
    x = Value(0.5, "x")
    y = x
    for _ in range(5000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda: Value(2.0) ** Value(3.0), "plain number"),
        (lambda: 2 ** Value(3.0), "cannot be raised"),
        (lambda: Value(-1.0, "z").log(), "positive"),
        (lambda: Value(1.0) / Value(0.0, "d"), "d = 0"),
        (lambda: Value(0.0) ** -1, "0"),
        (lambda: Value(-2.0) ** 0.5, "negative"),
        (lambda: Value(1000.0).exp(), "too large"),
        (lambda: Value("3"), "real number"),
        (lambda: Value(float("nan")), "finite"),
        (lambda: Value(1.0) + "2", "number or another Value"),
    ],
)
def test_mistakes_are_explained(make, words):
    with pytest.raises(CourseError, match=words):
        make()


# ----------------------------------------------------------------- the 3-2-1 network (seed 002)


def named_nodes(loss):
    return {node.label: node for node in loss.graph() if node.label}


def test_network_321_forward_numbers():
    loss, _ = scalar_network_321()
    nodes = named_nodes(loss)
    assert nodes["net4"].data == pytest.approx(-0.7)
    assert nodes["net5"].data == pytest.approx(0.1)
    assert nodes["net6"].data == pytest.approx(-0.1045, abs=5e-5)
    assert round(nodes["o4"].data, 4) == 0.3318
    assert round(nodes["o5"].data, 4) == 0.5250
    assert round(nodes["o6"].data, 4) == 0.4739
    o6 = nodes["o6"].data
    assert loss.data == pytest.approx(0.5 * (1 - o6) ** 2)


def test_network_321_gradients_are_minus_the_deltas():
    loss, params = scalar_network_321()
    loss.backward()
    o = {k: v.data for k, v in named_nodes(loss).items()}
    delta6 = (1 - o["o6"]) * o["o6"] * (1 - o["o6"])
    delta5 = o["o5"] * (1 - o["o5"]) * delta6 * params["w56"].data
    delta4 = o["o4"] * (1 - o["o4"]) * delta6 * params["w46"].data
    assert round(delta6, 4) == 0.1312
    assert round(delta5, 5) == -0.00654
    assert round(delta4, 5) == -0.00872
    assert params["θ6"].grad == pytest.approx(-delta6, rel=1e-12)
    assert params["θ5"].grad == pytest.approx(-delta5, rel=1e-12)
    assert params["θ4"].grad == pytest.approx(-delta4, rel=1e-12)
    assert params["w46"].grad == pytest.approx(-delta6 * o["o4"], rel=1e-12)
    assert params["w14"].grad == pytest.approx(-delta4 * 1.0, rel=1e-12)
    assert params["w24"].grad == 0.0  # x2 = 0: no gradient reaches w24 and w25


def test_network_321_one_gradient_step_gives_the_textbook_update():
    """w ← w − η ∂L/∂w with η = 0.9 is the seed's rule w ← w + η δ · input."""
    loss, params = scalar_network_321()
    loss.backward()
    updated = {name: round(p.data - 0.9 * p.grad, 4) for name, p in params.items()}
    assert updated == {
        "w14": 0.1921, "w15": -0.3059, "w24": 0.4, "w25": 0.1, "w34": -0.5079, "w35": 0.1941,
        "w46": -0.2608, "w56": -0.1380, "θ4": -0.4079, "θ5": 0.1941, "θ6": 0.2181,
    }


def engine_gradients_321(net) -> dict[str, float]:
    """The engine's dW and db of the 3-2-1 network under the hand-calculation names."""
    hidden, output = net.layers
    grads = {}
    for i in (1, 2, 3):
        grads[f"w{i}4"], grads[f"w{i}5"] = hidden.dW[i - 1, 0], hidden.dW[i - 1, 1]
    grads["w46"], grads["w56"] = output.dW[0, 0], output.dW[1, 0]
    grads["θ4"], grads["θ5"], grads["θ6"] = hidden.db[0], hidden.db[1], output.db[0]
    return grads


def test_network_321_gradients_equal_the_engines():
    loss, params = scalar_network_321()
    loss.backward()

    net = examples.network_321()
    X = np.asarray(examples.X_321, dtype=float).reshape(1, 3)
    y = np.asarray(examples.Y_321, dtype=float).reshape(1, 1)
    prediction = net.forward(X)
    net.backward(y, "half_squared_error")

    assert prediction.ravel()[0] == pytest.approx(named_nodes(loss)["o6"].data, rel=1e-15)
    engine = engine_gradients_321(net)
    assert set(engine) == set(params)
    for name, value in params.items():
        assert engine[name] == pytest.approx(value.grad, rel=1e-12, abs=1e-17), name


# ----------------------------------------------------------------------------------- drawing


def test_drawing_shows_every_value_with_its_numbers():
    loss, params = scalar_network_321()
    loss.backward()
    figures_before = matplotlib.pyplot.get_fignums()
    fig = draw_graph(loss)
    assert isinstance(fig, Figure)
    assert matplotlib.pyplot.get_fignums() == figures_before  # not in pyplot: shown once
    ax = fig.axes[0]
    value_texts = [t.get_text() for t in ax.texts if t.get_gid() == VALUE_TEXT_GID]
    op_texts = [t.get_text() for t in ax.texts if t.get_gid() == OP_TEXT_GID]
    order = loss.graph()
    assert len(order) == 38
    assert len(value_texts) == len(order)
    assert len(op_texts) == sum(1 for node in order if node.parents)
    assert sorted(op_texts).count("σ") == 3
    theta6 = params["θ6"]
    assert "θ6\ndata 0.1\ngrad \u22120.1312" in value_texts
    assert f"L\ndata {format_number(loss.data, significant=4)}\ngrad 1" in value_texts
    assert "o6\ndata 0.4739\ngrad \u22120.5261" in value_texts
    assert theta6.grad == pytest.approx(-0.1312, abs=5e-5)
    assert "Computational graph of L" in ax.get_title()
    # No two boxes overlap.
    centres = [t.get_position() for t in ax.texts if t.get_gid() == VALUE_TEXT_GID]
    for i, (x1, y1) in enumerate(centres):
        for x2, y2 in centres[i + 1:]:
            assert abs(x1 - x2) >= BOX_WIDTH or abs(y1 - y2) >= BOX_HEIGHT


def test_the_title_names_the_value_whose_backward_filled_the_gradients():
    x, w = Value(2.0, "x"), Value(-1.5, "w")
    z = (x * w).tanh()
    z.label = "z"
    loss = (z - 1.0) ** 2
    loss.label = "L"
    assert "grad: 0 until backward() runs" in draw_graph(z).axes[0].get_title()
    loss.backward()
    assert z.grad_of is loss and x.grad_of is loss
    assert draw_graph(z).axes[0].get_title().endswith("(grad = ∂L/∂value)")
    z.backward()  # now the gradients are those of z
    assert draw_graph(z).axes[0].get_title().endswith("(grad = ∂z/∂value)")
    loss.label = "loss"
    loss.backward()
    assert draw_graph(x * w).axes[0].get_title().endswith("(grad: 0 until backward() runs)")
    assert draw_graph(z).axes[0].get_title().endswith("(grad = ∂loss/∂value)")
    loss.label = ""
    loss.backward()
    title = draw_graph(z).axes[0].get_title()
    assert title.endswith(f"(grad = ∂(the value {loss.data:.4g})/∂value)")


def test_drawing_without_gradients_into_a_given_axes():
    x = Value(2.0, "x")
    y = (x * x + 3 * x).tanh()
    fig = Figure()
    ax = fig.subplots()
    assert draw_graph(y, ax=ax, show_grad=False) is fig
    texts = [t.get_text() for t in ax.texts if t.get_gid() == VALUE_TEXT_GID]
    assert len(texts) == len(y.graph()) == 6
    assert not any("grad" in t for t in texts)
    assert "x\ndata 2" in texts
    assert "data 10" in texts


def test_drawing_refuses_what_is_not_a_value():
    with pytest.raises(CourseError, match="draws a Value"):
        draw_graph(3.0)


def test_drawing_a_piece_stops_at_its_inputs():
    loss, params = scalar_network_321()
    loss.backward()
    named = named_nodes(loss)
    cut = [named["o4"], named["o5"]]
    fig = draw_graph(loss, inputs=cut)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts if t.get_gid() == VALUE_TEXT_GID]
    assert len(texts) == 15
    assert "o4\ndata 0.3318\ngrad 0.03935" in texts       # drawn as an input, with ∂L/∂o4
    assert not any(t.startswith(("w14", "net4", "x1")) for t in texts)
    assert ax.get_title().startswith("Computational graph of L from o4, o5: 15 values")
    dashed = [p for p in ax.patches if p.get_linestyle() == "--"]
    assert len(dashed) == 2
    # The output's piece and the two hidden neurons hold the whole graph.
    pieces = [piece(loss, cut)[0], piece(cut[0])[0], piece(cut[1])[0]]
    assert {id(v) for values in pieces for v in values} == {id(v) for v in loss.graph()}
    assert piece(loss)[0] == loss.graph()
    with pytest.raises(CourseError, match="inputs= are Values"):
        draw_graph(loss, inputs=[0.5])
