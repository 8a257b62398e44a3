"""The worked networks of the course, ready-made with their exact weights.

`network_3232()`: 3 inputs → 2 ReLU → 3 ReLU → 2 softmax, the forward-pass example of lesson 03.
`network_321()`:  3 inputs → 2 sigmoid → 1 sigmoid, the classic backpropagation example of
lesson 05, with its input X_321, target Y_321 and learning rate LR_321.

Weights are stored inputs × neurons, so z = x @ W + b. In the 3-2-1 network the weight wᵢⱼ joins
neuron i to neuron j (inputs are neurons 1–3, hidden 4–5, output 6) and θⱼ is neuron j's bias.
"""

import numpy as np

from nncourse.layers import Dense
from nncourse.network import Sequential

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
