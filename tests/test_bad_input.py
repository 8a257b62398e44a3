"""Mistakes are answered in plain words: a CourseError (a ValueError) with a short message that
names what was wrong and what was expected, never a numpy error from deep inside the engine."""

import re

import numpy as np
import pytest

from nncourse import data
from nncourse.activations import ACTIVATIONS
from nncourse.errors import CourseError
from nncourse.layers import Dense, Neuron
from nncourse.losses import LOSSES, get_loss
from nncourse.network import Sequential, mlp
from nncourse.optim import OPTIMIZERS, SGD, Adam, Momentum, RMSProp, get_optimizer
from nncourse.training import fit

# fragments of numpy's own error messages, which a learner should never have to decode
NUMPY_JARGON = ("broadcast", "operands", "ufunc", "dtype", "ndarray", "Traceback",
                "could not convert", "not aligned", "core dimension", "index", "axis")


def plain_error(action, *fragments) -> str:
    """Run `action`, expect a CourseError in plain words containing every fragment.

    Returns the message.
    """
    with pytest.raises(CourseError) as caught:
        action()
    error = caught.value
    message = str(error)
    assert isinstance(error, ValueError)
    assert "\n" not in message and len(message) < 400, message
    assert message.rstrip().endswith((".", ")")), message
    assert not any(word in message for word in NUMPY_JARGON), message
    # no numpy exception hidden in the chain either
    assert error.__context__ is None or error.__suppress_context__, repr(error.__context__)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


@pytest.fixture
def net():
    return mlp([3, 4, 2], output="softmax", seed=0)


X5 = np.ones((5, 3))
LABELS5 = np.array([0, 1, 0, 1, 1])


# ---------------------------------------------------------------- wrong shapes

@pytest.mark.parametrize(("bad", "received"), [
    (np.ones((5, 4)), "(5, 4)"),
    (np.ones(4), "(4,)"),
    (np.ones((2, 2, 3)), "(2, 2, 3)"),
])
def test_input_of_the_wrong_width_names_layer_and_both_shapes(net, bad, received):
    plain_error(lambda: net.forward(bad), "dense1", "3 inputs", "(n, 3)", received)


def test_wrong_width_in_fit_and_in_validation_data(net):
    plain_error(lambda: fit(net, np.ones((5, 4)), LABELS5, loss="categorical_crossentropy"),
                "dense1", "(n, 3)", "(5, 4)")
    plain_error(lambda: fit(net, X5, LABELS5, loss="categorical_crossentropy",
                            validation_data=(np.ones((2, 4)), [0, 1])),
                "dense1", "(n, 3)", "(2, 4)")


def test_a_named_layer_is_named_in_the_error():
    layer = Dense(3, 2, name="hidden")
    plain_error(lambda: layer.forward(np.ones((1, 2))), "hidden", "(n, 3)", "(1, 2)")
    net = Sequential([Dense(2, 4, "relu", name="first"), Dense(4, 1, name="out")])
    plain_error(lambda: net.forward([[1.0, 2.0, 3.0]]), "first", "(n, 2)", "(1, 3)")


def test_layers_that_do_not_fit_together():
    plain_error(lambda: Sequential([Dense(3, 4), Dense(5, 2)]), "dense1", "4 outputs", "dense2",
                "5 inputs")


def test_a_neuron_with_the_wrong_number_of_inputs():
    plain_error(lambda: Neuron([1.0, 2.0, 3.0], 0.5).forward([1.0, 2.0]), "3 weights", "2 inputs")


@pytest.mark.parametrize(("targets", "fragments"), [
    (np.ones((5, 3)), ("(5, 3)", "(5, 2)")),
    (np.ones((4, 2)), ("(4, 2)", "(5, 2)")),
])
def test_targets_of_the_wrong_shape_in_backward(net, targets, fragments):
    net.forward(X5)
    plain_error(lambda: net.backward(targets, "categorical_crossentropy"), "targets", *fragments)


def test_targets_of_the_wrong_shape_in_fit():
    plain_error(lambda: fit(mlp([3, 2]), X5, np.ones((5, 3)), loss="mse"), "targets", "(5, 3)",
                "(5, 2)")
    plain_error(lambda: fit(mlp([3, 2], output="softmax"), X5, LABELS5[:4],
                            loss="categorical_crossentropy"),
                "5 samples", "4 targets")


def test_a_loss_given_arrays_that_do_not_match():
    plain_error(lambda: get_loss("mse").value(np.ones((5, 2)), np.ones((4, 2))),
                "Mean squared error", "(4, 2)", "(5, 2)")


def test_set_weights_of_the_wrong_shape(net):
    plain_error(lambda: net.set_weights([np.ones((2, 2))] * 4), "dense1.W", "(3, 4)", "(2, 2)")
    plain_error(lambda: net.set_weights(net.get_weights()[:2]), "4", "2")


# ---------------------------------------------------------------- unknown names

def test_unknown_activation_lists_the_valid_ones():
    message = plain_error(lambda: Dense(3, 2, "relux"), "'relux'")
    for name in ACTIVATIONS:
        assert name in message


def test_unknown_loss_lists_the_valid_ones(net):
    message = plain_error(lambda: fit(net, X5, LABELS5, loss="huber"), "'huber'")
    for name in LOSSES:
        assert name in message


def test_unknown_optimiser_lists_the_valid_ones(net):
    message = plain_error(lambda: fit(net, X5, LABELS5, loss="mse", optimizer="adamw"), "'adamw'")
    for name in OPTIMIZERS:
        assert name in message
    plain_error(lambda: get_optimizer("nesterov"), "'nesterov'", "sgd", "adam")


def test_unknown_initialiser_lists_the_valid_ones():
    plain_error(lambda: Dense(3, 2, init="hee"), "'hee'", "he", "xavier", "zeros")


# ---------------------------------------------------------------- learning rate

@pytest.mark.parametrize("lr", [0, 0.0, -0.1, -5, float("nan"), float("inf")])
@pytest.mark.parametrize("optimiser", [SGD, Momentum, RMSProp, Adam])
def test_a_learning_rate_that_cannot_work_is_refused(optimiser, lr):
    plain_error(lambda: optimiser(lr), "learning rate", "positive")


@pytest.mark.parametrize("name", ["sgd", "momentum", "rmsprop", "adam"])
def test_fit_refuses_a_non_positive_learning_rate(net, name):
    plain_error(lambda: fit(net, X5, LABELS5, loss="categorical_crossentropy", optimizer=name,
                            lr=-0.1),
                "learning rate", "-0.1")
    plain_error(lambda: fit(net, X5, LABELS5, loss="categorical_crossentropy", optimizer=name,
                            lr=0),
                "learning rate")


def test_a_learning_rate_that_is_not_a_number():
    plain_error(lambda: SGD("fast"), "learning rate", "'fast'")


# ---------------------------------------------------------------- bad values

@pytest.mark.parametrize("bad_value", [np.nan, np.inf, -np.inf])
def test_nan_or_infinity_in_the_input(net, bad_value):
    X = X5.copy()
    X[2, 1] = bad_value
    plain_error(lambda: net.forward(X), "NaN or infinity")
    plain_error(lambda: fit(net, X, LABELS5, loss="categorical_crossentropy"), "NaN or infinity")


def test_nan_in_the_targets():
    plain_error(lambda: fit(mlp([3, 1]), X5, np.array([1, np.nan, 0, 1, 1.0]), loss="mse"),
                "targets", "NaN or infinity")


def test_nan_in_data_to_standardize():
    plain_error(lambda: data.standardize(np.array([[1.0, np.nan]])), "NaN or infinity")


def test_text_instead_of_numbers(net):
    plain_error(lambda: net.forward([["a", "b", "c"]]), "numbers")
    plain_error(lambda: fit(net, X5, list("abcde"), loss="categorical_crossentropy"), "targets",
                "numbers")


@pytest.mark.parametrize(("labels", "bad"), [([0, 1, 2, 0, 1], "2"), ([0, 1, -1, 0, 1], "-1")])
def test_class_labels_out_of_range(net, labels, bad):
    plain_error(lambda: fit(net, X5, np.array(labels), loss="categorical_crossentropy"),
                f"label {bad}", "out of range", "0 … 1")


def test_class_labels_out_of_range_in_the_loss_itself():
    plain_error(lambda: get_loss("categorical_crossentropy").value(np.full((2, 3), 1 / 3), [0, 5]),
                "label 5", "0 … 2")


def test_labels_that_are_not_whole_numbers(net):
    plain_error(lambda: fit(net, X5, np.array([0, 1, 0.5, 0, 1]), loss="categorical_crossentropy"),
                "whole numbers")


def test_labels_a_loss_cannot_take():
    plain_error(lambda: fit(mlp([3, 1], output="sigmoid"), X5, np.array([0, 1, 2, 0, 1]),
                            loss="binary_crossentropy"), "between 0 and 1")
    plain_error(lambda: fit(mlp([3, 1]), X5, np.array([0, 1, 1, 0, 1]), loss="hinge"), "−1 or +1")


def test_probability_losses_refuse_scores():
    plain_error(lambda: get_loss("binary_crossentropy").value([1.5, -0.2], [1, 0]),
                "from_logits=True")
    plain_error(lambda: get_loss("categorical_crossentropy").value([[2.0, -1.0]], [0]),
                "from_logits=True")


# ---------------------------------------------------------------- empty things

def test_an_empty_batch(net):
    plain_error(lambda: net.forward(np.empty((0, 3))), "empty")
    plain_error(lambda: fit(net, np.empty((0, 3)), np.empty(0), loss="categorical_crossentropy"),
                "empty")
    plain_error(lambda: get_loss("mse").value([], []), "empty")
    plain_error(lambda: Dense(3, 2).forward([]), "empty")


def test_a_network_with_no_layers():
    plain_error(lambda: Sequential([]), "at least one layer")
    plain_error(lambda: mlp([3]), "at least an input size and an output size")


def test_a_layer_with_no_neurons():
    plain_error(lambda: Dense(3, 0), "neurons", "0")
    plain_error(lambda: Dense(0, 3), "inputs", "0")


def test_something_that_is_not_a_layer():
    plain_error(lambda: Sequential([Dense(2, 2), "relu"]), "Layer 2", "str")


# ---------------------------------------------------------------- the order of things

def test_backward_before_forward():
    plain_error(lambda: mlp([3, 2]).backward([[0.0, 1.0]], "mse"), "forward")


def test_gradients_before_backward():
    plain_error(lambda: mlp([3, 2]).gradients(), "backward")


def test_bad_training_settings(net):
    plain_error(lambda: fit(net, X5, LABELS5, loss="categorical_crossentropy", epochs=0),
                "epochs", "0")
    plain_error(lambda: fit(net, X5, LABELS5, loss="categorical_crossentropy", batch_size=0),
                "batch_size", "0")
    plain_error(lambda: fit(net, X5, LABELS5, loss="categorical_crossentropy", batch_size=2.5),
                "batch_size", "2.5")


def test_an_optimiser_given_mismatched_gradients():
    plain_error(lambda: SGD(0.1).step([np.ones(3)], [np.ones(2)]), "(3,)", "(2,)")
    plain_error(lambda: SGD(0.1).step([np.ones(3), np.ones(2)], [np.ones(3)]), "2 parameters",
                "1 gradients")


def test_every_message_is_one_line_without_numpy_words(net):
    """A sweep over the mistakes above: none leaks a numpy message."""
    mistakes = [
        lambda: net.forward(np.ones((5, 4))),
        lambda: fit(net, X5, LABELS5, loss="nope"),
        lambda: fit(net, X5, np.array([0, 1, 7, 0, 1]), loss="categorical_crossentropy"),
        lambda: data.train_test_split(X5, LABELS5[:3]),
        lambda: data.one_hot([0, 3], n_classes=2),
        lambda: data.blobs(n_samples=0),
    ]
    for mistake in mistakes:
        message = plain_error(mistake)
        assert re.search(r"\w", message)
