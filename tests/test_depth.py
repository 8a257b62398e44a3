"""The depth profile and its explorer: signals through a stack of layers, as the variance
argument predicts them."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nncourse.diagnostics import depth_profile, expected_initial_loss, update_ratios
from nncourse.errors import CourseError
from nncourse.network import mlp
from nncourse.optim import SGD
from nncourse.widgets import depth_explorer


@pytest.mark.parametrize("activation, init, scale, predicted", [
    ("relu", "xavier", 1.0, math.sqrt(0.5)),   # √(n·(1/n)/2)
    ("relu", "he", 1.5, 1.5),                  # √(n·(2/n)/2)·1.5
    ("tanh", "xavier", 0.5, 0.5),              # √(n·(1/n))·0.5, tanh ≈ identity for small z
])
def test_spread_per_layer_follows_the_variance_argument(activation, init, scale, predicted):
    profile = depth_profile(20, activation, init, scale, width=128, seed=1)
    assert profile.growth_per_layer() == pytest.approx(predicted, rel=0.06)


def test_backward_gradient_shrinks_towards_the_input_when_forward_signals_shrink():
    profile = depth_profile(15, "relu", "xavier", 1.0)
    assert profile.gradient_norm[0] < 1e-2 * profile.gradient_norm[-1]
    he = depth_profile(15, "relu", "he", 1.0)
    assert 0.2 < he.gradient_norm[0] / he.gradient_norm[-1] < 5


def test_depth_profile_gradients_are_those_of_the_engine_backward():
    profile = depth_profile(3, "tanh", "xavier", 1.0, width=8, n_samples=5, seed=3)
    rng = np.random.default_rng(3)
    from nncourse.layers import Dense
    from nncourse.network import Sequential
    net = Sequential([Dense(8, 8, "tanh", init="xavier", rng=rng) for _ in range(3)])
    X = rng.normal(size=(5, 8))
    out = net.forward(X)
    g = rng.normal(size=out.shape) / 5
    for layer in reversed(net.layers):
        g = layer.backward(g)
    np.testing.assert_allclose(profile.gradient_norm,
                               [np.linalg.norm(layer.dz) for layer in net.layers], rtol=1e-12)
    np.testing.assert_allclose(profile.activation_std, [np.std(layer.a) for layer in net.layers],
                               rtol=1e-12)


@pytest.mark.parametrize("options, words", [
    (dict(depth=0), "depth is a number of layers"),
    (dict(weight_scale=0.0), "weight_scale"),
    (dict(activation="rleu"), "rleu"),
])
def test_depth_profile_refuses_bad_settings_in_plain_words(options, words):
    with pytest.raises(CourseError, match=words):
        depth_profile(**options)


def test_expected_initial_loss_is_ln_c():
    assert expected_initial_loss(10) == pytest.approx(2.302585, abs=1e-6)
    with pytest.raises(CourseError):
        expected_initial_loss(1)


def test_update_ratio_is_eta_times_gradient_over_weight_norm_for_sgd():
    from nncourse import data
    X, y = data.moons(40, seed=0)
    net = mlp([2, 5, 2], hidden="tanh", output="softmax", seed=0)
    W0 = [layer.W.copy() for layer in net]
    net.loss(X, y, "categorical_crossentropy")
    net.backward(y, "categorical_crossentropy")
    expected = [0.3 * np.linalg.norm(layer.dW) / np.linalg.norm(w) for layer, w in zip(net, W0)]
    ratios = update_ratios(net, SGD(0.3), X, y, "categorical_crossentropy")
    np.testing.assert_allclose(list(ratios.values()), expected, rtol=1e-12)
    assert list(ratios) == ["dense1", "dense2"]


def test_depth_explorer_follows_its_controls():
    app = depth_explorer(depth=12, activation="relu", init="xavier")
    assert app.profile.depth == 12
    before = app.renders
    app.set_state(init="he", depth=20, weight_scale=1.5)
    assert app.renders == before + 1                       # one redraw for three changes
    assert app.profile.depth == 20 and app.profile.init == "he"
    assert app.profile.growth_per_layer() > 1.2
    assert "20 layers of 64 relu neurons, he × 1.5" in app.readout.value
    x, y = app.spread_line.get_data()
    assert len(x) == 20 and np.all(np.asarray(y) > 0)
    assert app.png.startswith(b"\x89PNG")


@pytest.mark.parametrize("options", [dict(depth=1), dict(activation="softmax"),
                                     dict(init="zeros"), dict(weight_scale=10)])
def test_depth_explorer_refuses_settings_outside_its_controls(options):
    with pytest.raises(CourseError):
        depth_explorer(**options)
