"""Lesson 06, gradient descent: the exercises of solutions/06_gradient_descent.ipynb.

    SGD:       w ← w − η·g
    momentum:  v ← β·v + g;   w ← w − η·v            (as nncourse.optim.Momentum and PyTorch)
    Adam:      m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;
               m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);  w ← w − η·m̂ / (√v̂ + ε)

and one epoch of mini-batches: the samples shuffled once with `rng.permutation(n)`, then cut into
consecutive batches of `batch_size` (the last one may be smaller). The references are the
engine's optimisers, given the learner's state (velocity, moments) before the step.
"""

from __future__ import annotations

import numpy as np

from nncourse.errors import CourseError
from nncourse.exercises import register
from nncourse.exercises.words import kind_of, returned_items
from nncourse.grading.spec import Case, Exercise, Mistake
from nncourse.optim import SGD, Adam, Momentum


def _as_param(value) -> np.ndarray:
    return np.array(value, dtype=float)


# ------------------------------------------------------------------ 1. one SGD step


def reference_sgd_step(w, grad, lr):
    param = _as_param(w)
    SGD(lr).step([param], [_as_param(grad)])
    return param if param.ndim else float(param)


def _random_sgd(rng: np.random.Generator):
    cases = []
    for index, shape in enumerate([(3,), (2, 4), (5, 1)]):
        cases.append(Case(f"random {index + 1}: w of shape {shape}",
                          (rng.normal(size=shape), rng.normal(size=shape),
                           float(np.round(rng.uniform(0.01, 0.5), 3)))))
    return cases


SGD_STEP = register(Exercise(
    id="06-sgd_step",
    title="One step of gradient descent",
    names=("sgd_step",),
    may_not_use=("nncourse.optim",),
    allowed="numpy and plain Python",
    arg_names=("w", "grad", "lr"),
    reference=reference_sgd_step,
    cases=(
        Case("a weight: w = 0.5, ∂L/∂w = −0.2, η = 0.1", (0.5, -0.2, 0.1),
             hint="The gradient is negative, so the loss falls when w grows: 0.5 − 0.1·(−0.2) = "
                  "0.52. Step against the gradient: w − η·grad, not w + η·grad."),
        Case("a bias: b = 0.2, ∂L/∂b = 0.1, η = 0.1", (0.2, 0.1, 0.1),
             hint="0.2 − 0.1·0.1 = 0.19: a positive gradient makes the parameter smaller."),
        Case("a zero gradient: nothing moves", (np.array([1.0, -2.0]), np.array([0.0, 0.0]), 0.5)),
        Case("a weight matrix", (np.array([[0.2, 0.3], [0.4, 0.1]]),
                                 np.array([[1.0, -1.0], [0.5, 0.0]]), 0.1),
             hint="The same rule, element by element: numpy's arithmetic works on whole arrays "
                  "at once, so the rule written for one number serves a matrix too."),
    ),
    random_cases=_random_sgd,
    mistakes=(
        Mistake("a step uphill (the sign of the update)",
                "The gradient points to where the loss grows; a step of descent goes the other "
                "way: a positive gradient must make the parameter smaller.",
                lambda w, grad, lr: reference_sgd_step(w, -np.asarray(grad, dtype=float), lr)),
        Mistake("a step without the learning rate",
                "The gradient gives the direction and the steepness; the learning rate decides "
                "how far to go along it.",
                lambda w, grad, lr: reference_sgd_step(w, grad, 1.0)),
    ),
    hints=(
        ("The gradient points uphill, towards a larger loss. Which way must w move for the "
         "loss to go down, and how far?"),
        ("The step is proportional to the gradient, and the learning rate is the factor. Check "
         "the sign on the first case: a negative gradient means the loss falls as w grows."),
        ("new w = old w, moved against the gradient by lr times the gradient; numpy does the "
         "same to every entry of an array."),
    ),
    points=1,
    seed=601,
))

# ------------------------------------------------------------------ 2. one momentum step


def reference_momentum_step(w, grad, velocity, lr, beta):
    param, v = _as_param(w), _as_param(velocity)
    optimizer = Momentum(lr, beta)
    optimizer.state = [{"v": v}]
    optimizer.step([param], [_as_param(grad)])
    return {"velocity": v, "w": param}  # the velocity first: it is computed first


def _named_pair(result, names: tuple[str, ...], function: str):
    """The learner's tuple as a dict, so that a message says which of the values is wrong."""
    if result is None:
        return None
    return {name: np.asarray(value, dtype=float) if isinstance(value, list) else value
            for name, value in returned_items(result, function, names, "values").items()}


def _random_momentum(rng: np.random.Generator):
    cases = []
    for index, shape in enumerate([(4,), (2, 3)]):
        cases.append(Case(f"random {index + 1}: w of shape {shape}, moving already",
                          (rng.normal(size=shape), rng.normal(size=shape), rng.normal(size=shape),
                           0.05, float(rng.choice([0.5, 0.9, 0.99])))))
    return cases


MOMENTUM_STEP = register(Exercise(
    id="06-momentum_step",
    title="One step of gradient descent with momentum",
    names=("momentum_step",),
    may_not_use=("nncourse.optim",),
    allowed="numpy and plain Python",
    arg_names=("w", "grad", "velocity", "lr", "beta"),
    reference=reference_momentum_step,
    call=lambda f, *args: _named_pair(f["momentum_step"](*args), ("w", "velocity"),
                                      "momentum_step"),
    cases=(
        Case("the first step, from rest (velocity 0)",
             (np.array([0.5]), np.array([-0.2]), np.array([0.0]), 0.1, 0.9),
             hint="From rest, v = 0.9·0 + (−0.2) = −0.2 (the whole gradient is added, not "
                  "(1 − β)·g), then w = 0.5 − 0.1·(−0.2) = 0.52: the weight steps against the "
                  "velocity, and the first step from rest is a plain SGD step."),
        Case("already moving: velocity 1, gradient 0.5, β = 0.9",
             (np.array([2.0]), np.array([0.5]), np.array([1.0]), 0.1, 0.9),
             hint="v = 0.9·1 + 0.5 = 1.4 (the whole gradient is added, not (1 − β)·g), then "
                  "w = 2 − 0.1·1.4 = 1.86, with the new velocity."),
        Case("a gradient against the motion: velocity 1, gradient −2, β = 0.5",
             (np.array([0.0, 1.0]), np.array([-2.0, -2.0]), np.array([1.0, 1.0]), 0.1, 0.5),
             hint="v = 0.5·1 + (−2) = −1.5: the velocity turns round, and w moves up by "
                  "0.1·1.5 = 0.15."),
    ),
    random_cases=_random_momentum,
    mistakes=(
        Mistake("the gradient scaled by (1 − β) in the velocity",
                "Some books average, v ← β·v + (1 − β)·g; this course (like PyTorch) adds the "
                "whole gradient to the velocity.",
                lambda w, grad, velocity, lr, beta: reference_momentum_step(
                    w, (1 - beta) * np.asarray(grad, dtype=float),
                    velocity, lr, beta)),
        Mistake("the weight moved with the old velocity",
                "Update the velocity first; the weight then moves with the new velocity, the "
                "one that already contains this step's gradient.",
                lambda w, grad, velocity, lr, beta: {
                    "velocity": beta * np.asarray(velocity, dtype=float) + grad,
                    "w": np.asarray(w, dtype=float) - lr * np.asarray(velocity, dtype=float)}),
        Mistake("a step uphill (the sign of the update)",
                "The velocity gathers gradients, which point uphill: the weight moves against "
                "it.",
                lambda w, grad, velocity, lr, beta: {
                    "velocity": beta * np.asarray(velocity, dtype=float) + grad,
                    "w": np.asarray(w, dtype=float)
                    + lr * (beta * np.asarray(velocity, dtype=float) + grad)}),
    ),
    hints=(
        ("Two lines, in this order: first the velocity remembers the past and adds the new "
         "gradient, v ← β·v + g; then the weight moves against the velocity, w ← w − η·v."),
        ("Try the first case by hand: from rest, the new velocity is the gradient itself, and "
         "the weight moves by lr times it, against it. Return the weight first, then the "
         "velocity."),
    ),
    points=2,
    seed=602,
))

# ------------------------------------------------------------------ 3. mini-batches of one epoch

EPOCH_KEYS = ("number of batches", "batch sizes", "every sample exactly once",
              "rows of X and y still paired", "order of the samples, epoch 1",
              "order of the samples, epoch 2")


def _epoch_summary(batches, X, y, rng_order):
    """What an epoch of batches looks like, as numbers a message can compare.

    `rng_order` is the order of the sample indices the batches give; each row of X is unique, so a
    row tells which sample it is."""
    return {
        "number of batches": len(batches),
        "batch sizes": np.array([len(xb) for xb, _ in batches]),
        "every sample exactly once": bool(np.array_equal(np.sort(rng_order), np.arange(len(X)))),
        "rows of X and y still paired": bool(all(np.array_equal(np.asarray(yb), y[index])
                                                 for (_, yb), index in _batch_indices(batches, X))),
    }


def _batch_indices(batches, X):
    row_index = {row.tobytes(): i for i, row in enumerate(np.asarray(X, dtype=float))}
    for xb, yb in batches:
        rows = np.asarray(xb, dtype=float).reshape(len(xb), -1)
        yield (xb, yb), np.array([row_index.get(r.tobytes(), -1) for r in rows], dtype=int)


def reference_minibatches(X, y, batch_size, seed):
    """Two epochs cut as the exercise says: order = rng.permutation(n), consecutive slices."""
    rng = np.random.default_rng(seed)
    result = None
    for epoch in (1, 2):
        order = rng.permutation(len(X))
        batches = [(X[order[s:s + batch_size]], y[order[s:s + batch_size]])
                   for s in range(0, len(X), batch_size)]
        if result is None:
            result = _epoch_summary(batches, X, y, order)
        result[f"order of the samples, epoch {epoch}"] = order
    return result


def learner_minibatches(f, X, y, batch_size, seed):
    """Two epochs of the learner's batches from one generator, summarised."""
    rng = np.random.default_rng(seed)
    result = None
    for epoch in (1, 2):
        produced = f["minibatches"](X.copy(), y.copy(), batch_size, rng)
        if produced is None:
            return None
        batches = []
        for item in produced:
            if not isinstance(item, tuple | list) or len(item) != 2:
                raise CourseError(f"each batch must be a pair (X_batch, y_batch); one was "
                                  f"{kind_of(item)}.")
            batches.append((np.asarray(item[0]), np.asarray(item[1])))
        order = np.concatenate([idx for _, idx in _batch_indices(batches, X)]) if batches \
            else np.array([], dtype=int)
        if result is None:
            result = _epoch_summary(batches, X, y, order)
        result[f"order of the samples, epoch {epoch}"] = order
    return result


def _labelled_data(n: int, n_features: int, seed: int):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, n_features)), 100 + np.arange(n)


def _random_minibatch_cases(rng: np.random.Generator):
    cases = []
    for index in range(3):
        n, d = int(rng.integers(5, 40)), int(rng.integers(1, 4))
        batch_size = int(rng.integers(1, n + 1))
        X, y = _labelled_data(n, d, int(rng.integers(1000)))
        cases.append(Case(f"random {index + 1}: {n} samples, batches of {batch_size}",
                          (X, y, batch_size, int(rng.integers(1000)))))
    return cases


MINIBATCHES = register(Exercise(
    id="06-minibatches",
    title="Shuffled mini-batches for one epoch",
    names=("minibatches",),
    arg_names=("X", "y", "batch_size", "seed"),
    reference=reference_minibatches,
    call=learner_minibatches,
    cases=(
        Case("10 samples in batches of 4", (*_labelled_data(10, 2, 1), 4, 0),
             hint="10 = 4 + 4 + 2: the last batch is smaller, and it is kept, so that every "
                  "sample is used once per epoch. The order must be rng.permutation(10) of the "
                  "generator you are given (the check makes it: np.random.default_rng(seed))."),
        Case("8 samples in batches of 2", (*_labelled_data(8, 3, 2), 2, 1),
             hint="Shuffle the indices once, order = rng.permutation(n), and take X[order] and "
                  "y[order] with the same order, so that every label stays with its sample."),
        Case("stochastic: batches of 1", (*_labelled_data(6, 2, 3), 1, 2)),
        Case("one batch holds everything", (*_labelled_data(5, 2, 4), 5, 3),
             hint="With batch_size = n there is one batch, still shuffled."),
        Case("a batch size larger than the data", (*_labelled_data(3, 1, 5), 10, 4),
             hint="range(0, n, batch_size) gives one start, 0; X[order[0:10]] simply stops at n."),
    ),
    random_cases=_random_minibatch_cases,
    hints=(
        ("One epoch visits every sample once. Shuffle the sample indices with the generator you "
         "are given, order = rng.permutation(len(X)), exactly once per call (do not make a new "
         "generator: the next epoch must get a new order from the same rng)."),
        ("Cut the shuffled order into consecutive pieces: range has a step argument that gives "
         "the start of every piece, and a slice that runs past the end of an array simply stops "
         "there."),
        "Return (or yield) the pairs (X[index], y[index]): a list of them, or a generator.",
    ),
    points=2,
    seed=603,
))

# ------------------------------------------------------------------ 4. one Adam step

ADAM_NAMES = ("w", "m", "v")


def reference_adam_step(w, grad, m, v, t, lr, beta1, beta2, eps):
    param, m, v = _as_param(w), _as_param(m), _as_param(v)
    optimizer = Adam(lr, beta1, beta2, eps)
    optimizer.state = [{"m": m, "v": v}]
    optimizer.t = int(t) - 1  # step() counts this step
    optimizer.step([param], [_as_param(grad)])
    return {"w": param, "m": m, "v": v}


def _random_adam(rng: np.random.Generator):
    cases = []
    for index, t in enumerate([3, 50]):
        shape = (3,) if index == 0 else (2, 2)
        cases.append(Case(f"random {index + 1}: step t = {t}",
                          (rng.normal(size=shape), rng.normal(size=shape),
                           0.1 * rng.normal(size=shape), 0.01 * rng.uniform(size=shape), t,
                           0.01, 0.9, 0.999, 1e-8)))
    return cases


def _corrected_returned(w, grad, m, v, t, lr, beta1, beta2, eps):
    result = reference_adam_step(w, grad, m, v, t, lr, beta1, beta2, eps)
    return {"w": result["w"], "m": result["m"] / (1 - beta1 ** t),
            "v": result["v"] / (1 - beta2 ** t)}


ADAM_STEP = register(Exercise(
    id="06-adam_step",
    title="One step of Adam",
    names=("adam_step",),
    may_not_use=("nncourse.optim",),
    allowed="numpy (np.sqrt) and plain Python",
    arg_names=("w", "grad", "m", "v", "t", "lr", "beta1", "beta2", "eps"),
    reference=reference_adam_step,
    call=lambda f, *args: _named_pair(f["adam_step"](*args), ADAM_NAMES, "adam_step"),
    cases=(
        Case("the first step (t = 1) from m = v = 0",
             (np.array([0.5]), np.array([-0.2]), np.array([0.0]), np.array([0.0]), 1,
              0.1, 0.9, 0.999, 1e-8),
             hint="After bias correction the first step has size η in every coordinate: "
                  "m̂ = g and v̂ = g², so η·m̂/√v̂ = η·sign(g). Here w = 0.5 + 0.1 = 0.6."),
        Case("step t = 10, the averages already warm",
             (np.array([1.0, -1.0]), np.array([0.3, -0.1]), np.array([0.2, -0.05]),
              np.array([0.04, 0.01]), 10, 0.01, 0.9, 0.999, 1e-8),
             hint="The bias corrections divide by 1 − β₁ᵗ and 1 − β₂ᵗ with this step's t "
                  "(t counts from 1); return the new m and v, not m̂ and v̂."),
    ),
    random_cases=_random_adam,
    mistakes=(
        Mistake("no bias correction",
                "m and v start at 0, so after t steps of a steady gradient g, m is only "
                "(1 − β₁ᵗ)·g: divide it (and v) by the factor that makes up for the start.",
                lambda w, grad, m, v, t, lr, beta1, beta2, eps: reference_adam_step(
                    w, grad, m, v, 10**6, lr, beta1, beta2, eps)),
        Mistake("the corrected averages returned instead of m and v",
                "m̂ and v̂ are only for this step's size; what the next step builds on is m and "
                "v themselves.",
                lambda w, grad, m, v, t, lr, beta1, beta2, eps: _corrected_returned(
                    w, grad, m, v, t, lr, beta1, beta2, eps)),
    ),
    hints=(
        ("First the two moving averages: m ← β₁·m + (1 − β₁)·g and v ← β₂·v + (1 − β₂)·g² "
         "(g² element by element). Then ask what m would be after t steps of the same gradient "
         "g, starting from 0."),
        ("Write m after one, two and three steps of the same g: (1 − β₁)·g, (1 − β₁)(1 + β₁)·g, "
         "… The sum 1 + β₁ + … + β₁ᵗ⁻¹ has a closed form; multiply it by (1 − β₁) and see "
         "what is left. The same for v with β₂ and g²; then step with the corrected averages."),
        "Return the new w, m and v (not m̂ and v̂): t counts this step from 1.",
    ),
    points=1,
    seed=604,
))


# ------------------------------------------------------------------ 5. how large a step is safe

STABLE_LR_KEYS = ("largest learning rate that converges", "learning rate that lands in one step")


def reference_stable_rates():
    """For L(w) = (w − 3)², w − 3 ← (1 − 2η)(w − 3): the walk converges for |1 − 2η| < 1, that
    is η < 1, and lands on the minimum in one step at η = ½."""
    return {"largest learning rate that converges": 1.0,
            "learning rate that lands in one step": 0.5}


STABLE_RATES = register(Exercise(
    id="06-stable_rates",
    title="How large a learning rate is safe?",
    names=("stable_rates",),
    kind="value",
    reference=reference_stable_rates,
    rtol=1e-3,
    atol=1e-6,
    mistakes=(
        Mistake("the 2 of the gradient left out",
                "The gradient of (w − 3)² is 2(w − 3): a step multiplies the distance to the "
                "minimum by 1 − 2η, not 1 − η.",
                lambda: {"largest learning rate that converges": 2.0,
                         "learning rate that lands in one step": 1.0}),
    ),
    hints=(
        ("Write one step for L(w) = (w − 3)² and look at the distance to the minimum, d = w − 3: "
         "the step multiplies d by a factor that depends on η only."),
        ("The gradient at w is 2(w − 3), so one step turns d into a multiple of d. The walk "
         "shrinks d when that multiple lies strictly between −1 and 1, and lands at once when it "
         "is 0. (The lesson's η = 1.05 makes it −1.1.)"),
    ),
    points=1,
))
