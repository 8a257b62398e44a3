"""The training playground's weight penalty control: the engine's L2/L1 penalties, the same
steps as `fit` with that penalty."""

from __future__ import annotations

import numpy as np
import pytest

from nncourse.errors import CourseError
from nncourse.network import mlp
from nncourse.penalties import L1, L2
from nncourse.training import fit
from nncourse.widgets import training_playground


def weight_size(net):
    return np.sqrt(sum(np.sum(layer.W ** 2) for layer in net))


def test_the_penalty_control_trains_exactly_like_fit_with_the_engine_penalty():
    app = training_playground(dataset="moons", hidden=(6,), lr=0.05, batch_size=16, seed=3,
                              penalty="L2 0.01")
    assert app.state["penalty"] == "L2 0.01"
    app.run(12)
    twin = mlp([2, 6, app.n_classes], hidden="tanh", output="softmax", seed=3)
    fit(twin, app.inputs(app.X_train), app.y_train, loss="categorical_crossentropy",
        optimizer="adam", lr=0.05, epochs=12, batch_size=16, seed=np.random.default_rng(3),
        validation_data=(app.inputs(app.X_test), app.y_test), penalty=L2(0.01))
    for ours, theirs in zip(app.net.get_weights(), twin.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


def test_a_stronger_penalty_gives_smaller_weights():
    sizes = {}
    for penalty in ("none", "L2 0.01", "L1 0.01"):
        app = training_playground(dataset="spirals", hidden=(8, 8), lr=0.03, seed=0,
                                  penalty=penalty)
        app.run(60)
        sizes[penalty] = weight_size(app.net)
    assert sizes["L2 0.01"] < 0.8 * sizes["none"] and sizes["L1 0.01"] < 0.8 * sizes["none"]


def test_changing_the_penalty_keeps_the_run_and_uses_the_new_penalty():
    app = training_playground(dataset="moons", hidden=(4,), seed=0)
    app.run(5)
    app.set_state(penalty="L1 0.001")
    assert app.epoch == 5
    assert isinstance(app.penalty, type(L1(0.001))) and app.penalty.l1 == 0.001


def test_an_unknown_penalty_lists_the_choices():
    with pytest.raises(CourseError, match="penalty must be one of"):
        training_playground(penalty="L2 0.5")
