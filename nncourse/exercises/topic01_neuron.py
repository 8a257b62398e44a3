"""Lesson 01, the neuron: the exercises of solutions/01_neuron.ipynb.

A neuron takes inputs x₁ … xₙ, multiplies each by its weight, adds a bias and passes the result
through an activation:

    z = Σᵢ wᵢ·xᵢ + b        (the weighted sum)
    a = ReLU(z) = max(0, z)  (the output)

The references are the engine's `Neuron`, which the lesson introduces.
"""

from __future__ import annotations

import numpy as np

from nncourse.exercises import register
from nncourse.exercises.shapes import call_explaining_shapes
from nncourse.grading.spec import Case, Exercise, Mistake
from nncourse.layers import Neuron

# The inputs, weights and bias of the first hidden neuron of the 3-2-3-2 network (z = 0.73),
# and of neuron 4 of the 3-2-1 network (z = -0.7).
X_3232, W_3232, B_3232 = [0.5, 0.2, 0.9], [0.2, 0.4, 0.5], 0.1
X_321, W_321, B_321 = [1.0, 0.0, 1.0], [0.2, 0.4, -0.5], -0.4

ZERO_INPUT_WEIGHTS, ZERO_INPUT_BIAS = [0.8, -0.4, 1.5], 0.6


def reference_weighted_sum(inputs, weights, bias):
    return Neuron(weights, bias, activation="identity").weighted_sum(inputs)


def reference_neuron_output(inputs, weights, bias):
    return Neuron(weights, bias, activation="relu").forward(inputs)


def reference_neuron_batch(X, weights, bias):
    return np.asarray(Neuron(weights, bias, activation="relu").forward(X), dtype=float)


def _random_vectors(rng: np.random.Generator, count: int):
    cases = []
    for index in range(count):
        n = int(rng.integers(1, 9))
        inputs, weights = rng.normal(size=n), rng.normal(size=n)
        bias = float(np.round(rng.normal(), 3))
        cases.append(Case(f"random {index + 1}: {n} input{'s' if n > 1 else ''}",
                          (inputs, weights, bias)))
    return cases


def _random_batches(rng: np.random.Generator):
    cases = []
    for index in range(5):
        n_samples, n_inputs = int(rng.integers(1, 11)), int(rng.integers(1, 6))
        X = rng.normal(size=(n_samples, n_inputs))
        cases.append(Case(f"random batch {index + 1}: X of shape {X.shape}",
                          (X, rng.normal(size=n_inputs), float(np.round(rng.normal(), 3)))))
    return cases


WEIGHTED_SUM = register(Exercise(
    id="01-weighted_sum",
    title="The weighted sum",
    names=("weighted_sum",),
    may_not_use=("nncourse.layers",),
    allowed="numpy (np.dot, or a sum of products) and plain Python",
    arg_names=("inputs", "weights", "bias"),
    reference=reference_weighted_sum,
    cases=(
        Case("three inputs", (X_3232, W_3232, B_3232)),
        Case("a negative weight and bias", (X_321, W_321, B_321),
             hint="Weights and the bias can be negative: keep their signs."),
        Case("all inputs zero", ([0.0, 0.0, 0.0], [0.7, -1.2, 0.3], 0.5),
             hint="With every input 0, every product is 0: only the bias is left."),
        Case("a single input", ([2.0], [-1.5], 0.0)),
    ),
    random_cases=lambda rng: _random_vectors(rng, 5),
    mistakes=(
        Mistake("the bias forgotten",
                "The bias is part of the weighted sum: a neuron whose inputs are all 0 still "
                "has it.",
                lambda inputs, weights, bias: float(np.dot(inputs, weights))),
        Mistake("the bias added once per input",
                "Each input has its own weight, but the neuron has one bias, added once.",
                lambda inputs, weights, bias: float(np.dot(inputs, weights) + len(inputs) * bias)),
    ),
    hints=(
        "Pair each input with its weight: inputs[0] with weights[0], inputs[1] with weights[1], "
        "and so on.",
        "Multiply each pair, add up the products, then add the bias once (not once per input).",
        "numpy has one function for the sum of the products of two vectors (the dot product); "
        "in plain Python, zip walks through two lists side by side. Return a plain number.",
    ),
    points=1,
    seed=101,
))

NEURON_OUTPUT = register(Exercise(
    id="01-neuron_output",
    title="A neuron with ReLU",
    names=("neuron_output",),
    may_not_use=("nncourse.layers",),
    allowed="numpy, plain Python and your own weighted_sum",
    arg_names=("inputs", "weights", "bias"),
    reference=reference_neuron_output,
    cases=(
        Case("fires: a positive weighted sum", (X_3232, W_3232, B_3232),
             hint="A positive weighted sum passes through ReLU unchanged."),
        Case("silent: a negative weighted sum", (X_321, W_321, B_321),
             hint="ReLU turns every negative weighted sum into 0."),
        Case("fires with all inputs zero", ([0.0, 0.0, 0.0], [0.3, -0.8, 0.1], 0.25),
             hint="With all inputs 0 the weighted sum is the bias; a positive bias makes the "
                  "neuron fire anyway."),
        Case("a weighted sum of exactly zero", ([1.0, 1.0], [0.5, -0.5], 0.0)),
    ),
    random_cases=lambda rng: _random_vectors(rng, 6),
    mistakes=(
        Mistake("the activation forgotten",
                "The neuron's output is ReLU of its weighted sum: a negative sum becomes 0.",
                reference_weighted_sum),
    ),
    hints=(
        "Two steps: the weighted sum z (your weighted_sum does it), then the activation.",
        "ReLU(z) = max(0, z): negative z becomes 0, anything else stays as it is.",
        "Python's built-in max returns the larger of the numbers it is given: which two numbers "
        "should it compare?",
    ),
    points=1,
    seed=102,
))

NEURON_BATCH = register(Exercise(
    id="01-neuron_batch",
    title="One neuron, many samples at once",
    names=("neuron_batch",),
    may_not_use=("nncourse.layers",),
    allowed="numpy (the @ operator), plain Python and your own functions",
    arg_names=("X", "weights", "bias"),
    reference=reference_neuron_batch,
    cases=(
        Case("two samples", (np.array([X_3232, X_321]), np.array(W_3232), B_3232)),
        Case("the four corners of the unit square (an AND gate)",
             (np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([1.0, 1.0]),
              -1.5),
             hint="Only the sample [1, 1] gets over the bias of -1.5: its output is 0.5."),
        Case("a batch of one sample", (np.array([[2.0, -1.0, 0.5]]), np.array([1.0, 1.0, 1.0]),
                                       0.0),
             hint="A batch of one sample gives an array of one output, shape (1,), "
                  "not a single number."),
    ),
    random_cases=_random_batches,
    call=lambda f, X, weights, bias: call_explaining_shapes(f["neuron_batch"], X, weights, bias),
    mistakes=(
        Mistake("the bias forgotten",
                "Every sample's weighted sum gets the bias, so every row does.",
                lambda X, weights, bias: reference_neuron_batch(X, weights, 0.0)),
    ),
    hints=(
        "X has one sample per row: shape (n_samples, n_inputs). The answer has one output per "
        "sample: shape (n_samples,). Which product of X and the weights vector has that shape?",
        "A matrix (n, k) times a vector (k,) gives a vector (n,): each row's weighted sum, all at "
        "once; adding a number adds it to each.",
        "Python's max(0, z) compares two numbers; numpy has an element-by-element version.",
    ),
    points=2,
    seed=103,
))

ZERO_INPUT_OUTPUT = register(Exercise(
    id="01-zero_input_output",
    title="What a neuron outputs when every input is zero",
    names=("zero_input_output",),
    kind="value",
    reference=lambda: reference_neuron_output([0.0, 0.0, 0.0], ZERO_INPUT_WEIGHTS,
                                              ZERO_INPUT_BIAS),
    hints=(
        "Every input is 0, so every input × weight product is 0, whatever the weights.",
        "The weighted sum is then the bias alone; ReLU of a positive number is that number.",
    ),
    points=1,
))
