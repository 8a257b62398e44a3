"""Topic 07, training a network: the exercises of solutions/07_training.ipynb.

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
from nncourse.grading.spec import Case, Exercise
from nncourse.network import Sequential, mlp
from nncourse.training import accuracy, fit


def _what(value) -> str:
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of {len(value)} item{'s' if len(value) != 1 else ''}"
    return f"a {type(value).__name__}"


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


HE_INIT = register(Exercise(
    id="07-he_init",
    may_not_use=("nncourse.init",),
    allowed="numpy (a seeded np.random.default_rng) and plain Python",
    title="He initialisation",
    names=("he_init",),
    arg_names=("n_in", "n_out", "seed"),
    reference=reference_he_init,
    call=learner_he_init,
    cases=(
        _he_case(784, 128, 0, hint="W has one row per input and one column per neuron: shape "
                                   "(n_in, n_out) = (784, 128). Its spread is √(2/784) ≈ "
                                   "0.0505; if you got 0.00255, its square, you used the "
                                   "variance 2/n_in as the standard deviation."),
        _he_case(100, 300, 1, hint="The spread depends on the number of inputs only: "
                                   "√(2/100) ≈ 0.141, whatever n_out is."),
        _he_case(2, 5000, 2, hint="With 2 inputs the spread is √(2/2) = 1. The standard "
                                  "deviation is the square root of the variance 2/n_in."),
        _he_case(1000, 20, 3),
    ),
    hints=(
        ("He initialisation draws every weight from a normal distribution with mean 0 and variance "
         "2 / n_in (n_in: the number of inputs of the layer). numpy wants the standard deviation, "
         "the square root of the variance."),
        ("Use the generator you are given (never np.random.randn, which ignores it): "
         "rng.normal(0.0, std, size=(n_in, n_out))."),
        "std = np.sqrt(2.0 / n_in); return rng.normal(0.0, std, size=(n_in, n_out))",
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
    if not isinstance(result, tuple | list) or len(result) != 2:
        raise CourseError(f"standardize must return two arrays, (X_train_std, X_test_std); it "
                          f"returned {_what(result)}.")
    with np.errstate(all="ignore"):
        return {name: np.asarray(value, dtype=float) if isinstance(value, list) else value
                for name, value in zip(STD_NAMES, result)}


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
    may_not_use=("nncourse.data.standardize",),
    allowed="numpy (mean and std along axis 0) and plain Python",
    title="Standardise with the training statistics",
    names=("standardize",),
    arg_names=("X_train", "X_test"),
    reference=reference_standardize,
    call=learner_standardize,
    cases=(
        Case("houses: area in m² and number of rooms", (HOUSES_TRAIN, HOUSES_TEST),
             hint="Column by column: the areas have mean 75 and standard deviation 23.45 "
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
                  "instead, np.where(std > 0, std, 1.0), so that it becomes 0 (and 1 in the "
                  "test sample), not NaN."),
        Case("a single test sample", (HOUSES_TRAIN, np.array([[75.0, 2.0]])),
             hint="A test sample exactly at the training mean becomes [0, 0]."),
    ),
    random_cases=_random_standardize,
    hints=(
        ("Compute the mean and the standard deviation of every column of X_train "
         "(axis=0), once. Then apply (X − mean) / std to X_train and to X_test with those same "
         "numbers."),
        ("mean = X_train.mean(axis=0); std = X_train.std(axis=0) (np.std divides by n, as the "
         "course does). Never compute statistics of X_test."),
        ("Guard against a constant column: std = np.where(std > 0, std, 1.0). "
         "Return both: return (X_train - mean) / std, (X_test - mean) / std"),
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


def learner_train(f, data, epochs, lr, seed):
    X, y = _data(data)
    result = f["train"](X.copy(), y.copy(), epochs, lr, seed)
    if result is None:
        return None
    if not isinstance(result, tuple | list) or len(result) != 2:
        raise CourseError(f"train must return two things, (network, losses); it returned "
                          f"{_what(result)}.")
    network, losses = result
    if not isinstance(network, Sequential):
        raise CourseError(f"The first thing train returns must be the trained network (a "
                          f"Sequential); it is {_what(network)}.")
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
    hints=(
        ("Start from net = mlp([2, 4, 1], hidden=\"tanh\", output=\"sigmoid\", seed=seed), the "
         "loss "
         "BinaryCrossEntropy() and the optimiser SGD(lr). Then repeat `epochs` times: forward, "
         "loss, backward, step."),
        ("One epoch: out = net.forward(X); losses.append(loss.value(out, y.reshape(-1, 1))); "
         "net.backward(y, loss); opt.step(net.parameters(), net.gradients())."),
        "Return the network and the list of losses: return net, losses",
    ),
    rtol=1e-9,
    atol=1e-12,
    points=2,
))
