"""Lesson 04, loss functions: the exercises of solutions/04_losses.ipynb.

    MSE  = (1/N)·Σ (ŷ − y)² over all N numbers          dMSE/dŷ = 2·(ŷ − y)/N
    BCE  = −mean[y·log p + (1 − y)·log(1 − p)]           p kept inside [1e-12, 1 − 1e-12]
    CCE  = −(1/n)·Σ_samples Σ_classes y_k·log p_k          (one-hot targets, n samples)
    CCE from logits s and labels c: (1/n)·Σ_i [log Σ_k e^(s_ik) − s_ic],  dL/ds = (softmax(s) − y)/n

The syllabus numbers: MSE([2.5, 5.5, 1.5], [3, 5, 2]) = 0.25; BCE with label 1 is 0.1054 for
p = 0.9 and 2.3026 for p = 0.1; CCE for the class "dog" is 1.6094 for [0.7, 0.2, 0.1] and 0.1054
for [0.05, 0.9, 0.05]. The references are the engine's `nncourse.losses`; the learner's code runs
under `call_strictly`, so log(0), 0·log(0) and e^1000 are failed cases with their reasons.
"""

from __future__ import annotations

import numpy as np

from nncourse.activations import softmax
from nncourse.exercises import register
from nncourse.exercises.strict_numerics import call_strictly
from nncourse.grading.spec import Case, Exercise, GradientCheck, Mistake
from nncourse.losses import BinaryCrossEntropy, CategoricalCrossEntropy, MeanSquaredError

PREDICTIONS, TARGETS = np.array([2.5, 5.5, 1.5]), np.array([3.0, 5.0, 2.0])
DOG = np.array([[0.0, 1.0, 0.0]])
UNSURE, CONFIDENT = np.array([[0.7, 0.2, 0.1]]), np.array([[0.05, 0.9, 0.05]])
LOGITS_3232 = np.array([[0.9897, 0.7535]])

CLIP_HINT = ("log(0) is −inf. Keep the probabilities inside [EPS, 1 − EPS] with "
             "np.clip(p, EPS, 1 - EPS) before taking any logarithm.")


def _strict(name: str):
    return lambda f, *args: call_strictly(f[name], *args)


def _random_regression(rng: np.random.Generator):
    cases = []
    for index, shape in enumerate([(4,), (3, 2), (5, 1)]):
        y_true = np.round(rng.normal(scale=3.0, size=shape), 2)
        y_pred = y_true + np.round(rng.normal(size=shape), 2)
        cases.append(Case(f"random {index + 1}: shape {shape}", (y_pred, y_true)))
    return cases


def _random_binary(rng: np.random.Generator):
    cases = []
    for index, shape in enumerate([(5,), (3, 1), (2, 4)]):
        p = np.round(rng.uniform(0.01, 0.99, size=shape), 3)
        y = rng.integers(0, 2, size=shape).astype(float)
        cases.append(Case(f"random {index + 1}: shape {shape}", (p, y)))
    return cases


def _random_classes(rng: np.random.Generator, n_cases: int):
    """(n, k) logits of moderate size and integer labels."""
    draws = []
    for _ in range(n_cases):
        n, k = int(rng.integers(1, 6)), int(rng.integers(2, 5))
        draws.append((rng.normal(size=(n, k)), rng.integers(0, k, size=n)))
    return draws


def _random_probabilities(rng: np.random.Generator):
    cases = []
    for index, (logits, labels) in enumerate(_random_classes(rng, 3)):
        P, Y = softmax(logits), np.eye(logits.shape[1])[labels]
        cases.append(Case(f"random {index + 1}: {P.shape[0]} samples, {P.shape[1]} classes",
                          (P, Y)))
    return cases


def _random_logits(rng: np.random.Generator):
    return [Case(f"random {index + 1}: {logits.shape[0]} samples, {logits.shape[1]} classes",
                 (logits, labels))
            for index, (logits, labels) in enumerate(_random_classes(rng, 4))]


def reference_mse(y_pred, y_true):
    return MeanSquaredError().value(y_pred, y_true)


def reference_mse_gradient(y_pred, y_true):
    return MeanSquaredError().gradient(y_pred, y_true)


def reference_binary_cross_entropy(p, y):
    return BinaryCrossEntropy().value(p, y)


def reference_categorical_cross_entropy(P, Y):
    return CategoricalCrossEntropy().value(P, Y) + 0.0  # + 0.0 shows a loss of −0.0 as 0


def reference_cross_entropy_from_logits(logits, labels):
    return CategoricalCrossEntropy(from_logits=True).value(logits, labels) + 0.0


def reference_cross_entropy_gradient(logits, labels):
    return CategoricalCrossEntropy(from_logits=True).gradient(logits, labels)


def _errors(y_pred, y_true):
    return np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)


MSE_MISTAKES = (
    Mistake("the 1/N missing (a sum, not a mean)",
            "A loss is a mean over every number of the batch, so that it does not grow with the "
            "size of the batch.",
            lambda y_pred, y_true: float(np.sum(_errors(y_pred, y_true) ** 2))),
    Mistake("a square root taken (that is the RMSE)",
            "The mean squared error stays squared; its square root, the RMSE, is in the units "
            "of y, but it is not the loss asked for.",
            lambda y_pred, y_true: float(np.sqrt(np.mean(_errors(y_pred, y_true) ** 2)))),
    Mistake("the errors averaged before squaring",
            "Square every error first: positive and negative errors must not cancel.",
            lambda y_pred, y_true: float(np.mean(_errors(y_pred, y_true)) ** 2)),
)

MSE_GRADIENT_MISTAKES = (
    Mistake("the 1/N missing",
            "The loss is a mean, (1/N)·Σ: the 1/N stays in front of every term when you "
            "differentiate.",
            lambda y_pred, y_true: 2 * _errors(y_pred, y_true)),
    Mistake("the factor 2 missing",
            "The derivative of a square u² is 2u: the 2 comes down from the exponent.",
            lambda y_pred, y_true: _errors(y_pred, y_true) / np.size(y_pred)),
    Mistake("the sign reversed (y − ŷ instead of ŷ − y)",
            "A prediction that is too large must get a positive gradient (lowering it lowers the "
            "loss); the inner derivative of (ŷ − y) with respect to ŷ is +1.",
            lambda y_pred, y_true: -2 * _errors(y_pred, y_true) / np.size(y_pred)),
    Mistake("N counted as the number of rows only",
            "N counts every number the loss averages, all the entries of the batch, not only "
            "its rows.",
            lambda y_pred, y_true: None if np.ndim(y_pred) < 2 else
            2 * _errors(y_pred, y_true) / len(y_pred)),
)


MSE = register(Exercise(
    id="04-mse",
    title="Mean squared error",
    names=("mse",),
    may_not_use=("nncourse.losses",),
    allowed="numpy and plain Python",
    arg_names=("y_pred", "y_true"),
    reference=reference_mse,
    call=_strict("mse"),
    cases=(
        Case("predictions [2.5, 5.5, 1.5] for targets [3, 5, 2]", (PREDICTIONS, TARGETS),
             hint="Every error is ±0.5 and every square 0.25, so their mean is 0.25."),
        Case("perfect predictions", (TARGETS.copy(), TARGETS)),
        Case("one large error among small ones", (np.array([1.0, 2.0, 3.0, 8.0]),
                                                  np.array([1.0, 2.0, 3.0, 4.0])),
             hint="Square each error before averaging: the error 4 counts as 16."),
        Case("a batch of shape (2, 3)", (np.array([[1.0, 0.0, 2.0], [0.5, 0.5, 0.5]]),
                                         np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])),
             hint="Average over every number of the batch (here 6), and return one number."),
    ),
    random_cases=_random_regression,
    mistakes=MSE_MISTAKES,
    hints=(
        "Three steps: the errors ŷ − y, their squares, the mean of the squares.",
        "np.mean averages over every entry of an array, whatever its shape.",
        "Subtracting and squaring work on whole arrays, entry by entry; return the mean as a "
        "plain float.",
    ),
    points=1,
    seed=401,
))

MSE_GRADIENT = register(Exercise(
    id="04-mse_gradient",
    title="The gradient of the mean squared error",
    names=("mse_gradient",),
    may_not_use=("nncourse.losses",),
    allowed="numpy and plain Python",
    arg_names=("y_pred", "y_true"),
    reference=reference_mse_gradient,
    call=_strict("mse_gradient"),
    cases=(
        Case("predictions [2.5, 5.5, 1.5] for targets [3, 5, 2]", (PREDICTIONS, TARGETS),
             hint="2·(ŷ − y)/N with N = 3: 2·(−0.5)/3 = −0.3333 for the first prediction. "
                  "It is negative because raising that prediction lowers the loss."),
        Case("a batch of shape (2, 3)", (np.array([[1.0, 0.0, 2.0], [0.5, 0.5, 0.5]]),
                                         np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])),
             hint="N counts every number in the batch: here 6, not 2 or 3."),
    ),
    random_cases=_random_regression,
    gradient=GradientCheck(
        scalar=lambda f, y_pred, y_true: MeanSquaredError().value(y_pred, y_true),
        gradient=lambda f, y_pred, y_true: call_strictly(f["mse_gradient"], y_pred, y_true),
    ),
    mistakes=MSE_GRADIENT_MISTAKES,
    hints=(
        ("Differentiate (1/N)·Σ (ŷ − y)² with respect to one prediction ŷ_i: only one term of "
         "the sum contains it."),
        ("The derivative of a square u² is 2u·u′; here u = ŷ_i − y_i and u′ = 1. The 1/N of the "
         "mean stays, and N counts every number of the batch."),
        "np.size gives N; the result has the shape of y_pred.",
    ),
    points=1,
    seed=402,
))

SIGN_FORGOTTEN = Mistake(
    "the minus sign forgotten",
    "The logarithm of a probability is negative or 0; the loss puts a minus in front so that it "
    "is positive, and grows as the probability of the truth falls.",
    lambda p, y: -reference_binary_cross_entropy(p, y))

BCE_MISTAKES = (
    SIGN_FORGOTTEN,
    Mistake("a sum over the batch, not a mean",
            "A loss is a mean over the samples, so that it does not grow with the size of the "
            "batch.",
            lambda p, y: None if np.size(p) < 2 else
            reference_binary_cross_entropy(p, y) * np.size(p)),
)

CCE_MISTAKES = (
    Mistake("the minus sign forgotten", SIGN_FORGOTTEN.advice,
            lambda P, Y: -reference_categorical_cross_entropy(P, Y)),
    Mistake("the mean taken over every entry (samples × classes) instead of over the samples",
            "The sum over the classes is one sample's loss; only the samples are averaged, so "
            "the divisor is the number of rows, not the number of entries.",
            lambda P, Y: reference_categorical_cross_entropy(P, Y) / np.shape(P)[-1]),
)


BINARY_CROSS_ENTROPY = register(Exercise(
    id="04-binary_cross_entropy",
    title="Binary cross-entropy, safe at p = 0 and p = 1",
    names=("binary_cross_entropy",),
    may_not_use=("nncourse.losses",),
    allowed="numpy (np.log, np.clip) and plain Python",
    arg_names=("p", "y"),
    reference=reference_binary_cross_entropy,
    call=_strict("binary_cross_entropy"),
    cases=(
        Case("label 1, p = 0.9", (0.9, 1.0), hint="−log(0.9) = 0.1054."),
        Case("label 1, p = 0.1", (0.1, 1.0),
             hint="−log(0.1) = 2.3026: confident and wrong costs much more."),
        Case("label 0, p = 0.2", (0.2, 0.0),
             hint="For label 0 only the second term counts: −log(1 − 0.2) = 0.2231."),
        Case("a batch: p = [0.9, 0.1, 0.8], y = [1, 0, 1]",
             (np.array([0.9, 0.1, 0.8]), np.array([1.0, 0.0, 1.0])),
             hint="Compute the loss of every prediction, then return their mean: one number."),
        Case("certain and wrong: p = 0 for label 1", (np.array([0.0]), np.array([1.0])),
             hint=CLIP_HINT + " Then the loss is −log(1e-12) = 27.63: large, but a number."),
        Case("certain and right: p = [1, 0], y = [1, 0]",
             (np.array([1.0, 0.0]), np.array([1.0, 0.0])),
             hint="Here the unused term is 0·log(0), which numpy computes as 0·(−inf) = NaN. "
                  "Clip on both sides: " + CLIP_HINT),
    ),
    random_cases=_random_binary,
    mistakes=BCE_MISTAKES,
    hints=(
        "L = −[y·log p + (1 − y)·log(1 − p)] for each prediction, then the mean over all of them.",
        "Clip first, p = np.clip(p, EPS, 1 - EPS), so that neither log(p) nor log(1 − p) is "
        "ever log(0). EPS = 1e-12 is defined in the first cell.",
        ("Clip once, at the start, and use the clipped p in both logarithms. y and 1 − y switch "
         "the two terms on and off entry by entry; mind the minus sign in front."),
    ),
    points=2,
    seed=403,
))

CATEGORICAL_CROSS_ENTROPY = register(Exercise(
    id="04-categorical_cross_entropy",
    title="Categorical cross-entropy from probabilities",
    names=("categorical_cross_entropy",),
    may_not_use=("nncourse.losses",),
    allowed="numpy (np.log, np.clip) and plain Python",
    arg_names=("P", "Y"),
    reference=reference_categorical_cross_entropy,
    call=_strict("categorical_cross_entropy"),
    cases=(
        Case("a dog, predicted [0.7, 0.2, 0.1]", (UNSURE, DOG),
             hint="Only the true class counts: −log(0.2) = 1.6094."),
        Case("a dog, predicted [0.05, 0.9, 0.05]", (CONFIDENT, DOG),
             hint="−log(0.9) = 0.1054."),
        Case("both predictions as a batch", (np.vstack([UNSURE, CONFIDENT]), np.vstack([DOG, DOG])),
             hint="Sum over the classes, then average over the samples (rows): "
                  "(1.6094 + 0.1054) / 2 = 0.8574."),
        Case("a zero probability on a wrong class", (np.array([[0.0, 1.0, 0.0]]), DOG),
             hint="The expected loss is (nearly) 0, but y·log p computes 0·log(0) = 0·(−inf) = "
                  "NaN for the wrong classes. " + CLIP_HINT),
        Case("certain and wrong", (np.array([[1.0, 0.0, 0.0]]), DOG),
             hint=CLIP_HINT + " Then the loss is −log(1e-12) = 27.63."),
    ),
    random_cases=_random_probabilities,
    mistakes=CCE_MISTAKES,
    hints=(
        "L = −(1/n)·Σ_samples Σ_classes y·log p: the one-hot Y picks the log-probability of each "
        "sample's true class.",
        "Clip P into [EPS, 1 − EPS] before np.log; sum over everything, divide by the number of "
        "rows, P.shape[0].",
        ("Multiplying Y and log P entry by entry keeps only the true classes (the zeros of Y "
         "remove the rest). np.mean would divide by every entry, samples × classes: here the "
         "divisor is the number of samples alone."),
    ),
    points=1,
    seed=404,
))

CROSS_ENTROPY_FROM_LOGITS = register(Exercise(
    id="04-cross_entropy_from_logits",
    title="Cross-entropy from logits, stable at ±1000",
    names=("cross_entropy_from_logits",),
    may_not_use=("nncourse.losses",),
    allowed="numpy, plain Python and softmax",
    arg_names=("logits", "labels"),
    reference=reference_cross_entropy_from_logits,
    call=_strict("cross_entropy_from_logits"),
    cases=(
        Case("the 3-2-3-2 network, true class 0", (LOGITS_3232, np.array([0])),
             hint="softmax gives [0.558777, 0.441223], so the loss is −log(0.558777) = 0.5820."),
        Case("the 3-2-3-2 network, true class 1", (LOGITS_3232, np.array([1])),
             hint="−log(0.441223) = 0.8182: the label says which column to use."),
        Case("the dog again: logits log([0.7, 0.2, 0.1])", (np.log(UNSURE), np.array([1])),
             hint="These logits give softmax [0.7, 0.2, 0.1], so the loss is −log(0.2) = 1.6094."),
        Case("huge logits, the right class", (np.array([[1000.0, 0.0, -1000.0]]), np.array([0])),
             hint="e^1000 overflows: use log Σ e^s = max(s) + log Σ e^(s − max(s))."),
        Case("huge logits, the wrong class", (np.array([[1000.0, 0.0, -1000.0]]), np.array([2])),
             hint="Expected 2000: log Σ e^s ≈ 1000, minus the true class's logit −1000. Going "
                  "through softmax first gives probability 0 and log(0); stay with logits: "
                  "simplify −log softmax(s)_c until no softmax and no division is left."),
        Case("a batch of two, large logits", (np.array([[1000.0, 999.0], [-1000.0, -999.0]]),
                                              np.array([1, 0])),
             hint="Take the maximum of each row separately (axis=1, keepdims=True), and average "
                  "the per-sample losses over the rows."),
    ),
    random_cases=_random_logits,
    mistakes=(
        Mistake("a sum over the samples, not a mean",
                "The loss of a batch is the mean of its samples' losses, so that it does not grow "
                "with the size of the batch.",
                lambda logits, labels: None if np.shape(logits)[0] < 2 else
                reference_cross_entropy_from_logits(logits, labels) * np.shape(logits)[0]),
    ),
    hints=(
        ("For one sample, write softmax(s)_c as its fraction and take −log of it: the log of a "
         "quotient is a difference, and the log of e^x is x. c is the true class."),
        "log Σ_k e^(s_k) = m + log Σ_k e^(s_k − m) with m the row's maximum: every exponent is "
        "then ≤ 0 and nothing overflows.",
        "labels holds one class index per row: logits[np.arange(n), labels] picks s_c of every "
        "row. Average the n losses.",
    ),
    points=2,
    seed=405,
))

CROSS_ENTROPY_GRADIENT = register(Exercise(
    id="04-cross_entropy_gradient",
    title="The gradient of cross-entropy with respect to the logits",
    names=("cross_entropy_gradient",),
    may_not_use=("nncourse.losses",),
    allowed="numpy, plain Python and softmax",
    arg_names=("logits", "labels"),
    reference=reference_cross_entropy_gradient,
    call=_strict("cross_entropy_gradient"),
    cases=(
        Case("the 3-2-3-2 network, true class 0", (LOGITS_3232, np.array([0])),
             hint="softmax − one-hot: [0.558777 − 1, 0.441223 − 0] = [−0.441223, 0.441223]."),
        Case("a batch of two", (np.vstack([LOGITS_3232, np.log(UNSURE[:, :2])]), np.array([0, 1])),
             hint="Divide by the number of samples, n = 2: the loss is a mean over the rows."),
        Case("huge logits", (np.array([[1000.0, 0.0, -1000.0]]), np.array([2])),
             hint="The softmax here must be the stable one (subtract each row's maximum)."),
    ),
    random_cases=_random_logits,
    gradient=GradientCheck(
        scalar=lambda f, logits, labels: reference_cross_entropy_from_logits(logits, labels),
        gradient=lambda f, logits, labels: call_strictly(f["cross_entropy_gradient"], logits,
                                                         labels),
    ),
    mistakes=(
        Mistake("the 1/n of the mean missing",
                "The loss of Exercise 5 is a mean over the n samples, so every row of its "
                "gradient carries a 1/n.",
                lambda logits, labels: reference_cross_entropy_gradient(logits, labels)
                * np.shape(logits)[0]),
        Mistake("the sign reversed (y − p instead of p − y)",
                "Raising the true class's logit must lower the loss: its entry of the gradient "
                "is negative.",
                lambda logits, labels: -reference_cross_entropy_gradient(logits, labels)),
    ),
    hints=(
        ("Start from one sample's loss, log Σ_k e^(s_k) − s_c, and differentiate it with "
         "respect to one logit s_j. Two cases: j is the true class c, or it is not."),
        ("∂/∂s_j of log Σ_k e^(s_k) is e^(s_j) / Σ_k e^(s_k), which is softmax(s)_j; the term "
         "−s_c adds −1 only when j = c. The batch loss is a mean over n rows."),
        ("One-hot rows: np.eye(k)[labels]. softmax is imported in the first cell. Every row of "
         "the gradient is divided by n."),
    ),
    points=1,
    seed=406,
))


# ------------------------------------------------------------------ 7. why cross-entropy trains

P_WRONG, Y_TRUE = 0.01, 1.0


def reference_logit_gradients():
    """∂L/∂z at p = σ(z) = 0.01 with y = 1, for the squared error (y − p)² and for the binary
    cross-entropy, through the sigmoid: 2(p − y)·p(1 − p) and p − y."""
    p, y = P_WRONG, Y_TRUE
    return {"squared error": 2 * (p - y) * p * (1 - p), "cross-entropy": p - y}


LOGIT_GRADIENTS = register(Exercise(
    id="04-logit_gradients",
    title="Why cross-entropy trains faster: the gradient at the logit",
    names=("logit_gradients",),
    kind="value",
    reference=reference_logit_gradients,
    rtol=2e-3,
    atol=1e-6,
    mistakes=(
        Mistake("the gradients taken with respect to p, not z",
                "The question is about the logit z, the number the weights move directly.",
                lambda: {"squared error": 2 * (P_WRONG - Y_TRUE),
                         "cross-entropy": -Y_TRUE / P_WRONG + (1 - Y_TRUE) / (1 - P_WRONG)}),
        Mistake("the sigmoid's slope left out of the squared error's gradient",
                "p = σ(z): the chain rule from the loss to z passes through σ′(z) = p(1 − p), "
                "and that factor is what makes the squared error's gradient so small here.",
                lambda: {"squared error": 2 * (P_WRONG - Y_TRUE)}),
    ),
    hints=(
        ("Both losses reach z through p = σ(z), and σ′(z) = p(1 − p). Write ∂L/∂z = ∂L/∂p · "
         "∂p/∂z for each loss."),
        ("For (y − p)², ∂L/∂p = 2(p − y). For the cross-entropy, differentiate each logarithm "
         "(the derivative of log u is u′/u) and put the two terms over one denominator before "
         "you multiply by p(1 − p): see what is left."),
    ),
    points=1,
))
