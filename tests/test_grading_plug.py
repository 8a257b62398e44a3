"""A learner's own function inside the engine: a right one trains like the engine, a wrong one
not."""

from __future__ import annotations

import numpy as np
import pytest

from nncourse.data import xor
from nncourse.errors import CourseError
from nncourse.grading.plug import LearnerActivation, with_learner_backward
from nncourse.layers import Dense
from nncourse.network import Sequential, mlp


def dense_backward(X, W, dz):
    return dz @ W.T, X.T @ dz, dz.sum(axis=0)


def dense_backward_wrong_sign(X, W, dz):
    return dz @ W.T, -(X.T @ dz), dz.sum(axis=0)


def train(net, epochs=300):
    X, y = xor()
    return net.fit(X, y, loss="binary_crossentropy", lr=0.5, epochs=epochs).loss


def test_a_right_backward_trains_exactly_like_the_engine():
    engine = train(mlp([2, 8, 1], hidden="tanh", output="sigmoid", seed=3))
    learner = train(with_learner_backward(mlp([2, 8, 1], hidden="tanh", output="sigmoid", seed=3),
                                          dense_backward))
    np.testing.assert_allclose(learner, engine, rtol=1e-12)
    assert learner[-1] < 0.5 * learner[0]


def test_a_wrong_backward_does_not_learn():
    losses = train(with_learner_backward(mlp([2, 8, 1], hidden="tanh", output="sigmoid", seed=3),
                                         dense_backward_wrong_sign))
    assert losses[-1] > 0.9 * losses[0]


def test_an_unwritten_backward_is_refused_in_words():
    net = with_learner_backward(mlp([2, 4, 1], output="sigmoid"), lambda X, W, dz: None)
    with pytest.raises(CourseError, match="must return three arrays"):
        train(net, epochs=1)
    net = with_learner_backward(mlp([2, 4, 1], output="sigmoid"),
                                lambda X, W, dz: (dz @ W.T, X.T @ dz, dz))
    with pytest.raises(CourseError, match=r"your db has shape \(4, 1\); it must have shape \(1,\)"):
        train(net, epochs=1)


def test_a_learner_activation_in_a_layer():
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    def sigmoid_derivative(z):
        return sigmoid(z) * (1 - sigmoid(z))

    mine = Sequential([Dense(2, 4, LearnerActivation(sigmoid, sigmoid_derivative), seed=0),
                       Dense(4, 1, "sigmoid", seed=1)])
    engine = Sequential([Dense(2, 4, "sigmoid", seed=0), Dense(4, 1, "sigmoid", seed=1)])
    np.testing.assert_allclose(train(mine, 50), train(engine, 50), rtol=1e-10)
