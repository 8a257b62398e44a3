"""Exercise 09: the checks pass the right loop and catch the usual mistakes, each on the case that
names it."""

from __future__ import annotations

import numpy as np

from nncourse.grading import evaluate
from nncourse.grading.messages import format_result
from nncourse.losses import CategoricalCrossEntropy
from nncourse.network import mlp
from nncourse.optim import Adam


def add_weight_decay(net, lam):
    for layer in net.layers:
        if "W" in layer.params:
            layer.dW = layer.dW + lam * layer.W


def decay_with_bias(net, lam):
    for layer in net.layers:
        if "W" in layer.params:
            layer.dW = layer.dW + lam * layer.W
            layer.db = layer.db + lam * layer.b


def decay_doubled(net, lam):
    for layer in net.layers:
        if "W" in layer.params:
            layer.dW = layer.dW + 2 * lam * layer.W


def decay_forgetting_dropout(net, lam):
    for layer in net.layers:
        layer.dW = layer.dW + lam * layer.W


def make_loop(*, restore=True, evaluate_mode=True, strict=True, patience_shift=0):
    def train_with_early_stopping(net, data, lr, lam, epochs, patience):
        X_train, y_train, X_val, y_val = data
        loss, optimizer = CategoricalCrossEntropy(), Adam(lr)
        best, best_epoch, best_weights, waited, val_losses = np.inf, None, None, 0, []
        for epoch in range(1, epochs + 1):
            net.train()
            net.forward(X_train)
            net.backward(y_train, loss)
            add_weight_decay(net, lam)
            optimizer.step(net.parameters(), net.gradients())
            if evaluate_mode:
                net.eval()
            val_losses.append(loss.value(net.forward(X_val), y_val))
            if val_losses[-1] < best or (not strict and val_losses[-1] == best):
                best, best_epoch, best_weights, waited = val_losses[-1], epoch, net.get_weights(), 0
            else:
                waited += 1
                if waited >= patience + patience_shift:
                    break
        if restore:
            net.set_weights(best_weights)
        return best_epoch, val_losses
    return train_with_early_stopping


def result_of(exercise_id, **namespace):
    result = evaluate(exercise_id, namespace={"add_weight_decay": add_weight_decay, **namespace})
    return result, format_result(result)


def test_the_right_weight_decay_passes():
    result, text = result_of("09-weight_decay")
    assert result.passed, text


def test_penalising_the_biases_fails_and_names_the_bias_gradient():
    result, text = result_of("09-weight_decay", add_weight_decay=decay_with_bias)
    assert not result.passed and "db" in text and "weights only" in text


def test_a_doubled_penalty_fails_with_the_hint_about_the_half():
    result, text = result_of("09-weight_decay", add_weight_decay=decay_doubled)
    assert not result.passed and "½" in text


def test_a_dropout_layer_without_weights_is_reported_on_its_case():
    result, text = result_of("09-weight_decay", add_weight_decay=decay_forgetting_dropout)
    assert not result.passed and result.n_passed == 2 and "Dropout" in text


def test_the_right_loop_passes_and_the_usual_mistakes_fail():
    result, text = result_of("09-early_stopping", train_with_early_stopping=make_loop())
    assert result.passed, text
    for mistake, words in ((dict(restore=False), "weights after training"),
                           (dict(patience_shift=1), "best epoch"),
                           (dict(evaluate_mode=False), "net.eval()")):
        result, text = result_of("09-early_stopping",
                                 train_with_early_stopping=make_loop(**mistake))
        assert not result.passed and words in text, (mistake, text)


def test_forgetting_evaluation_mode_fails_only_the_dropout_case():
    result, _ = result_of("09-early_stopping",
                          train_with_early_stopping=make_loop(evaluate_mode=False))
    assert result.n_passed == result.n_cases - 1


def test_a_weak_digits_network_is_told_its_test_accuracy_and_what_to_look_at():
    def train_digits(X_train, y_train, X_val, y_val):
        net = mlp([64, 4, 10], output="softmax", seed=0)
        make_loop()(net, (X_train, y_train, X_val, y_val), 0.001, 0.0, 5, 3)
        return net

    result, text = result_of("09-digits", train_with_early_stopping=make_loop(),
                             train_digits=train_digits)
    assert not result.passed and "test images right; the target is 95%" in text


def test_the_digits_solution_reaches_the_target_on_both_splits():
    def train_digits(X_train, y_train, X_val, y_val):
        net = mlp([64, 32, 10], hidden="relu", output="softmax", seed=0)
        make_loop()(net, (X_train, y_train, X_val, y_val), 0.01, 1e-3, 60, 10)
        return net

    result, text = result_of("09-digits", train_with_early_stopping=make_loop(),
                             train_digits=train_digits)
    assert result.passed, text
