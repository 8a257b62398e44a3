"""Topic 05, backpropagation: the exercises of solutions/05_backprop.ipynb.

A dense layer computes Z = X @ W + b. Given dZ = ∂L/∂Z from above, its backward step is

    dW = Xᵀ @ dZ        (inputs × neurons, like W)
    db = Σ_rows dZ      (one number per neuron, summed over the samples)
    dX = dZ @ Wᵀ        (samples × inputs, like X: what the layer below receives)

The 3-2-1 sigmoid network of the syllabus (seed 002) is worked with error signals
δ = −∂L/∂z for L = ½(y − o)²:

    δ6 = (y − o6)·o6·(1 − o6),   δh = oh·(1 − oh)·δ6·wh6  (h = 4, 5),
    w ← w + η·δ·input,           θ ← θ + η·δ,

which is one step of gradient descent, w ← w − η·∂L/∂w. The references are the engine: a `Dense`
layer's `backward_from_z`, and `network_321` trained one step with SGD on "half_squared_error".
"""

from __future__ import annotations

import numpy as np

from nncourse.data import blobs, xor
from nncourse.errors import CourseError
from nncourse.examples import LR_321, WEIGHTS_321, X_321, Y_321, named_weights_321
from nncourse.exercises import register
from nncourse.grading.spec import Case, Exercise, GradientCheck
from nncourse.layers import Dense
from nncourse.network import Sequential, mlp
from nncourse.optim import SGD
from nncourse.training import fit

# ------------------------------------------------------------------ 1. a dense layer's backward

GRAD_NAMES = ("dX", "dW", "db")


def reference_dense_backward(X, W, dZ):
    """The engine's backward step of a dense layer (after the activation), named."""
    X, W, dZ = (np.asarray(a, dtype=float) for a in (X, W, dZ))
    layer = Dense.from_weights(W, np.zeros(W.shape[1]), "identity")
    layer.forward(X)
    dX = layer.backward_from_z(dZ)
    return {"dX": dX, "dW": layer.dW, "db": layer.db}


def _named_gradients(result, function_name: str = "dense_backward"):
    """The learner's (dX, dW, db) as a dict, so that a message names the wrong one."""
    if result is None:
        return None
    if not isinstance(result, tuple | list) or len(result) != 3:
        raise CourseError(f"{function_name} must return three arrays, (dX, dW, db); it returned "
                          f"{_what(result)}.")
    return dict(zip(GRAD_NAMES, result))


def _what(value) -> str:
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of {len(value)} item{'s' if len(value) != 1 else ''}"
    return f"a {type(value).__name__}"


def _hidden_layer_321():
    """X, W and dZ of the 3-2-1 network's hidden layer in its backward pass (one sample)."""
    from nncourse.examples import network_321

    net = network_321()
    net.forward(X_321[None, :])
    net.backward(np.array([[Y_321]]), "half_squared_error")
    hidden = net.layers[0]
    return hidden.X.copy(), hidden.W.copy(), hidden.dz.copy()


def _random_layers(rng: np.random.Generator):
    cases = []
    for index in range(4):
        n, n_in, n_out = (int(v) for v in rng.integers(1, 7, size=3))
        X, W = rng.normal(size=(n, n_in)), rng.normal(size=(n_in, n_out))
        dZ = rng.normal(size=(n, n_out))
        cases.append(Case(f"random {index + 1}: {n} samples, {n_in} inputs, {n_out} neurons",
                          (X, W, dZ)))
    return cases


_X321, _W321, _DZ321 = _hidden_layer_321()

DENSE_BACKWARD = register(Exercise(
    id="05-dense_backward",
    may_not_use=("nncourse.layers",),
    allowed="numpy (the @ operator, .T, np.sum) and plain Python",
    title="The backward step of a dense layer",
    names=("dense_backward",),
    arg_names=("X", "W", "dZ"),
    reference=reference_dense_backward,
    call=lambda f, X, W, dZ: _named_gradients(f["dense_backward"](X, W, dZ)),
    cases=(
        Case("the hidden layer of the 3-2-1 network (one sample)", (_X321, _W321, _DZ321),
             hint="Each gradient has the shape of what it belongs to: dW = X.T @ dZ like W (3, 2), "
                  "db = dZ.sum(axis=0) like b (2,), dX = dZ @ W.T like X (1, 3)."),
        Case("a batch of 3 samples, 2 inputs, 1 neuron",
             (np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]]), np.array([[0.5], [-0.25]]),
              np.array([[0.1], [-0.2], [0.3]])),
             hint="db adds dZ over the samples (the rows): dZ.sum(axis=0) has one number per "
                  "neuron, here shape (1,). dW adds input × dZ over the samples: X.T @ dZ."),
        Case("a square W (2 inputs, 2 neurons), 4 samples",
             (np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, -1.0]]),
              np.array([[1.0, 2.0], [3.0, 4.0]]),
              np.array([[0.5, -0.5], [1.0, 0.0], [0.0, 1.0], [0.25, 0.25]])),
             hint="When W is square, a transpose in the wrong place keeps the shape and only the "
                  "numbers are wrong: dX = dZ @ W.T (not dZ @ W), dW = X.T @ dZ (not dZ.T @ X)."),
    ),
    random_cases=_random_layers,
    gradient=GradientCheck(
        # L(W) = Σ dZ ⊙ (X @ W): a loss whose gradient with respect to Z is exactly dZ,
        # so its numerical gradient with respect to W is the dW the learner must return.
        scalar=lambda f, X, W, dZ: float(np.sum(dZ * (X @ W))),
        gradient=lambda f, X, W, dZ: f["dense_backward"](X, W, dZ)[1],
        wrt=1,
    ),
    hints=(
        ("Each gradient has the shape of what it belongs to: dX like X (samples × inputs), "
         "dW like W (inputs × neurons), db like b (neurons,). Let the shapes tell you where the "
         "transposes go."),
        ("dW = X.T @ dZ adds, over the samples, each input times each neuron's dZ. db = "
         "dZ.sum(axis=0) adds dZ over the samples."),
        ("dX = dZ @ W.T: every input collects the dZ of all the neurons it feeds, weighted by the "
         "connecting weights. Return the three as a tuple: return dX, dW, db"),
    ),
    points=2,
    seed=501,
))

# ------------------------------------------------------------------ 2. the 3-2-1 network by hand

WEIGHT_KEYS = ("w14", "w15", "w24", "w25", "w34", "w35", "w46", "w56", "theta4", "theta5", "theta6")
DELTA_KEYS = ("delta6", "delta5", "delta4")


def _engine_name(key: str) -> str:
    return key.replace("theta", "θ")


def network_from_weights(weights: dict) -> Sequential:
    """The 3-2-1 sigmoid network with the given named weights (w14 … theta6)."""
    w = {_engine_name(k): float(v) for k, v in weights.items()}
    return Sequential([
        Dense.from_weights([[w["w14"], w["w15"]], [w["w24"], w["w25"]], [w["w34"], w["w35"]]],
                           [w["θ4"], w["θ5"]], "sigmoid", name="hidden"),
        Dense.from_weights([[w["w46"]], [w["w56"]]], [w["θ6"]], "sigmoid", name="output"),
    ])


def reference_backprop_321(weights, x, y, lr):
    """δ6, δ5, δ4 and the weights after one update, from the engine.

    The engine's dz is ∂L/∂z for L = ½(y − o)², which is −δ; SGD's w − η·∂L/∂w is w + η·δ·input."""
    net = network_from_weights(weights)
    net.forward(np.asarray(x, dtype=float)[None, :])
    net.backward(np.array([[float(y)]]), "half_squared_error")
    hidden, output = net.layers
    result = {"delta6": -float(output.dz[0, 0]), "delta5": -float(hidden.dz[0, 1]),
              "delta4": -float(hidden.dz[0, 0])}
    SGD(float(lr)).step(net.parameters(), net.gradients())
    updated = named_weights_321(net)
    result.update({key: updated[_engine_name(key)] for key in WEIGHT_KEYS})
    return result


WEIGHTS_321_ASCII = {k.replace("θ", "theta"): v for k, v in WEIGHTS_321.items()}


def _check_backprop_answer(result):
    if result is None:
        return None
    if not isinstance(result, dict):
        raise CourseError(f"backprop_321 must return a dict with the keys delta6, delta5, delta4, "
                          f"w14 … theta6; it returned {_what(result)}.")
    return result


def _random_321(rng: np.random.Generator):
    cases = []
    for index in range(3):
        weights = {k: float(np.round(rng.uniform(-1, 1), 3)) for k in WEIGHT_KEYS}
        x = rng.integers(0, 2, size=3).astype(float)
        cases.append(Case(f"random {index + 1}: other weights, x = {x.tolist()}",
                          (weights, x, float(rng.integers(0, 2)), 0.5)))
    return cases


BACKPROP_321 = register(Exercise(
    id="05-backprop_321",
    title="One backpropagation step of the 3-2-1 network",
    names=("backprop_321",),
    arg_names=("weights", "x", "y", "lr"),
    reference=reference_backprop_321,
    call=lambda f, weights, x, y, lr: _check_backprop_answer(
        f["backprop_321"](weights, x, y, lr)),
    cases=(
        Case("the syllabus network: x = (1, 0, 1), target 1, η = 0.9",
             (WEIGHTS_321_ASCII, X_321, Y_321, LR_321),
             hint="Expected δ6 = 0.1312, δ5 = −0.00654, δ4 = −0.00872; then w46 = −0.2608, "
                  "w35 = 0.1941, θ6 = 0.2181. The hidden deltas use w46 and w56 from before the "
                  "update."),
        Case("the same network with target 0", (WEIGHTS_321_ASCII, X_321, 0.0, LR_321),
             hint="With target 0 the output 0.474 is too high: δ6 = (0 − o6)·o6·(1 − o6) is "
                  "negative and every weight moves the other way."),
        Case("input x = (0, 1, 0): only w24, w25 and the biases of the hidden layer change",
             (WEIGHTS_321_ASCII, np.array([0.0, 1.0, 0.0]), Y_321, LR_321),
             hint="A weight's change is η·δ·(its input): the weights leaving an input that is 0 "
                  "do not move. A bias behaves like a weight whose input is always 1."),
    ),
    random_cases=_random_321,
    hints=(
        ("Forward first: net4 = x1·w14 + x2·w24 + x3·w34 + θ4, o4 = σ(net4); the same for "
         "neuron 5; net6 = o4·w46 + o5·w56 + θ6, o6 = σ(net6)."),
        ("δ6 = (y − o6)·o6·(1 − o6). Each hidden neuron gets its share through its weight to the "
         "output: δ4 = o4·(1 − o4)·δ6·w46, δ5 = o5·(1 − o5)·δ6·w56 (the old w46 and w56)."),
        ("Updates: w_ij ← w_ij + η·δ_j·o_i, where o_i is the value entering the weight (x1, x2, x3 "
         "for the hidden layer, o4 and o5 for the output), and θ_j ← θ_j + η·δ_j. Compute every "
         "delta before changing any weight."),
    ),
    points=2,
    seed=502,
))

# ------------------------------------------------------------------ 3. find the errors

# A classmate's worked solution of the 3-2-1 network: each line's key and printed value.
CLASSMATE = {
    "o4": 0.332, "o5": 0.325, "net6": -0.206, "o6": 0.194, "delta6": 0.131,
    "delta5": 0.095, "delta4": 0.095, "w46_new": 0.639, "w35_new": 0.19143, "theta6_new": 0.218,
}


def right_values_321() -> dict:
    """Every line of the classmate's solution, computed correctly by the engine."""
    from nncourse.examples import network_321

    net = network_321()
    net.forward(X_321[None, :])
    update = reference_backprop_321(WEIGHTS_321_ASCII, X_321, Y_321, LR_321)
    hidden, output = net.layers
    return {
        "o4": float(hidden.a[0, 0]), "o5": float(hidden.a[0, 1]), "net6": float(output.z[0, 0]),
        "o6": float(output.a[0, 0]), "delta6": update["delta6"], "delta5": update["delta5"],
        "delta4": update["delta4"], "w46_new": update["w46"], "w35_new": update["w35"],
        "theta6_new": update["theta6"],
    }


RIGHT_321 = right_values_321()
# The worked solution in seed 002 calls the neurons' outputs a4, a5, a6: those names are accepted.
OUTPUT_ALIASES = {"a4": "o4", "a5": "o5", "a6": "o6"}
UNKNOWN_KEYS_OK = "every key names a line of the worked solution"
EVERY_KEY = "(every key)"  # the case that looks at the keys themselves

LINE_HINTS = {
    "o4": "σ(−0.7) = 1 / (1 + e^0.7).",
    "o5": "net5 = 1·(−0.3) + 0·0.1 + 1·0.2 + 0.2 = 0.1, and σ(0.1) is a little above one half.",
    "net6": "net6 = o4·w46 + o5·w56 + θ6 with the right o5 (0.525): −0.0995 − 0.105 + 0.1.",
    "o6": "The classmate writes two different outputs (0.194 and 0.414), and neither is σ(net6).",
    "delta6": "δ6 = (1 − o6)·o6·(1 − o6) with the right o6.",
    "delta5": "δ5 = o5·(1 − o5)·δ6·w56 with w56 = −0.2: a positive δ6 times a negative weight "
              "gives a negative δ5, and the slope o5(1 − o5) ≤ 0.25 keeps it small.",
    "delta4": "δ4 = o4·(1 − o4)·δ6·w46 with w46 = −0.3 (not 0.2): negative and small.",
    "w46_new": "There is no weight ω16 in this network; the weight into the output from neuron 4 "
               "is "
               "w46 = −0.3, and it changes by η·δ6·o4.",
    "w35_new": "w35 ← w35 + η·δ5·x3 = 0.2 + 0.9·δ5·1, with the right δ5: add the change, do not "
               "subtract another number.",
    "theta6_new": "θ6 ← θ6 + η·δ6.",
}


def _corrected_line(f, key):
    """The value the learner's `corrected` gives a line (the classmate's, if not corrected)."""
    corrected = f["corrected"]
    if corrected is None:
        return None
    if not isinstance(corrected, dict):
        raise CourseError("corrected must be a dict such as {\"o5\": 0.525, ...}; it is "
                          f"{_what(corrected)}.")
    corrected = {OUTPUT_ALIASES.get(k, k): v for k, v in corrected.items()}
    if key == EVERY_KEY:
        unknown = sorted(str(k) for k in corrected if k not in CLASSMATE)
        if not unknown:
            return UNKNOWN_KEYS_OK
        return f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}"
    value = corrected.get(key, CLASSMATE[key])
    return float(value) if isinstance(value, int | float | np.number) else value


FIND_ERRORS = register(Exercise(
    id="05-find_errors",
    title="Find the errors in a worked solution",
    names=("corrected",),
    kind="value",
    arg_names=("line",),
    reference=lambda key: UNKNOWN_KEYS_OK if key == EVERY_KEY else RIGHT_321[key],
    call=_corrected_line,
    cases=(Case("the keys of corrected", (EVERY_KEY,),
                hint=f"Use only the keys of the lines: {', '.join(CLASSMATE)}."),)
          + tuple(Case(f"line {key} (the classmate wrote {value})", (key,),
                       hint=LINE_HINTS[key]) for key, value in CLASSMATE.items()),
    rtol=2e-3,
    atol=1e-6,
    hints=(
        ("Redo the calculation yourself (or with your backprop_321 from Exercise 2) and compare "
         "line by line. A line you leave out of `corrected` keeps the classmate's value."),
        ("Five of the seven lines of the forward pass and the deltas are wrong, and two of the "
         "three updates. Three significant figures are enough (−0.00654, not −0.0065)."),
        ("Signs matter: δ6 is positive, and the hidden deltas are δ6 times a negative weight times "
         "a positive slope."),
    ),
    points=2,
))

# ------------------------------------------------------------ 4. your backward inside the engine


def _engine_copy(network: Sequential, layer_class) -> Sequential:
    """The same network (same weights), built from `layer_class` layers."""
    return Sequential([layer_class.from_weights(layer.W.copy(), layer.b.copy(),
                                                layer.activation.name, name=layer.name)
                       for layer in network.layers])


def _problem(name: str):
    """The network, data and training settings of a case of exercise 4."""
    if name == "xor":
        X, y = xor()
        return (mlp([2, 4, 1], hidden="tanh", output="sigmoid", seed=3), X, y,
                {"loss": "binary_crossentropy", "lr": 0.5, "epochs": 200})
    X, y = blobs(60, n_classes=3, spread=0.8, seed=5)
    return (mlp([2, 6, 5, 3], hidden="relu", output="softmax", seed=4), X, y,
            {"loss": "categorical_crossentropy", "lr": 0.1, "epochs": 10, "batch_size": 16,
             "seed": 1})


def reference_training(problem):
    network, X, y, options = _problem(problem)
    return np.array(fit(network, X, y, **options).loss)


def _probe_backward(network: Sequential, X):
    """One backward step through every layer, to say in words what is missing or misshapen.

    Returns None when the learner's backward_from_z returns None (not written yet)."""
    network.forward(X)
    for layer in reversed(network.layers):
        dX = layer.backward_from_z(np.ones_like(layer.a), True)
        if dX is None:
            return None
        for what, value, shape in (("the dX it returns", dX, layer.X.shape),
                                   ("self.dW", getattr(layer, "dW", None), layer.W.shape),
                                   ("self.db", getattr(layer, "db", None), layer.b.shape)):
            if value is None:
                raise CourseError(f"{layer.label}: after backward_from_z, {what} is None; "
                                  f"it must be an array of shape {shape}.")
            if np.shape(value) != shape:
                raise CourseError(f"{layer.label}: after backward_from_z, {what} has shape "
                                  f"{np.shape(value)}; it must have shape {shape}.")
    return True


def learner_training(f, problem):
    """Train with the learner's layer class; None when its backward is not written yet."""
    layer_class = f["MyDense"]
    if not (isinstance(layer_class, type) and issubclass(layer_class, Dense)):
        raise CourseError("MyDense must be a class built on Dense: class MyDense(Dense): ...")
    network, X, y, options = _problem(problem)
    mine = _engine_copy(network, layer_class)
    if _probe_backward(mine, X) is None:
        return None
    return np.array(fit(mine, X, y, **options).loss)


MY_DENSE = register(Exercise(
    id="05-my_dense",
    title="Your backward step powers the engine",
    names=("MyDense",),
    arg_names=("problem",),
    reference=reference_training,
    call=learner_training,
    cases=(
        Case("XOR, network 2-4-1 (tanh, sigmoid), 200 epochs, full batch", ("xor",),
             hint="The losses are those of 200 epochs; they must equal the engine's, so every "
                  "layer needs the right self.dW and self.db (the optimiser reads them) and must "
                  "return dX for the layer below."),
        Case("three blobs, network 2-6-5-3 (ReLU, ReLU, softmax), mini-batches of 16",
             ("blobs",),
             hint="With three layers the middle one receives the dX of the last: return "
                  "dense_backward's dX when input_gradient is True."),
    ),
    hints=(
        ("backward_from_z(self, dz, input_gradient=True) receives dL/dZ of this layer. The layer "
         "remembers its input of the forward pass as self.X and its weights as self.W."),
        ("Call your function: dX, dW, db = dense_backward(self.X, self.W, dz). Store self.dz = dz, "
         "self.dW = dW, self.db = db."),
        "Return dX (the first layer may get input_gradient=False and return None instead).",
    ),
    rtol=1e-9,
    atol=1e-12,
    points=1,
))
