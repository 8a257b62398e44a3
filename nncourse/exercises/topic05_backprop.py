"""Lesson 05, backpropagation: the exercises of solutions/05_backprop.ipynb.

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
from nncourse.exercises.words import kind_of, returned_items
from nncourse.exercises.shapes import call_explaining_shapes
from nncourse.grading.spec import Case, Exercise, GradientCheck, Mistake
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
    return returned_items(result, function_name, GRAD_NAMES, "arrays")


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

def _square_only(produce):
    """A mistake that keeps the shapes only when W is square (otherwise numpy refuses it, and
    the shape error is explained in words instead)."""
    def produce_if_square(X, W, dZ):
        X, W, dZ = (np.asarray(a, dtype=float) for a in (X, W, dZ))
        return produce(X, W, dZ) if W.shape[0] == W.shape[1] else None
    return produce_if_square


def _arrays(produce):
    return lambda X, W, dZ: produce(*(np.asarray(a, dtype=float) for a in (X, W, dZ)))


DENSE_BACKWARD_MISTAKES = (
    Mistake("W transposed in dX (dZ @ W)",
            "Input i reaches neuron j through W[i, j], so dX[s, i] collects dZ[s, j]·W[i, j] over "
            "the neurons j: the sum runs over the second index of W.",
            _square_only(lambda X, W, dZ: {"dX": dZ @ W})),
    Mistake("dW transposed (neurons × inputs)",
            "dW must have the shape of W, inputs × neurons: dW[i, j] belongs to W[i, j].",
            _arrays(lambda X, W, dZ: {"dW": dZ.T @ X})),
    Mistake("db not summed over the samples",
            "The bias b[j] is added to Z[s, j] of every sample s, so its gradient adds up the "
            "contributions of all the samples: one number per neuron, the shape of b.",
            _arrays(lambda X, W, dZ: {"db": dZ})),
    Mistake("db summed over the neurons instead of the samples",
            "db has one entry per neuron (the shape of b); the sum runs over the samples, the "
            "rows of dZ.",
            _arrays(lambda X, W, dZ: {"db": dZ.sum(axis=1)})),
    Mistake("dW divided by the number of samples",
            "dZ already carries the 1/N of a mean loss: the layer only adds up the samples' "
            "contributions and divides by nothing.",
            _arrays(lambda X, W, dZ: {"dW": X.T @ dZ / len(X)})),
    Mistake("db averaged over the samples instead of summed",
            "dZ already carries the 1/N of a mean loss: db adds up the samples' contributions.",
            _arrays(lambda X, W, dZ: {"db": dZ.mean(axis=0)})),
)

DENSE_BACKWARD = register(Exercise(
    id="05-dense_backward",
    title="The backward step of a dense layer",
    names=("dense_backward",),
    may_not_use=("nncourse.layers",),
    allowed="numpy (the @ operator, .T, np.sum) and plain Python",
    arg_names=("X", "W", "dZ"),
    reference=reference_dense_backward,
    call=lambda f, X, W, dZ: _named_gradients(
        call_explaining_shapes(f["dense_backward"], X, W, dZ)),
    cases=(
        Case("the hidden layer of the 3-2-1 network (one sample)", (_X321, _W321, _DZ321),
             hint="One sample, 3 inputs, 2 neurons: dX must be (1, 3) like X, dW (3, 2) like W, "
                  "db (2,) like b."),
        Case("a batch of 3 samples, 2 inputs, 1 neuron",
             (np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]]), np.array([[0.5], [-0.25]]),
              np.array([[0.1], [-0.2], [0.3]])),
             hint="With 3 samples every sample adds its own contribution to dW and db: a batch "
                  "gradient is a sum over the samples."),
        Case("a square W (2 inputs, 2 neurons), 4 samples",
             (np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, -1.0]]),
              np.array([[1.0, 2.0], [3.0, 4.0]]),
              np.array([[0.5, -0.5], [1.0, 0.0], [0.0, 1.0], [0.25, 0.25]])),
             hint="When W is square, a transpose in the wrong place keeps every shape and only "
                  "the numbers are wrong: here the shapes cannot tell you, the indices can."),
    ),
    random_cases=_random_layers,
    gradient=GradientCheck(
        # L(W) = Σ dZ ⊙ (X @ W): a loss whose gradient with respect to Z is exactly dZ,
        # so its numerical gradient with respect to W is the dW the learner must return.
        scalar=lambda f, X, W, dZ: float(np.sum(dZ * (X @ W))),
        gradient=lambda f, X, W, dZ: f["dense_backward"](X, W, dZ)[1],
        wrt=1,
    ),
    mistakes=DENSE_BACKWARD_MISTAKES,
    hints=(
        ("Write one entry: Z[s, j] = Σ_i X[s, i]·W[i, j] + b[j]. The chain rule says "
         "∂L/∂W[i, j] = Σ_s ∂L/∂Z[s, j] · ∂Z[s, j]/∂W[i, j]. Which Z's contain W[i, j], and "
         "with which factor?"),
        ("Each gradient has the shape of what it belongs to: dX like X (samples × inputs), dW "
         "like W (inputs × neurons), db like b. A sum over an index is a matrix product in "
         "which that index stands between the two factors."),
        ("dW[i, j] = Σ_s X[s, i]·dZ[s, j] sums over the samples s, so s must be the inner index: "
         "put X on the left turned so that s comes second. dX[s, i] = Σ_j dZ[s, j]·W[i, j] sums "
         "over the neurons j; db[j] sums dZ[s, j] over s. Return the tuple (dX, dW, db)."),
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
                          f"w14 … theta6; it returned {kind_of(result)}.")
    return result


def _random_321(rng: np.random.Generator):
    cases = []
    for index in range(3):
        weights = {k: float(np.round(rng.uniform(-1, 1), 3)) for k in WEIGHT_KEYS}
        x = rng.integers(0, 2, size=3).astype(float)
        cases.append(Case(f"random {index + 1}: other weights, x = {x.tolist()}",
                          (weights, x, float(rng.integers(0, 2)), 0.5)))
    return cases


def _sigmoid(z: float) -> float:
    return float(1.0 / (1.0 + np.exp(-z)))


def mistaken_step_321(weights, x, y, lr, *, slope_of_output=False, uphill=False,
                      updated_weights_for_hidden=False, no_output_slope=False):
    """One step of the 3-2-1 network, by hand, with one of the classic slips switched on.

    slope_of_output: the sigmoid's slope taken at the output, σ′(o) = σ(o)(1 − σ(o)), where it
        belongs at the weighted sum, σ′(net) = o(1 − o) (seed 002's "sigmoid'(a_j)").
    uphill: w − η·δ·o, a step up the loss.
    updated_weights_for_hidden: the hidden deltas computed with w46, w56 after their update.
    no_output_slope: δ6 = y − o6, without the sigmoid's slope."""
    w = {k: float(v) for k, v in weights.items()}
    x = [float(v) for v in x]

    def slope(o):
        return _sigmoid(o) * (1 - _sigmoid(o)) if slope_of_output else o * (1 - o)

    o4 = _sigmoid(x[0] * w["w14"] + x[1] * w["w24"] + x[2] * w["w34"] + w["theta4"])
    o5 = _sigmoid(x[0] * w["w15"] + x[1] * w["w25"] + x[2] * w["w35"] + w["theta5"])
    o6 = _sigmoid(o4 * w["w46"] + o5 * w["w56"] + w["theta6"])
    delta6 = (float(y) - o6) * (1.0 if no_output_slope else slope(o6))
    sign = -1.0 if uphill else 1.0
    new = dict(w)
    new["w46"] = w["w46"] + sign * lr * delta6 * o4
    new["w56"] = w["w56"] + sign * lr * delta6 * o5
    new["theta6"] = w["theta6"] + sign * lr * delta6
    into_hidden = new if updated_weights_for_hidden else w
    delta4 = slope(o4) * delta6 * into_hidden["w46"]
    delta5 = slope(o5) * delta6 * into_hidden["w56"]
    for i, x_i in zip((1, 2, 3), x):
        new[f"w{i}4"] = w[f"w{i}4"] + sign * lr * delta4 * x_i
        new[f"w{i}5"] = w[f"w{i}5"] + sign * lr * delta5 * x_i
    new["theta4"] = w["theta4"] + sign * lr * delta4
    new["theta5"] = w["theta5"] + sign * lr * delta5
    return {"delta6": delta6, "delta5": delta5, "delta4": delta4,
            **{key: new[key] for key in WEIGHT_KEYS}}


def _slip(**switch):
    return lambda weights, x, y, lr: mistaken_step_321(weights, x, y, lr, **switch)


BACKPROP_321_MISTAKES = (
    Mistake("the sigmoid's slope taken at the output, σ′(o), instead of at the weighted sum",
            "o = σ(net) is already the sigmoid's value, so the slope at net is o·(1 − o); "
            "σ(o)·(1 − σ(o)) applies the sigmoid a second time.",
            _slip(slope_of_output=True)),
    Mistake("the output's δ without the sigmoid's slope",
            "o6 = σ(net6), so the chain rule from L to net6 passes through σ′(net6) as well as "
            "through ∂L/∂o6.",
            _slip(no_output_slope=True)),
    Mistake("a step uphill (the sign of the update)",
            "δ is −∂L/∂net here, so adding η·δ·input is the step that lowers the loss; "
            "subtracting it raises the loss.",
            _slip(uphill=True)),
    Mistake("the hidden deltas computed with the updated output weights",
            "Backpropagation measures every gradient at the same point, the weights of the "
            "forward pass: compute all the deltas first, then change the weights.",
            _slip(updated_weights_for_hidden=True)),
)

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
                  "w35 = 0.1941, θ6 = 0.2181."),
        Case("the same network with target 0", (WEIGHTS_321_ASCII, X_321, 0.0, LR_321),
             hint="With target 0 the output 0.474 is too high: every δ changes sign, and every "
                  "weight moves the other way."),
        Case("input x = (0, 1, 0): only w24, w25 and the biases of the hidden layer change",
             (WEIGHTS_321_ASCII, np.array([0.0, 1.0, 0.0]), Y_321, LR_321),
             hint="A weight's change is proportional to the value that flows through it: the "
                  "weights leaving an input that is 0 do not move. A bias behaves like a weight "
                  "whose input is always 1."),
    ),
    random_cases=_random_321,
    mistakes=BACKPROP_321_MISTAKES,
    hints=(
        ("Forward first, neuron by neuron: net_j = Σ_i w_ij·o_i + θ_j, o_j = σ(net_j). Then "
         "follow L = ½(y − o6)² back to net6 with the chain rule, one factor per link: "
         "L → o6 → net6."),
        ("σ′(net) can be written with the output alone: σ′(net) = o(1 − o). A hidden neuron h "
         "reaches L only through w_h6, so ∂L/∂net_h = ∂L/∂net6 · ∂net6/∂o_h · ∂o_h/∂net_h. "
         "Use the weights of the forward pass for every delta."),
        ("Mind the signs: ∂L/∂o6 = −(y − o6), and δ is −∂L/∂net. For an update, ∂net_j/∂w_ij "
         "is the value that enters w_ij (x_i for the hidden layer, o_h for the output); write "
         "∂L/∂w_ij with δ_j, then subtract η times it."),
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
    "net6": ("net6 = o4·w46 + o5·w56 + θ6, with the right o5: the slip in o5 carries on into "
             "net6, and three significant figures are enough."),
    "o6": "The classmate writes two different outputs (0.194 and 0.414), and neither is σ(net6).",
    "delta6": "δ6 = (1 − o6)·o6·(1 − o6) with the right o6. Judge the value, not the printed "
              "line: the line's own arithmetic, 0.414·0.586², does not give 0.131.",
    "delta5": "δ5 = o5·(1 − o5)·δ6·w56 with w56 = −0.2: a positive δ6 times a negative weight "
              "gives a negative δ5, and the slope o5(1 − o5) ≤ 0.25 keeps it small.",
    "delta4": "δ4 = o4·(1 − o4)·δ6·w46 with w46 = −0.3 (not 0.2): negative and small.",
    "w46_new": "There is no weight ω16 in this network; the weight into the output from neuron 4 "
               "is w46 = −0.3, and it changes by η·δ6·o4. The classmate's change is wrong "
               "too: it multiplies by 0.392, which is not o4.",
    "w35_new": "w35 ← w35 + η·δ5·x3 with the right δ5, which is negative: the change is negative "
               "(the classmate's +0.00588 has the wrong sign), so w35 goes down a little.",
    "theta6_new": "θ6 ← θ6 + η·δ6.",
}


def _corrected_line(f, key):
    """The value the learner's `corrected` gives a line (the classmate's, if not corrected)."""
    corrected = f["corrected"]
    if corrected is None:
        return None
    if not isinstance(corrected, dict):
        raise CourseError("corrected must be a dict such as {\"o5\": 0.525, ...}; it is "
                          f"{kind_of(corrected)}.")
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
    # three significant figures, as the statement allows: rounding to them is off by up to 0.5 in
    # the third digit, 5e-3 of a value such as −0.105 (net6 = −0.10454); every wrong line of the
    # classmate's stays wrong (the nearest, w35_new, is off by 1.4e-2)
    rtol=5e-3,
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
        dX = layer.backward_from_z(np.ones_like(layer.a))
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
    if call_explaining_shapes(_probe_backward, mine, X) is None:
        return None
    return np.array(call_explaining_shapes(fit, mine, X, y, **options).loss)


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
             hint="With three layers the middle one receives the dX of the last: "
                  "backward_from_z must return it."),
    ),
    hints=(
        ("backward_from_z receives dL/dZ of this layer. What does your dense_backward need that "
         "the layer remembered from its forward pass? Look at the attributes of a Dense layer "
         "after a forward pass (vars(layer))."),
        ("The optimiser reads the layer's dW and db, and the layer below needs dX: "
         "store the first two on self (and dz too), return the third."),
        ("Your dense_backward of Exercise 1 computes all three gradients from the layer's "
         "input, its weights and dz; the layer kept the first two from its forward pass."),
    ),
    rtol=1e-9,
    atol=1e-12,
    points=1,
))

# ------------------------------------------------------------ 5. find the bug with the gradcheck

TWO_LAYER_KEYS = ("dW1", "db1", "dW2", "db2")


def two_layer_network(params) -> Sequential:
    """The 2-3-1 network of exercise 5 (tanh hidden layer, sigmoid output) from its parameters."""
    return Sequential([Dense.from_weights(params["W1"], params["b1"], "tanh", name="hidden"),
                       Dense.from_weights(params["W2"], params["b2"], "sigmoid", name="output")])


def reference_two_layer_backward(X, y, params):
    """The engine's gradients of the mean binary cross-entropy of the 2-3-1 network."""
    net = two_layer_network(params)
    net.forward(np.asarray(X, dtype=float))
    net.backward(np.asarray(y, dtype=float).reshape(-1, 1), "binary_crossentropy")
    hidden, output = net.layers
    return {"dW1": hidden.dW, "db1": hidden.db, "dW2": output.dW, "db2": output.db}


def slipped_two_layer_backward(X, y, params, tanh_slope):
    """The same gradients by hand, with the hidden layer's slope computed by `tanh_slope(Z1, A1)`
    (the given bug, 1 − Z1², or applying tanh twice, 1 − tanh(A1)²)."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float).reshape(-1, 1)
    Z1 = X @ params["W1"] + params["b1"]
    A1 = np.tanh(Z1)
    P = 1 / (1 + np.exp(-(A1 @ params["W2"] + params["b2"])))
    dZ2 = (P - y) / len(X)
    dZ1 = (dZ2 @ params["W2"].T) * tanh_slope(Z1, A1)
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": A1.T @ dZ2, "db2": dZ2.sum(axis=0)}


def _two_layer_case(seed: int, n: int):
    rng = np.random.default_rng(seed)
    params = {"W1": rng.normal(size=(2, 3)), "b1": rng.normal(size=3),
              "W2": rng.normal(size=(3, 1)), "b2": rng.normal(size=1)}
    return rng.normal(size=(n, 2)), (rng.uniform(size=n) > 0.5).astype(float), params


def _named_two_layer(result):
    if result is None:
        return None
    if not isinstance(result, dict):
        raise CourseError(f"fixed_backward must return a dict with the keys dW1, db1, dW2, db2; "
                          f"it returned {kind_of(result)}.")
    return result


# Which gradients does the given bug spoil? (True: wrong, False: right)
WRONG_GRADIENTS = {"dW1": True, "db1": True, "dW2": False, "db2": False}

WHICH_GRADIENTS = register(Exercise(
    id="05-which_gradients",
    title="Which gradients of the given backward pass are wrong?",
    names=("wrong_gradients",),
    kind="value",
    reference=lambda: WRONG_GRADIENTS,
    hints=(
        ("Compare each of the four gradients of buggy_backward with numerical_gradient of "
         "two_layer_loss for the same parameter, and print the relative error of each."),
        ("A relative error around 1e-8 or below is a right gradient; one far above 1e-4 is "
         "wrong. A bug in one layer spoils that layer's gradients and everything below it, "
         "never what lies above it."),
    ),
    points=1,
))

FIXED_BACKWARD = register(Exercise(
    id="05-fixed_backward",
    title="Fix the backward pass",
    names=("fixed_backward",),
    may_not_use=("nncourse.layers", "nncourse.network", "nncourse.losses"),
    allowed="numpy and plain Python (copy buggy_backward and correct it)",
    arg_names=("X", "y", "params"),
    reference=reference_two_layer_backward,
    call=lambda f, X, y, params: _named_two_layer(
        call_explaining_shapes(f["fixed_backward"], X, y, params)),
    cases=(
        Case("the network and data of the notebook", _two_layer_case(7, 5),
             hint="Only the hidden layer's gradients were wrong: the bug is between dA1 and dZ1."),
        Case("one sample", _two_layer_case(8, 1)),
        Case("twelve samples", _two_layer_case(9, 12)),
    ),
    mistakes=(
        Mistake("the given bug (tanh′ taken as 1 − z²)",
                "tanh′(z) = 1 − tanh(z)²: the square belongs to the layer's output, not to its "
                "weighted sum.",
                lambda X, y, params: slipped_two_layer_backward(
                    X, y, params, lambda Z1, A1: 1 - Z1 ** 2)),
        Mistake("tanh applied twice (1 − tanh(a)², with a = tanh(z) already)",
                "A1 is already tanh(Z1): the slope is 1 − A1², with no second tanh.",
                lambda X, y, params: slipped_two_layer_backward(
                    X, y, params, lambda Z1, A1: 1 - np.tanh(A1) ** 2)),
    ),
    hints=(
        ("The gradient check told you which gradients are wrong; read the lines that produce "
         "them, from dA1 down. Which one uses a derivative?"),
        ("Write the derivative of tanh in terms of tanh itself, and ask which of the arrays in "
         "the function holds tanh(Z1)."),
    ),
    rtol=1e-7,
    atol=1e-10,
    points=2,
    seed=505,
))


def _two_layer_loss(X, y, params):
    from nncourse.losses import BinaryCrossEntropy

    return BinaryCrossEntropy().value(two_layer_network(params).forward(np.asarray(X)),
                                      np.asarray(y, dtype=float).reshape(-1, 1))

# ------------------------------------------------------------ 6. Value's backward, by the learner

EXPRESSIONS = {
    "a + b": lambda a, b: a + b,
    "a · b": lambda a, b: a * b,
    "tanh(a)": lambda a, b: a.tanh(),
    "a · a (a used twice)": lambda a, b: a * a,
    "3 · a + b · b": lambda a, b: 3 * a + b * b,
    "a neuron, tanh(2·a + (−1)·b + 0.5)": lambda a, b: (2 * a + (-1) * b + 0.5).tanh(),
    "a small graph, tanh(a · b) · (a + b)": lambda a, b: (a * b).tanh() * (a + b),
}
TWICE = "backward called twice on a · b + a"


def _gradients_of(value_class, expression: str, a: float, b: float) -> dict:
    """Build the expression from two leaves of `value_class`, run backward, read the gradients."""
    leaf_a, leaf_b = value_class(a), value_class(b)
    if expression == TWICE:
        out = leaf_a * leaf_b + leaf_a
        out.backward()
    else:
        out = EXPRESSIONS[expression](leaf_a, leaf_b)
    if out is None:
        return None
    out.backward()
    return {"value": float(out.data), "a.grad": float(leaf_a.grad), "b.grad": float(leaf_b.grad)}


def reference_value_gradients(expression, a, b):
    from nncourse.value import Value

    return _gradients_of(Value, expression, a, b)


class SlippedValue:
    """A scalar Value with one of the classic slips of a hand-written backward switched on.

    product_swapped: ∂(a·b)/∂a written as a (it is b).  tanh_of_input: tanh′ as 1 − a² of the
    input (it is 1 − t² of the output t).  overwrite: parent.grad = ... instead of +=.
    no_reset: gradients not set to 0 before a backward pass."""

    slips: frozenset = frozenset()

    def __init__(self, data, parents=(), local_grads=()):
        self.data, self.grad = float(data), 0.0
        self.parents, self.local_grads = parents, local_grads

    def _new(self, data, parents, local_grads):
        return type(self)(data, parents, local_grads)

    def _as(self, other):
        return other if isinstance(other, SlippedValue) else type(self)(other)

    def __add__(self, other):
        other = self._as(other)
        return self._new(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = self._as(other)
        grads = (self.data, other.data) if "product_swapped" in self.slips else \
            (other.data, self.data)
        return self._new(self.data * other.data, (self, other), grads)

    __radd__ = __add__
    __rmul__ = __mul__

    def tanh(self):
        t = float(np.tanh(self.data))
        slope = 1 - self.data ** 2 if "tanh_of_input" in self.slips else 1 - t * t
        return self._new(t, (self,), (slope,))

    def backward(self):
        order, seen = [], set()

        def visit(node):
            if id(node) not in seen:
                seen.add(id(node))
                for parent in node.parents:
                    visit(parent)
                order.append(node)

        visit(self)
        if "no_reset" not in self.slips:
            for node in order:
                node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node.parents, node.local_grads):
                if "overwrite" in self.slips:
                    parent.grad = local * node.grad
                else:
                    parent.grad += local * node.grad


def _slipped(slip: str):
    value_class = type(f"Slipped_{slip}", (SlippedValue,), {"slips": frozenset({slip})})
    return lambda expression, a, b: _gradients_of(value_class, expression, a, b)


def _value_class_answer(f, expression, a, b):
    value_class = f["MyValue"]
    if not isinstance(value_class, type):
        raise CourseError("MyValue must be a class: class MyValue(ValueBase): ...")
    probe = value_class(0.5)
    results = (probe + probe, probe * probe, probe.tanh())
    if any(r is None for r in results):
        return None  # an operation is still the placeholder: the verdict names it
    results[1].backward()
    if results[1].grad != 1.0:
        return None  # backward() does not start from d(out)/d(out) = 1: not written yet
    return _gradients_of(value_class, expression, a, b)


VALUE_BACKWARD = register(Exercise(
    id="05-value_backward",
    title="Backpropagation in a graph of numbers: +, × and tanh",
    names=("MyValue",),
    may_not_use=("nncourse.value",),
    allowed="plain Python, math or numpy for tanh, and ValueBase",
    arg_names=("expression", "a", "b"),
    reference=reference_value_gradients,
    call=_value_class_answer,
    cases=tuple(Case(f"{name}, a = {a}, b = {b}", (name, a, b))
                for name, a, b in [("a + b", 2.0, -3.0), ("a · b", 2.0, -3.0),
                                   ("tanh(a)", 0.5, 0.0), ("a · a (a used twice)", 3.0, 0.0),
                                   ("3 · a + b · b", -1.5, 2.0),
                                   ("a neuron, tanh(2·a + (−1)·b + 0.5)", 0.3, -0.4),
                                   ("a small graph, tanh(a · b) · (a + b)", 0.7, -1.2),
                                   (TWICE, 1.5, 2.0)]),
    mistakes=(
        Mistake("the local gradients of a product swapped",
                "In out = a·b, nudging a by ε moves out by ε·b: ∂out/∂a is the other factor.",
                _slipped("product_swapped")),
        Mistake("tanh′ taken at the input, 1 − a², instead of 1 − tanh(a)²",
                "The slope of tanh is written with its output t = tanh(a): 1 − t².",
                _slipped("tanh_of_input")),
        Mistake("a gradient overwritten (=) where it must be added (+=)",
                "A value used twice collects the gradient of every path through it: each path "
                "adds its share.",
                _slipped("overwrite")),
        Mistake("the gradients not reset before backward",
                "Each backward pass must start from zero, or a second call adds the gradients "
                "again and doubles them.",
                _slipped("no_reset")),
    ),
    hints=(
        ("Each operation knows its local gradients the moment it computes its output: for "
         "out = a + b, how much does out move when a moves by ε? And for a·b, and for tanh(a)? "
         "backward then multiplies along every path (the chain rule) and adds up the paths."),
        ("Record the local gradients with the output (local_grads). In backward, visit the "
         "nodes from the output back to the leaves (reversed(self.graph())), so that a node's "
         "gradient is complete before it is passed on; start by setting every grad to 0 and "
         "the output's to 1."),
        ("Test each local gradient with a nudge: a + ε moves a + b by ε, and a·b by how much? "
         "tanh's slope is written with its output, as in lesson 02. A value used twice hears "
         "from both uses: what reaches a parent is collected, never replaced."),
    ),
    atol=1e-12,
    rtol=1e-9,
    points=2,
    seed=506,
))

# ------------------------------------------------------------ 7. a tiny network of Values

TINY_X = ((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0))
TINY_Y = (-1.0, 1.0, 1.0, -1.0)  # XOR, with tanh's targets ±1
TINY_START = {"w11": 0.3, "w12": 0.8, "w21": 0.3, "w22": -1.3, "b1": 0.9, "b2": 0.4,
              "v1": -0.5, "v2": 0.6, "c": 0.4}


def tiny_network_losses(value_class, start, epochs, lr):
    """Train the 2-2-1 tanh network of exercise 7 with full-batch gradient descent on
    L = mean ½(o − y)², every number a `value_class`; the loss of every epoch, before its step."""
    params = {name: value_class(float(v)) for name, v in start.items()}
    losses = []
    for _ in range(int(epochs)):
        total = None
        for (x1, x2), y in zip(TINY_X, TINY_Y):
            h1 = (params["w11"] * x1 + params["w21"] * x2 + params["b1"]).tanh()
            h2 = (params["w12"] * x1 + params["w22"] * x2 + params["b2"]).tanh()
            o = (params["v1"] * h1 + params["v2"] * h2 + params["c"]).tanh()
            error = o + (-y)
            term = 0.5 * (error * error)
            total = term if total is None else total + term
        loss = total * (1.0 / len(TINY_X))
        loss.backward()
        losses.append(float(loss.data))
        for p in params.values():
            p.data -= lr * p.grad
    return np.array(losses)


def reference_tiny_training(epochs, lr):
    from nncourse.value import Value

    return tiny_network_losses(Value, TINY_START, epochs, lr)


def learner_tiny_training(f, epochs, lr):
    losses = f["train_tiny"](dict(TINY_START), epochs, lr)
    if losses is None:
        return None
    return np.asarray(losses, dtype=float).reshape(-1)


TINY_NETWORK = register(Exercise(
    id="05-tiny_network",
    title="A tiny network of Values learns XOR",
    names=("train_tiny",),
    may_not_use=("nncourse.value", "nncourse.network", "nncourse.layers"),
    allowed="your MyValue and plain Python",
    arg_names=("epochs", "lr"),
    reference=reference_tiny_training,
    call=learner_tiny_training,
    cases=(
        Case("3 epochs, η = 0.5", (3, 0.5),
             hint="The first loss is the one of the starting weights, before any step; then one "
                  "step per epoch on the gradient of the mean loss over the four corners."),
        Case("150 epochs, η = 0.5: it learns", (150, 0.5),
             hint="A loss that does not fall: is the step going against the gradient, and are "
                  "the gradients of the previous epoch cleared before the next backward?"),
    ),
    mistakes=(
        Mistake("a step uphill (the sign of the update)",
                "p.grad is ∂L/∂p: the loss falls when p moves against it.",
                lambda epochs, lr: reference_tiny_training(epochs, -lr)),
    ),
    hints=(
        ("Per epoch: build the loss of the four corners as one Value (each corner through the "
         "network, the squared errors added, divided by 4), call backward once, then move every "
         "parameter."),
        ("A parameter is a MyValue: after backward its .grad is ∂L/∂p, and its .data is what "
         "you change in place, by lr times the gradient, against it. Record loss.data before "
         "the step."),
    ),
    rtol=1e-9,
    atol=1e-12,
    points=2,
))
