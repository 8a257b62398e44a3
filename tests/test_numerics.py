"""Stable numerics: at inputs of ±1000 every activation, loss and gradient stays finite, silently.

Every test runs with numpy's overflow, division-by-zero and invalid-operation checks raising,
and with every warning turned into an error, so "finite" also means "no warning on the way".
"""

import warnings

import numpy as np
import pytest

from nncourse.activations import (ACTIVATIONS, get_activation, gelu, log_softmax, sigmoid, softmax,
                                  swish, tanh)
from nncourse.layers import Dense
from nncourse.losses import BinaryCrossEntropy, CategoricalCrossEntropy, get_loss
from nncourse.network import Sequential

HUGE = np.array([-1000.0, -800.0, -50.0, -1e-3, 0.0, 1e-3, 50.0, 800.0, 1000.0])


@pytest.fixture(autouse=True)
def strict_floating_point():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            yield


def assert_finite(*arrays):
    for array in arrays:
        assert np.all(np.isfinite(np.asarray(array, dtype=float))), array


# ---------------------------------------------------------------- plain functions

def test_sigmoid_limits():
    s = sigmoid(HUGE)
    assert_finite(s)
    assert s[0] == 0.0 or s[0] < 1e-300
    assert s[-1] == 1.0
    assert np.all((s >= 0) & (s <= 1))
    assert np.all(np.diff(s) >= 0)  # still increasing, nothing scrambled


def test_tanh_limits():
    t = tanh(HUGE)
    assert_finite(t)
    assert t[0] == -1.0 and t[-1] == 1.0


def test_gelu_and_swish_limits():
    for f in (gelu, swish):
        out = f(HUGE)
        assert_finite(out)
        assert out[-1] == 1000.0  # z·(≈1)
        assert abs(out[0]) < 1e-300  # z·(≈0)


@pytest.mark.parametrize("z", [
    [1000.0, -1000.0, 0.0],
    [1000.0, 1000.0, 1000.0],
    [-1000.0, -1000.0, -1000.0],
    [1000.0, 999.0, -1000.0],
])
def test_softmax_and_log_softmax(z):
    z = np.array(z)
    p, log_p = softmax(z), log_softmax(z)
    assert_finite(p, log_p)
    assert p.sum() == pytest.approx(1.0, abs=1e-15)
    np.testing.assert_allclose(np.exp(log_p), p, atol=1e-15)
    # log_softmax is finite where softmax underflows to 0
    assert np.all(log_p <= 0)


def test_log_softmax_keeps_the_tail_that_softmax_loses():
    log_p = log_softmax(np.array([1000.0, -1000.0]))
    np.testing.assert_allclose(log_p, [0.0, -2000.0], atol=1e-12)


def test_softmax_of_a_batch_of_extreme_rows():
    Z = np.array([[1000.0, -1000.0], [-1000.0, 1000.0], [0.0, 0.0]])
    np.testing.assert_allclose(softmax(Z), [[1, 0], [0, 1], [0.5, 0.5]], atol=1e-15)


# ---------------------------------------------------------- activation objects and their gradients

@pytest.mark.parametrize("name", sorted(set(ACTIVATIONS) - {"linear"}))
def test_activation_forward_and_backward_are_finite(name):
    act = get_activation(name)
    z = np.vstack([HUGE, -HUGE, HUGE[::-1] * 0.5])
    a = act.forward(z)
    grad_z = act.backward(z, a, np.ones_like(z))
    assert_finite(a, grad_z)
    if act.elementwise:
        assert_finite(act.derivative(z))


def test_saturated_sigmoid_and_tanh_have_zero_gradient_not_nan():
    for name in ("sigmoid", "tanh"):
        d = get_activation(name).derivative(np.array([-1000.0, 1000.0]))
        np.testing.assert_array_equal(d, [0.0, 0.0])


# ---------------------------------------------------------------- losses and their gradients

def test_binary_cross_entropy_from_logits_at_extremes():
    loss = BinaryCrossEntropy(from_logits=True)
    s = np.array([[-1000.0], [1000.0], [-1000.0], [1000.0]])
    y = np.array([[1.0], [0.0], [0.0], [1.0]])
    value, grad = loss.value(s, y), loss.gradient(s, y)
    assert_finite(value, grad)
    # two confidently wrong (cost 1000 each), two confidently right (cost 0): mean 500
    assert value == pytest.approx(500.0, rel=1e-12)
    np.testing.assert_allclose(grad.ravel(), [-0.25, 0.25, 0.0, 0.0], atol=1e-15)


def test_binary_cross_entropy_from_probabilities_of_exactly_zero_and_one():
    loss = get_loss("binary_crossentropy")
    p = np.array([0.0, 1.0, 0.0, 1.0])
    y = np.array([1.0, 0.0, 0.0, 1.0])
    value, grad = loss.value(p, y), loss.gradient(p, y)
    assert_finite(value, grad)
    assert value > 10  # confidently wrong is punished hard, but with a number


def test_categorical_cross_entropy_from_logits_at_extremes():
    loss = CategoricalCrossEntropy(from_logits=True)
    s = np.array([[1000.0, -1000.0, 0.0], [1000.0, -1000.0, 0.0]])
    labels = np.array([0, 1])
    value, grad = loss.value(s, labels), loss.gradient(s, labels)
    assert_finite(value, grad)
    assert value == pytest.approx(1000.0, rel=1e-12)  # (0 + 2000) / 2
    np.testing.assert_allclose(grad, [[0, 0, 0], [0.5, -0.5, 0]], atol=1e-15)


def test_categorical_cross_entropy_from_probabilities_with_a_zero():
    loss = get_loss("categorical_crossentropy")
    p = softmax(np.array([[1000.0, -1000.0, 0.0]]))
    value, grad = loss.value(p, [1]), loss.gradient(p, [1])
    assert_finite(value, grad)


def test_kl_divergence_with_a_zero_prediction():
    loss = get_loss("kl_divergence")
    q = softmax(np.array([[1000.0, -1000.0]]))
    p = np.array([[0.5, 0.5]])
    assert_finite(loss.value(q, p), loss.gradient(q, p))
    assert loss.value(p, p) == 0.0


def test_mse_and_hinge_at_extremes():
    s = np.array([[-1000.0], [1000.0]])
    y = np.array([[1.0], [-1.0]])
    for name in ("mse", "hinge", "half_squared_error"):
        loss = get_loss(name)
        assert_finite(loss.value(s, y), loss.gradient(s, y))


# ---------------------------------------------------------------- through a network

@pytest.mark.parametrize(("output", "loss", "targets"), [
    ("softmax", "categorical_crossentropy", np.array([1, 0])),
    ("sigmoid", "binary_crossentropy", np.array([[0.0, 1.0], [1.0, 0.0]])),
    ("identity", CategoricalCrossEntropy(from_logits=True), np.array([1, 0])),
    ("identity", BinaryCrossEntropy(from_logits=True), np.array([[0.0, 1.0], [1.0, 0.0]])),
])
@pytest.mark.parametrize("shortcut", [True, False])
def test_network_with_saturated_outputs_backpropagates_finite_numbers(output, loss, targets,
                                                                      shortcut):
    """Logits of ±1000, confidently wrong: the loss is large and every gradient finite."""
    layer = Dense.from_weights([[1000.0, -1000.0], [-1000.0, 1000.0]], [0.0, 0.0], output)
    net = Sequential([layer])
    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    out = net.forward(X)
    assert_finite(out)
    value = net.loss(X, targets, loss)
    dX = net.backward(targets, loss, shortcut=shortcut)
    assert_finite(value, dX, *net.gradients())
    # from logits the cost is the full 2000/2; from probabilities of exactly 0 it is capped
    # by the clip at 1e-12 (−log 1e-12 ≈ 27.6), still far above any right answer
    assert value > 20


def test_gelu_and_swish_networks_with_huge_inputs():
    for hidden in ("gelu", "swish", "tanh", "sigmoid"):
        net = Sequential([Dense.from_weights([[1.0, -1.0]], [0.0, 0.0], hidden),
                          Dense.from_weights([[1.0], [1.0]], [0.0], "identity")])
        X = np.array([[1000.0], [-1000.0]])
        net.forward(X)
        dX = net.backward(np.zeros((2, 1)), "mse")
        assert_finite(net.forward(X), dX, *net.gradients())


# ---------------------------------------------------------------- cross-entropy from the logits

def one_layer(W, activation):
    W = np.asarray(W, dtype=float)
    return Sequential([Dense.from_weights(W, np.zeros(W.shape[1]), activation, name="out")])


@pytest.mark.parametrize("gap", [10.0, 80.0, 700.0, 1000.0])
def test_categorical_cross_entropy_after_softmax_is_exact_however_wrong(gap):
    """The true class's logit is `gap` below the other: the loss is the gap (plus log(1 + e^−gap)),
    not −log of a probability clipped at 1e-12 (27.63)."""
    net = one_layer([[gap, 0.0]], "softmax")
    expected = gap + np.log1p(np.exp(-gap))
    assert net.loss([[1.0]], [1], "categorical_crossentropy") == pytest.approx(expected, rel=1e-15)
    net.backward([1], "categorical_crossentropy")
    assert net.trace.loss == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("z", [-1000.0, -80.0, 80.0, 1000.0])
def test_binary_cross_entropy_after_sigmoid_is_exact_however_wrong(z):
    """Label 1 with logit z costs −log σ(z) = log(1 + e^−z): about −z for a very negative z."""
    net = one_layer([[z]], "sigmoid")
    expected = max(-z, 0.0) + np.log1p(np.exp(-abs(z)))
    assert net.loss([[1.0]], [1], "binary_crossentropy") == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("gap", [5.0, 30.0, 80.0, 700.0, 1000.0])
@pytest.mark.parametrize("activation", ["softmax", "sigmoid"])
def test_the_plain_chain_rule_is_finite_and_equals_the_shortcut(activation, gap):
    """The true class has p = e^−gap (below 1e-12 from gap 28 on, 0 in float64 beyond 745):
    dL/dp · dp/dz still multiplies out to (p − y)/N, the shortcut's value."""
    if activation == "softmax":
        net, loss = one_layer([[gap, 0.0], [0.0, 0.0]], "softmax"), "categorical_crossentropy"
    else:
        net, loss = one_layer([[gap], [0.0]], "sigmoid"), "binary_crossentropy"
    X, y = np.array([[1.0, 0.0], [0.0, 1.0]]), [0, 1]  # one sample wrong by `gap`, one at 50/50
    if activation == "softmax":
        y = [1, 1]
    gradients = {}
    for shortcut in (True, False):
        net.forward(X)
        net.backward(y, loss, shortcut=shortcut)
        gradients[shortcut] = (net.layers[0].dW.copy(), net.layers[0].db.copy())
    assert_finite(*gradients[False])
    for exact, chained in zip(gradients[True], gradients[False]):
        np.testing.assert_allclose(chained, exact, rtol=1e-12, atol=1e-15)
    assert np.abs(gradients[False][0]).max() > 0.2  # the wrong sample's gradient, about ½


def test_fit_history_reports_the_exact_loss_of_a_confident_mistake():
    net = one_layer([[80.0, 0.0]], "softmax")
    net.layers[0].freeze()
    net.layers[0].unfreeze("b")
    history = net.fit(np.array([[1.0]]), [1], loss="categorical_crossentropy", lr=1e-9, epochs=1)
    assert history.loss[0] == pytest.approx(80.0, rel=1e-15)
