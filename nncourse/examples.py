"""The worked networks of the course, ready-made with their exact weights.

`network_3232()`: 3 inputs → 2 ReLU → 3 ReLU → 2 softmax, the forward-pass example of lesson 03.
`network_321()`:  3 inputs → 2 sigmoid → 1 sigmoid, the classic backpropagation example of
lesson 05, with its input X_321, target Y_321 and learning rate LR_321;
`scalar_network_321()`: the same network built one scalar `Value` at a time, for backprop by hand.

`network_222()`:  2 inputs → 2 sigmoid → 2 sigmoid, Matt Mazur's published step-by-step example
("A Step by Step Backpropagation Example"), with X_222, Y_222 and LR_222; it holds its two biases
fixed while the eight weights learn.

Weights are stored inputs × neurons, so z = x @ W + b. In the 3-2-1 network the weight wᵢⱼ joins
neuron i to neuron j (inputs are neurons 1–3, hidden 4–5, output 6) and θⱼ is neuron j's bias.
"""

from __future__ import annotations

import numpy as np

from nncourse.errors import CourseError
from nncourse.layers import Dense
from nncourse.network import Sequential
from nncourse.value import Value

X_3232 = np.array([0.5, 0.2, 0.9])


def network_3232() -> Sequential:
    """3 → 2 (ReLU) → 3 (ReLU) → 2 (softmax)."""
    return Sequential([
        Dense.from_weights([[0.2, 0.3], [0.4, 0.1], [0.5, 0.6]], [0.1, 0.2], "relu",
                           name="hidden1"),
        Dense.from_weights([[0.1, 0.4, 0.6], [0.5, 0.2, 0.3]], [0.05, 0.15, 0.25], "relu",
                           name="hidden2"),
        Dense.from_weights([[0.6, 0.2], [0.1, 0.4], [0.5, 0.3]], [0.1, 0.1], "softmax",
                           name="output"),
    ], name="3-2-3-2 network")


X_321 = np.array([1.0, 0.0, 1.0])
Y_321 = 1.0
LR_321 = 0.9

# Named weights of the 3-2-1 network, as the hand calculation writes them.
WEIGHTS_321 = {"w14": 0.2, "w15": -0.3, "w24": 0.4, "w25": 0.1, "w34": -0.5, "w35": 0.2,
               "w46": -0.3, "w56": -0.2, "θ4": -0.4, "θ5": 0.2, "θ6": 0.1}


def network_321() -> Sequential:
    """3 → 2 (sigmoid) → 1 (sigmoid), hidden neurons 4 and 5, output neuron 6."""
    w = WEIGHTS_321
    return Sequential([
        Dense.from_weights([[w["w14"], w["w15"]], [w["w24"], w["w25"]], [w["w34"], w["w35"]]],
                           [w["θ4"], w["θ5"]], "sigmoid", name="hidden"),
        Dense.from_weights([[w["w46"]], [w["w56"]]], [w["θ6"]], "sigmoid", name="output"),
    ], name="3-2-1 network")


def named_weights_321(network: Sequential) -> dict:
    """Read the 3-2-1 network's weights back under their hand-calculation names (w14 … θ6)."""
    hidden, output = network.layers
    names = {}
    for i, row in zip((1, 2, 3), hidden.W):
        names[f"w{i}4"], names[f"w{i}5"] = float(row[0]), float(row[1])
    names["w46"], names["w56"] = float(output.W[0, 0]), float(output.W[1, 0])
    names["θ4"], names["θ5"], names["θ6"] = (float(hidden.b[0]), float(hidden.b[1]),
                                             float(output.b[0]))
    return names



def scalar_network_321(x=None, y=None, weights=None) -> tuple[Value, dict[str, Value]]:
    """Build the 3-2-1 sigmoid network as a graph of Values and return ``(loss, parameters)``.

    Inputs 1, 2, 3 feed hidden neurons 4 and 5, which feed the output neuron 6::

        net4 = x1·w14 + x2·w24 + x3·w34 + θ4      o4 = σ(net4)
        net5 = x1·w15 + x2·w25 + x3·w35 + θ5      o5 = σ(net5)
        net6 = o4·w46 + o5·w56 + θ6               o6 = σ(net6)
        L    = ½ (y − o6)²

    By default the numbers are those of `network_321` (x = X_321 = (1, 0, 1), y = Y_321 = 1, the
    weights WEIGHTS_321), giving o4 = 0.3318, o5 = 0.5250, o6 = 0.4739. After ``loss.backward()``
    each parameter's ``grad`` is ∂L/∂parameter; for a bias this is minus the textbook error
    signal, ∂L/∂θj = −δj, with δ6 = (y − o6)·o6·(1 − o6) = 0.1312.

    ``parameters`` maps the names "w14" ... "w56", "θ4", "θ5", "θ6" to their Values; the
    intermediate Values carry the labels net4, o4, ..., L so that a drawing can name them.
    """
    x = [float(xi) for xi in (X_321 if x is None else x)]
    y = Y_321 if y is None else y
    weights = dict(WEIGHTS_321 if weights is None else weights)
    if len(x) != 3:
        raise CourseError(f"The 3-2-1 network takes 3 inputs, got {len(x)}.")
    missing = sorted(set(WEIGHTS_321) - set(weights))
    if missing:
        raise CourseError(f"The 3-2-1 network is missing the parameters {', '.join(missing)}.")

    inputs = [Value(xi, label=f"x{i}") for i, xi in enumerate(x, start=1)]
    params = {name: Value(weights[name], label=name) for name in WEIGHTS_321}

    def neuron(number: int, sources: list[tuple[Value, str]]) -> Value:
        """One sigmoid neuron: the weighted sum of its sources plus its bias, then σ."""
        net = None
        for source, weight_name in sources:
            term = source * params[weight_name]
            net = term if net is None else net + term
        net = net + params[f"θ{number}"]
        net.label = f"net{number}"
        out = net.sigmoid()
        out.label = f"o{number}"
        return out

    o4 = neuron(4, [(inputs[0], "w14"), (inputs[1], "w24"), (inputs[2], "w34")])
    o5 = neuron(5, [(inputs[0], "w15"), (inputs[1], "w25"), (inputs[2], "w35")])
    o6 = neuron(6, [(o4, "w46"), (o5, "w56")])

    target = Value(y, label="y")
    error = target - o6
    error.label = "y − o6"
    squared = error**2
    squared.label = "(y − o6)²"
    loss = 0.5 * squared
    loss.label = "L"
    return loss, params


X_222 = np.array([0.05, 0.10])
Y_222 = np.array([0.01, 0.99])
LR_222 = 0.5

# w1 … w4 join the inputs i1, i2 to the hidden neurons h1, h2; w5 … w8 join h1, h2 to o1, o2;
# b1 is the hidden layer's bias and b2 the output layer's, one number shared by its two neurons.
WEIGHTS_222 = {"w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30, "w5": 0.40, "w6": 0.45,
               "w7": 0.50, "w8": 0.55, "b1": 0.35, "b2": 0.60}


def network_222() -> Sequential:
    """2 → 2 (sigmoid) → 2 (sigmoid), biases frozen: with half_squared_error its loss for X_222,
    Y_222 is E = 0.298371109, and one SGD step at LR_222 = 0.5 moves w5 to 0.35891648 and w1 to
    0.149780716 (the published numbers)."""
    w = WEIGHTS_222
    return Sequential([
        Dense.from_weights([[w["w1"], w["w3"]], [w["w2"], w["w4"]]], [w["b1"], w["b1"]],
                           "sigmoid", name="hidden").freeze("b"),
        Dense.from_weights([[w["w5"], w["w7"]], [w["w6"], w["w8"]]], [w["b2"], w["b2"]],
                           "sigmoid", name="output").freeze("b"),
    ], name="2-2-2 network")


def named_weights_222(network: Sequential) -> dict:
    """Read the 2-2-2 network's weights back under their published names (w1 … w8, b1, b2)."""
    hidden, output = network.layers
    (w1, w3), (w2, w4) = hidden.W
    (w5, w7), (w6, w8) = output.W
    names = {"w1": w1, "w2": w2, "w3": w3, "w4": w4, "w5": w5, "w6": w6, "w7": w7, "w8": w8,
             "b1": hidden.b[0], "b2": output.b[0]}
    return {key: float(value) for key, value in names.items()}
