"""The course's figures hold the right numbers: curves, edges, images and grids are checked against
the engine, not just drawn."""

import copy
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from nncourse import data, examples, mlp  # noqa: E402
from nncourse.activations import get_activation  # noqa: E402
from nncourse.errors import CourseError  # noqa: E402
from nncourse.losses import get_loss  # noqa: E402
from nncourse.plots import (  # noqa: E402
    ParameterRecorder, descent_path, draw_activation_curves, draw_decision_boundary,
    draw_loss_landscape, draw_network, loss_surface, neuron_regression_loss, plot_activation,
    plot_decision_boundary, plot_loss_landscape, plot_network, quadratic_bowl,
)
from nncourse.plots.loss_landscape import batched_loss  # noqa: E402


def assert_labelled(ax):
    assert ax.get_title(), "every figure has a title"
    assert ax.get_xlabel() and ax.get_ylabel(), "every axis is labelled"


# ---------------------------------------------------------------- activation curves

def test_activation_curves_hold_the_engine_values_and_derivatives():
    curves = draw_activation_curves(("sigmoid", "tanh", "relu"), (-4, 4), points=81)
    z = np.linspace(-4, 4, 81)
    for name, line, dline in zip(("sigmoid", "tanh", "relu"), curves.value_lines,
                                 curves.derivative_lines):
        act = get_activation(name)
        np.testing.assert_allclose(line.get_xdata(), z)
        np.testing.assert_allclose(line.get_ydata(), act.forward(z))
        np.testing.assert_allclose(dline.get_ydata(), act.derivative(z))
        assert name in line.get_label() and act.output_range in line.get_label()
    assert len({line.get_linestyle() for line in curves.value_lines}) == 3, (
        "styles, not only colours")
    assert_labelled(curves.value_ax)
    assert_labelled(curves.derivative_ax)
    # sigmoid's bounds 0 and 1 and tanh's −1 and 1 are marked
    bounds = sorted({line.get_ydata()[0] for line in curves.bound_lines})
    assert bounds == [-1.0, 0.0, 1.0]


def test_single_activation_plot_and_softmax_refusal():
    fig = plot_activation("tanh", (-3, 3), points=7)
    ax = fig.axes[0]
    value, slope = ax.lines[0], ax.lines[1]
    np.testing.assert_allclose(value.get_ydata(), np.tanh(np.linspace(-3, 3, 7)))
    np.testing.assert_allclose(slope.get_ydata(), 1 - np.tanh(np.linspace(-3, 3, 7)) ** 2)
    assert value.get_linestyle() != slope.get_linestyle()
    assert_labelled(ax)
    with pytest.raises(CourseError, match="Softmax"):
        plot_activation("softmax")


# ---------------------------------------------------------------- network diagram

def edge_value_pairs(diagram, matrices):
    return [(matrices[e.layer][e.source, e.target], e.line) for e in diagram.edges]


def test_network_diagram_has_one_edge_per_weight_styled_by_size_and_sign():
    net = examples.network_321()
    diagram = draw_network(net)
    assert len(diagram.edges) == sum(layer.W.size for layer in net.layers) == 8
    pairs = edge_value_pairs(diagram, [layer.W for layer in net.layers])
    for (w1, line1) in pairs:
        for (w2, line2) in pairs:
            if abs(w1) < abs(w2):
                assert line1.get_linewidth() < line2.get_linewidth()
    for w, line in pairs:
        r, _, b, _ = to_rgba(line.get_color())
        if w > 0:
            assert line.get_linestyle() == "-" and b > r
        else:
            assert line.get_linestyle() == "--" and r > b
    assert "weights" in diagram.ax.get_title() and diagram.ax.get_xlabel()
    assert ([t.get_text() for t in diagram.ax.get_legend().get_texts()][:2]
            == ["positive weight", "negative weight"])


def test_network_diagram_shows_the_trace_and_gradients():
    net = examples.network_3232()
    diagram = draw_network(net, x=examples.X_3232)
    texts = [t.get_text() for column in diagram.node_texts for t in column]
    for number in ("0.73", "0.91", "0.578", "0.624", "0.961", "0.99", "0.753", "0.559", "0.441"):
        assert any(number in t for t in texts), number

    net = examples.network_321()
    diagram = draw_network(net, x=examples.X_321, y=examples.Y_321, loss="half_squared_error",
                           show="gradients")
    dW = [layer.dW for layer in net.layers]
    largest = max(np.abs(m).max() for m in dW)
    for value, line in edge_value_pairs(diagram, dW):
        assert line.get_linestyle() == ("-" if value >= 0 else "--")
        if abs(value) == largest:
            assert line.get_linewidth() == max(e.line.get_linewidth() for e in diagram.edges)
    assert "gradients" in diagram.ax.get_title()
    with pytest.raises(CourseError, match="backward"):
        draw_network(mlp([2, 2, 1]), show="gradients")


def test_network_diagram_draws_the_weights_as_they_are_and_abridges_big_layers():
    net = examples.network_321()
    net.layers[0].W[0, 0] = -1.0
    diagram = draw_network(net)
    line = diagram.edges[0].line
    assert line.get_linestyle() == "--"
    assert line.get_linewidth() == max(e.line.get_linewidth() for e in diagram.edges)
    assert not hasattr(diagram, "update")  # after training, the diagram is drawn again

    big = mlp([2, 64, 32, 3])
    diagram = draw_network(big, max_nodes=8)
    assert len(diagram.edges) == 2 * 8 + 8 * 8 + 8 * 3
    assert "⋮" in diagram.ax.get_title()


# ---------------------------------------------------------------- decision boundary

def trained_moons():
    X, y = data.moons(120, 0.15, seed=0)
    net = mlp([2, 6, 2], hidden="tanh", output="softmax", seed=1)
    net.fit(X, y, loss="categorical_crossentropy", lr=0.5, epochs=50)
    return net, X, y


def test_decision_boundary_image_is_the_models_prediction_on_the_grid():
    net, X, y = trained_moons()
    boundary = draw_decision_boundary(net, X, y, resolution=40)
    grid = np.column_stack([boundary.xx.ravel(), boundary.yy.ravel()])
    expected = net.predict_classes(grid).reshape(40, 40)
    np.testing.assert_array_equal(boundary.image.get_array(), expected)
    assert len(np.unique(expected)) == 2 and boundary.contour is not None
    offsets = np.concatenate([s.get_offsets() for s in boundary.scatters])
    assert offsets.shape == X.shape
    assert {s.get_label() for s in boundary.scatters} == {"class 0", "class 1"}
    assert_labelled(boundary.ax)

    net.layers[1].W[...] *= -1  # new weights: drawn again, the picture follows them
    swapped = draw_decision_boundary(net, X, y, resolution=40)
    now = net.predict_classes(grid).reshape(40, 40)
    assert (now != expected).mean() > 0.5
    np.testing.assert_array_equal(swapped.image.get_array(), now)


def test_decision_boundary_of_a_hidden_neuron_and_of_a_single_output():
    net, X, y = trained_moons()
    boundary = draw_decision_boundary(net, X, y, neuron=("dense1", 2), resolution=30)
    grid = np.column_stack([boundary.xx.ravel(), boundary.yy.ravel()])
    layer = net.layers[0]
    expected = np.tanh(grid @ layer.W[:, 2] + layer.b[2]).reshape(30, 30)
    np.testing.assert_allclose(boundary.image.get_array(), expected)
    assert "dense1" in boundary.ax.get_title()

    single = mlp([2, 3, 1], hidden="tanh", output="sigmoid", seed=2)
    fig = plot_decision_boundary(single, X, y, values="output", resolution=25)
    image = fig.axes[0].images[0].get_array()
    assert image.min() > 0 and image.max() < 1


def test_drawing_a_boundary_keeps_the_last_forward_pass():
    net = examples.network_3232()
    X = np.random.default_rng(0).normal(size=(10, 2))
    net2 = mlp([2, 3, 2], output="softmax")
    net2.forward(X[:1])
    before = net2.layers[0].z.copy()
    draw_decision_boundary(net2, X, np.zeros(10, dtype=int), resolution=20)
    np.testing.assert_array_equal(net2.layers[0].z, before)
    with pytest.raises(CourseError, match="2"):
        draw_decision_boundary(net, X, None)


# ---------------------------------------------------------------- loss landscape

def test_function_surface_equals_the_function_point_by_point():
    bowl = quadratic_bowl(1.0, 10.0)
    p1, p2, L = loss_surface(bowl, p1_range=(-3, 3), p2_range=(-2, 2), resolution=201)
    assert L.shape == (201, 201)
    for i, j in [(0, 0), (100, 100), (37, 150), (200, 3)]:
        assert L[i, j] == pytest.approx(0.5 * (p1[i, j] ** 2 + 10 * p2[i, j] ** 2))
    x, y = np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, 2.9, 5.1, 7.0])
    neuron = neuron_regression_loss(x, y)
    surface = loss_surface(neuron, p1_range=(0, 4), p2_range=(-1, 2), resolution=21)
    for i, j in [(0, 0), (10, 7), (20, 20)]:
        w, b = surface.p1[i, j], surface.p2[i, j]
        assert surface.loss[i, j] == pytest.approx(np.mean((w * x + b - y) ** 2))
    w_best, b_best = neuron.minimum
    assert np.allclose(neuron.gradient(w_best, b_best), 0.0, atol=1e-12)


def engine_loss_with(net, changes, X, y, loss):
    other = copy.deepcopy(net)
    params = other.parameters()
    for k, index, value in changes:
        params[k][index] = value
    return other.loss(X, y, loss)


def test_network_surface_over_two_weights_equals_the_engine_point_by_point():
    net, X, y = trained_moons()
    surface = loss_surface(net, X, y, "categorical_crossentropy",
                           params=("dense1.W[0, 1]", "dense2.b[1]"), resolution=31)
    assert surface.center == (net.layers[0].W[0, 1], net.layers[1].b[1])
    for i, j in [(0, 0), (15, 15), (4, 27), (30, 30)]:
        expected = engine_loss_with(net, [(0, (0, 1), surface.p1[i, j]),
                                          (3, (1,), surface.p2[i, j])],
                                    X, y, "categorical_crossentropy")
        assert surface.loss[i, j] == pytest.approx(expected, rel=1e-12)
    assert surface.loss[15, 15] == pytest.approx(net.loss(X, y, "categorical_crossentropy"),
                                                 rel=1e-12)


def test_network_surface_along_directions_equals_the_engine():
    X, y = data.xor()
    net = mlp([2, 3, 1], hidden="tanh", output="sigmoid", seed=3)
    rng = np.random.default_rng(0)
    d1 = [rng.normal(size=p.shape) for p in net.parameters()]
    d2 = rng.normal(size=net.n_params)
    surface = loss_surface(net, X, y, "binary_crossentropy", directions=(d1, d2), resolution=11)
    d2_split = []
    start = 0
    for p in net.parameters():
        d2_split.append(d2[start:start + p.size].reshape(p.shape))
        start += p.size
    for i, j in [(0, 0), (5, 5), (2, 9)]:
        a, b = surface.p1[i, j], surface.p2[i, j]
        other = copy.deepcopy(net)
        other.set_weights([p + a * u + b * v for p, u, v in zip(net.parameters(), d1, d2_split)])
        assert surface.loss[i, j] == pytest.approx(other.loss(X, y, "binary_crossentropy"),
                                                   rel=1e-12)


@pytest.mark.parametrize("loss_name, output", [
    ("mse", "identity"), ("half_squared_error", "sigmoid"), ("binary_crossentropy", "sigmoid"),
    ("categorical_crossentropy", "softmax"), ("hinge", "identity"),
])
def test_batched_loss_equals_the_engine_loss(loss_name, output):
    rng = np.random.default_rng(1)
    k = 3 if output == "softmax" else 1
    raw = rng.normal(size=(4, 6, k))
    outputs = get_activation(output).forward(raw)
    if loss_name == "hinge":
        targets = rng.choice([-1.0, 1.0], size=(6, k))
    elif output == "softmax":
        targets = np.eye(3)[rng.integers(0, 3, 6)]
    else:
        targets = rng.integers(0, 2, (6, k)).astype(float)
    loss = get_loss(loss_name)
    np.testing.assert_allclose(batched_loss(loss, outputs, targets),
                               [loss.value(o, targets) for o in outputs], rtol=1e-12)


def test_sgd_path_on_a_quadratic_matches_a_hand_computed_step():
    bowl = quadratic_bowl(1.0, 10.0)
    path = descent_path(bowl, (2.0, 1.0), lr=0.05, steps=3)
    # p ← p − η·(a·p₁, b·p₂) = (2 − 0.05·2, 1 − 0.05·10·1) = (1.9, 0.5)
    np.testing.assert_allclose(path.points[1], [1.9, 0.5])
    np.testing.assert_allclose(path.points[2], [1.805, 0.25])
    assert path.losses[1] == pytest.approx(0.5 * (1.9 ** 2 + 10 * 0.5 ** 2))
    assert path.status == "finished" and len(path) == 4


def test_divergent_and_overflowing_paths_stop_without_warnings():
    bowl = quadratic_bowl(1.0, 10.0)
    box = ((-3, 3), (-2, 2))
    diverging = descent_path(bowl, (-2.5, 1.5), lr=0.25, steps=100, bounds=box)
    assert diverging.status == "left the box" and diverging.diverged
    assert abs(diverging.points[-1, 1]) > 2 and np.all(np.abs(diverging.points[:-1, 1]) <= 2)
    exploding = descent_path(bowl, (1.0, 1.0), lr=1e150, steps=10, bounds=((-1e300, 1e300),) * 2)
    assert exploding.status == "not finite"
    assert np.all(np.isfinite(exploding.points)) and np.all(np.isfinite(exploding.losses))
    good = descent_path(bowl, (-2.5, 1.5), lr=0.15, steps=100, bounds=box)
    assert good.status == "finished" and np.abs(good.points[-1]).max() < 1e-3
    momentum = descent_path(bowl, (-2.5, 1.5), optimizer="momentum", lr=0.02, steps=2)
    g0 = np.array([-2.5, 15.0])
    v1 = g0
    p1 = np.array([-2.5, 1.5]) - 0.02 * v1
    np.testing.assert_allclose(momentum.points[1], p1)


def test_landscape_figures_draw_the_path_data():
    bowl = quadratic_bowl(1.0, 10.0)
    surface = loss_surface(bowl, p1_range=(-3, 3), p2_range=(-2, 2), resolution=51)
    paths = [descent_path(bowl, (-2.5, 1.5), lr=lr, steps=20, bounds=((-3, 3), (-2, 2)))
             for lr in (0.02, 0.15, 0.25)]
    landscape = draw_loss_landscape(surface, paths)
    assert len(landscape.path_lines) == 3
    for line, path in zip(landscape.path_lines, paths):
        np.testing.assert_allclose(np.column_stack(line.get_data()), path.points)
        assert line.get_label() == path.label
    assert "diverges" in landscape.path_lines[2].get_label()
    assert_labelled(landscape.ax)
    assert len(draw_loss_landscape(surface, paths[1]).path_lines) == 1
    assert draw_loss_landscape(surface).path_lines == []

    fig = plot_loss_landscape(surface, paths[1].points, kind="surface")
    ax = fig.axes[0]
    assert ax.name == "3d" and ax.get_zlabel() == "loss L"
    x, y, z = ax.lines[-3].get_data_3d()
    np.testing.assert_allclose(z, bowl(x, y))


def test_parameter_recorder_follows_training():
    X, y = data.xor()
    net = mlp([2, 2, 1], hidden="tanh", output="sigmoid", seed=0)
    start = (net.layers[0].W[0, 0], net.layers[1].b[0])
    recorder = ParameterRecorder(net, params=("dense1.W[0, 0]", "dense2.b[0]"))
    net.fit(X, y, loss="binary_crossentropy", lr=0.5, epochs=5, callbacks=[recorder])
    path = recorder.path()
    assert path.shape == (6, 2)
    np.testing.assert_allclose(path[0], start)
    np.testing.assert_allclose(path[-1], (net.layers[0].W[0, 0], net.layers[1].b[0]))


def test_loss_surface_refuses_unclear_requests():
    net, X, y = trained_moons()
    with pytest.raises(CourseError, match="outside"):
        loss_surface(net, X, y, "categorical_crossentropy",
                     params=("dense1.W[5, 0]", "dense2.b[0]"))
    with pytest.raises(CourseError, match="No parameter"):
        loss_surface(net, X, y, "categorical_crossentropy",
                     params=("dense9.W[0, 0]", "dense2.b[0]"))
    with pytest.raises(CourseError, match="p1_range"):
        loss_surface(quadratic_bowl(), (-1, 1), (-1, 1))


def test_benchmark_a_201_by_201_grid(capsys):
    """Not a timed test: prints how long a 201 × 201 grid takes (see benchmarks/)."""
    X, y = data.xor()
    net = mlp([2, 2, 1], hidden="sigmoid", output="sigmoid", seed=0)
    t = time.perf_counter()
    surface = loss_surface(net, X, y, "binary_crossentropy",
                           params=("dense1.W[0, 0]", "dense1.W[1, 0]"), resolution=201)
    elapsed = time.perf_counter() - t
    assert surface.loss.shape == (201, 201) and np.all(np.isfinite(surface.loss))
    with capsys.disabled():
        print(f"\n201×201 loss grid of a 2-2-1 network on XOR: {elapsed * 1000:.1f} ms")


def test_plot_functions_accept_an_axes_and_return_its_figure():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    assert plot_network(examples.network_321(), ax) is fig
    fig2 = Figure()
    ax2 = fig2.add_subplot()
    net, X, y = trained_moons()
    assert plot_decision_boundary(net, X, y, ax2, resolution=10) is fig2


# ---------------------------------------------------------------- training curves and histograms

def test_live_training_curves_follow_the_history_and_never_stop_training():
    from nncourse.data import train_test_split
    from nncourse.plots import LiveTrainingCurves, plot_training_curves

    X, y = data.moons(80, 0.2, seed=0)
    X_train, X_val, y_train, y_val = train_test_split(X, y, seed=0)
    net = mlp([2, 5, 2], output="softmax", seed=0)
    live = LiveTrainingCurves(every=4, epochs=10)
    assert live.display is False  # not in a notebook: nothing is shown
    history = net.fit(X_train, y_train, loss="categorical_crossentropy", lr=0.3, epochs=10,
                      validation_data=(X_val, y_val), callbacks=[live])
    assert history.epochs == list(range(1, 11))  # the callback did not stop training
    assert live.redraws == 4  # epochs 1, 4, 8 and the last one
    for key in ("loss", "val_loss", "accuracy", "val_accuracy"):
        xs, ys = live.curves.lines[key].get_data()
        np.testing.assert_allclose(xs, history.epochs)
        np.testing.assert_allclose(ys, getattr(history, key))
    assert_labelled(live.curves.loss_ax)
    assert_labelled(live.curves.accuracy_ax)

    regression = mlp([1, 3, 1], seed=0)
    Xr, yr = data.noisy_line(30, 2.0, 1.0, 0.1, seed=0)
    h = regression.fit(Xr, yr, loss="mse", lr=0.05, epochs=3)
    fig = plot_training_curves(h)
    assert len(fig.axes) == 1, "no accuracy panel for a regression"
    line = fig.axes[0].lines[0]
    np.testing.assert_allclose(line.get_ydata(), h.loss)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["training loss"]


def test_layer_histograms_count_dead_relus_and_saturation():
    from nncourse.plots import plot_layer_histograms

    X, y = data.moons(50, 0.2, seed=0)
    net = mlp([2, 4, 2], output="softmax", seed=0)
    net.layers[0].b[:2] = -100.0  # two of the four ReLUs can never fire
    fig = plot_layer_histograms(net, X)
    assert "dead: 50% of neurons" in fig.axes[0].get_title()
    counts = sum(patch.get_height() for patch in fig.axes[0].patches)
    assert counts == 50 * 4

    sat = mlp([2, 3, 1], hidden="sigmoid", output="sigmoid", seed=0)
    sat.layers[0].W[...] = 100.0
    fig = plot_layer_histograms(sat, X + 5.0)
    assert "saturated: 100% of outputs" in fig.axes[0].get_title()

    fig = plot_layer_histograms(net, X, y, "categorical_crossentropy", kind="gradients")
    assert fig.axes[1].get_xlabel() == "gradient ∂L/∂W"
    assert f"largest |∂L/∂W| = {np.abs(net.layers[1].dW).max():.2g}" in fig.axes[1].get_title()
    assert sum(p.get_height() for p in fig.axes[1].patches) == net.layers[1].dW.size
    with pytest.raises(CourseError, match="targets"):
        plot_layer_histograms(net, X, kind="gradients")


def test_figures_show_themselves_as_png_without_pyplot():
    import matplotlib.pyplot as plt

    open_before = plt.get_fignums()
    fig = plot_network(examples.network_321())
    png = fig._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert repr(fig).startswith("<Figure size ")
    assert plt.get_fignums() == open_before, "figures are not kept in pyplot's list"


def test_learning_rate_paths_show_too_small_good_and_divergent():
    from nncourse.plots import learning_rate_paths

    bowl = quadratic_bowl(1.0, 10.0)
    small, good, large = learning_rate_paths(bowl, (-2.5, 1.5), steps=60, bounds=((-3, 3), (-2, 2)))
    assert small.status == good.status == "finished" and large.status == "left the box"
    assert good.losses[-1] < 1e-3 < small.losses[-1]


def test_a_figure_carries_a_text_alternative_made_from_its_data():
    from nncourse.plots import describe_figure, plot_activation_curves

    text = describe_figure(plot_activation_curves(["sigmoid", "relu"], z_range=(-5, 5)))
    assert text.startswith("Figure with 2 panels.")
    assert 'Panel 1, "Activation a = f(z)": x (weighted sum z) from −5.5 to 5.5' in text
    assert "sigmoid  range (0, 1), y from 0.007 to 0.993" in text   # σ(±5)
    assert "relu′, y from 0 to 1" in text


def test_network_diagram_edge_labels_never_overlap():
    from nncourse.examples import X_3232, network_3232
    from nncourse.plots.network_diagram import LABEL_GAP, NODE_RADIUS, draw_network

    diagram = draw_network(network_3232(), x=X_3232)
    spots = [text.get_position() for text in diagram.edge_texts]
    for k, (x, y) in enumerate(spots):
        for px, py in spots[:k]:
            assert abs(x - px) >= LABEL_GAP[0] - 1e-9 or abs(y - py) >= LABEL_GAP[1] - 1e-9
    # two lines of values fit inside a node: the text is narrower than the circle
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(diagram.figure).get_renderer()
    for texts, circles in zip(diagram.node_texts, diagram.nodes):
        for text, circle in zip(texts, circles):
            box = text.get_window_extent(renderer)
            diameter = (diagram.ax.transData.transform((2 * NODE_RADIUS, 0))
                        - diagram.ax.transData.transform((0, 0)))[0]
            assert box.width < diameter


def test_training_curves_name_the_held_out_data_and_tick_whole_epochs():
    from nncourse.plots import plot_training_curves
    from nncourse.training import fit

    net = mlp([2, 3, 2], hidden="tanh", output="softmax", seed=0)
    X = np.random.default_rng(0).normal(size=(20, 2))
    y = (X[:, 0] > 0).astype(int)
    history = fit(net, X, y, loss="categorical_crossentropy", epochs=3, validation_data=(X, y))
    figure = plot_training_curves(history, held_out="test")
    labels = [line.get_label() for line in figure.axes[0].get_lines()]
    assert "test loss" in labels and not any("validation" in label for label in labels)
    figure.canvas.draw()
    ticks = figure.axes[0].get_xticks()
    assert np.allclose(ticks, np.round(ticks))  # no tick at epoch 2.5


def test_a_single_output_map_uses_the_class_colours():
    from nncourse.plots import draw_decision_boundary
    from nncourse.plots.style import PALETTE

    net = mlp([2, 3, 1], hidden="tanh", output="sigmoid", seed=0)
    X = np.random.default_rng(1).normal(size=(30, 2))
    boundary = draw_decision_boundary(net, X, (X[:, 0] > 0).astype(int), values="output")
    cmap = boundary.image.get_cmap()
    assert matplotlib.colors.to_hex(cmap(1.0)) == PALETTE[1].lower()  # class 1: its own colour
    assert matplotlib.colors.to_hex(cmap(0.0)) == PALETTE[0].lower()
