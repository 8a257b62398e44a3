"""Dropout, weight penalties and early stopping: what they compute, their gradients checked
numerically, and the same steps as PyTorch where PyTorch has the same thing."""

from __future__ import annotations

import numpy as np
import pytest

from nncourse import data
from nncourse.dropout import Dropout
from nncourse.early_stopping import EarlyStopping
from nncourse.errors import CourseError
from nncourse.gradcheck import numerical_gradient, relative_error
from nncourse.layers import Dense
from nncourse.network import Sequential, mlp
from nncourse.penalties import L1, L2, Penalty
from nncourse.training import fit


def dropout_net(rate=0.5, seed=0):
    rng = np.random.default_rng(seed)
    return Sequential([Dense(2, 16, "relu", rng=rng), Dropout(rate, seed=seed + 1),
                       Dense(16, 3, "softmax", rng=rng)])


# ---------------------------------------------------------------- Dropout

def test_dropout_is_the_identity_in_evaluation_mode():
    layer = Dropout(0.5, seed=0)
    X = np.random.default_rng(1).normal(size=(4, 6))
    assert layer.training is False
    np.testing.assert_array_equal(layer.forward(X), X)
    np.testing.assert_array_equal(layer.backward(np.ones_like(X)), np.ones_like(X))


def test_dropout_in_training_keeps_a_share_one_minus_p_scaled_by_its_inverse():
    layer = Dropout(0.3, seed=0)
    layer.training = True
    X = np.ones((400, 500))
    A = layer.forward(X)
    assert set(np.unique(A)) == {0.0, 1.0 / 0.7}
    kept = np.mean(A > 0)
    # 200 000 Bernoulli(0.7) draws: the share kept is within 5 standard errors of 0.7
    assert abs(kept - 0.7) < 5 * np.sqrt(0.7 * 0.3 / X.size)
    # inverted dropout keeps the expected value: the mean output is within 5 standard errors of 1
    assert abs(A.mean() - 1.0) < 5 * np.sqrt(0.3 / 0.7 / X.size)


def test_dropout_draws_a_new_mask_each_step_and_the_same_masks_for_the_same_seed():
    first, again = Dropout(0.5, seed=7), Dropout(0.5, seed=7)
    first.training = again.training = True
    X = np.ones((5, 8))
    a1, a2 = first.forward(X), first.forward(X)
    assert not np.array_equal(a1, a2)
    np.testing.assert_array_equal(again.forward(X), a1)
    np.testing.assert_array_equal(again.forward(X), a2)


def test_dropout_backward_matches_central_differences_with_the_mask_held_fixed():
    X = np.random.default_rng(2).normal(size=(6, 5))
    g = np.random.default_rng(3).normal(size=(6, 5))
    layer = Dropout(0.4)
    layer.training = True

    def value():
        layer.rng = np.random.default_rng(11)      # the same mask at every evaluation
        return float(np.sum(g * layer.forward(X)))

    value()
    analytic = layer.backward(g)
    assert relative_error(analytic, numerical_gradient(value, X)) < 1e-8
    assert np.any(analytic == 0) and np.any(analytic != 0)


def test_a_network_with_dropout_in_training_mode_has_correct_gradients():
    X, y = data.moons(30, seed=0)     # no sample at a ReLU kink, no saturated softmax
    net = dropout_net(0.5).train()
    dropout = net.layers[1]

    def value():
        dropout.rng = np.random.default_rng(5)
        return net.loss(X, y, "categorical_crossentropy")

    value()
    net.backward(y, "categorical_crossentropy")
    analytic = [g.copy() for g in net.gradients()]
    for (name, param), grad in zip(net.named_parameters(), analytic):
        assert relative_error(grad, numerical_gradient(value, param)) < 1e-6, name


def test_dropout_matches_pytorch_scaling_and_evaluation_behaviour():
    torch = pytest.importorskip("torch")
    X = torch.ones(200, 300, dtype=torch.float64)
    drop = torch.nn.Dropout(0.25)
    drop.train()
    values = set(np.unique(drop(X).numpy()))
    ours = Dropout(0.25, seed=0)
    ours.training = True
    assert values == set(np.unique(ours.forward(X.numpy()))) == {0.0, 1.0 / 0.75}
    drop.eval()
    ours.training = False
    np.testing.assert_array_equal(drop(X).numpy(), ours.forward(X.numpy()))


def test_fit_drops_during_steps_only_and_leaves_the_network_in_evaluation_mode():
    X, y = data.spirals(30, 3, seed=0)
    net = dropout_net(0.5)
    history = fit(net, X, y, loss="categorical_crossentropy", optimizer="adam", lr=0.01,
                  epochs=5, validation_data=(X, y))
    assert net.layers[1].training is False
    # on the same data, the validation loss is the evaluation-mode loss: no dropout in it
    assert history.val_loss[-1] == pytest.approx(net.loss(X, y, "categorical_crossentropy"),
                                                 rel=1e-12)
    np.testing.assert_array_equal(net.forward(X), net.forward(X))


def test_dropout_rate_zero_trains_exactly_like_no_dropout():
    X, y = data.moons(40, seed=0)
    with_layer = Sequential([Dense(2, 8, "tanh", seed=0), Dropout(0.0, seed=0),
                             Dense(8, 2, "softmax", seed=1)])
    without = Sequential([Dense(2, 8, "tanh", seed=0), Dense(8, 2, "softmax", seed=1)])
    options = dict(loss="categorical_crossentropy", optimizer="sgd", lr=0.5, epochs=20)
    assert fit(with_layer, X, y, **options).loss == fit(without, X, y, **options).loss


def test_the_same_seeds_give_the_same_dropout_training_history():
    X, y = data.spirals(20, 3, seed=1)
    runs = [fit(dropout_net(0.5, seed=3), X, y, loss="categorical_crossentropy", optimizer="adam",
                lr=0.01, epochs=10, batch_size=16).loss for _ in range(2)]
    assert runs[0] == runs[1]


@pytest.mark.parametrize("rate", [1.0, -0.1, True, "half", 1.5])
def test_a_dropout_rate_outside_0_to_1_is_refused_in_plain_words(rate):
    with pytest.raises(CourseError, match="share of outputs switched off"):
        Dropout(rate)


def test_dropout_must_sit_between_two_layers():
    with pytest.raises(CourseError, match="between two layers"):
        Sequential([Dropout(0.5), Dense(2, 2)])
    with pytest.raises(CourseError, match="between two layers"):
        Sequential([Dense(2, 2), Dropout(0.5)])


def test_summary_and_repr_show_the_dropout_layer():
    net = dropout_net(0.5)
    assert "dropout2" in net.summary() and "dropout p=0.5" in net.summary()
    assert "total parameters: 99" in net.summary()
    assert repr(net) == "Sequential(2 → 16 relu → Dropout(0.5, name='dropout2') → 3 softmax)"


# ---------------------------------------------------------------- weight penalties

def test_penalty_value_is_half_l2_squared_plus_l1_over_the_weights_only():
    net = Sequential([Dense.from_weights([[1.0, -2.0]], [5.0, 5.0]),
                      Dense.from_weights([[3.0], [0.0]], [7.0])])
    # weights 1, -2, 3, 0: Σw² = 14, Σ|w| = 6; the biases 5, 5, 7 do not count
    assert Penalty(l2=0.1).value(net) == pytest.approx(0.5 * 0.1 * 14)
    assert Penalty(l1=0.01).value(net) == pytest.approx(0.01 * 6)
    assert Penalty(l2=0.1, l1=0.01).value(net) == pytest.approx(0.7 + 0.06)


@pytest.mark.parametrize("penalty", [L2(0.05), L1(0.02), Penalty(l2=0.03, l1=0.01)])
def test_penalty_gradient_matches_central_differences(penalty):
    X, y = data.spirals(8, 3, seed=2)
    net = mlp([2, 6, 5, 3], hidden="tanh", output="softmax", seed=4)

    def objective():
        return net.loss(X, y, "categorical_crossentropy") + penalty.value(net)

    objective()
    net.backward(y, "categorical_crossentropy")
    penalty.add_gradient(net)
    for (name, param), grad in zip(net.named_parameters(), [g.copy() for g in net.gradients()]):
        assert relative_error(grad, numerical_gradient(objective, param)) < 1e-7, name


def test_penalty_leaves_the_bias_gradients_alone():
    X, y = data.moons(20, seed=0)
    net = mlp([2, 4, 2], output="softmax", seed=0)
    net.loss(X, y, "categorical_crossentropy")
    net.backward(y, "categorical_crossentropy")
    before = [g.copy() for g in net.gradients()]
    L2(0.5).add_gradient(net)
    after = net.gradients()
    np.testing.assert_array_equal(before[1], after[1])
    np.testing.assert_allclose(after[0], before[0] + 0.5 * net.layers[0].W)


def test_l1_drives_weights_to_zero_and_l2_only_shrinks_them():
    X, y = data.blobs(200, n_features=6, n_classes=3, seed=0)
    options = dict(loss="categorical_crossentropy", optimizer="sgd", lr=0.1, epochs=300)
    plain = mlp([6, 16, 3], output="softmax", seed=0)
    fit(plain, X, y, **options)
    shrunk = mlp([6, 16, 3], output="softmax", seed=0)
    fit(shrunk, X, y, penalty=L2(0.05), **options)
    sparse = mlp([6, 16, 3], output="softmax", seed=0)
    fit(sparse, X, y, penalty=L1(0.02), **options)

    def norm(net):
        return np.sqrt(sum(np.sum(layer.W ** 2) for layer in net))

    assert norm(shrunk) < 0.8 * norm(plain)
    near_zero = np.mean(np.abs(np.concatenate([layer.W.ravel() for layer in sparse])) < 1e-2)
    assert near_zero > 0.3 and near_zero > 3 * np.mean(
        np.abs(np.concatenate([layer.W.ravel() for layer in shrunk])) < 1e-2)


@pytest.mark.parametrize("strength", [-0.1, float("nan"), "big"])
def test_a_penalty_strength_must_be_a_number_at_least_zero(strength):
    with pytest.raises(CourseError, match="strength must be a number"):
        Penalty(l2=strength)


def test_fit_refuses_a_penalty_that_is_not_one():
    X, y = data.moons(10, seed=0)
    with pytest.raises(CourseError, match="penalty must be a weight penalty"):
        fit(mlp([2, 2], output="softmax"), X, y, loss="categorical_crossentropy", penalty=0.01)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "rmsprop", "adam"])
def test_l2_penalty_takes_the_same_steps_as_pytorch_weight_decay(optimizer):
    torch = pytest.importorskip("torch")
    from nncourse.optim import get_optimizer

    X, y = data.spirals(20, 3, seed=0)
    lam, lr, epochs = 0.01, 0.05, 15
    net = mlp([2, 8, 3], hidden="tanh", output="softmax", seed=0)
    linears = [torch.nn.Linear(layer.n_inputs, layer.n_neurons, dtype=torch.float64)
               for layer in net]
    with torch.no_grad():
        for linear, layer in zip(linears, net):
            linear.weight.copy_(torch.from_numpy(layer.W.T.copy()))  # torch: W as (out, in)
            linear.bias.copy_(torch.from_numpy(layer.b.copy()))
    groups = [{"params": [lin.weight for lin in linears], "weight_decay": lam},
              {"params": [lin.bias for lin in linears], "weight_decay": 0.0}]
    torch_optimizer = {"sgd": lambda: torch.optim.SGD(groups, lr=lr),
                       "momentum": lambda: torch.optim.SGD(groups, lr=lr, momentum=0.9),
                       "rmsprop": lambda: torch.optim.RMSprop(groups, lr=lr, alpha=0.99, eps=1e-8),
                       "adam": lambda: torch.optim.Adam(groups, lr=lr)}[optimizer]()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y).long()
    torch_losses = []
    for _ in range(epochs):
        torch_optimizer.zero_grad()
        logits = linears[1](torch.tanh(linears[0](Xt)))
        loss = torch.nn.functional.cross_entropy(logits, yt)
        loss.backward()
        torch_optimizer.step()
        torch_losses.append(loss.item())
    history = fit(net, X, y, loss="categorical_crossentropy",
                  optimizer=get_optimizer(optimizer, lr), epochs=epochs, penalty=L2(lam))
    np.testing.assert_allclose(history.loss, torch_losses, rtol=1e-12, atol=1e-14)
    for linear, layer in zip(linears, net):
        np.testing.assert_allclose(layer.W, linear.weight.detach().numpy().T, rtol=1e-10,
                                   atol=1e-13)
        np.testing.assert_allclose(layer.b, linear.bias.detach().numpy(), rtol=1e-10, atol=1e-13)


# ---------------------------------------------------------------- early stopping

def overfitting_run(stopper, epochs=300, seed=0):
    X, y = data.moons(30, noise=0.4, seed=1)
    X_val, y_val = data.moons(300, noise=0.4, seed=2)
    net = mlp([2, 64, 64, 2], output="softmax", seed=seed)
    history = fit(net, X, y, loss="categorical_crossentropy", optimizer="adam", lr=0.01,
                  epochs=epochs, validation_data=(X_val, y_val),
                  callbacks=[stopper] if stopper else [])
    return net, history, (X_val, y_val)


def test_early_stopping_stops_after_patience_and_restores_the_best_epochs_weights():
    stopper = EarlyStopping(patience=15)
    net, history, (X_val, y_val) = overfitting_run(stopper)
    best = int(np.argmin(history.val_loss)) + 1
    assert stopper.best_epoch == best
    assert stopper.stopped_epoch == best + 15 == len(history.epochs)
    assert len(history.epochs) < 300
    # the network holds the best epoch's weights: a fresh run of `best` epochs ends there too
    replay, _, _ = overfitting_run(None, epochs=best)
    for ours, theirs in zip(net.get_weights(), replay.get_weights()):
        np.testing.assert_array_equal(ours, theirs)
    assert net.loss(X_val, y_val, "categorical_crossentropy") == pytest.approx(
        min(history.val_loss), rel=1e-12)


def test_early_stopping_without_restore_keeps_the_last_weights():
    stopper = EarlyStopping(patience=15, restore_best=False)
    net, history, (X_val, y_val) = overfitting_run(stopper)
    assert net.loss(X_val, y_val, "categorical_crossentropy") == pytest.approx(
        history.val_loss[-1], rel=1e-12)


def test_early_stopping_restores_the_best_weights_even_when_the_epochs_run_out():
    stopper = EarlyStopping(patience=1000)
    net, history, (X_val, y_val) = overfitting_run(stopper, epochs=120)
    assert stopper.stopped_epoch is None and len(history.epochs) == 120
    assert net.loss(X_val, y_val, "categorical_crossentropy") == pytest.approx(
        min(history.val_loss), rel=1e-12)


def test_early_stopping_starts_afresh_in_a_new_fit():
    stopper = EarlyStopping(patience=15)
    overfitting_run(stopper)
    first = stopper.best_epoch
    overfitting_run(stopper, seed=0)
    assert stopper.best_epoch == first


def test_early_stopping_on_accuracy_waits_for_an_increase():
    stopper = EarlyStopping(patience=5, monitor="val_accuracy")
    _, history, _ = overfitting_run(stopper)
    assert stopper.best == max(history.val_accuracy)


def test_early_stopping_without_validation_data_says_so():
    X, y = data.moons(10, seed=0)
    with pytest.raises(CourseError, match="validation_data"):
        fit(mlp([2, 2], output="softmax"), X, y, loss="categorical_crossentropy",
            callbacks=[EarlyStopping(3)])


@pytest.mark.parametrize("patience", [0, 2.5, True])
def test_early_stopping_patience_must_be_a_whole_number(patience):
    with pytest.raises(CourseError, match="patience"):
        EarlyStopping(patience)
