"""The engine's public API behaves as documented: what a lesson or an exercise may rely on."""

import numpy as np
import pytest

from nncourse import data, examples
from nncourse.activations import ACTIVATIONS, Identity, LeakyReLU, get_activation
from nncourse.errors import CourseError
from nncourse.init import get_initializer, he, xavier
from nncourse.layers import Dense, Neuron
from nncourse.losses import LOSSES, MeanSquaredError, get_loss
from nncourse.network import CHAIN_RULE, SHORTCUT_RULE, Sequential, Trace, mlp
from nncourse.optim import SGD, Adam, Momentum, get_optimizer

TRACE_KEYS = ("input", "z", "a", "da", "dz", "dW", "db")


# ---------------------------------------------------------------- the neuron

def test_a_neuron_fires_with_all_zero_inputs_because_of_its_bias():
    neuron = Neuron(weights=[0.5, -1.0, 2.0], bias=1.5, activation="relu")
    assert neuron.forward([0.0, 0.0, 0.0]) == 1.5
    assert neuron.z == 1.5
    silent = Neuron(weights=[0.5, -1.0, 2.0], bias=0.0, activation="relu")
    assert silent.forward([0.0, 0.0, 0.0]) == 0.0
    # with a negative bias the same neuron stays silent until the inputs push it
    assert Neuron([0.5, -1.0, 2.0], -1.0, "relu")([0.0, 0.0, 0.0]) == 0.0


def test_neuron_weighted_sum_and_batch():
    neuron = Neuron([0.2, 0.8], bias=-0.5, activation="sigmoid")
    assert neuron.weighted_sum([1.0, 1.0]) == pytest.approx(0.5)
    out = neuron.forward([[1.0, 1.0], [0.0, 0.0]])
    assert out.shape == (2,)
    assert out[1] == pytest.approx(1 / (1 + np.exp(0.5)))
    assert isinstance(neuron.forward([1.0, 1.0]), float)


# ---------------------------------------------------------------- Dense

def test_dense_shapes_and_single_sample():
    layer = Dense(3, 4, "tanh", seed=0)
    assert layer.W.shape == (3, 4) and layer.b.shape == (4,)
    assert (layer.n_inputs, layer.n_neurons) == (3, 4)
    assert layer.forward(np.ones((5, 3))).shape == (5, 4)
    single = layer.forward(np.ones(3))
    assert single.shape == (4,)
    np.testing.assert_allclose(single, np.tanh(np.ones(3) @ layer.W + layer.b))
    assert layer.params["W"] is layer.W and layer.params["b"] is layer.b


def test_dense_from_weights_and_backward_formulas():
    layer = Dense.from_weights([[1.0, 2.0], [3.0, 4.0]], [0.5, -0.5], "identity", name="lin")
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    np.testing.assert_allclose(layer.forward(X), X @ layer.W + layer.b)
    g = np.arange(6.0).reshape(3, 2)
    dX = layer.backward(g)
    np.testing.assert_allclose(layer.dW, X.T @ g)
    np.testing.assert_allclose(layer.db, g.sum(axis=0))
    np.testing.assert_allclose(dX, g @ layer.W.T)
    assert layer.grads["W"] is layer.dW and layer.name == "lin"


def test_dense_default_initialisation_and_seed():
    assert Dense(4, 3, "relu", seed=0).init == "he"
    assert Dense(4, 3, "sigmoid", seed=0).init == "xavier"
    np.testing.assert_array_equal(Dense(4, 3, seed=7).W, Dense(4, 3, seed=7).W)
    assert not np.array_equal(Dense(4, 3, seed=7).W, Dense(4, 3, seed=8).W)
    np.testing.assert_array_equal(Dense(4, 3, init="zeros").W, np.zeros((4, 3)))


# ---------------------------------------------------------------- Sequential: container, summary

def test_network_container_behaviour():
    net = examples.network_3232()
    assert len(net) == 3
    assert net[0] is net.layers[0] is net["hidden1"]
    assert net[-1] is net["output"]
    assert [layer.name for layer in net] == ["hidden1", "hidden2", "output"]
    assert (net.n_inputs, net.n_outputs) == (3, 2)
    with pytest.raises(CourseError, match="hidden1"):
        net["nope"]


def test_unnamed_layers_are_numbered():
    net = Sequential([Dense(2, 3), Dense(3, 1)])
    assert [layer.name for layer in net] == ["dense1", "dense2"]


def test_summary_lists_every_layer_with_shapes_activations_and_parameters():
    net = mlp([10, 64, 32, 3], hidden="relu", output="softmax", seed=0)
    text = net.summary()
    lines = text.splitlines()
    for header in ("layer", "W shape", "activation", "parameters"):
        assert header in lines[0]
    for name, shape, activation, count in (("dense1", "10×64", "relu", "704"),
                                            ("dense2", "64×32", "relu", "2,080"),
                                            ("dense3", "32×3", "softmax", "99")):
        row = next(line for line in lines if line.startswith(name))
        assert shape in row and activation in row and row.rstrip().endswith(count)
    assert net.n_params == 704 + 2080 + 99
    assert "2,883" in lines[-1] and "10 features" in lines[-1]


def test_repr_reads_like_the_architecture():
    assert repr(examples.network_321()) == "Sequential(3 → 2 sigmoid → 1 sigmoid)"


# ---------------------------------------------------------------- trace

def test_trace_by_name_and_index_with_every_key_after_backward():
    net = examples.network_321()
    net.forward(examples.X_321)
    net.backward(examples.Y_321, "half_squared_error")
    assert isinstance(net.trace, Trace)
    for index, name in enumerate(["hidden", "output"]):
        by_name, by_index = net.trace[name], net.trace[index]
        assert set(by_name) == set(TRACE_KEYS)
        for key in TRACE_KEYS:
            assert by_name[key] is not None, key
            np.testing.assert_array_equal(by_name[key], by_index[key])
    hidden, output = net.trace["hidden"], net.trace["output"]
    np.testing.assert_array_equal(hidden["input"], [examples.X_321])
    np.testing.assert_array_equal(output["input"], hidden["a"])
    np.testing.assert_array_equal(net.trace.output, output["a"])
    np.testing.assert_array_equal(hidden["dW"], net[0].dW)
    assert net.trace.loss == pytest.approx(0.5 * (1 - output["a"][0, 0]) ** 2)
    assert net.trace.output_rule == CHAIN_RULE


def test_trace_before_backward_has_forward_values_only():
    net = examples.network_3232()
    net.forward(examples.X_3232)
    values = net.trace["hidden2"]
    assert values["z"] is not None and values["a"] is not None
    assert values["dW"] is None and net.trace.loss is None


def test_trace_table_and_shortcut_rule():
    net = examples.network_3232()
    net.forward(examples.X_3232)
    net.backward([0], "categorical_crossentropy")
    assert net.trace.output_rule == SHORTCUT_RULE
    table = net.trace.table()
    for fragment in ("input:", "hidden1.z", "hidden2.a", "output.dz", "output.dW", "loss:",
                     "shortcut", "0.7300", "0.5588"):
        assert fragment in table, fragment
    assert net.trace["output"]["da"] is None  # the shortcut skips dL/da, and says so


# ---------------------------------------------------------------- parameters

def test_named_parameters_order_and_liveness():
    net = mlp([2, 3, 4, 1], hidden="tanh", seed=0)
    names = [name for name, _ in net.named_parameters()]
    assert names == ["dense1.W", "dense1.b", "dense2.W", "dense2.b", "dense3.W", "dense3.b"]
    params = net.parameters()
    for (_, named), p, layer_param in zip(net.named_parameters(), params,
                                          [a for layer in net for a in (layer.W, layer.b)]):
        assert named is p is layer_param  # the live arrays, not copies
    X = np.ones((2, 2))
    net.forward(X)
    net.backward(np.ones((2, 1)), "mse")
    assert [g.shape for g in net.gradients()] == [p.shape for p in params]
    before = net.forward(X).copy()
    SGD(0.5).step(net.parameters(), net.gradients())
    assert not np.array_equal(net.forward(X), before)  # the step changed the network itself


def test_get_and_set_weights_round_trip():
    net = mlp([3, 5, 2], hidden="tanh", seed=1)
    X = np.random.default_rng(0).normal(size=(4, 3))
    saved = net.get_weights()
    out_before = net.forward(X).copy()
    for p in net.parameters():
        p += 1.0
    assert not np.allclose(net.forward(X), out_before)
    net.set_weights(saved)
    np.testing.assert_array_equal(net.forward(X), out_before)
    saved[0][0, 0] = 99.0  # get_weights gives copies
    assert net[0].W[0, 0] != 99.0
    other = mlp([3, 5, 2], hidden="tanh", seed=2)
    other.set_weights(net.get_weights())
    np.testing.assert_array_equal(other.forward(X), out_before)


def test_mlp_is_seeded():
    a, b, c = mlp([4, 8, 2], seed=3), mlp([4, 8, 2], seed=3), mlp([4, 8, 2], seed=4)
    for pa, pb in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(pa, pb)
    assert not np.array_equal(a[0].W, c[0].W)


# ---------------------------------------------------------------- predict_classes

def test_predict_classes_argmax_for_several_outputs():
    net = Sequential([Dense.from_weights(np.eye(3), np.zeros(3), "softmax")])
    X = np.array([[0.1, 2.0, 0.3], [5.0, 1.0, 1.0], [0.0, 0.0, 3.0]])
    np.testing.assert_array_equal(net.predict_classes(X), [1, 0, 2])
    assert net.predict_classes(X[0]) == 1


def test_predict_classes_threshold_for_one_sigmoid_output():
    net = Sequential([Dense.from_weights([[1.0]], [0.0], "sigmoid")])
    np.testing.assert_array_equal(net.predict_classes([[-2.0], [0.5], [3.0], [0.0]]), [0, 1, 1, 1])


def test_predict_is_forward():
    net = mlp([2, 3, 2], seed=0)
    X = np.ones((3, 2))
    np.testing.assert_array_equal(net.predict(X), net.forward(X))
    np.testing.assert_array_equal(net(X), net.forward(X))


# ---------------------------------------------------------------- registries

def test_activation_registry():
    for name in ("identity", "linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax", "gelu",
                 "swish"):
        assert ACTIVATIONS.proper_name(name) in ACTIVATIONS
        act = get_activation(name)
        assert act.name == ("identity" if name == "linear" else name)
        assert isinstance(act.output_range, str)
        z = np.array([-1.0, 0.5])
        np.testing.assert_array_equal(act(z), act.forward(z))
    assert isinstance(get_activation(None), Identity)
    leaky = LeakyReLU(alpha=0.1)
    assert get_activation(leaky) is leaky
    np.testing.assert_allclose(leaky(np.array([-2.0, 3.0])), [-0.2, 3.0])
    with pytest.raises(CourseError, match="element-wise"):
        get_activation("softmax").derivative(np.zeros(3))


def test_loss_and_optimiser_registries():
    assert isinstance(get_loss("mse"), MeanSquaredError)
    for name in ("mse", "half_squared_error", "binary_crossentropy", "categorical_crossentropy",
                 "hinge", "kl_divergence"):
        assert name in LOSSES and get_loss(name).name == name
    loss = get_loss("mse")
    assert loss([1.0, 2.0], [1.0, 4.0]) == loss.value([1.0, 2.0], [1.0, 4.0]) == 2.0
    assert isinstance(get_optimizer("adam"), Adam)
    assert get_optimizer("momentum", lr=0.3).lr == 0.3
    assert get_optimizer("sgd", lr=0.2).lr == 0.2


def test_optimiser_reset_forgets_its_state():
    p = np.array([1.0])
    opt = Momentum(0.1, beta=0.9)
    opt.step([p], [np.array([1.0])])
    opt.step([p], [np.array([1.0])])
    assert p[0] == pytest.approx(1.0 - 0.1 - 0.19)
    opt.reset()
    assert opt.t == 0
    opt.step([p], [np.array([1.0])])
    assert p[0] == pytest.approx(1.0 - 0.1 - 0.19 - 0.1)


def test_initialisers():
    rng = np.random.default_rng(0)
    w = xavier((200, 100), rng)
    assert np.abs(w).max() <= np.sqrt(6 / 300)
    assert w.std() == pytest.approx(np.sqrt(6 / 300) / np.sqrt(3), rel=0.05)
    assert he((400, 300), rng).std() == pytest.approx(np.sqrt(2 / 400), rel=0.05)
    assert get_initializer("glorot") is xavier
    np.testing.assert_array_equal(get_initializer("constant")((2, 2), value=0.5),
                                  np.full((2, 2), 0.5))


# ---------------------------------------------------------------- data sets

def test_logic_gates():
    X, y = data.xor()
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, [0, 1, 1, 0])
    np.testing.assert_array_equal(data.and_gate()[1], [0, 0, 0, 1])
    np.testing.assert_array_equal(data.or_gate()[1], [0, 1, 1, 1])


@pytest.mark.parametrize(("make", "n", "n_features", "n_classes"), [
    (lambda seed: data.spirals(n_per_class=50, n_classes=4, noise=0.1, seed=seed), 200, 2, 4),
    (lambda seed: data.spirals(seed=seed), 300, 2, 3),
    (lambda seed: data.moons(n_samples=101, noise=0.1, seed=seed), 101, 2, 2),
    (lambda seed: data.circles(n_samples=80, noise=0.05, factor=0.5, seed=seed), 80, 2, 2),
    (lambda seed: data.blobs(n_samples=90, n_features=5, n_classes=3, spread=1.0, seed=seed),
     90, 5, 3),
])
def test_classification_data_sets_are_seeded_and_shaped(make, n, n_features, n_classes):
    X, y = make(0)
    assert X.shape == (n, n_features) and X.dtype == np.float64
    assert y.shape == (n,) and np.issubdtype(y.dtype, np.integer)
    assert set(np.unique(y)) == set(range(n_classes))
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1  # balanced classes
    X_again, y_again = make(0)
    np.testing.assert_array_equal(X, X_again)
    np.testing.assert_array_equal(y, y_again)
    assert not np.array_equal(X, make(1)[0])


def test_generators_take_a_generator_too():
    a = data.moons(20, seed=np.random.default_rng(5))[0]
    b = data.moons(20, seed=np.random.default_rng(5))[0]
    np.testing.assert_array_equal(a, b)


def test_noisy_line():
    x, y = data.noisy_line(50, slope=2.0, intercept=1.0, noise=0.0, seed=0)
    assert x.shape == (50, 1) and y.shape == (50, 1)
    assert np.all((x >= -1) & (x <= 1))
    np.testing.assert_allclose(y, 2.0 * x + 1.0)
    noisy = data.noisy_line(50, noise=0.5, seed=0)[1]
    np.testing.assert_array_equal(noisy, data.noisy_line(50, noise=0.5, seed=0)[1])


def test_circles_inner_and_outer_radius():
    X, y = data.circles(200, noise=0.0, factor=0.3, seed=0)
    radius = np.linalg.norm(X, axis=1)
    np.testing.assert_allclose(radius[y == 0], 1.0)
    np.testing.assert_allclose(radius[y == 1], 0.3)


def test_standardize():
    rng = np.random.default_rng(0)
    X = rng.normal(5.0, 3.0, size=(100, 3))
    X[:, 2] = 7.0  # a constant feature
    Xs, mean, std = data.standardize(X)
    np.testing.assert_allclose(Xs[:, :2].mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Xs[:, :2].std(axis=0), 1.0)
    np.testing.assert_array_equal(Xs[:, 2], 0.0)  # centred, not divided by zero
    np.testing.assert_allclose(mean, X.mean(axis=0))
    # the training statistics are applied unchanged to new data
    X_new = rng.normal(5.0, 3.0, size=(10, 3))
    Xn, mean2, std2 = data.standardize(X_new, mean, std)
    np.testing.assert_array_equal(mean2, mean)
    np.testing.assert_allclose(Xn[:, 0], (X_new[:, 0] - mean[0]) / std[0])


def test_train_test_split():
    X, y = data.blobs(200, n_classes=4, seed=1)
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_fraction=0.25, seed=0)
    assert len(X_test) == len(y_test) == 50 and len(X_train) == len(y_train) == 150
    # stratified: every class keeps its share (50 each → 12 or 13 in the test part)
    assert all(abs(count - 12.5) <= 0.5 for count in np.bincount(y_test))
    # disjoint, and together exactly the original samples
    rows = {tuple(r) for r in X_train} | {tuple(r) for r in X_test}
    assert len(rows) == 200 and rows == {tuple(r) for r in X}
    for part_X, part_y in ((X_train, y_train), (X_test, y_test)):
        lookup = {tuple(r): label for r, label in zip(X, y)}
        assert all(lookup[tuple(r)] == label for r, label in zip(part_X, part_y))
    # seeded
    again = data.train_test_split(X, y, test_fraction=0.25, seed=0)
    np.testing.assert_array_equal(again[1], X_test)
    assert not np.array_equal(data.train_test_split(X, y, test_fraction=0.25, seed=1)[1], X_test)


@pytest.mark.parametrize(("n", "fraction", "n_test"),
                         [(10, 0.25, 2), (7, 0.5, 4), (30, 0.1, 3), (200, 0.25, 50)])
def test_train_test_split_gives_the_asked_fraction_in_total(n, fraction, n_test):
    y = np.arange(n) % 3
    _, X_test, _, y_test = data.train_test_split(np.zeros((n, 1)), y, test_fraction=fraction,
                                                 seed=0)
    assert len(X_test) == len(y_test) == n_test


def test_train_test_split_without_stratification():
    X, y = np.arange(40.0).reshape(20, 2), np.arange(20) % 2
    X_train, X_test, _, _ = data.train_test_split(X, y, test_fraction=0.3, seed=0, stratify=False)
    assert len(X_test) == 6 and len(X_train) == 14


def test_one_hot():
    np.testing.assert_array_equal(data.one_hot([2, 0, 1]), [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
    assert data.one_hot([0, 1], n_classes=4).shape == (2, 4)
    with pytest.raises(CourseError):
        data.one_hot([0, 3], n_classes=2)
    with pytest.raises(CourseError):
        data.one_hot([0.5, 1])


# ---------------------------------------------------------------- the worked networks

def test_worked_networks_are_fresh_objects():
    a, b = examples.network_321(), examples.network_321()
    a[0].W[0, 0] = 42.0
    assert b[0].W[0, 0] == 0.2
    assert examples.named_weights_321(b) == examples.WEIGHTS_321
    assert examples.X_321.tolist() == [1.0, 0.0, 1.0]
    assert (examples.Y_321, examples.LR_321) == (1.0, 0.9)


def test_every_named_initialiser_builds_a_layer():
    """Each initialiser by name gives a layer of the right shape; zeros and constant are all
    equal."""
    from nncourse.init import INITIALIZERS

    for name in INITIALIZERS:
        layer = Dense(3, 4, "tanh", init=name, seed=0)
        assert layer.W.shape == (3, 4)
        if name in ("zeros", "constant"):
            assert np.all(layer.W == layer.W[0, 0])
    assert np.all(mlp([2, 3, 1], init="constant").layers[0].W == 0.5)


# ---------------------------------------------------------------- registries and the package

def test_every_registry_resolves_every_spelling_and_alias():
    from nncourse.init import INITIALIZERS
    from nncourse.optim import OPTIMIZERS

    for registry in (ACTIVATIONS, LOSSES, OPTIMIZERS, INITIALIZERS):
        for name in registry:
            for spelling in (name, name.upper(), name.replace("_", "-"), f" {name} "):
                assert registry.proper_name(spelling) == name
        for alias, name in registry.aliases.items():
            assert registry.lookup(alias) is registry[name]
    assert list(ACTIVATIONS) == ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax",
                                 "gelu", "swish"]


def test_elementwise_activations_are_read_from_the_registry():
    from nncourse.activations import ELEMENTWISE_ACTIVATIONS

    assert ELEMENTWISE_ACTIVATIONS == tuple(name for name in ACTIVATIONS if name != "softmax")


def test_the_top_level_package_exports_what_lessons_use():
    import nncourse

    for name in nncourse.__all__:
        assert hasattr(nncourse, name), name
    from nncourse import (  # noqa: F401
        SGD, Adam, BinaryCrossEntropy, CategoricalCrossEntropy, MeanSquaredError, Momentum,
        RMSProp, Value, data, gradcheck,
    )
    assert nncourse.gradcheck.check_network is not None and nncourse.data.xor is not None
    assert nncourse.get_loss("ce").name == "categorical_crossentropy"
