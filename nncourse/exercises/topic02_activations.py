"""Lesson 02, activation functions: the exercises of solutions/02_activations.ipynb.

    σ(z)  = 1 / (1 + e^(−z))             σ'(z)    = σ(z)·(1 − σ(z))
    ReLU(z) = max(0, z)                  ReLU'(z) = 1 for z > 0, else 0
    tanh(z)                              tanh'(z) = 1 − tanh(z)²
    softmax(z)_i = e^(z_i) / Σ_j e^(z_j), row by row

The references are the engine's `nncourse.activations`. Sigmoid and softmax must stay finite and
silent for inputs of ±1000, so the learner's code runs under `call_strictly`: an overflow is a
failed case with its explanation, not a RuntimeWarning that scrolls past. Every derivative is
also compared with the numerical slope of the engine's function (central differences).
"""

from __future__ import annotations

import numpy as np

from nncourse.activations import ReLU, Sigmoid, Tanh, relu, sigmoid, softmax, tanh
from nncourse.exercises import register
from nncourse.exercises.strict_numerics import call_strictly
from nncourse.grading.spec import Case, Exercise, GradientCheck, Mistake

RANDOM_SHAPES = [(4,), (2, 3), (5, 1), (3, 4)]

OVERFLOW_HINT = ("np.exp(1000) does not fit in a float: it overflows to inf. Arrange the formula "
                 "so that e is only raised to a power ≤ 0: e^(−|z|) is always between 0 and 1. "
                 "Careful: np.where(c, A, B) computes A and B for every element before it "
                 "chooses, so a branch that overflows still overflows.")


def _random_arrays(rng: np.random.Generator, low: float, high: float, avoid_zero: bool = False):
    cases = []
    for index, shape in enumerate(RANDOM_SHAPES):
        z = rng.uniform(low, high, size=shape)
        if avoid_zero:  # ReLU has no slope at 0: keep the random inputs away from it
            z = np.where(np.abs(z) < 0.01, 0.5, z)
        cases.append(Case(f"random {index + 1}: z of shape {shape}", (z,)))
    return cases


def _slope_check(engine_function, name: str) -> GradientCheck:
    """The learner's derivative against the numerical slope of the engine's function.

    Summing the outputs makes one number whose gradient is the element-wise derivative."""
    return GradientCheck(
        scalar=lambda f, z: float(np.sum(engine_function(z))),
        gradient=lambda f, z: call_strictly(f[name], z),
    )


SIGMOID = register(Exercise(
    id="02-sigmoid",
    title="A sigmoid that never overflows",
    names=("sigmoid",),
    may_not_use=("nncourse.activations",),
    allowed="numpy (np.exp) and plain Python",
    arg_names=("z",),
    reference=sigmoid,
    call=lambda f, z: call_strictly(f["sigmoid"], z),
    cases=(
        Case("z = 0", (0.0,), hint="σ(0) = 1 / (1 + e⁰) = 1/2 exactly."),
        Case("z = 2", (2.0,)),
        Case("the '97% positive' review, z = 3.5", (3.5,)),
        Case("an array: z = [2, −1, 3.5]", (np.array([2.0, -1.0, 3.5]),),
             hint="Use np.exp, which works element by element (math.exp takes one number), "
                  "and np.where instead of `if`, which cannot test a whole array at once."),
        Case("a very negative input, z = −1000", (np.array([-1000.0]),), hint=OVERFLOW_HINT),
        Case("both extremes, z = [−1000, 0, 1000]", (np.array([-1000.0, 0.0, 1000.0]),),
             hint="Expected [0, 0.5, 1], with no overflow on either side. " + OVERFLOW_HINT),
    ),
    random_cases=lambda rng: _random_arrays(rng, -8.0, 8.0),
    mistakes=(
        Mistake("the sign of the exponent lost, 1 / (1 + e^z)",
                "σ(z) = 1 / (1 + e^(−z)) grows with z: a large positive z makes e^(−z) tiny and "
                "σ close to 1. With e^z the curve is mirrored, 1 − σ(z).",
                lambda z: sigmoid(-np.asarray(z, dtype=float))),
    ),
    hints=(
        ("Which part of 1 / (1 + e^(−z)) overflows, and for which sign of z? Multiply the "
         "fraction above and below by something that turns e^(−z) into a power of e that is "
         "never positive for that sign."),
        ("Multiplying above and below by e^z gives another form of the same σ(z). Each form is "
         "safe for one sign of z; e^(−|z|) is never more than 1 and serves both."),
        ("Compute e^(−|z|) once: it is e^(−z) where z ≥ 0 and e^(z) where z < 0. Write each of "
         "the two forms with it, and let np.where pick between two arrays that are both safe "
         "to compute."),
    ),
    points=2,
    seed=201,
))

SIGMOID_DERIVATIVE = register(Exercise(
    id="02-sigmoid_derivative",
    title="The slope of the sigmoid",
    names=("sigmoid_derivative",),
    may_not_use=("nncourse.activations",),
    allowed="numpy, plain Python and your own sigmoid",
    arg_names=("z",),
    reference=Sigmoid().derivative,
    call=lambda f, z: call_strictly(f["sigmoid_derivative"], z),
    cases=(
        Case("z = 0, where the sigmoid is steepest", (np.array([0.0]),),
             hint="At z = 0 the sigmoid is steepest: σ'(0) = 0.25, the largest slope it ever "
                  "has."),
        Case("z = [2, −1, 3.5]", (np.array([2.0, -1.0, 3.5]),),
             hint="σ(2) = 0.8808: the slope there is about 0.105, much less than at 0."),
        Case("saturated: z = [−1000, 1000]", (np.array([-1000.0, 1000.0]),),
             hint="Far from 0 the sigmoid is flat, so its slope is 0. Build on a sigmoid that "
                  "does not overflow (yours from Exercise 1)."),
    ),
    random_cases=lambda rng: _random_arrays(rng, -4.0, 4.0),
    gradient=_slope_check(sigmoid, "sigmoid_derivative"),
    mistakes=(
        Mistake("the slope formula applied to z instead of σ(z)",
                "The slope is written with the sigmoid's value s = σ(z): s·(1 − s). z·(1 − z) "
                "is that formula with the input put where the output belongs.",
                lambda z: np.asarray(z, dtype=float) * (1 - np.asarray(z, dtype=float))),
        Mistake("the sigmoid applied twice, σ′(σ(z))",
                "Once you have s = σ(z), the slope at z is s·(1 − s): no second sigmoid.",
                lambda z: Sigmoid().derivative(sigmoid(z))),
    ),
    hints=(
        ("Write σ(z) = (1 + e^(−z))^(−1) and use the chain rule: the derivative of u^(−1) is "
         "−u^(−2), and the derivative of 1 + e^(−z) is −e^(−z)."),
        ("You get e^(−z) / (1 + e^(−z))². Split it into two factors, one of which is σ(z); the "
         "other, e^(−z) / (1 + e^(−z)), is 1 − σ(z)."),
        "Compute your stable s = sigmoid(z) once and build the slope from s alone.",
    ),
    points=1,
    seed=202,
))

RELU_DERIVATIVE = register(Exercise(
    id="02-relu_derivative",
    title="The slope of ReLU",
    names=("relu_derivative",),
    may_not_use=("nncourse.activations",),
    allowed="numpy (comparisons, np.where) and plain Python",
    arg_names=("z",),
    reference=ReLU().derivative,
    call=lambda f, z: call_strictly(f["relu_derivative"], z),
    cases=(
        Case("z = [0.2, −0.5, 1.0]", (np.array([0.2, -0.5, 1.0]),),
             hint="Positive inputs pass through ReLU with slope 1; negative ones are flattened to "
                  "0, so their slope is 0."),
        Case("only negative inputs", (np.array([-3.0, -0.1, -1000.0]),),
             hint="A neuron whose inputs are all negative gets slope 0 everywhere: it learns "
                  "nothing (a 'dead' ReLU)."),
        Case("a batch of shape (2, 3)", (np.array([[1.5, -2.0, 0.3], [-0.7, 4.0, -1.2]]),),
             hint="Return an array of the same shape as z, one slope per entry."),
    ),
    random_cases=lambda rng: _random_arrays(rng, -3.0, 3.0, avoid_zero=True),
    gradient=_slope_check(relu, "relu_derivative"),
    mistakes=(
        Mistake("ReLU itself returned, not its slope",
                "The slope says how much the output moves per unit of z: 1 on the rising piece, "
                "whatever z is there, and 0 on the flat one.",
                lambda z: relu(np.asarray(z, dtype=float))),
    ),
    hints=(
        "ReLU(z) = z for z > 0 (slope 1) and 0 for z < 0 (slope 0).",
        "A comparison of a whole array with a number gives an array of True/False, one per "
        "entry; as floats, True is 1 and False is 0.",
    ),
    points=1,
    seed=203,
))

TANH_DERIVATIVE = register(Exercise(
    id="02-tanh_derivative",
    title="The slope of tanh",
    names=("tanh_derivative",),
    may_not_use=("nncourse.activations",),
    allowed="numpy (np.tanh) and plain Python",
    arg_names=("z",),
    reference=Tanh().derivative,
    call=lambda f, z: call_strictly(f["tanh_derivative"], z),
    cases=(
        Case("z = 0, where tanh is steepest", (np.array([0.0]),),
             hint="At z = 0, tanh is steepest: slope 1, four times the sigmoid's best."),
        Case("z = [0.2, −0.5, 1.0]", (np.array([0.2, -0.5, 1.0]),),
             hint="tanh of these is [0.1974, −0.4621, 0.7616]; the slope is a function of "
                  "those values alone."),
        Case("saturated: z = [−1000, 1000]", (np.array([-1000.0, 1000.0]),),
             hint="np.tanh handles ±1000 without trouble; writing tanh with np.exp(z) overflows."),
    ),
    random_cases=lambda rng: _random_arrays(rng, -3.0, 3.0),
    gradient=_slope_check(tanh, "tanh_derivative"),
    mistakes=(
        Mistake("the slope taken at the input, 1 − z², instead of 1 − tanh(z)²",
                "tanh's slope is written with its value t = tanh(z): the square belongs to t.",
                lambda z: 1 - np.asarray(z, dtype=float) ** 2),
        Mistake("the square forgotten, 1 − tanh(z)",
                "Differentiate tanh = 2σ(2z) − 1: the chain rule gives 4·σ(2z)·(1 − σ(2z)), "
                "which is 1 − t² with t = tanh(z), a square.",
                lambda z: 1 - np.tanh(np.asarray(z, dtype=float))),
    ),
    hints=(
        ("tanh(z) = 2σ(2z) − 1. Differentiate that with the chain rule and your σ′ from "
         "Exercise 2."),
        ("You get 4·σ(2z)·(1 − σ(2z)). Write σ(2z) with t = tanh(z): σ(2z) = (1 + t) / 2 and "
         "1 − σ(2z) = (1 − t) / 2."),
        ("Put both halves into 4·σ(2z)·(1 − σ(2z)): the 4 and the two halves cancel, and what "
         "is left depends on t = np.tanh(z) alone. Simplify it."),
    ),
    points=1,
    seed=204,
))

SOFTMAX = register(Exercise(
    id="02-softmax",
    title="A stable softmax, row by row",
    names=("softmax",),
    may_not_use=("nncourse.activations",),
    allowed="numpy (np.exp, np.max, np.sum) and plain Python",
    arg_names=("z",),
    reference=softmax,
    call=lambda f, z: call_strictly(f["softmax"], z),
    cases=(
        Case("z = [1, 2, 3]", (np.array([1.0, 2.0, 3.0]),),
             hint="Raise e to each score and divide by the total: the outputs sum to 1."),
        Case("the logits of the 3-2-3-2 network", (np.array([0.9897, 0.7535]),),
             hint="Expected [0.558777, 0.441223], the network's two class probabilities."),
        Case("large scores, z = [1000, 999, 998]", (np.array([1000.0, 999.0, 998.0]),),
             hint="e^1000 overflows. Subtract max(z) from every score first: the result does not "
                  "change (the factor e^(−max) cancels), and the largest exponent becomes e⁰ = 1."),
        Case("very negative scores, z = [−1000, −1000, −999]",
             (np.array([-1000.0, -1000.0, -999.0]),),
             hint="e^(−1000) underflows to 0, and 0 / 0 is NaN. Subtracting max(z) fixes this "
                  "side too."),
        Case("a batch: one row per sample", (np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]),),
             hint="Each row is a separate sample and must sum to 1 on its own: sum along the last "
                  "axis (axis=-1, keepdims=True), not over the whole matrix."),
        Case("a batch whose rows have very different scales",
             (np.array([[1000.0, 999.0], [-1000.0, -999.0], [1.0, 2.0]]),),
             hint="Subtract each row's own maximum (z.max(axis=-1, keepdims=True)), not the "
                  "maximum of the whole batch: otherwise the row [−1000, −999] becomes "
                  "e^(−2000) / e^(−2000) = 0 / 0."),
    ),
    random_cases=lambda rng: [
        Case(f"random {i + 1}: z of shape {shape}", (rng.normal(scale=3.0, size=shape),))
        for i, shape in enumerate([(4,), (3, 2), (5, 4), (1, 3)])
    ],
    mistakes=(
        Mistake("the batch normalised as a whole instead of row by row",
                "Each row is a sample with its own probabilities: every row must sum to 1 on "
                "its own (sum along the last axis, keeping it).",
                lambda z: None if np.ndim(z) < 2 else
                np.exp(z - np.max(z)) / np.exp(z - np.max(z)).sum()),
    ),
    hints=(
        ("Show that softmax(z − c) = softmax(z) for any number c subtracted from every score of "
         "a row. Which c makes every exponent ≤ 0, so that nothing overflows, and keeps one "
         "exponent at exactly 0, so that the sum is at least 1?"),
        ("c is the row's largest score. For a batch, take it row by row: "
         "z.max(axis=-1, keepdims=True) keeps the shape (n, 1), which subtracts from each row "
         "its own maximum."),
        ("Exponentiate the shifted scores, then divide each by the sum of its row (again along "
         "axis=-1 with keepdims=True)."),
    ),
    points=2,
    seed=205,
))
