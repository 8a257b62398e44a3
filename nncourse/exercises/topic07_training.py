"""Lesson 07, training a network: the exercises of solutions/07_training.ipynb.

    He initialisation:  W ~ N(0, 2 / n_in), shape (n_in, n_out)        (nncourse.init.he)
    standardisation:    X' = (X − μ_train) / σ_train, for the training AND the test data
                        (nncourse.data.standardize; a constant feature is divided by 1)
    the training loop:  for each epoch: forward, loss, backward, one optimiser step

Random initial weights cannot be compared number by number (a learner may draw them in another
way), so `he_init` is checked by its shape and statistics, and by giving the same weights for the
same generator seed. The training loop is checked by running it: the network it returns must
classify every sample right, and the losses it records must be those of the engine's `fit` with
the same network, data and settings.
"""

from __future__ import annotations

import numpy as np

from nncourse.data import and_gate, xor
from nncourse.data import standardize as engine_standardize
from nncourse.errors import CourseError
from nncourse.exercises import register
from nncourse.exercises.words import kind_of, returned_items
from nncourse.exercises.shapes import call_explaining_shapes
from nncourse.grading.spec import Case, Exercise, Mistake
from nncourse.network import Sequential, mlp
from nncourse.training import accuracy, fit


# ------------------------------------------------------------------ 1. He initialisation

SAME_SEED, OTHER_SEED = "same seed, same weights", "another seed, other weights"


def reference_he_init(n_in, n_out, seed):
    """What He-initialised weights look like: shape, mean 0, standard deviation √(2 / n_in)."""
    return {"shape": np.array([n_in, n_out]), "mean": 0.0, "standard deviation":
            float(np.sqrt(2.0 / n_in)), SAME_SEED: True, OTHER_SEED: True}


def learner_he_init(f, n_in, n_out, seed):
    """The statistics of the learner's weights, drawn three times (two seeds)."""
    def draw(s):
        return f["he_init"](n_in, n_out, np.random.default_rng(s))

    W = draw(seed)
    if W is None:
        return None
    W = np.asarray(W, dtype=float)
    again, other = np.asarray(draw(seed), dtype=float), np.asarray(draw(seed + 1), dtype=float)
    return {"shape": np.array(W.shape), "mean": float(W.mean()),
            "standard deviation": float(W.std()),
            SAME_SEED: bool(again.shape == W.shape and np.array_equal(again, W)),
            OTHER_SEED: bool(other.shape != W.shape or not np.array_equal(other, W))}


def _he_case(n_in: int, n_out: int, seed: int, hint: str | None = None) -> Case:
    # the sample mean of N draws with spread s is within 4·s/√N of 0 (all but 1 in 15 000 times);
    # the sample standard deviation is within 5 % of s for N ≥ 2000 (far more than 4 spreads)
    spread = np.sqrt(2.0 / n_in)
    return Case(f"n_in = {n_in}, n_out = {n_out}", (n_in, n_out, seed), hint=hint,
                atol=4 * spread / np.sqrt(n_in * n_out), rtol=0.05)


HE_INIT_MISTAKES = (
    Mistake("the variance used as the standard deviation",
            "numpy's normal takes the standard deviation, the square root of the variance; "
            "a spread of 2/n_in is far too small for a layer of many inputs.",
            lambda n_in, n_out, seed: {"standard deviation": 2.0 / n_in}),
    Mistake("n_out used where n_in belongs",
            "The spread keeps the weighted sum of a neuron as large as its inputs, and that sum "
            "runs over the layer's inputs: it is the number of inputs that counts.",
            lambda n_in, n_out, seed: {"standard deviation": float(np.sqrt(2.0 / n_out))}),
    Mistake("the factor 2 left out (Xavier's 1/n_in, not He's 2/n_in)",
            "ReLU sets about half of its inputs to 0, which halves the mean square of the "
            "signal; He's variance makes up for that.",
            lambda n_in, n_out, seed: {"standard deviation": float(np.sqrt(1.0 / n_in))}),
    Mistake("W transposed (n_out, n_in)",
            "W has one row per input and one column per neuron, as in the engine's Dense: "
            "X @ W must work for X of shape (samples, n_in).",
            lambda n_in, n_out, seed: {"shape": np.array([n_out, n_in])}),
)

HE_INIT = register(Exercise(
    id="07-he_init",
    title="He initialisation",
    names=("he_init",),
    may_not_use=("nncourse.init",),
    allowed="numpy (a seeded np.random.default_rng) and plain Python",
    arg_names=("n_in", "n_out", "seed"),
    reference=reference_he_init,
    call=learner_he_init,
    cases=(
        _he_case(784, 128, 0, hint="W has one row per input and one column per neuron: shape "
                                   "(n_in, n_out) = (784, 128). With 784 inputs the spread "
                                   "must be small, but not tiny."),
        _he_case(100, 300, 1, hint="The spread comes from the variance of one neuron's weighted "
                                   "sum, which runs over the layer's inputs."),
        _he_case(2, 5000, 2, hint="With 2 inputs the spread is 1."),
        _he_case(1000, 20, 3),
    ),
    mistakes=HE_INIT_MISTAKES,
    hints=(
        ("Set the mean square of the next layer's weighted sum, n_in·s²·½·Var(z), equal to "
         "Var(z), and solve for the variance s² of one weight."),
        ("numpy's rng.normal(mean, scale, size) takes the standard deviation as its scale, the "
         "square root of the variance. Use the generator you are given (never np.random.randn, "
         "which ignores it)."),
        ("Draw the whole (n_in, n_out) matrix in one call to the generator you are given, with "
         "mean 0 and, as its scale, the square root of the variance you solved for."),
    ),
    points=1,
))

# ------------------------------------------------------------------ 2. standardisation

STD_NAMES = ("X_train", "X_test")


def reference_standardize(X_train, X_test):
    train, mean, std = engine_standardize(X_train)
    test, _, _ = engine_standardize(X_test, mean, std)
    return {"X_train": train, "X_test": test}


def learner_standardize(f, X_train, X_test):
    result = f["standardize"](X_train, X_test)
    if result is None:
        return None
    items = returned_items(result, "standardize", ("X_train_std", "X_test_std"), "arrays")
    with np.errstate(all="ignore"):
        return {name: np.asarray(value, dtype=float) if isinstance(value, list) else value
                for name, value in zip(STD_NAMES, items.values())}


def _random_standardize(rng: np.random.Generator):
    cases = []
    for index in range(3):
        d = int(rng.integers(1, 5))
        scale = rng.uniform(0.1, 100, size=d)
        X_train = rng.normal(size=(int(rng.integers(5, 20)), d)) * scale + rng.normal(size=d) * 10
        X_test = rng.normal(size=(int(rng.integers(1, 8)), d)) * scale + rng.normal(size=d) * 10
        cases.append(Case(f"random {index + 1}: {d} features", (X_train, X_test)))
    return cases


HOUSES_TRAIN = np.array([[50.0, 1.0], [80.0, 3.0], [110.0, 2.0], [60.0, 2.0]])
HOUSES_TEST = np.array([[70.0, 2.0], [200.0, 5.0]])

STANDARDIZE = register(Exercise(
    id="07-standardize",
    title="Standardise with the training statistics",
    names=("standardize",),
    may_not_use=("nncourse.data.standardize",),
    allowed="numpy (mean and std along axis 0) and plain Python",
    arg_names=("X_train", "X_test"),
    reference=reference_standardize,
    call=learner_standardize,
    cases=(
        Case("houses: area in m² and number of rooms", (HOUSES_TRAIN, HOUSES_TEST),
             hint="Column by column: the areas have mean 75 and standard deviation 22.91 "
                  "(np.std divides by n), the rooms mean 2 and std 0.707. Both sets use these "
                  "numbers: the test set's own mean and std are never computed."),
        Case("a test set unlike the training set",
             (np.array([[0.0], [2.0], [4.0]]), np.array([[10.0], [12.0]])),
             hint="The training mean is 2 and std 1.633, so the test values 10 and 12 become "
                  "4.90 and 6.12. If your test set came out with mean 0, you used its own "
                  "statistics: a model must see test data scaled exactly as it was trained."),
        Case("a feature that never changes in the training data",
             (np.array([[1.0, 5.0], [3.0, 5.0], [2.0, 5.0]]), np.array([[2.0, 6.0]])),
             hint="The second feature is 5 in every training sample: its std is 0. Divide by 1 "
                  "wherever the std is 0, so that it becomes 0 (and 1 in the test sample), not "
                  "NaN."),
        Case("a single test sample", (HOUSES_TRAIN, np.array([[75.0, 2.0]])),
             hint="A test sample exactly at the training mean becomes [0, 0]."),
    ),
    random_cases=_random_standardize,
    mistakes=(
        Mistake("the test set scaled with its own statistics",
                "The mean and standard deviation are part of the model, fixed by the training "
                "data: a test sample must be scaled exactly as the training samples were.",
                lambda X_train, X_test: {"X_test": reference_standardize(X_test, X_test)[
                    "X_train"]}),
        Mistake("one mean and one standard deviation for the whole matrix",
                "Each feature (column) has its own unit and spread: take the statistics along "
                "the samples, column by column.",
                lambda X_train, X_test: {
                    "X_train": (X_train - X_train.mean()) / X_train.std(),
                    "X_test": (X_test - X_train.mean()) / X_train.std()}),
    ),
    hints=(
        ("Think of the network in use: it receives one new sample. What could its own mean and "
         "standard deviation even be? Whatever scaling the training data got, a new sample must "
         "get the same."),
        ("The statistics come from X_train, column by column (axis=0), computed once; both sets "
         "are transformed with them. np.std divides by n, as the course does."),
        ("A constant training column has standard deviation 0: divide it by 1 instead (numpy "
         "can choose between two arrays entry by entry), so that it becomes 0, not NaN."),
    ),
    points=2,
    seed=702,
))

# ------------------------------------------------------------------ 3. the training loop

TRAIN_KEYS = ("accuracy", "number of losses", "losses")


def _data(name: str):
    return xor() if name == "xor" else and_gate()


def reference_train(data, epochs, lr, seed):
    """The engine: `fit` on the prescribed network, full batch, SGD, binary cross-entropy."""
    X, y = _data(data)
    network = mlp([2, 4, 1], hidden="tanh", output="sigmoid", seed=seed)
    history = fit(network, X, y, loss="binary_crossentropy", optimizer="sgd", lr=lr,
                  epochs=epochs)
    return {"accuracy": accuracy(network, X, y), "number of losses": epochs,
            "losses": np.array(history.loss)}


def _losses_after_step(data, epochs, lr, seed):
    """What a loop records when it measures the loss after each step instead of before."""
    from nncourse.losses import BinaryCrossEntropy
    from nncourse.optim import SGD

    X, y = _data(data)
    net, loss, optimizer = mlp([2, 4, 1], hidden="tanh", output="sigmoid", seed=seed), \
        BinaryCrossEntropy(), SGD(lr)
    losses = []
    for _ in range(epochs):
        net.forward(X)
        net.backward(y, loss)
        optimizer.step(net.parameters(), net.gradients())
        losses.append(loss.value(net.forward(X), y.reshape(-1, 1)))
    return np.array(losses)


def learner_train(f, data, epochs, lr, seed):
    X, y = _data(data)
    result = f["train"](X.copy(), y.copy(), epochs, lr, seed)
    if result is None:
        return None
    network, losses = returned_items(result, "train", ("network", "losses")).values()
    if not isinstance(network, Sequential):
        raise CourseError(f"The first thing train returns must be the trained network (a "
                          f"Sequential); it is {kind_of(network)}.")
    losses = np.asarray(losses, dtype=float).reshape(-1)
    return {"accuracy": accuracy(network, X, y), "number of losses": len(losses),
            "losses": losses}


TRAIN = register(Exercise(
    id="07-train",
    title="A training loop that learns XOR",
    names=("train",),
    arg_names=("data", "epochs", "lr", "seed"),
    reference=reference_train,
    call=learner_train,
    cases=(
        Case("XOR, 200 epochs, η = 1, seed 0", ("xor", 200, 1.0, 0),
             hint="After 200 epochs every one of the four XOR corners must be right (a loss that "
                  "never changes means that the optimiser never steps). The losses "
                  "must be those of the engine's fit: record the loss of each epoch's forward "
                  "pass (before the step), one number per epoch."),
        Case("XOR, 150 epochs, η = 2, seed 3", ("xor", 150, 2.0, 3),
             hint="Build the network from the seed you are given: mlp([2, 4, 1], hidden=\"tanh\", "
                  "output=\"sigmoid\", seed=seed)."),
        Case("the AND gate, 100 epochs, η = 1, seed 1", ("and", 100, 1.0, 1),
             hint="The loop must work for any data X, y: use the arguments, not xor()."),
    ),
    mistakes=(
        Mistake("the loss recorded after the step",
                "fit records the loss of each epoch's forward pass, the one the gradients are "
                "computed from, before the weights move.",
                lambda data, epochs, lr, seed: {"losses": _losses_after_step(data, epochs, lr,
                                                                              seed)}),
    ),
    hints=(
        ("A step needs gradients, gradients need the predictions of a forward pass, and after "
         "a step the predictions are out of date. Build the network, the loss and the "
         "optimiser once, before the loop."),
        ("Ask of each piece what it reads: which predictions does backward use, and which "
         "gradients does the step? Record the loss of the predictions the gradients come from, "
         "one number per epoch, and return the network with the list."),
    ),
    rtol=1e-9,
    atol=1e-12,
    points=2,
))

# ------------------------------------------------------------------ 4. the capstone

CAPSTONE_SIZES = (10, 64, 32, 3)
CAPSTONE_KEYS = ("parameter shapes", "first loss close to ln 3", "loss fell below a half of it",
                 "test accuracy at least 0.9")


def tabular_data(seed: int):
    """Lesson 07's tabular data set (three clouds in ten dimensions), split and standardised
    with the training statistics."""
    from nncourse.data import blobs, train_test_split

    X, y = blobs(600, n_features=10, n_classes=3, spread=5.0, seed=seed)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.25, seed=seed)
    X_train, mean, std = engine_standardize(X_train)
    X_test, _, _ = engine_standardize(X_test, mean, std)
    return X_train, y_train, X_test, y_test


def _predict(params, X):
    """Class labels from the learner's parameters, by the course's own forward pass."""
    A = X
    for index, (W, b) in enumerate(params):
        Z = A @ W + b
        A = Z if index == len(params) - 1 else np.maximum(0.0, Z)
    return np.argmax(A, axis=1)


def capstone_summary(params, losses, X_test, y_test) -> dict:
    shapes = [(tuple(np.shape(W)), tuple(np.shape(b))) for W, b in params]
    right = [((a, b), (b,)) for a, b in zip(CAPSTONE_SIZES, CAPSTONE_SIZES[1:])]
    losses = np.asarray(losses, dtype=float).reshape(-1)
    fits = shapes == right
    return {
        "parameter shapes": str(shapes),
        "first loss close to ln 3": bool(len(losses) and abs(losses[0] - np.log(3)) < 0.25),
        "loss fell below a half of it": bool(len(losses) and losses[-1] < 0.5 * losses[0]),
        "test accuracy at least 0.9": bool(fits and np.mean(_predict(params, X_test) == y_test)
                                           >= 0.9),
    }


def reference_capstone(seed):
    right = [((a, b), (b,)) for a, b in zip(CAPSTONE_SIZES, CAPSTONE_SIZES[1:])]
    return {"parameter shapes": str(right), "first loss close to ln 3": True,
            "loss fell below a half of it": True, "test accuracy at least 0.9": True}


def learner_capstone(f, seed):
    X_train, y_train, X_test, y_test = tabular_data(int(seed))
    result = call_explaining_shapes(f["train_tabular"], X_train.copy(), y_train.copy(),
                                    np.random.default_rng(seed))
    if result is None:
        return None
    params, losses = returned_items(result, "train_tabular", ("params", "losses")).values()
    if not isinstance(params, tuple | list) or not all(
            isinstance(p, tuple | list) and len(p) == 2 for p in params):
        raise CourseError("params must be a list of (W, b) pairs, one per layer, input first.")
    params = [(np.asarray(W, dtype=float), np.asarray(b, dtype=float)) for W, b in params]
    return capstone_summary(params, losses, X_test, y_test)


CAPSTONE = register(Exercise(
    id="07-capstone",
    title="The tabular classifier, all yours",
    names=("train_tabular",),
    may_not_use=("nncourse.layers", "nncourse.network", "nncourse.training", "nncourse.optim",
                 "nncourse.losses", "nncourse.activations", "nncourse.init"),
    allowed="numpy and plain Python (and your own functions)",
    arg_names=("seed",),
    reference=reference_capstone,
    call=learner_capstone,
    cases=(
        Case("lesson 07's data set (seed 0)", (0,),
             hint="A fresh classifier that guesses gives each class about 1/3, and its loss is "
                  "about −ln(1/3) = ln 3 ≈ 1.10: a first loss far from that means the start or "
                  "the loss is off (weights far too large, or a loss that is not a mean)."),
        Case("the same kind of data, another draw (seed 1)", (1,),
             hint="Nothing may be tuned to one data set: the same code must learn both."),
    ),
    reveal_expected=True,
    hints=(
        ("Four pieces, each one you have written before: start (He weights, zero biases), "
         "forward (ReLU, ReLU, then the logits), the loss and its gradient with respect to the "
         "logits (softmax − one-hot, divided by n), and backward layer by layer (dW, db, and "
         "dX through the ReLU's slope), then the update."),
        ("Keep what the forward pass computed (each layer's input and its Z): the backward "
         "pass needs them. ReLU's slope is 1 where Z > 0, else 0. Record the loss before each "
         "step."),
        ("Full-batch gradient descent with a learning rate around 0.5 for a few hundred epochs, "
         "or mini-batches, both work; start small and watch the losses."),
    ),
    points=3,
))
