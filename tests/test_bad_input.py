"""Mistakes are answered in plain words: a CourseError (a ValueError) with a short message that
names what was wrong and what was expected, never a numpy error from deep inside the engine."""

import re
import warnings

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


# ---------------------------------------------------------------- no silent wrong result

@pytest.mark.parametrize(("output", "loss", "fragments"), [
    ("identity", "categorical_crossentropy", ("softmax output", "'identity'", "from_logits=True")),
    ("sigmoid", "categorical_crossentropy", ("softmax output", "'sigmoid'", "\"softmax\"")),
    ("softmax", "binary_crossentropy", ("sigmoid output", "'softmax'", "from_logits=True")),
    ("identity", "binary_crossentropy", ("sigmoid output", "'identity'", "\"sigmoid\"")),
    ("sigmoid", "hinge", ("raw scores", "'sigmoid'", "\"identity\"")),
    ("relu", "hinge", ("can be negative", "'relu'", "\"identity\"")),
    ("identity", "kl_divergence", ("probability distribution", "'identity'", "\"softmax\"")),
    ("sigmoid", "kl_divergence", ("softmax output", "'sigmoid'", "\"softmax\"")),
])
def test_an_output_that_does_not_suit_the_loss_is_refused(output, loss, fragments):
    """Categorical cross-entropy on an identity output trained to a loss of −24.7; on sigmoid
    outputs it read 0.003 at accuracy 0.58. Now fit, loss and backward say what to change."""
    X, y = data.blobs(30, n_classes=3, seed=0)
    net = mlp([2, 4, 3], output=output, seed=0)
    plain_error(lambda: fit(net, X, y, loss=loss, epochs=2), "dense2", *fragments)
    plain_error(lambda: net.loss(X, y, loss), *fragments)
    net.forward(X)
    plain_error(lambda: net.backward(y, loss), *fragments)


def test_kl_divergence_on_a_single_softmax_output_is_refused():
    """A softmax of one number is always 1: KL against it would train nothing."""
    net = mlp([2, 1], output="softmax", seed=0)
    plain_error(lambda: net.loss(np.ones((2, 2)), [[1.0], [1.0]], "kl_divergence"),
                "one output", "one output per outcome")


def test_from_logits_on_a_probability_output_is_refused():
    from nncourse.losses import BinaryCrossEntropy, CategoricalCrossEntropy

    net = mlp([2, 3], output="softmax", seed=0)
    plain_error(lambda: net.loss(np.ones((2, 2)), [0, 1],
                                 CategoricalCrossEntropy(from_logits=True)),
                "applies the softmax itself", "identity output")
    one = mlp([2, 1], output="sigmoid", seed=0)
    plain_error(lambda: one.loss(np.ones((2, 2)), [0, 1], BinaryCrossEntropy(from_logits=True)),
                "applies the sigmoid itself")
    plain_error(lambda: one.loss(np.ones((2, 2)), [0, 1], "categorical_crossentropy"),
                "one output", "binary cross-entropy")


def test_what_the_learner_holds_is_not_the_cache():
    """`X *= 2` after forward, or `out *= 0.5` before backward, changes nothing in the gradients."""
    X = data.blobs(20, n_classes=3, seed=1)[0]
    y = data.blobs(20, n_classes=3, seed=1)[1]
    for output, loss in (("softmax", "categorical_crossentropy"), ("identity", "mse")):
        net = mlp([2, 5, 3], hidden="tanh", output=output, seed=3)
        targets = np.eye(3)[y] if output == "identity" else y
        net.forward(X)
        net.backward(targets, loss)
        expected = [g.copy() for g in net.gradients()]
        Xc = X.copy()
        out = net.forward(Xc)
        Xc *= 2
        out *= 0.5
        net.backward(targets, loss)
        for a, b in zip(net.gradients(), expected):
            np.testing.assert_array_equal(a, b)
    layer = Dense(2, 3, "sigmoid", seed=0)
    Xl = np.ones((4, 2))
    A = layer.forward(Xl)
    Xl[...] = 7.0
    A[...] = 0.0
    np.testing.assert_array_equal(layer.X, np.ones((4, 2)))
    assert np.all(layer.a > 0)


def test_a_learning_rate_given_twice_is_refused(net):
    plain_error(lambda: fit(net, X5, LABELS5, loss="categorical_crossentropy",
                            optimizer=SGD(0.1), lr=5, epochs=1),
                "lr=5", "SGD(lr=0.1)", "one place")


@pytest.mark.parametrize(("option", "value"), [("epochs", True), ("batch_size", True),
                                               ("epochs", False), ("batch_size", 2.0)])
def test_a_bool_is_not_a_count(net, option, value):
    plain_error(lambda: fit(net, X5, LABELS5, loss="categorical_crossentropy",
                            **{"epochs": 1, option: value}), option, repr(value))


def test_a_neuron_takes_one_row_of_weights_and_one_bias():
    plain_error(lambda: Neuron(weights=[[1, 2], [3, 4]]), "one list of numbers", "(2, 2)",
                "Dense.from_weights")
    plain_error(lambda: Neuron(weights=[1.0], bias=[1.0]), "one bias", "[1.0]")
    assert Neuron(weights=[1.0, 2.0], bias=np.float64(0.5)).forward([1.0, 1.0]) == 3.5


def test_parameters_set_by_hand_must_keep_their_shape():
    layer = Dense(3, 4, seed=0)
    plain_error(lambda: setattr(layer, "b", np.zeros((4, 1))), "b", "(4,)", "(4, 1)")
    plain_error(lambda: setattr(layer, "W", np.zeros((4, 3))), "W", "(3, 4)", "(4, 3)")
    plain_error(lambda: setattr(layer, "W", np.full((3, 4), np.nan)), "NaN")
    W = layer.W
    layer.W = np.ones((3, 4))
    assert layer.W is W and np.all(W == 1.0)  # the same array, so an optimiser keeps it


def test_a_callback_that_rebinds_a_weight_matrix_does_not_stop_learning():
    X, y = data.blobs(40, n_classes=2, seed=2)
    net = mlp([2, 4, 2], output="softmax", seed=0)

    restart = np.random.default_rng(5).normal(size=(2, 4))

    def reset_first_layer(epoch, history, network):
        if epoch == 1:
            network.layers[0].W = restart

    fit(net, X, y, loss="categorical_crossentropy", lr=0.5, epochs=3,
        callbacks=reset_first_layer)
    assert np.abs(net.layers[0].W - restart).max() > 1e-3  # it kept learning after the reset


def test_inputs_that_overflow_are_refused_in_plain_words():
    """z = 3·10³⁰⁸ is beyond float64: the softmax of it was NaN, with only RuntimeWarnings."""
    huge = np.full((5, 3), 1e308)
    net = Sequential([Dense.from_weights(np.ones((3, 2)), [0.0, 0.0], "softmax")])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plain_error(lambda: net.forward(huge), "not a finite number", "standardize")
        plain_error(lambda: fit(net, huge, LABELS5, loss="categorical_crossentropy", epochs=1),
                    "not finite", "1e+308", "standardize")
        plain_error(lambda: Neuron([1e308, 1e308]).forward([1e308, 1e308]), "not a finite")


# ---------------------------------------------------------------- a plain sentence, not numpy's

def test_ragged_lists_get_a_sentence(net):
    plain_error(lambda: net.forward([[1, 2, 3], [1, 2]]), "rectangular")
    plain_error(lambda: net.loss(X5, [[1, 0], [0]], "mse"), "rectangular")


def test_real_valued_targets_for_several_outputs_name_the_shape_needed():
    net = mlp([3, 3], seed=0)
    plain_error(lambda: net.loss(X5, np.linspace(0, 1, 5), "mse"), "(5,)", "3 target values",
                "(5, 3)")


def test_the_same_layer_object_twice_is_refused():
    layer = Dense(3, 3)
    plain_error(lambda: Sequential([layer, layer]), "Layers 1 and 2", "same Dense")


def test_a_layer_too_big_for_memory_is_refused():
    plain_error(lambda: Dense(100000, 100000), "80 GB", "fewer")


def test_fit_takes_an_optimiser_class_and_a_positional_loss(net):
    history = net.fit(X5, LABELS5, "categorical_crossentropy", optimizer=Adam, epochs=2)
    assert len(history.loss) == 2
    plain_error(lambda: fit(net, X5, LABELS5), "needs a loss")


def test_callbacks_and_validation_data_in_the_wrong_form(net):
    calls = []
    fit(net, X5, LABELS5, loss="categorical_crossentropy", epochs=2,
        callbacks=lambda epoch, history, network: calls.append(epoch))
    assert calls == [1, 2]
    plain_error(lambda: fit(net, X5, LABELS5, loss="categorical_crossentropy", epochs=1,
                            callbacks=[print, 3]), "Every callback", "3")
    plain_error(lambda: fit(net, X5, LABELS5, loss="categorical_crossentropy", epochs=1,
                            validation_data=X5), "pair (X_val, y_val)")


def test_an_optimiser_reused_on_other_shapes_is_refused():
    X, y = data.blobs(20, n_classes=2, seed=0)
    opt = Momentum(0.1)
    fit(mlp([2, 3, 2], output="softmax", seed=0), X, y, loss="ce", optimizer=opt, epochs=1)
    other = mlp([2, 5, 2], output="softmax", seed=0)
    before = other.get_weights()
    plain_error(lambda: fit(other, X, y, loss="ce", optimizer=opt, epochs=1), "Momentum",
                "(2, 3)", "(2, 5)", "new optimiser")
    assert all(np.array_equal(a, b) for a, b in zip(before, other.get_weights()))
    opt.reset()
    fit(other, X, y, loss="ce", optimizer=opt, epochs=1)


def test_one_sample_forward_then_backward():
    net = mlp([3, 4, 2], output="softmax", seed=0)
    net.forward(np.ones(3))
    net.backward(1, "categorical_crossentropy")
    assert net.layers[0].dW.shape == (3, 4)
    regression = mlp([3, 2], seed=0)
    regression.forward(np.ones(3))
    regression.backward([0.5, -0.5], "mse")
    assert regression.layers[0].db.shape == (2,)


def test_a_layer_number_out_of_range(net):
    plain_error(lambda: net[5], "2 layers", "0 to 1", "layer 5")
    assert net[-1] is net.layers[-1]


def test_max_of_a_value_gets_a_sentence():
    from nncourse.value import Value

    plain_error(lambda: max(0, Value(2.0)), "v.relu()")


# ---------------------------------------------------------------- names

@pytest.mark.parametrize(("lookup", "typo", "suggestion"), [
    ("activation", "rleu", "'relu'"), ("activation", "sigmod", "'sigmoid'"),
    ("loss", "hnige", "'hinge'"), ("loss", "binary_crossentrop", "'binary_crossentropy'"),
    ("optimiser", "adma", "'adam'"), ("initialiser", "xaviar", "'xavier'"),
])
def test_an_unknown_name_suggests_the_near_one(lookup, typo, suggestion):
    from nncourse.activations import get_activation
    from nncourse.init import get_initializer

    get = {"activation": get_activation, "loss": get_loss, "optimiser": get_optimizer,
           "initialiser": get_initializer}[lookup]
    plain_error(lambda: get(typo), f"Unknown {lookup} {typo!r}", f"Did you mean {suggestion}?")


def test_names_as_people_type_them():
    from nncourse.activations import get_activation
    from nncourse.init import get_initializer, he, xavier
    from nncourse.losses import BinaryCrossEntropy, CategoricalCrossEntropy, MeanSquaredError

    assert isinstance(get_loss("bce"), BinaryCrossEntropy)
    assert isinstance(get_loss("ce"), CategoricalCrossEntropy)
    assert isinstance(get_loss("Categorical Cross-Entropy"), CategoricalCrossEntropy)
    assert isinstance(get_loss("MSE"), MeanSquaredError)
    assert get_activation("LeakyReLU").name == "leaky_relu"
    assert get_activation("logistic").name == "sigmoid"
    assert get_initializer("Glorot") is xavier and get_initializer("kaiming") is he
    assert isinstance(get_optimizer("GD"), SGD)
