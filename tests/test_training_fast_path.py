"""The training loop's private shortcuts change no number: fit takes the same steps as forward,
backward and an optimiser's checked step, one by one."""

import numpy as np

from nncourse import data
from nncourse.layers import Dense
from nncourse.losses import get_loss
from nncourse.network import Sequential, mlp
from nncourse.optim import Adam, SGD
from nncourse.training import fit


def step_by_step(net, X, y, loss, optimizer, epochs):
    for _ in range(epochs):
        net.forward(X)
        net.backward(y, loss)
        optimizer.step(net.parameters(), net.gradients())


def test_fit_full_batch_equals_the_public_steps():
    X, y = data.blobs(40, n_classes=3, seed=1)
    ours, reference = (mlp([2, 5, 4, 3], output="softmax", seed=3) for _ in range(2))
    fit(ours, X, y, loss="categorical_crossentropy", optimizer=Adam(0.01), epochs=7)
    step_by_step(reference, X, y, "categorical_crossentropy", Adam(0.01), 7)
    for a, b in zip(ours.parameters(), reference.parameters()):
        np.testing.assert_array_equal(a, b)


def test_the_first_layer_skips_only_its_input_gradient():
    """In fit the first layer computes dW and db but not dL/dX; backward still returns dL/dX."""
    X, y = data.blobs(20, n_classes=2, seed=0)
    net = mlp([2, 3, 1], output="sigmoid", seed=0)
    net.forward(X)
    dX = net.backward(y, "binary_crossentropy")
    dW = [layer.dW.copy() for layer in net.layers]
    assert dX.shape == X.shape
    net.forward(X)
    targets = net.targets_for(y, net.layers[-1].a)
    assert net._backward(targets, get_loss("bce"), input_gradient=False) is None
    for layer, before in zip(net.layers, dW):
        np.testing.assert_array_equal(layer.dW, before)


def test_a_layer_with_its_own_backward_is_always_asked():
    """Lesson 05's exercise writes backward_from_z in a subclass: fit must go through it, first
    layer included."""
    calls = []

    class CountingDense(Dense):
        def backward_from_z(self, dz):
            calls.append(self.name)
            self.dz, self.dW, self.db = dz, self.X.T @ dz, dz.sum(axis=0)
            return dz @ self.W.T

    layers = [CountingDense(2, 4, "tanh", seed=0, name="first"),
              CountingDense(4, 1, "sigmoid", seed=1, name="last")]
    X, y = data.blobs(16, n_classes=2, seed=2)
    fit(Sequential(layers), X, y, loss="binary_crossentropy", optimizer=SGD(0.1), epochs=3)
    assert calls == ["last", "first"] * 3
