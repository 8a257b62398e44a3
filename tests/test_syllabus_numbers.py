"""Every worked number of the syllabus, reproduced through the engine's public API.

Each figure is written here as the course prints it (a string such as "0.1054"), and the engine's
float64 result must round to exactly that figure. Nothing is re-computed by hand in the test: the
numbers come from the activations, losses, layers, networks and optimisers themselves.
"""

from decimal import Decimal

import numpy as np
import pytest

from nncourse import examples
from nncourse.activations import get_activation, relu, sigmoid, tanh
from nncourse.losses import get_loss
from nncourse.optim import SGD


def assert_shown(value, shown: str):
    """`value` rounds to the figure `shown`, at the number of decimals `shown` is written with."""
    decimals = max(-Decimal(shown).as_tuple().exponent, 0)
    half_unit = 0.5 * 10.0 ** (-decimals)
    assert abs(float(value) - float(shown)) <= half_unit * (1 + 1e-9), (
        f"{float(value)!r} does not round to {shown} ({decimals} decimals)"
    )


def assert_significant(value, shown: str, digits: int):
    """`value` agrees with `shown` to `digits` significant digits."""
    assert float(f"{float(value):.{digits - 1}e}") == float(shown), f"{value!r} is not {shown}"


def assert_all_shown(values, shown):
    values = np.asarray(values, dtype=float).reshape(-1)
    assert values.size == len(shown)
    for value, figure in zip(values, shown):
        assert_shown(value, figure)


# ---------------------------------------------------------------- losses

def test_mse_of_three_predictions():
    loss = get_loss("mse")
    assert_shown(loss.value([2.5, 5.5, 1.5], [3.0, 5.0, 2.0]), "0.25")
    assert loss.value([2.5, 5.5, 1.5], [3.0, 5.0, 2.0]) == pytest.approx(0.25, abs=1e-15)


@pytest.mark.parametrize(("p", "shown"), [(0.9, "0.1054"), (0.1, "2.3026")])
def test_binary_cross_entropy_for_label_one(p, shown):
    assert_shown(get_loss("binary_crossentropy").value([p], [1.0]), shown)


@pytest.mark.parametrize(("probabilities", "shown"), [
    ([0.7, 0.2, 0.1], "1.6094"),
    ([0.05, 0.9, 0.05], "0.1054"),
])
def test_categorical_cross_entropy_true_class_dog(probabilities, shown):
    loss = get_loss("categorical_crossentropy")
    assert_shown(loss.value([probabilities], [[0, 1, 0]]), shown)
    # an integer label (Dog = class 1) gives the same value as the one-hot row
    assert loss.value([probabilities], [1]) == loss.value([probabilities], [[0, 1, 0]])


# ---------------------------------------------------------------- activations

@pytest.mark.parametrize(("z", "shown"), [(2.0, "0.8808"), (-1.0, "0.2689"), (3.5, "0.9707")])
def test_sigmoid_values(z, shown):
    assert_shown(sigmoid(z), shown)
    assert_shown(get_activation("sigmoid").forward(np.array([z]))[0], shown)


def test_relu_and_tanh_of_a_vector():
    z = np.array([0.2, -0.5, 1.0])
    assert_all_shown(relu(z), ["0.2", "0", "1.0"])
    assert_all_shown(get_activation("relu")(z), ["0.2", "0", "1.0"])
    assert_all_shown(tanh(z), ["0.1974", "-0.4621", "0.7616"])
    assert_all_shown(get_activation("tanh")(z), ["0.1974", "-0.4621", "0.7616"])


@pytest.mark.parametrize(("z", "shown"), [(2.7, "0.9370"), (1.51, "0.8191")])
def test_glass_box_sigmoids(z, shown):
    assert_shown(sigmoid(z), shown)


def test_glass_box_tiny_sigmoid():
    value = float(sigmoid(-11.67))
    assert_significant(value, "8.55e-6", 3)
    assert_shown(value, "0.00000855")


def test_glass_box_hidden_layer_with_bias_minus_two():
    """A layer whose bias is −2 on every node gives the three pre-activations and their sigmoids."""
    from nncourse.layers import Dense

    # one input of 1: each weight is chosen so that weight − 2 is the pre-activation
    layer = Dense.from_weights([[4.7, -9.67, 3.51]], [-2.0, -2.0, -2.0], "sigmoid")
    out = layer.forward([1.0])
    assert_all_shown(layer.z, ["2.7", "-11.67", "1.51"])
    assert_shown(out[0], "0.9370")
    assert_significant(out[1], "8.55e-6", 3)
    assert_shown(out[2], "0.8191")


# ---------------------------------------------------------------- one gradient-descent step

def test_one_sgd_step_on_a_weight_and_a_bias():
    w, b = np.array([0.5]), np.array([0.2])
    SGD(0.1).step([w, b], [np.array([-0.2]), np.array([0.1])])
    assert_shown(w[0], "0.52")
    assert_shown(b[0], "0.19")
    assert w[0] == pytest.approx(0.52, abs=1e-15)
    assert b[0] == pytest.approx(0.19, abs=1e-15)


# ---------------------------------------------------------------- the 3-2-3-2 network

def test_network_3232_forward_pass():
    net = examples.network_3232()
    probabilities = net.forward(examples.X_3232)
    assert_all_shown(net.trace["hidden1"]["a"], ["0.73", "0.91"])
    assert_all_shown(net.trace[1]["a"], ["0.578", "0.624", "0.961"])
    assert_all_shown(net.trace["output"]["z"], ["0.9897", "0.7535"])
    assert_all_shown(probabilities, ["0.558777", "0.441223"])
    assert_all_shown(probabilities, ["0.559", "0.441"])  # as the seed rounds them
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-15)


def test_network_3232_hidden_values_are_exact_in_float64():
    net = examples.network_3232()
    net.forward(examples.X_3232)
    np.testing.assert_allclose(net.trace[0]["a"][0], [0.73, 0.91], rtol=0, atol=1e-15)
    np.testing.assert_allclose(net.trace[1]["a"][0], [0.578, 0.624, 0.961], rtol=0, atol=1e-15)
    np.testing.assert_allclose(net.trace[2]["z"][0], [0.9897, 0.7535], rtol=0, atol=1e-15)


# ---------------------------------------------------------------- the 3-2-1 network

def trained_321():
    """The 3-2-1 network after one forward, backward (½(y − o)²) and SGD step with η = 0.9."""
    net = examples.network_321()
    net.forward(examples.X_321[None, :])
    net.backward([[examples.Y_321]], "half_squared_error")
    trace = {name: {key: None if value is None else value.copy()
                    for key, value in net.trace[name].items()}
             for name in ("hidden", "output")}
    SGD(examples.LR_321).step(net.parameters(), net.gradients())
    return net, trace


def test_network_321_forward():
    net = examples.network_321()
    out = net.forward(examples.X_321)
    hidden_z, hidden_a = net.trace["hidden"]["z"][0], net.trace["hidden"]["a"][0]
    assert_shown(hidden_z[0], "-0.7")   # net4
    assert_shown(hidden_a[0], "0.3318")  # o4
    assert_shown(hidden_z[1], "0.1")    # net5
    assert_shown(hidden_a[1], "0.5250")  # o5 (the seed misprints it as 0.325)
    assert_shown(net.trace["output"]["z"][0, 0], "-0.1045")  # net6
    assert_shown(out[0], "0.4739")  # o6 (the seed misprints it as 0.194 and 0.414)


def test_network_321_deltas_from_backward():
    """The textbook error signals δ are −dL/dz of ½(y − o)², read from the trace."""
    _, trace = trained_321()
    delta6 = -trace["output"]["dz"][0, 0]
    delta4, delta5 = -trace["hidden"]["dz"][0]
    assert_shown(delta6, "0.1312")
    assert_shown(delta5, "-0.00654")
    assert_shown(delta4, "-0.00872")
    # the seed's 0.095 for δ4 and δ5 is wrong
    assert abs(delta4 - 0.095) > 0.1 and abs(delta5 - 0.095) > 0.1


def test_network_321_weights_after_one_update():
    net, _ = trained_321()
    w = examples.named_weights_321(net)
    shown = {"w46": "-0.2608", "w56": "-0.1380", "w14": "0.1921", "w15": "-0.3059", "w24": "0.4",
             "w25": "0.1", "w34": "-0.5079", "w35": "0.1941", "θ6": "0.2181", "θ5": "0.1941",
             "θ4": "-0.4079"}
    assert set(shown) == set(w)
    for name, figure in shown.items():
        assert_shown(w[name], figure)
    assert_shown(w["θ6"], "0.218")  # the one update the seed itself gets right
    # input 2 is 0, so its weights cannot move
    assert w["w24"] == 0.4 and w["w25"] == 0.1


def test_delta_rule_equals_sgd_on_half_squared_error():
    """w ← w + η·δ·input, θ ← θ + η·δ (the textbook rule) is exactly SGD on L = ½(y − o)²."""
    before = examples.named_weights_321(examples.network_321())
    net, trace = trained_321()
    after = examples.named_weights_321(net)
    eta = examples.LR_321
    x = examples.X_321
    o4, o5 = trace["hidden"]["a"][0]
    delta6 = -trace["output"]["dz"][0, 0]
    delta4, delta5 = -trace["hidden"]["dz"][0]
    # the textbook's own definition of the output error signal agrees with the engine's
    o6 = trace["output"]["a"][0, 0]
    assert delta6 == pytest.approx((examples.Y_321 - o6) * o6 * (1 - o6), rel=1e-14)

    delta_rule = {
        "w46": before["w46"] + eta * delta6 * o4,
        "w56": before["w56"] + eta * delta6 * o5,
        "θ6": before["θ6"] + eta * delta6,
        "θ4": before["θ4"] + eta * delta4,
        "θ5": before["θ5"] + eta * delta5,
    }
    for i in (1, 2, 3):
        delta_rule[f"w{i}4"] = before[f"w{i}4"] + eta * delta4 * x[i - 1]
        delta_rule[f"w{i}5"] = before[f"w{i}5"] + eta * delta5 * x[i - 1]
    assert set(delta_rule) == set(after)
    for name in after:
        assert after[name] == pytest.approx(delta_rule[name], rel=1e-14, abs=1e-15), name
