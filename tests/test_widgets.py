"""The course's widgets, driven from Python as a learner's clicks would drive them.

Each test moves a control (`control.value = …`) or calls a method, then checks the numbers in the
readout, the data of the figure's artists and that the PNG picture changed.
"""

import base64
import io
import math

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

from nncourse.activations import get_activation, sigmoid, softmax
from nncourse.errors import CourseError
from nncourse.losses import BinaryCrossEntropy, CategoricalCrossEntropy, MeanSquaredError
from nncourse.network import mlp
from nncourse.optim import SGD, Momentum
from nncourse.widgets import (
    activation_explorer, descent_explorer, loss_explorer, neuron_explorer, training_playground,
)
from nncourse.plots.numbers import format_number
from nncourse.plots.style import VERMILLION


def png_size(png: bytes):
    image = Image.open(io.BytesIO(png))
    image.load()  # decodes every pixel: the bytes are a valid PNG
    return image.size


# ---------------------------------------------------------------------------- formatting

@pytest.mark.parametrize("value, text", [
    (0.30000000000000004, "0.3"), (3.4999999999999996, "3.5"), (0.8807970779778823, "0.8808"),
    (2.0, "2"), (-1.5, "−1.5"), (-0.00001, "−1e-05"), (-0.0, "0"), (1234567.0, "1.23e+06"),
    (math.inf, "∞"), (0.0, "0"),
])
def test_format_number_gives_short_rounded_text(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize("value, text", [
    (0.00021774, "0.0002177"), (-0.131204, "−0.1312"), (1.0, "1"), (-0.0, "0"),
    (-0.00004, "−4e-05"), (123456.0, "1.235e+05"),
])
def test_format_number_with_significant_digits_keeps_tiny_gradients_readable(value, text):
    assert format_number(value, significant=4) == text


# ---------------------------------------------------------------------------- neuron

def test_neuron_weight_slider_updates_readout_marker_bars_and_picture():
    app = neuron_explorer(weights=(0.5, -1.0), bias=0.0, activation="sigmoid", inputs=(1.0, 2.0))
    assert "= −1.5" in app.readout.value  # 0.5·1 − 1·2 + 0
    before = app.png

    app.controls["w1"].value = 1.5  # z = 1.5·1 − 1·2 + 0 = −0.5
    expected_a = float(sigmoid(-0.5))
    assert "+ (0) = −0.5" in app.readout.value
    assert f"sigmoid(−0.5) = {expected_a:.4f}" in app.readout.value
    x, y = app.marker.get_data()
    assert x[0] == pytest.approx(-0.5) and y[0] == pytest.approx(expected_a)
    assert [bar.get_width() for bar in app.bars] == pytest.approx([1.5, -2.0, 0.0, -0.5])
    assert app.png != before
    assert png_size(app.png) == app.canvas.get_width_height()


def test_neuron_shows_browser_float_noise_rounded():
    app = neuron_explorer(weights=(0.1, 0.2), bias=0.0, activation="identity", inputs=(1.0, 1.0))
    app.controls["w1"].value = 0.30000000000000004  # what a slider step can send back
    assert "0.30000000000000004" not in app.readout.value
    assert "(0.3)·(1)" in app.readout.value and "= 0.5" in app.readout.value
    assert app.state["w1"] == 0.3


def test_neuron_activation_dropdown_redraws_the_curve():
    app = neuron_explorer(weights=(1.0,), bias=0.5, activation="sigmoid", inputs=(1.0,))
    app.controls["activation"].value = "relu"
    z, a = app.curve_line.get_data()
    assert np.array_equal(a, np.maximum(z, 0.0))
    assert app.marker.get_data()[1][0] == pytest.approx(1.5)
    assert "relu(1.5) = 1.5" in app.readout.value
    low, high = app.curve_axes.get_ylim()
    assert low < 0 < 8 <= high


def test_neuron_bias_alone_makes_it_fire():
    app = neuron_explorer(weights=(0.7, -0.4), bias=0.0, activation="relu", inputs=(0.0, 0.0))
    app.set_state(bias=2.0)
    assert app.output == 2.0
    assert "relu(2) = 2" in app.readout.value


def test_neuron_marker_is_clamped_when_z_leaves_the_chart():
    app = neuron_explorer(weights=(3.0, 3.0), bias=5.0, activation="tanh", inputs=(3.0, 3.0))
    assert app.z == pytest.approx(23.0)
    assert app.marker.get_data()[0][0] == 8.0
    assert "off the chart" in app.readout.value


def test_neuron_state_round_trip_and_preset():
    app = neuron_explorer()
    app.set_state(w1=0.8, w2=-0.25, bias=-1.0, x1=2.0, activation="tanh")
    state = app.state
    assert state == {"x1": 2.0, "x2": 1.0, "w1": 0.8, "w2": -0.25, "bias": -1.0,
                     "activation": "tanh"}
    other = neuron_explorer()
    other.set_state(**state)
    assert other.state == state
    assert other.png == app.png
    assert other.output == pytest.approx(math.tanh(0.8 * 2 - 0.25 - 1.0))


def test_neuron_set_state_rejects_unknown_names_and_out_of_range_values():
    app = neuron_explorer()
    with pytest.raises(CourseError, match="no control named 'w7'"):
        app.set_state(w7=1.0)
    with pytest.raises(CourseError, match="outside its range"):
        app.set_state(w1=10.0)
    with pytest.raises(CourseError, match="choose from"):
        app.set_state(activation="softmax")


def test_neuron_set_state_redraws_once():
    app = neuron_explorer()
    renders = []
    original = app.render
    app.render = lambda: renders.append(1) or original()
    app.set_state(w1=1.0, w2=1.0, bias=1.0)
    assert len(renders) == 1


def test_hidden_controls_are_not_displayed_but_still_work():
    app = neuron_explorer(hide=("bias", "x1", "x2"))
    shown = app.displayed_widgets()
    assert app.controls["bias"] not in shown and app.controls["x1"] not in shown
    assert app.controls["w1"] in shown
    app.set_state(bias=1.0)
    assert app.state["bias"] == 1.0
    focused = neuron_explorer(show=("w1",))
    assert focused.visible_controls == ["w1"]
    assert focused.controls["w2"] not in focused.displayed_widgets()
    with pytest.raises(CourseError, match="no control named"):
        neuron_explorer(hide=("gamma",))


def test_app_displays_as_a_widget_with_a_picture_and_a_description_for_viewers_without_kernel():
    app = neuron_explorer()
    bundle, metadata = app._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    # nbviewer, GitHub and a static site show the PNG of the initial state
    assert base64.b64decode(bundle["image/png"]) == app.png
    assert metadata["image/png"] == {"width": 640, "height": 256}
    text = bundle["text/plain"]
    assert text.startswith("A neuron (an interactive figure: run the cell to use its controls).")
    assert "weight w₁ = 0.5" in text and "a = sigmoid(z) = sigmoid(−0.5) = 0.3775" in text
    assert repr(app).startswith("NeuronExplorer(x1=1.0, x2=1.0, w1=0.5")
    assert app.image in app.displayed_widgets() and isinstance(app.image, widgets.Image)


def test_the_picture_reaches_the_page_as_a_data_url_of_the_png():
    app = neuron_explorer()
    app.set(w1=1.5)
    assert app.image.format == "url"
    head, encoded = bytes(app.image.value).split(b",", 1)
    assert head == b"data:image/png;base64" and base64.b64decode(encoded) == app.png


def test_app_controls_sit_beside_or_above_the_picture_and_carry_accessible_names():
    app = training_playground()
    root = app.widget
    assert "nncourse-app" in root._dom_classes and root.layout.flex_flow == "row wrap"
    controls, picture = root.children[:2]
    assert app.image in picture.children and app.readout in picture.children
    grid = controls.children[1]
    assert "minmax(290px, 1fr)" in grid.layout.grid_template_columns  # columns as room allows
    names = app.control_names
    assert names in root.children and names.icon_names["stop"].startswith("stop")
    assert all(button.tooltip for button in app.buttons.values()
               if isinstance(button, widgets.Button))


def test_neuron_sliders_have_formatted_readouts():
    app = neuron_explorer()
    for name in ("w1", "w2", "x1", "bias"):
        assert app.controls[name].readout_format == ".2f"
    assert get_activation(app.state["activation"]).name == "sigmoid"


# ---------------------------------------------------------------------------- activations

def test_activation_explorer_markers_and_readout_follow_the_input():
    app = activation_explorer(names=("sigmoid", "tanh", "relu"), x=0.0)
    before = app.png
    app.controls["x"].value = 2.0
    assert app.png != before
    for name in ("sigmoid", "tanh", "relu"):
        activation = get_activation(name)
        value, slope = float(activation.forward(2.0)), float(activation.derivative(2.0))
        value_marker, slope_marker = app.markers[name]
        assert value_marker.get_data()[1][0] == pytest.approx(value)
        assert slope_marker.get_data()[1][0] == pytest.approx(slope)
        assert f">{format_number(value, trim=False)}</td>" in app.readout.value
    assert "0.8808" in app.readout.value and "0.1050" in app.readout.value  # σ(2), σ'(2)
    assert "0.9640" in app.readout.value and "0.0707" in app.readout.value  # tanh(2), tanh'(2)
    assert ">1.0000</td>" in app.readout.value  # relu'(2): fixed decimals, a column lines up


def test_activation_explorer_selection_shows_only_the_chosen_curves():
    app = activation_explorer(names=("sigmoid",), x=-3.0)
    assert app.curves["sigmoid"][0].get_visible() and not app.curves["relu"][0].get_visible()
    app.set_state(sigmoid=False, relu=True, leaky_relu=True)
    assert not app.curves["sigmoid"][0].get_visible() and app.curves["relu"][1].get_visible()
    assert "leaky_relu" in app.readout.value and "sigmoid" not in app.readout.value
    # leaky slope for z < 0
    assert app.markers["leaky_relu"][1].get_data()[1][0] == pytest.approx(0.01)
    assert app.markers["relu"][1].get_data()[1][0] == 0.0  # a dead ReLU passes no gradient
    assert app.chosen == ("relu", "leaky_relu") and app.state["x"] == -3.0
    assert app.state["relu"] is True and app.state["sigmoid"] is False
    app.set_state(relu=False, leaky_relu=False)  # nothing ticked: say so, no blank axes alone
    assert "No activation is ticked" in app.readout.value and app.empty_note.get_visible()
    with pytest.raises(CourseError):
        activation_explorer(names=("softmax",))


def test_activation_colours_are_the_same_in_the_explorer_and_the_lesson_figure():
    from nncourse.plots import draw_activation_curves

    figure = draw_activation_curves(["relu", "sigmoid"])
    app = activation_explorer(names=("sigmoid", "tanh", "relu"))
    for line in figure.value_lines:
        name = line.get_label().split()[0]
        assert line.get_color() == app.curves[name][0].get_color()


# ---------------------------------------------------------------------------- losses

def test_binary_loss_explorer_gives_the_gradient_on_the_logit():
    app = loss_explorer("binary", p=0.01, target=1)
    on_logit = app.logit_gradients()  # dL/dp · σ′(s), σ′(s) = p(1 − p)
    assert on_logit["binary cross-entropy"] == pytest.approx(-0.99)     # p − y
    assert on_logit["squared error"] == pytest.approx(-0.019602)        # 2(p − y)p(1 − p)
    assert ">−0.9900</td>" in app.readout.value and ">−0.0196</td>" in app.readout.value


def test_multiclass_toggle_buttons_fit_their_words():
    app = loss_explorer("multiclass", classes=("Cat", "Dog", "Rabbit"))
    assert app.controls["target"].style.button_width == "auto"  # "Rabbit", never "Rab…"
    # fixed decimals: 0.6590 next to 0.2424, not a ragged 0.659
    assert "p = [0.6590, 0.2424, 0.0986]" in app.readout.value


def test_binary_loss_explorer_matches_the_engine_losses():
    app = loss_explorer("binary", p=0.5, target=1)
    app.controls["p"].value = 0.9
    bce, mse = BinaryCrossEntropy(), MeanSquaredError()
    p, y = np.array([0.9]), np.array([1.0])
    losses = app.losses()
    assert losses["binary cross-entropy"] == (pytest.approx(bce.value(p, y)),
                                              pytest.approx(bce.gradient(p, y)[0]))
    assert losses["squared error"][0] == pytest.approx(0.01)
    assert "0.1054" in app.readout.value  # the syllabus's BCE for p = 0.9, label 1
    assert app.markers["binary cross-entropy"][0].get_data()[1][0] == pytest.approx(bce.value(p, y))
    assert app.markers["squared error"][1].get_data()[1][0] == pytest.approx(mse.gradient(p, y)[0])

    app.controls["p"].value = 0.1  # confidently wrong
    assert "2.3026" in app.readout.value
    # −0.9 / 0.09
    assert app.markers["binary cross-entropy"][1].get_data()[1][0] == pytest.approx(-10.0)
    app.controls["p"].value = 0.05
    # −20 clamped to the axes
    assert app.markers["binary cross-entropy"][1].get_data()[1][0] == -10.0
    assert ">−20.0000</td>" in app.readout.value
    app.controls["p"].value = 0.1

    app.controls["target"].value = 0  # now p = 0.1 is right
    assert "0.1054" in app.readout.value
    p_curve, loss_curve = app.curves["binary cross-entropy"][0].get_data()
    assert np.allclose(loss_curve, -np.log(1 - p_curve))


def test_multiclass_loss_explorer_matches_the_engine_losses():
    app = loss_explorer("multiclass", logits=(0.0, 0.0, 0.0), target=1)
    assert app.losses()["categorical cross-entropy"][0] == pytest.approx(math.log(3))
    app.set_state(s1=2.0, s2=1.0, s3=0.1)
    s, y = np.array([2.0, 1.0, 0.1]), np.array([0.0, 1.0, 0.0])
    p = softmax(s)
    cce = CategoricalCrossEntropy(from_logits=True)
    assert app.losses()["categorical cross-entropy"][0] == pytest.approx(cce.value(s, y))
    assert [bar.get_height() for bar in app.probability_bars] == pytest.approx(p)
    assert [bar.get_height() for bar in app.gradient_bars] == pytest.approx(p - y)
    assert [bar.get_height() for bar in app.target_bars] == [0, 1, 0]
    assert format_number(-math.log(p[1])) in app.readout.value
    app.controls["target"].value = 0
    assert ([bar.get_height() for bar in app.gradient_bars]
            == pytest.approx(p - np.array([1.0, 0, 0])))
    assert app.state["target"] == 0
    with pytest.raises(CourseError, match="binary' or 'multiclass"):
        loss_explorer("regression")


# ---------------------------------------------------------------------------- gradient descent

def sgd_by_hand(start, lr, k, gradient):
    """k steps of nncourse.optim.SGD on a function given by its gradient."""
    p = np.array(start, dtype=float)
    optimizer, points = SGD(lr), [p.copy()]
    for _ in range(k):
        optimizer.step([p], [np.array(gradient(p))])
        points.append(p.copy())
    return np.array(points)


def bowl_gradient(p):
    """L = ½·(p₁² + 10·p₂²)  →  ∇L = (p₁, 10·p₂)."""
    return (p[0], 10.0 * p[1])


def test_descent_path_is_k_steps_of_sgd():
    app = descent_explorer(function="bowl", lr=0.1, optimizer="sgd", start=(-2.5, 1.5))
    assert len(app.points) == 1
    app.step(5)
    expected = sgd_by_hand((-2.5, 1.5), 0.1, 5, bowl_gradient)
    assert np.allclose(app.points, expected)
    x, y = app.path_line.get_data()
    assert np.allclose(np.column_stack([x, y]), expected)
    assert np.allclose(app.current_marker.get_data(), expected[-1:].T)
    losses = 0.5 * (expected[:, 0] ** 2 + 10 * expected[:, 1] ** 2)
    assert np.allclose(app.loss_line.get_data()[1], losses)
    assert f"loss L = {format_number(losses[-1])}" in app.readout.value
    assert app.state["steps"] == 5


def test_descent_learning_rates_too_small_good_and_divergent():
    app = descent_explorer(function="bowl", optimizer="sgd", start=(-2.5, 1.5))
    app.set_state(lr=0.001, steps=100)
    assert app.losses[-1] > 0.2 * app.losses[0]
    assert "the loss is still 28.3% of where it started" in app.readout.value
    assert "too small" in app.readout.value
    app.set_state(lr=0.15)
    assert app.losses[-1] < 1e-6 * app.losses[0] and not app.diverged
    assert "diverged" not in app.readout.value
    app.set_state(lr=0.25)  # beyond 2/10: every step overshoots further
    assert app.diverged
    assert "diverged: the loss grew past 14.375" in app.readout.value
    assert app.losses[-1] > 1000 * app.losses[0]
    assert np.allclose(app.points,
                       sgd_by_hand((-2.5, 1.5), 0.25, len(app.points) - 1, bowl_gradient))
    assert app.loss_line.get_color() == VERMILLION


def test_descent_momentum_path_uses_the_engine_optimiser():
    app = descent_explorer(function="rosenbrock", optimizer="momentum", lr=0.0005,
                           start=(-1.5, 2.5))
    app.run(20)
    p = np.array([-1.5, 2.5])
    optimizer = Momentum(0.0005)
    for _ in range(20):
        gradient = np.array([-2 * (1 - p[0]) - 400 * p[0] * (p[1] - p[0] ** 2),
                             200 * (p[1] - p[0] ** 2)])
        optimizer.step([p], [gradient])
    assert np.allclose(app.points[-1], p)


def test_descent_controls_reset_and_landscape_change():
    app = descent_explorer(function="bowl", lr=0.1, start=(-2.5, 1.5), steps=10)
    first = app.png
    app.set_state(start_p1=1.0, start_p2=-1.0)
    assert np.allclose(app.points[0], [1.0, -1.0]) and len(app.points) == 11
    assert app.png != first
    app.reset()
    assert app.state["steps"] == 0 and len(app.points) == 1
    app.run(100)
    app.controls["function"].value = "regression"  # a new walk starts at step 0: ▶ can play it
    assert app.state["steps"] == 0 and app.play.value == 0
    assert app.map_axes.get_title() == "mean squared error of ŷ = w·x + b"
    assert app.state["lr"] == 0.1 and (app.state["start_p1"], app.state["start_p2"]) == (-1.5, 4.0)
    app.run(100)
    assert app.losses[-1] < 0.5  # close to the noise floor of the data
    with pytest.raises(CourseError, match="choose one of"):
        descent_explorer(function="saddle")


def test_learning_rate_slider_shows_exactly_the_rate_used():
    app = descent_explorer(lr=0.03)
    slider = app.controls["lr"]
    assert isinstance(slider, widgets.SelectionSlider)
    assert slider.value == 0.03 and slider.label == "0.03"  # 0.03 stays 0.03, not 0.0316
    labels = [label for label, _ in slider.options]
    assert labels[:5] == ["0.0001", "0.0002", "0.0003", "0.0005", "0.001"] and labels[-1] == "1"
    app.set_state(lr=0.07)  # a rate that is not offered becomes a choice
    assert app.state["lr"] == 0.07 and slider.label == "0.07" and "η = 0.07" in app.readout.value
    with pytest.raises(CourseError, match="outside its range"):
        app.set_state(lr=3.0)
    assert training_playground(lr=0.03).controls["lr"].label == "0.03"


# ---------------------------------------------------------------------------- playground

def test_playground_step_trains_and_reset_restores():
    app = training_playground(dataset="spirals", hidden=(8, 8), activation="tanh", lr=0.01,
                              batch_size=16, optimizer="adam", epochs_per_step=2, seed=0)
    fresh = mlp([2, 8, 8, 3], hidden="tanh", output="softmax", seed=0)
    assert all(np.array_equal(a, b) for a, b in zip(app.net.parameters(), fresh.parameters()))
    image_before, png_before = app.boundary_image.get_array().copy(), app.png
    app.step()
    assert app.history["epoch"] == [1, 2] and len(app.history["loss"]) == 2
    assert not np.array_equal(app.net.layers[0].W, fresh.layers[0].W)
    assert not np.array_equal(app.boundary_image.get_array(), image_before)
    assert np.array_equal(app.boundary_image.get_array(), app.boundary_rgb())
    assert app.png != png_before
    epochs, losses = app.loss_line.get_data()
    assert list(epochs) == [0, 1, 2] and list(losses)[1:] == app.history["loss"]
    assert "epoch 2" in app.readout.value
    app.run(140)
    assert app.epoch == 142 and app.history["loss"][-1] < app.history["loss"][0]
    assert app.loss_axes.get_xlim() == (0, 200)  # the epoch axis doubled once
    app.reset()
    assert app.epoch == 0 and app.history["loss"] == []
    assert all(np.array_equal(a, b) for a, b in zip(app.net.parameters(), fresh.parameters()))


def test_playground_is_deterministic_for_a_seed():
    runs = []
    for _ in range(2):
        app = training_playground(dataset="moons", hidden=(4,), batch_size=8, seed=3)
        app.run(5)
        runs.append((app.net.get_weights(), app.history["test_loss"]))
    assert all(np.array_equal(a, b) for a, b in zip(runs[0][0], runs[1][0]))
    assert runs[0][1] == runs[1][1]


def test_playground_network_diagram_follows_the_weights_and_the_architecture():
    app = training_playground(hidden=(8, 8), seed=0)
    weights = np.concatenate([layer.W.T.ravel() for layer in app.net.layers])
    expected_widths = 0.3 + 3.7 * np.abs(weights) / np.abs(weights).max()
    positive, negative = app.positive_edges, app.negative_edges
    assert len(positive.get_segments()) + len(negative.get_segments()) == 2 * 8 + 8 * 8 + 8 * 3
    assert len(positive.get_segments()) == np.sum(weights >= 0)
    assert np.allclose(positive.get_linewidths(), expected_widths[weights >= 0])
    assert np.allclose(negative.get_linewidths(), expected_widths[weights < 0])
    assert max(max(positive.get_linewidths()), max(negative.get_linewidths())) == pytest.approx(4.0)
    # dashed / solid
    assert negative.get_linestyle()[0][1] is not None and positive.get_linestyle()[0][1] is None
    # the first weight, W1[0, 0], is the line from input 1 to hidden neuron 1
    first = positive if weights[0] >= 0 else negative
    assert np.allclose(first.get_segments()[0], app.segments[0])
    app.controls["hidden"].value = "4"
    assert [layer.n_neurons for layer in app.net.layers] == [4, 3]
    assert len(positive.get_segments()) + len(negative.get_segments()) == 2 * 4 + 4 * 3
    app.set_state(hidden=(5, 3))
    assert (app.state["hidden"] == "5, 3"
            and [layer.n_neurons for layer in app.net.layers] == [5, 3, 3])
    app.set_state(hidden="4")
    app.controls["hidden"].value = "4, banana"
    assert "whole numbers separated by commas" in app.readout.value
    assert [layer.n_neurons for layer in app.net.layers] == [4, 3]


def test_playground_controls_rebuild_data_and_optimiser():
    app = training_playground(dataset="spirals", seed=0)
    app.set_state(dataset="circles", noise=0.1)
    assert app.n_classes == 2 and app.net.layers[-1].n_neurons == 2
    assert set(np.unique(app.y_train)) == {0, 1}
    app.set_state(optimizer="momentum", lr=0.05, batch_size="full")
    assert type(app.optimizer).__name__ == "Momentum" and app.optimizer.lr == pytest.approx(0.05)
    assert app.batch_size is None
    app.play.value = 1  # one tick of the play button trains one frame
    assert app.epoch == app.state["epochs_per_step"]
    assert app.state["dataset"] == "circles" and app.state["batch_size"] == "full"
    app.run(200)
    assert app.accuracy() > 0.9


def test_playground_divergence_is_reported_and_undone_without_numpy_warnings():
    app = training_playground(dataset="blobs", hidden=(8, 8, 8, 8), activation="identity",
                              lr=1.0, batch_size=1, optimizer="momentum", epochs_per_step=3, seed=0)
    before = app.net.get_weights()
    app.step()  # numpy floating-point errors raise in this suite: none may escape
    assert "diverged" in app.readout.value and app.epoch == 0
    assert all(np.array_equal(a, b) for a, b in zip(app.net.parameters(), before))
    # drawn from the restored net
    assert np.array_equal(app.boundary_image.get_array(), app.boundary_rgb())
    assert not app.play.playing


@pytest.mark.parametrize("dataset, classes",
                         [("spirals", 3), ("moons", 2), ("circles", 2), ("xor", 2),
                                              ("blobs", 3)])
def test_playground_every_data_set_trains(dataset, classes):
    app = training_playground(dataset=dataset, hidden=(6,), epochs_per_step=5, seed=1)
    assert app.n_classes == classes and len(app.point_sets) == classes
    assert app.boundary_image.get_array().shape == (64, 64, 4)
    app.step()
    assert app.epoch == 5 and np.isfinite(app.history["test_loss"][-1])


def test_playground_input_features_share_and_test_points():
    app = training_playground(dataset="circles", hidden=(), features=("x1_squared", "x2_squared"),
                              train_share=50, seed=0)
    assert app.net.layers[0].W.shape == (2, 2)  # two features in, two classes out
    assert len(app.y_train) == len(app.y_test) == 120
    assert np.allclose(app.inputs(app.X_train), app.X_train ** 2)
    app.run(100)
    assert app.accuracy() > 0.9  # a circle is a straight line in x₁², x₂²
    app.set_state(x1_x2=True, sin_x1=True)
    assert app.features == ("x1_squared", "x2_squared", "x1_x2", "sin_x1")
    assert app.net.layers[0].W.shape == (4, 2) and app.epoch == 0
    assert not any(points.get_visible() for points in app.test_point_sets)
    app.set_state(show_test=True)
    assert all(points.get_visible() for points in app.test_point_sets)
    app.set_state(x1_squared=False, x2_squared=False, x1_x2=False, sin_x1=False)
    assert "Tick at least one input feature" in app.readout.value
    assert app.features == ("x1_squared", "x2_squared", "x1_x2", "sin_x1")  # the last ones kept


def test_playground_neuron_maps_and_click_to_enlarge():
    app = training_playground(hidden=(4, 3), seed=0)
    maps = app.maps_rgba()
    assert maps[..., 3].sum() // 255 == (2 + 4 + 3 + 3) * 16 * 16  # one 16×16 map per node
    x, y = app.positions[2][1]  # layer 2, neuron 2
    px, py = app.network_axes.transData.transform((x, y))
    width, height = app.canvas.get_width_height()
    before = app.png
    app.on_picture_click(px / width, 1 - py / height)
    assert app.state["big_map"] == "2.2" and app.png != before
    hidden = app.neuron_outputs(app.grid_points)[2][:, 1]
    assert "neuron 2.2" in app.boundary_axes.get_title()
    assert np.array_equal(app.boundary_image.get_array()[..., :3],
                          app.boundary_rgb()[..., :3])
    assert np.all(app.boundary_rgb()[..., 2].ravel()[hidden > 0.5 * hidden.max()] > 150)
    app.on_picture_click(0.01, 0.99)  # outside the network: nothing changes
    assert app.state["big_map"] == "2.2"


def test_playground_copy_as_code_recreates_the_state():
    app = training_playground(dataset="moons", hidden=(4,), lr=0.03, seed=2,
                              features=("x1", "x2", "x1_x2"))
    app.run(6)
    code = app.show_code()
    assert app.code_box.value == code and app.code_box.layout.display == "flex"
    namespace = {}
    exec(code.replace("training_playground(", "copy = training_playground(", 1), namespace)
    copy = namespace["copy"]
    assert copy.epoch == 6 and copy.settings() == app.settings()
    assert all(np.array_equal(a, b) for a, b in zip(copy.net.parameters(), app.net.parameters()))


def test_playground_presets_can_be_locked():
    app = training_playground(preset="xor with the feature x₁x₂", lock=True)
    assert app.features == ("x1", "x2", "x1_x2") and app.hidden_sizes == ()
    shown = app.displayed_widgets()
    assert app.controls["dataset"] not in shown and app.controls["x1_x2"] not in shown
    assert app.controls["lr"] in shown  # what the preset leaves open stays open
    assert "linear model now suffices" in app.readout.value
    app.run(60)
    assert app.accuracy() > 0.9
    with pytest.raises(CourseError, match="choose one of"):
        training_playground(preset="nonsense")


def test_descent_buttons_can_be_hidden():
    app = descent_explorer(hide=("play", "start_p1", "start_p2"))
    shown = app.displayed_widgets()
    assert app.play not in shown
    assert app.buttons["step"] in shown and app.controls["lr"] in shown
    app.buttons["step"].click()
    app.buttons["step"].click()
    assert app.state["steps"] == 2
    app.reset()  # what ■ does in the browser: back to step 0
    assert app.state["steps"] == 0


# ---------------------------------------------------------------------------- stepper

def test_sgd_stepper_writes_out_the_engines_numbers_step_by_step():
    from nncourse.examples import LR_321, X_321, Y_321, network_321
    from nncourse.widgets import sgd_stepper

    app = sgd_stepper()
    phases = [step.phase for step in app.steps]
    assert phases == (["forward"] * 6 + ["loss"] + ["backward"] * 3 + ["gradients"] * 8
                      + ["update"] * 9)
    numbers = {step.title: step.numbers for step in app.steps}
    assert numbers["weighted sum of neuron 4"] == "z₄ = 1·0.2 + 0·0.4 + 1·(−0.5) + (−0.4) = −0.7"
    assert numbers["output of neuron 6"].endswith("= 0.4739")
    assert "δ₆ = −∂L/∂z₆ = 0.1312" in numbers["error signal of neuron 6"]
    assert numbers["gradient of w₂₄"].endswith("= 0")  # x₂ = 0: no blame
    # the update written out is the engine's SGD step
    net = network_321()
    net.forward(X_321[None, :])
    net.backward(np.array([[Y_321]]), "half_squared_error")
    new_w46 = net.layers[1].W[0, 0] - LR_321 * net.layers[1].dW[0, 0]
    assert numbers["update of w₄₆"].endswith(f"= {format_number(new_w46)}") and \
        format_number(new_w46) == "−0.2608"


def test_a_pasted_label_looks_like_the_text_it_stands_for_and_is_drawn_once():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from nncourse.widgets.pasted_text import PastedText

    def picture(use_paste: bool, text="a 0.3318\nδ −0.0087"):
        figure = Figure(figsize=(3, 2), dpi=80)
        canvas = FigureCanvasAgg(figure)
        ax = figure.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, 3)
        ax.set_ylim(0, 2)
        ax.set_axis_off()
        if use_paste:
            label = PastedText(ax, (1.5, 1.5), fontsize=8)
            label.set_text(text)
            label.set_text("something else")
            label.set_text(text)
            assert len(label._pictures) == 2 and label.get_text() == text
        else:
            ax.text(1.5, 1.5, text, ha="center", va="top", fontsize=8, color="#111111")
        canvas.draw()
        return np.asarray(canvas.buffer_rgba())[:, :, :3].astype(int)

    pasted, drawn = picture(True), picture(False)
    ink = (drawn < 128).any(axis=2)
    pasted_ink = (pasted < 128).any(axis=2)
    assert ink.sum() > 100 and pasted_ink.sum() == pytest.approx(ink.sum(), rel=0.1)
    rows, columns = np.nonzero(ink)
    pasted_rows, pasted_columns = np.nonzero(pasted_ink)
    # the same place, to the pixel: the label's top centre is the anchor
    assert abs(pasted_rows.min() - rows.min()) <= 1
    assert abs(pasted_columns.mean() - columns.mean()) <= 1
    # and the same glyphs, the right way up: pixels of the two pictures mostly agree
    box = (slice(rows.min(), rows.max() + 1), slice(columns.min(), columns.max() + 1))
    assert np.abs(pasted[box] - drawn[box]).mean() < 10
    with pytest.raises(CourseError, match="larger than"):
        picture(True, "a very long label " * 10)


def test_sgd_stepper_highlights_and_walks_back_and_forth():
    from nncourse.widgets import sgd_stepper

    app = sgd_stepper()
    assert app.current.node == 4 and app.node_highlight.get_offsets().tolist() == [
        list(app.position[4])]
    assert "z₄ = 1·0.2" in app.readout.value
    app.set_state(step=12)  # ∂L/∂w₃₄: the edge from neuron 3 to neuron 4
    assert app.current.edge == (3, 4) and app.edge_highlight.get_visible()
    assert app.value_texts[4].get_text() == "a 0.3318\nδ −0.0087"
    first = app.png
    app.next()
    app.back()
    assert app.state["step"] == 12 and app.png == first  # the kept frame
    app.buttons["back"].click()
    assert app.state["step"] == 11
    with pytest.raises(CourseError, match="takes 3 inputs"):
        sgd_stepper(mlp([3, 2, 1], seed=0), [1.0, 2.0], [1.0])


def test_the_stepper_draws_its_steps_ahead_while_the_kernel_waits():
    """In a running event loop (as in a kernel) the stepper draws every step's picture ahead, one
    at a time, and each is the very picture a visit to that step draws; without a loop, nothing
    is drawn ahead."""
    import asyncio

    from nncourse.widgets import sgd_stepper

    visited = sgd_stepper()
    count = len(visited.steps)
    assert len(visited._frames) == 1  # no event loop: only the step shown
    expected = {}
    for index in range(count):
        visited.set_state(step=index)
        expected[index] = visited.png

    async def wait_for_every_step(app):
        for _ in range(400):
            if len(app._frames) == count:
                return
            await asyncio.sleep(0.02)

    async def main():
        app = sgd_stepper()
        app.render()  # inside the loop: the drawing ahead starts
        await wait_for_every_step(app)
        return app

    ahead = asyncio.run(main())
    assert sorted(ahead._frames) == list(range(count))
    assert all(ahead._frames[index] == expected[index] for index in range(count))
    renders = ahead.renders
    ahead.set_state(step=count - 1)  # a visit now only shows the kept picture
    assert ahead.renders == renders + 1 and ahead.png == expected[count - 1]
