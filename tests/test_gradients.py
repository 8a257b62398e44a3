"""Backprop against central differences: every activation, every loss, Dense layers and networks.

Shapes and values are drawn by hypothesis. The relative error must stay below 1e-7 in float64.
Values are kept where central differences themselves are trustworthy: away from the kinks of
ReLU, leaky ReLU and hinge (|z| > 1e-3), where no activation is saturated flat (there both
gradients are ~1e-12 and their ratio is noise), and where no probability is vanishingly small.
"""

import os

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nncourse.activations import ACTIVATIONS, get_activation
from nncourse.gradcheck import check_activation, check_layer, check_loss, check_network
from nncourse.layers import Dense
from nncourse.losses import BinaryCrossEntropy, CategoricalCrossEntropy, get_loss
from nncourse.network import CHAIN_RULE, SHORTCUT_RULE, Sequential, mlp

TOL = 1e-7
# A few examples per test keep the module fast; derandomize makes every run draw the same ones.
# For a deeper search run with GRADCHECK_EXAMPLES=500 (a new random draw each time).
DEEP = int(os.environ.get("GRADCHECK_EXAMPLES", "0"))
FAST = settings(max_examples=DEEP or 15, derandomize=not DEEP, deadline=None)
KINKED = {"relu", "leaky_relu"}
ACTIVATION_NAMES = sorted(set(ACTIVATIONS) - {"linear"})

shapes = st.tuples(st.integers(1, 5), st.integers(1, 5))
seeds = st.integers(0, 2**32 - 1)


def normal_array(seed, shape, scale=1.0):
    return np.random.default_rng(seed).normal(0.0, scale, size=shape)


def away_from_kinks(z):
    """True when no value sits within 1e-3 of 0, where ReLU's derivative jumps."""
    return bool(np.all(np.abs(z) > 1e-3))


# ---------------------------------------------------------------- activations

@pytest.mark.parametrize("name", ACTIVATION_NAMES)
@FAST
@given(shape=shapes, seed=seeds, bound=st.sampled_from([0.1, 1.0, 3.0]))
def test_activation_backward_matches_central_differences(name, shape, seed, bound):
    z = np.random.default_rng(seed).uniform(-bound, bound, size=shape)
    if name in KINKED:
        assume(away_from_kinks(z))
    report = check_activation(name, z)
    assert report.max_error < TOL, str(report)


@pytest.mark.parametrize("name", sorted(set(ACTIVATION_NAMES) - {"softmax"}))
def test_elementwise_derivative_agrees_with_backward(name):
    act = get_activation(name)
    z = normal_array(1, (4, 3), 2.0)
    g = normal_array(2, (4, 3))
    np.testing.assert_allclose(act.backward(z, act.forward(z), g), g * act.derivative(z),
                               rtol=1e-13, atol=1e-15)


def test_softmax_backward_is_its_jacobian_times_the_gradient():
    act = get_activation("softmax")
    z, g = normal_array(3, 5), normal_array(4, 5)
    np.testing.assert_allclose(act.backward(z, act.forward(z), g), act.jacobian(z).T @ g,
                               rtol=1e-13, atol=1e-15)


def test_gradient_check_notices_a_wrong_derivative():
    """The check itself can fail: a sigmoid whose derivative forgot a factor is caught."""
    from nncourse.activations import Sigmoid

    class WrongSigmoid(Sigmoid):
        def backward(self, z, a, grad_a):
            return grad_a * a

    assert check_activation(WrongSigmoid(), normal_array(5, (3, 2))).max_error > 1e-2


# ---------------------------------------------------------------- losses

def probabilities(seed, shape):
    """Rows that sum to 1, no entry smaller than about 1e-3."""
    p = np.random.default_rng(seed).uniform(0.05, 1.0, size=shape)
    return p / p.sum(axis=-1, keepdims=True)


@FAST
@given(shape=shapes, seed=seeds)
def test_mse_and_half_squared_error(shape, seed):
    y_pred, y_true = normal_array(seed, shape), normal_array(seed + 1, shape)
    for name in ("mse", "half_squared_error"):
        report = check_loss(name, y_pred, y_true)
        assert report.max_error < TOL, str(report)


@FAST
@given(shape=shapes, seed=seeds)
def test_binary_cross_entropy_from_probabilities_and_logits(shape, seed):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, size=shape).astype(float)
    p = rng.uniform(0.05, 0.95, size=shape)
    assert check_loss("binary_crossentropy", p, y_true).max_error < TOL
    logits = rng.uniform(-3.0, 3.0, size=shape)
    assert check_loss(BinaryCrossEntropy(from_logits=True), logits, y_true).max_error < TOL


@FAST
@given(n=st.integers(1, 5), k=st.integers(2, 5), seed=seeds)
def test_categorical_cross_entropy_from_probabilities_and_logits(n, k, seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, k, size=n)
    one_hot = np.eye(k)[labels]
    p = probabilities(seed, (n, k))
    for targets in (labels, one_hot):
        assert check_loss("categorical_crossentropy", p, targets).max_error < TOL
        logits = rng.uniform(-3.0, 3.0, size=(n, k))
        assert (check_loss(CategoricalCrossEntropy(from_logits=True), logits, targets).max_error
                < TOL)


@FAST
@given(shape=shapes, seed=seeds)
def test_hinge_away_from_its_kink(shape, seed):
    rng = np.random.default_rng(seed)
    y_true = rng.choice([-1.0, 1.0], size=shape)
    scores = rng.normal(0.0, 2.0, size=shape)
    assume(np.all(np.abs(1.0 - y_true * scores) > 1e-3))
    assert check_loss("hinge", scores, y_true).max_error < TOL


@FAST
@given(n=st.integers(1, 5), k=st.integers(2, 5), seed=seeds)
def test_kl_divergence(n, k, seed):
    p, q = probabilities(seed, (n, k)), probabilities(seed + 1, (n, k))
    assert check_loss("kl_divergence", q, p).max_error < TOL


# ---------------------------------------------------------------- layers and networks

@pytest.mark.parametrize("name", ACTIVATION_NAMES)
@FAST
@given(n=st.integers(1, 4), n_in=st.integers(1, 4), n_out=st.integers(1, 4), seed=seeds)
def test_dense_layer_dW_db_dX(name, n, n_in, n_out, seed):
    layer = Dense(n_in, n_out, name, seed=seed)
    layer.b[...] = normal_array(seed + 1, n_out, 0.5)
    X = normal_array(seed + 2, (n, n_in))
    out = layer.forward(X)
    if name in KINKED:
        assume(away_from_kinks(layer.z))
    g = np.random.default_rng(0).normal(size=out.shape)  # the weights check_layer sums with
    dX = layer.backward(g)
    assume(resolvable([layer.dW, layer.db, dX], np.sum(g * out), layer.z))
    report = check_layer(layer, X)
    assert report.max_error < TOL, str(report)


def output_and_loss(output, k, seed, n):
    """Targets and a loss that suit the output activation."""
    rng = np.random.default_rng(seed)
    if output == "softmax":
        return rng.integers(0, k, size=n), "categorical_crossentropy"
    if output == "sigmoid":
        return rng.integers(0, 2, size=(n, k)).astype(float), "binary_crossentropy"
    return rng.normal(size=(n, k)), "mse"


def all_pre_activations(net):
    return np.concatenate([net.trace[i]["z"].reshape(-1) for i in range(len(net))])


def resolvable(gradients, value, pre_activations) -> bool:
    """True when every gradient is either exactly zero or far above the noise of its estimate.

    In float64, (L(w + ε) − L(w − ε)) / 2ε carries a rounding noise of about 1e-10·max(|L|, 1)
    per entry for ε = 1e-6 (a small L such as −log 0.99995 is still made of numbers near 1), so
    a gradient smaller than about max(|L|, 1)/100 cannot be checked to 1e-7, whatever backprop
    does. The same happens where a smooth activation is saturated flat (|z| > 5): there its output
    changes by less than one rounding step.
    """
    if np.max(np.abs(pre_activations), initial=0.0) > 5.0:
        return False
    norms = [np.linalg.norm(g) for g in gradients]
    return all(norm == 0.0 or norm > 1e-2 * max(abs(value), 1.0) for norm in norms)


def network_resolvable(net, X, y, loss) -> bool:
    value = net.loss(X, y, loss)
    dX = net.backward(y, loss)
    hidden_z = all_pre_activations(net)[: -net.n_outputs * len(X)]
    return resolvable([*net.gradients(), dX], value, hidden_z)


@pytest.mark.parametrize("hidden", ACTIVATION_NAMES)
@FAST
@given(sizes=st.lists(st.integers(1, 4), min_size=2, max_size=3), k=st.integers(1, 3),
       n=st.integers(1, 4), seed=st.integers(0, 10_000),
       output=st.sampled_from(["identity", "sigmoid", "softmax", "tanh"]))
def test_network_gradients(hidden, sizes, k, n, seed, output):
    if output == "softmax":
        k = max(k, 2)
    net = mlp([*sizes, k], hidden=hidden, output=output, seed=seed)
    for layer in net:
        layer.b[...] = normal_array(seed + 7, layer.b.shape, 0.3)
    X = normal_array(seed + 1, (n, sizes[0]))
    y, loss = output_and_loss(output, k, seed + 2, n)
    net.forward(X)
    if hidden in KINKED:
        assume(away_from_kinks(all_pre_activations(net)[: -k * n]))
    assume(network_resolvable(net, X, y, loss))
    report = check_network(net, X, y, loss)
    assert report.max_error < TOL, str(report)


@pytest.mark.parametrize("loss", ["mse", "half_squared_error", "kl_divergence"])
def test_network_with_softmax_output_and_other_losses(loss):
    """Softmax's full Jacobian in backward, when no shortcut applies."""
    net = mlp([3, 4, 3], hidden="tanh", output="softmax", seed=3)
    X = normal_array(4, (5, 3))
    y = probabilities(5, (5, 3))
    report = check_network(net, X, y, loss)
    assert report.max_error < TOL, str(report)


# ---------------------------------------------------------------- backward overwrites

@pytest.mark.parametrize(("output", "loss", "y"), [
    ("softmax", "categorical_crossentropy", [0, 2, 1, 1]),
    ("identity", "mse", np.arange(12.0).reshape(4, 3) / 10),
    ("sigmoid", "binary_crossentropy", np.eye(4, 3)),
])
def test_backward_twice_gives_the_same_gradients(output, loss, y):
    net = mlp([2, 5, 3], hidden="tanh", output=output, seed=11)
    X = normal_array(12, (4, 2))
    net.forward(X)
    first_dX = net.backward(y, loss)
    first = [g.copy() for g in net.gradients()]
    second_dX = net.backward(y, loss)
    for a, b in zip(first, net.gradients()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(first_dX, second_dX)
    # and again after a fresh forward pass on the same data
    net.forward(X)
    net.backward(y, loss)
    for a, b in zip(first, net.gradients()):
        np.testing.assert_array_equal(a, b)


def test_layer_backward_twice_overwrites():
    layer = Dense(3, 2, "sigmoid", seed=0)
    layer.forward(normal_array(1, (4, 3)))
    g = normal_array(2, (4, 2))
    layer.backward(g)
    dW, db = layer.dW.copy(), layer.db.copy()
    layer.backward(g)
    np.testing.assert_array_equal(layer.dW, dW)
    np.testing.assert_array_equal(layer.db, db)


# ---------------------------------------------------------------- the named shortcut

@FAST
@given(n=st.integers(1, 5), k=st.integers(2, 4), seed=st.integers(0, 10_000))
def test_softmax_cross_entropy_shortcut_equals_chain_rule(n, k, seed):
    net = mlp([3, 4, k], hidden="tanh", output="softmax", seed=seed)
    X = normal_array(seed + 1, (n, 3))
    labels = np.random.default_rng(seed + 2).integers(0, k, size=n)
    net.forward(X)
    shortcut_dX = net.backward(labels, "categorical_crossentropy")
    assert net.trace.output_rule == SHORTCUT_RULE
    shortcut = [g.copy() for g in net.gradients()]
    chain_dX = net.backward(labels, "categorical_crossentropy", shortcut=False)
    assert net.trace.output_rule == CHAIN_RULE
    assert all(np.all(np.isfinite(g)) for g in net.gradients())
    for a, b in zip(shortcut, net.gradients()):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose(shortcut_dX, chain_dX, rtol=1e-9, atol=1e-13)


@FAST
@given(n=st.integers(1, 5), k=st.integers(1, 3), seed=st.integers(0, 10_000))
def test_sigmoid_binary_cross_entropy_shortcut_equals_chain_rule(n, k, seed):
    net = mlp([3, 4, k], hidden="relu", output="sigmoid", seed=seed)
    X = normal_array(seed + 1, (n, 3))
    y = np.random.default_rng(seed + 2).integers(0, 2, size=(n, k)).astype(float)
    net.forward(X)
    net.backward(y, "binary_crossentropy")
    assert net.trace.output_rule == SHORTCUT_RULE
    shortcut = [g.copy() for g in net.gradients()]
    net.backward(y, "binary_crossentropy", shortcut=False)
    for a, b in zip(shortcut, net.gradients()):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-13)


def test_logit_losses_never_take_the_shortcut():
    net = mlp([2, 3], output="identity", seed=0)
    net.forward(normal_array(0, (2, 2)))
    net.backward([0, 2], get_loss(CategoricalCrossEntropy(from_logits=True)))
    assert net.trace.output_rule == CHAIN_RULE


# ---------------------------------------------------------------- reading a gradient check

def test_the_verdicts_are_graded():
    from nncourse.gradcheck import verdict

    assert [verdict(e) for e in (1e-9, 1e-6, 1e-3, 1 / 3, 1.0)] == [
        "ok", "close", "suspect", "WRONG", "WRONG"]


def test_what_typical_mistakes_score():
    """The numbers the docstring gives: a factor of 2 scores exactly 1/3, a flipped sign 1, and σ
    in place of σ·(1 − σ) from 0.38 (z near 0) to 0.79 (z spread wide)."""
    from nncourse.activations import sigmoid
    from nncourse.gradcheck import relative_error

    g = normal_array(0, 50)
    assert relative_error(2 * g, g) == pytest.approx(1 / 3, rel=1e-12)
    assert relative_error(-g, g) == pytest.approx(1.0, rel=1e-12)
    rng = np.random.default_rng(0)
    scores = []
    for spread in (0.5, 5.0):
        s = sigmoid(rng.normal(scale=spread, size=1000))
        scores.append(relative_error(s, s * (1 - s)))
    assert scores == pytest.approx([0.38, 0.79], abs=0.01)


def test_a_check_exactly_at_a_relu_kink_says_so():
    """ReLU at z = 0: backprop takes slope 0, central differences average 0 and 1. The report
    says the check is at a kink, not that the gradient is wrong."""
    report = check_activation("relu", [0.0, 1.0, -2.0])
    assert report.at_kink and not report.passed()
    text = str(report)
    assert "WRONG" not in text and "at a kink" in text and "check at another point" in text
    away = check_activation("relu", [0.5, 1.0, -2.0])
    assert away.passed() and not away.at_kink and "kink" not in str(away)

    net = Sequential([Dense.from_weights([[1.0, -1.0]], [0.0, 0.5], "relu"),
                      Dense.from_weights([[1.0], [1.0]], [0.0])])
    report = check_network(net, [[0.0]], [[1.0]], "mse")
    assert report.kinks == {"dense1.z": 1} and "WRONG" not in str(report)


def test_a_wrong_gradient_away_from_kinks_is_still_called_wrong():
    from nncourse.activations import ReLU

    class WrongReLU(ReLU):
        def backward(self, z, a, grad_a):
            return 2.0 * grad_a * (z > 0)

    report = check_activation(WrongReLU(), [0.5, 1.0, -2.0])
    assert report.max_error == pytest.approx(1 / 3) and "WRONG" in str(report)


def test_numerical_gradient_of_an_array_valued_function_is_refused():
    from nncourse.errors import CourseError
    from nncourse.gradcheck import numerical_gradient

    with pytest.raises(CourseError, match="one number .* 3 numbers, shape \\(3,\\)"):
        numerical_gradient(lambda: np.ones(3), np.zeros(2))
