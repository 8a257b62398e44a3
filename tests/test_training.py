"""Training works: the course's three problems are learnt, every batch mode learns, and the loop's
controls (callbacks, validation, seeds) do what they say."""

import numpy as np
import pytest

from nncourse import data
from nncourse.errors import CourseError
from nncourse.network import mlp
from nncourse.training import History, accuracy, fit


# ---------------------------------------------------------------- the course's problems

def test_xor_is_learnt_perfectly():
    X, y = data.xor()
    net = mlp([2, 8, 1], hidden="tanh", output="sigmoid", seed=0)
    history = fit(net, X, y, loss="binary_crossentropy", optimizer="adam", lr=0.05, epochs=500)
    assert accuracy(net, X, y) == 1.0
    np.testing.assert_array_equal(net.predict_classes(X), y)
    assert history.loss[-1] < 0.01 * history.loss[0]


def test_xor_is_not_learnt_without_a_hidden_layer():
    """No straight line separates XOR: a single sigmoid neuron cannot get all four right."""
    X, y = data.xor()
    net = mlp([2, 1], output="sigmoid", seed=0)
    fit(net, X, y, loss="binary_crossentropy", optimizer="adam", lr=0.05, epochs=500)
    assert accuracy(net, X, y) <= 0.75


def test_three_spirals():
    X, y = data.spirals(n_per_class=100, n_classes=3, noise=0.2, seed=0)
    net = mlp([2, 32, 32, 3], hidden="relu", output="softmax", seed=0)
    history = fit(net, X, y, loss="categorical_crossentropy", optimizer="adam", lr=0.02, epochs=200)
    assert accuracy(net, X, y) >= 0.95
    assert history.accuracy[-1] >= 0.95


def tabular_blobs():
    """10 features, 3 overlapping classes, split 75/25 (stratified) and standardised on the
    training part."""
    X, y = data.blobs(600, n_features=10, n_classes=3, spread=5.5, seed=0)
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_fraction=0.25, seed=0)
    X_train, mean, std = data.standardize(X_train)
    X_test, _, _ = data.standardize(X_test, mean, std)
    return X_train, X_test, y_train, y_test


def test_tabular_blobs_are_not_linearly_separable():
    """The classes overlap: even a linear model trained long on all the data misses some points."""
    X, y = data.blobs(600, n_features=10, n_classes=3, spread=5.5, seed=0)
    X, _, _ = data.standardize(X)
    linear = mlp([10, 3], output="softmax", seed=0)
    fit(linear, X, y, loss="categorical_crossentropy", optimizer="adam", lr=0.05, epochs=300)
    assert 0.9 < accuracy(linear, X, y) < 1.0


def test_tabular_classifier_10_64_32_3():
    X_train, X_test, y_train, y_test = tabular_blobs()
    assert X_train.shape == (450, 10) and X_test.shape == (150, 10)
    net = mlp([10, 64, 32, 3], hidden="relu", output="softmax", seed=0)
    assert [layer.activation.name for layer in net] == ["relu", "relu", "softmax"]
    history = fit(net, X_train, y_train, loss="categorical_crossentropy", optimizer="adam",
                  lr=0.005, epochs=20, batch_size=32, validation_data=(X_test, y_test))
    assert accuracy(net, X_test, y_test) >= 0.95
    assert history.val_accuracy[-1] == pytest.approx(accuracy(net, X_test, y_test))


# ---------------------------------------------------------------- batch modes

@pytest.mark.parametrize(("batch_size", "steps_per_epoch"), [(None, 1), (16, 4), (1, 60)])
def test_every_batch_mode_reduces_the_loss(batch_size, steps_per_epoch):
    X, y = data.moons(60, noise=0.1, seed=1)
    net = mlp([2, 8, 2], hidden="tanh", output="softmax", seed=1)
    lr = 0.5 if batch_size is None else 0.05
    history = fit(net, X, y, loss="categorical_crossentropy", optimizer="sgd", lr=lr, epochs=10,
                  batch_size=batch_size)
    assert history.epochs == list(range(1, 11))
    assert history.steps == 10 * steps_per_epoch
    assert history.loss[-1] < history.loss[0]
    assert len(history.loss) == len(history.accuracy) == 10


def test_regression_with_mse_learns_the_line():
    X, y = data.noisy_line(80, slope=2.0, intercept=1.0, noise=0.1, seed=0)
    net = mlp([1, 1], output="identity", seed=0)
    history = fit(net, X, y, loss="mse", optimizer="sgd", lr=0.1, epochs=300)
    assert net[0].W[0, 0] == pytest.approx(2.0, abs=0.1)
    assert net[0].b[0] == pytest.approx(1.0, abs=0.1)
    assert history.accuracy == []  # accuracy only for classification
    assert history.loss[-1] < 0.05


def test_every_optimiser_trains():
    X, y = data.blobs(90, n_classes=3, spread=1.0, seed=2)
    for name, lr in (("sgd", 0.1), ("momentum", 0.05), ("rmsprop", 0.01), ("adam", 0.01)):
        net = mlp([2, 8, 3], output="softmax", seed=2)
        history = fit(net, X, y, loss="categorical_crossentropy", optimizer=name, lr=lr, epochs=30)
        assert history.loss[-1] < 0.5 * history.loss[0], name


def test_net_fit_is_fit():
    X, y = data.xor()
    a = mlp([2, 4, 1], hidden="tanh", output="sigmoid", seed=3)
    b = mlp([2, 4, 1], hidden="tanh", output="sigmoid", seed=3)
    options = dict(loss="binary_crossentropy", optimizer="adam", lr=0.05, epochs=20)
    assert a.fit(X, y, **options).as_dict() == fit(b, X, y, **options).as_dict()


# ---------------------------------------------------------------- callbacks and validation

def test_a_callback_returning_false_stops_training():
    X, y = data.xor()
    net = mlp([2, 4, 1], hidden="tanh", output="sigmoid", seed=0)
    seen = []

    def stop_at_three(epoch, history, network):
        seen.append((epoch, len(history.loss), network is net))
        return epoch < 3

    history = fit(net, X, y, loss="binary_crossentropy", epochs=50, callbacks=[stop_at_three])
    assert history.epochs == [1, 2, 3]
    assert seen == [(1, 1, True), (2, 2, True), (3, 3, True)]


def test_a_callback_returning_none_does_not_stop():
    X, y = data.xor()
    net = mlp([2, 4, 1], hidden="tanh", output="sigmoid", seed=0)
    calls = []
    history = fit(net, X, y, loss="binary_crossentropy", epochs=7,
                  callbacks=[lambda *a: calls.append(1)])
    assert len(history.epochs) == 7 and len(calls) == 7


def test_validation_history_is_filled():
    X, y = data.moons(80, noise=0.15, seed=4)
    X_train, X_val, y_train, y_val = data.train_test_split(X, y, test_fraction=0.25, seed=4)
    net = mlp([2, 8, 2], hidden="tanh", output="softmax", seed=4)
    history = fit(net, X_train, y_train, loss="categorical_crossentropy", optimizer="adam", lr=0.02,
                  epochs=12, validation_data=(X_val, y_val))
    assert len(history.val_loss) == len(history.val_accuracy) == len(history.epochs) == 12
    assert all(np.isfinite(history.val_loss))
    assert all(0.0 <= a <= 1.0 for a in history.val_accuracy)
    assert history.val_loss[-1] < history.val_loss[0]
    # the last entry is the network's loss on the validation data after training
    assert history.val_loss[-1] == pytest.approx(net.loss(X_val, y_val, "categorical_crossentropy"))
    assert set(history.as_dict()) == {"epochs", "loss", "accuracy", "val_loss", "val_accuracy"}


def test_without_validation_data_the_validation_history_stays_empty():
    X, y = data.xor()
    history = fit(mlp([2, 3, 1], output="sigmoid"), X, y, loss="binary_crossentropy", epochs=3)
    assert history.val_loss == [] and history.val_accuracy == []
    assert isinstance(history, History) and "3 epochs" in repr(history)


def test_training_that_diverges_says_so():
    X, y = data.noisy_line(20, seed=0)
    net = mlp([1, 16, 1], hidden="relu", output="identity", seed=0)
    with pytest.raises(CourseError, match="(?i)diverged.*smaller learning rate"):
        with np.errstate(over="ignore", invalid="ignore"):
            fit(net, X * 1e3, y * 1e3, loss="mse", optimizer="sgd", lr=10.0, epochs=50)


# ---------------------------------------------------------------- same seed, same numbers

def train_moons(net_seed, fit_seed, batch_size=16):
    X, y = data.moons(64, noise=0.2, seed=5)
    net = mlp([2, 8, 2], hidden="relu", output="softmax", seed=net_seed)
    history = fit(net, X, y, loss="categorical_crossentropy", optimizer="adam", lr=0.01, epochs=8,
                  batch_size=batch_size, seed=fit_seed, validation_data=(X[:16], y[:16]))
    return history, net


def test_same_seed_gives_identical_histories_and_weights():
    (h1, n1), (h2, n2) = train_moons(0, 0), train_moons(0, 0)
    assert h1.as_dict() == h2.as_dict()  # exactly equal, not merely close
    for a, b in zip(n1.parameters(), n2.parameters()):
        np.testing.assert_array_equal(a, b)


def test_a_different_shuffling_seed_gives_a_different_history():
    assert train_moons(0, 0)[0].loss != train_moons(0, 1)[0].loss


def test_a_different_network_seed_gives_a_different_history():
    assert train_moons(0, 0)[0].loss != train_moons(1, 0)[0].loss


def test_stochastic_training_is_reproducible_too():
    assert (train_moons(2, 3, batch_size=1)[0].as_dict()
            == train_moons(2, 3, batch_size=1)[0].as_dict())


def test_progress_bar_in_a_terminal_counts_every_epoch(capsys):
    """progress=True shows one bar on stderr that ends at the last epoch with the final loss."""
    X, y = data.xor()
    net = mlp([2, 4, 1], hidden="tanh", output="sigmoid", seed=0)
    history = net.fit(X, y, loss="binary_crossentropy", lr=0.5, epochs=200, progress=True)
    err = capsys.readouterr().err
    assert "200/200" in err
    assert f"loss={history.loss[-1]:.4f}" in err
    assert err.count("loss=") < 50  # redrawn at tqdm's pace, not once per epoch


# ---------------------------------------------------------------- parameters held fixed

def test_mazur_2_2_2_example_with_its_biases_held_fixed():
    """The published step-by-step example: E before the step, w5 and w1 after one update at
    η = 0.5, and the biases b1 = 0.35, b2 = 0.60 unchanged (they are frozen)."""
    from nncourse.examples import LR_222, X_222, Y_222, named_weights_222, network_222
    from nncourse.optim import SGD

    net = network_222()
    assert net.loss(X_222, Y_222, "half_squared_error") == pytest.approx(0.298371109, abs=5e-10)
    net.backward(Y_222, "half_squared_error")
    gradients = net.gradients()
    assert gradients[1] is None and gradients[3] is None  # b1, b2: held fixed
    SGD(LR_222).step(net.parameters(), gradients)
    weights = named_weights_222(net)
    assert weights["w5"] == pytest.approx(0.35891648, abs=5e-9)
    assert weights["w1"] == pytest.approx(0.149780716, abs=5e-10)
    assert (weights["b1"], weights["b2"]) == (0.35, 0.60)

    # fit takes the same step
    again = network_222()
    fit(again, X_222[None, :], Y_222[None, :], loss="half_squared_error", optimizer="sgd",
        lr=LR_222, epochs=1)
    assert named_weights_222(again) == pytest.approx(weights, abs=1e-15)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "rmsprop", "adam"])
def test_every_optimiser_leaves_frozen_parameters_where_they_are(optimizer):
    X, y = data.blobs(40, n_classes=3, seed=1)
    net = mlp([2, 5, 3], hidden="tanh", output="softmax", seed=2)
    first, last = net.layers
    first.freeze()
    last.freeze("W")
    before = net.get_weights()
    fit(net, X, y, loss="categorical_crossentropy", optimizer=optimizer, lr=0.1, epochs=5,
        batch_size=8)
    after = net.get_weights()
    for name, old, new in zip(["W1", "b1", "W2"], before, after):
        np.testing.assert_array_equal(old, new, err_msg=name)
    assert not np.array_equal(before[3], after[3])  # b2 is free and learns

    last.unfreeze()
    fit(net, X, y, loss="categorical_crossentropy", optimizer=optimizer, lr=0.1, epochs=2)
    assert not np.array_equal(after[2], net.layers[1].W)
    np.testing.assert_array_equal(before[0], net.layers[0].W)


def test_freezing_is_named_and_checked():
    net = mlp([2, 3, 1], output="sigmoid", seed=0)
    assert "frozen=['b']" in repr(net.layers[0].freeze("b"))
    with pytest.raises(CourseError, match="'W' and 'b'; there is no 'bias'"):
        net.layers[0].freeze("bias")
    for layer in net.layers:
        layer.freeze()
    with pytest.raises(CourseError, match="Every parameter of the network is frozen"):
        fit(net, np.zeros((2, 2)), [0, 1], loss="binary_crossentropy", epochs=1)
