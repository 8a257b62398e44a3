"""Lesson 03, layers and the forward pass: the exercises of solutions/03_forward_pass.ipynb.

A dense layer, batch first (X has one sample per row, W is inputs × neurons):

    Z = X @ W + b,   A = activation(Z)

The textbook writes the same layer as z = W x + b with W neurons × inputs, the transpose of ours.
A network applies its layers one after the other; the syllabus's 3-2-3-2 network turns
x = [0.5, 0.2, 0.9] into the probabilities [0.558777, 0.441223]. A layer from n_in to n_out
inputs has n_in·n_out weights and n_out biases.

The references are the engine's `Dense`, `Sequential` and `mlp`.
"""

from __future__ import annotations

import numpy as np

from nncourse.activations import get_activation
from nncourse.exercises import register
from nncourse.exercises.shapes import call_explaining_shapes
from nncourse.grading.spec import Case, Exercise, Mistake
from nncourse.layers import Dense
from nncourse.network import Sequential, mlp

# The 3-2-3-2 network of the syllabus (weights inputs × neurons) and the hidden layer of the
# 3-2-1 network, whose sigmoid outputs are o4 = 0.3318 and o5 = 0.5250 for x = (1, 0, 1).
X_3232 = np.array([[0.5, 0.2, 0.9]])
LAYERS_3232 = [
    (np.array([[0.2, 0.3], [0.4, 0.1], [0.5, 0.6]]), np.array([0.1, 0.2]), "relu"),
    (np.array([[0.1, 0.4, 0.6], [0.5, 0.2, 0.3]]), np.array([0.05, 0.15, 0.25]), "relu"),
    (np.array([[0.6, 0.2], [0.1, 0.4], [0.5, 0.3]]), np.array([0.1, 0.1]), "softmax"),
]
HIDDEN_2 = np.array([[0.578, 0.624, 0.961]])
X_321 = np.array([[1.0, 0.0, 1.0]])
LAYERS_321 = [
    (np.array([[0.2, -0.3], [0.4, 0.1], [-0.5, 0.2]]), np.array([-0.4, 0.2]), "sigmoid"),
    (np.array([[-0.3], [-0.2]]), np.array([0.1]), "sigmoid"),
]
HIDDEN_ACTIVATIONS = ("relu", "sigmoid", "tanh", "identity")


def reference_dense_forward(X, W, b, activation):
    return Dense.from_weights(W, b, activation).forward(X)


def reference_textbook_layer(X, W, b):
    return Dense.from_weights(np.asarray(W).T, b, "identity").forward(X)


def reference_network_forward(X, layers):
    return Sequential([Dense.from_weights(W, b, act) for W, b, act in layers]).forward(X)


def reference_count_parameters(layer_sizes):
    return mlp(layer_sizes).n_params


def reference_layer_shapes(n_samples, layer_sizes):
    """(W shape, b shape, output shape) of every layer, read from the engine after a forward
    pass."""
    net = mlp(layer_sizes)
    net.forward(np.zeros((n_samples, layer_sizes[0])))
    return [(layer.W.shape, layer.b.shape, layer.a.shape) for layer in net.layers]


def _random_layer(rng: np.random.Generator, n_inputs: int, n_neurons: int, activation: str):
    W = np.round(rng.normal(size=(n_inputs, n_neurons)), 3)
    b = np.round(rng.normal(size=n_neurons), 3)
    return W, b, activation


def _random_dense_cases(rng: np.random.Generator):
    cases = []
    for index, activation in enumerate(HIDDEN_ACTIVATIONS + ("softmax",)):
        n, n_in, n_out = (int(k) for k in rng.integers(1, 6, size=3))
        X = rng.normal(size=(n, n_in))
        W, b, _ = _random_layer(rng, n_in, n_out, activation)
        cases.append(Case(f"random {index + 1}: X {X.shape}, W {W.shape}, {activation}",
                          (X, W, b, activation)))
    return cases


def _random_textbook_cases(rng: np.random.Generator):
    cases = []
    for index in range(4):
        n = int(rng.integers(1, 6))
        n_in, n_out = (int(k) for k in rng.choice(np.arange(1, 7), size=2, replace=False))
        X = rng.normal(size=(n, n_in))
        cases.append(Case(f"random {index + 1}: X {X.shape}, W {(n_out, n_in)}",
                          (X, np.round(rng.normal(size=(n_out, n_in)), 3),
                           np.round(rng.normal(size=n_out), 3))))
    return cases


def _random_network_cases(rng: np.random.Generator):
    cases = []
    for index in range(4):
        sizes = [int(k) for k in rng.integers(1, 6, size=int(rng.integers(2, 5)))]
        activations = [str(rng.choice(HIDDEN_ACTIVATIONS)) for _ in sizes[1:-1]]
        activations.append("softmax" if sizes[-1] > 1 else "sigmoid")
        layers = [_random_layer(rng, n_in, n_out, act)
                  for n_in, n_out, act in zip(sizes, sizes[1:], activations)]
        X = rng.normal(size=(int(rng.integers(1, 5)), sizes[0]))
        cases.append(Case(f"random {index + 1}: sizes {'-'.join(map(str, sizes))}, "
                          f"activations {', '.join(activations)}", (X, layers)))
    return cases


def _random_shape_cases(rng: np.random.Generator):
    cases = []
    for index in range(3):
        sizes = [int(k) for k in rng.integers(1, 20, size=int(rng.integers(2, 6)))]
        n_samples = int(rng.integers(1, 50))
        cases.append(Case(f"random {index + 1}: {n_samples} samples, sizes {sizes}",
                          (n_samples, sizes)))
    return cases


def _random_size_cases(rng: np.random.Generator):
    cases = []
    for index in range(4):
        sizes = [int(k) for k in rng.integers(1, 200, size=int(rng.integers(2, 6)))]
        cases.append(Case(f"random {index + 1}: sizes {sizes}", (sizes,)))
    return cases


def _explained(name: str):
    return lambda f, *args: call_explaining_shapes(f[name], *args)


def _layer(X, W, b, activation, *, bias=True, transpose=False):
    X, W, b = (np.asarray(a, dtype=float) for a in (X, W, b))
    return get_activation(activation)(X @ (W.T if transpose else W) + (b if bias else 0.0))


BIAS_FORGOTTEN = "the bias forgotten"
BIAS_ADVICE = ("Every neuron adds its bias to its weighted sum, for every sample: a neuron with "
               "all inputs 0 outputs f(b), not f(0).")

DENSE_FORWARD = register(Exercise(
    id="03-dense_forward",
    title="A dense layer, a whole batch at once",
    names=("dense_forward",),
    may_not_use=("nncourse.layers", "nncourse.network"),
    allowed="numpy, plain Python and the activation functions",
    arg_names=("X", "W", "b", "activation"),
    reference=reference_dense_forward,
    cases=(
        Case("hidden layer 1 of the 3-2-3-2 network", (X_3232, *LAYERS_3232[0]),
             hint="Z = X @ W + b, then ReLU: neuron 1 gets 0.5·0.2 + 0.2·0.4 + 0.9·0.5 + 0.1 "
                  "= 0.73, neuron 2 gets 0.91."),
        Case("a batch of two samples", (np.vstack([X_3232, X_321]), *LAYERS_3232[0]),
             hint="Each row of X is one sample; the answer has one row per sample, "
                  "shape (n_samples, n_neurons)."),
        Case("the output layer: softmax", (HIDDEN_2, *LAYERS_3232[2]),
             hint="Expected [[0.558777, 0.441223]]: the softmax of the logits [0.9897, 0.7535]."),
        Case("the sigmoid hidden layer of the 3-2-1 network", (X_321, *LAYERS_321[0]),
             hint="Expected o4 = 0.3318 and o5 = 0.5250: the sigmoid of z = [-0.7, 0.1]. "
                  "Weights and biases keep their signs."),
        Case("no activation ('identity')", (HIDDEN_2, *LAYERS_3232[2][:2], "identity"),
             hint="'identity' returns z itself: here the logits [0.9897, 0.7535]."),
        Case("a layer of one neuron", (np.array([[0.3318, 0.525], [0.2, 0.9]]), *LAYERS_321[1]),
             hint="One neuron still gives a column: shape (n_samples, 1), not (n_samples,)."),
        Case("a square W: 2 inputs, 2 neurons", (np.array([[1.0, 2.0], [0.5, -1.0]]),
                                                 np.array([[1.0, -1.0], [2.0, 0.5]]),
                                                 np.array([0.5, 0.0]), "identity"),
             hint="With as many inputs as neurons every shape fits whichever way W is read; "
                  "only the numbers tell. Column j of W holds neuron j's weights."),
    ),
    random_cases=_random_dense_cases,
    call=_explained("dense_forward"),
    mistakes=(
        Mistake(BIAS_FORGOTTEN, BIAS_ADVICE,
                lambda X, W, b, activation: _layer(X, W, b, activation, bias=False)),
        Mistake("the activation forgotten",
                "The layer's output is the activation of Z, not Z itself (except for "
                "'identity').",
                lambda X, W, b, activation: _layer(X, W, b, "identity")),
        Mistake("W transposed (X @ W.T)",
                "W is stored inputs × neurons, one column per neuron: X @ W already pairs every "
                "input with its weight.",
                lambda X, W, b, activation: _layer(X, W, b, activation, transpose=True)
                if np.shape(W)[0] == np.shape(W)[1] else None),
    ),
    hints=(
        "Two steps: the weighted sums Z = X @ W + b (shape n_samples × n_neurons), then the "
        "activation on every entry of Z.",
        "b has one entry per neuron; numpy adds it to every row of X @ W by itself (broadcasting).",
        "get_activation turns the name into something you call; call it once, on the whole "
        "matrix Z (not row by row).",
    ),
    points=2,
    seed=301,
))

TEXTBOOK_LAYER = register(Exercise(
    id="03-textbook_layer",
    title="From the textbook's W x + b to the batch form",
    names=("textbook_layer",),
    arg_names=("X", "W", "b"),
    reference=reference_textbook_layer,
    cases=(
        Case("hidden layer 1 of the 3-2-3-2 network, written neurons × inputs",
             (X_3232, LAYERS_3232[0][0].T, LAYERS_3232[0][1]),
             hint="W is given neurons × inputs (2 × 3 here), so X @ W cannot be computed: the "
                  "product needs one column per neuron. Row 0 of W holds neuron 1's weights "
                  "[0.2, 0.4, 0.5], so its weighted sum is 0.73."),
        Case("a square W: the same shape either way",
             (np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 0.0], [2.0, -1.0]]),
              np.array([0.0, 0.5])),
             hint="With a square W, X @ W has the right shape but the wrong numbers. Neuron j "
                  "uses row j of W: the first sample [1, 2] gives 1·1 + 2·0 = 1 for neuron 1 "
                  "and 1·2 + 2·(−1) + 0.5 = 0.5 for neuron 2."),
        Case("a batch of two samples", (np.vstack([X_3232, X_321]), LAYERS_321[0][0].T,
                                        LAYERS_321[0][1])),
    ),
    random_cases=_random_textbook_cases,
    call=_explained("textbook_layer"),
    mistakes=(
        Mistake("W not transposed",
                "The textbook's W has one row per neuron; a batch with one sample per row needs "
                "one column per neuron. With a square W the shapes fit either way, and only the "
                "numbers tell.",
                lambda X, W, b: _layer(X, W, b, "identity", transpose=False)
                if np.shape(W)[0] == np.shape(W)[1] else None),
        Mistake(BIAS_FORGOTTEN, BIAS_ADVICE,
                lambda X, W, b: _layer(X, W, b, "identity", bias=False, transpose=True)),
    ),
    hints=(
        ("Compare W_textbook and W_ours entry by entry: where does row j of the one turn up in "
         "the other?"),
        ("Write z = W x + b for one sample x as a column, and turn both sides into rows with "
         "(AB)ᵀ = BᵀAᵀ. A batch X stacks such rows; a numpy array has an attribute for its "
         "turned-over matrix."),
    ),
    points=1,
    seed=302,
))

NETWORK_FORWARD = register(Exercise(
    id="03-network_forward",
    title="The forward pass through a whole network",
    names=("network_forward",),
    arg_names=("X", "layers"),
    reference=reference_network_forward,
    cases=(
        Case("the 3-2-3-2 network", (X_3232, LAYERS_3232),
             hint="Expected [[0.558777, 0.441223]]. Each layer reads the previous layer's "
                  "output, not X: hidden 1 = [0.73, 0.91], "
                  "hidden 2 = [0.578, 0.624, 0.961], logits = [0.9897, 0.7535], then softmax."),
        Case("the 3-2-1 sigmoid network", (X_321, LAYERS_321),
             hint="Expected o6 = 0.4739 (as [[0.4739]]): sigmoid hidden layer [0.3318, 0.5250], "
                  "then one sigmoid output neuron."),
        Case("a batch through the 3-2-3-2 network", (np.vstack([X_3232, X_321, 2 * X_3232]),
                                                     LAYERS_3232),
             hint="Every row goes through the same layers; the answer has one row of "
                  "probabilities per sample."),
        Case("a network of one layer", (X_321, LAYERS_3232[:1]),
             hint="With a single layer the network's output is that layer's output."),
        Case("a 2-2-2 network: every layer as wide as the input",
             (np.array([[1.0, -1.0], [0.5, 2.0]]),
              [(np.array([[1.0, 0.5], [-0.5, 1.0]]), np.array([0.1, -0.1]), "tanh"),
               (np.array([[2.0, -1.0], [1.0, 1.0]]), np.array([0.0, 0.2]), "sigmoid")]),
             hint="Here every layer could read X, and the shapes would not complain: only the "
                  "numbers show whether layer 2 reads the output of layer 1."),
    ),
    random_cases=_random_network_cases,
    call=_explained("network_forward"),
    mistakes=(
        Mistake("every layer fed with X instead of the previous layer's output",
                "A network is a chain: layer 2 reads what layer 1 produced.",
                lambda X, layers: _layer(X, *layers[-1]) if all(
                    np.shape(W)[0] == np.shape(X)[-1] for W, _, _ in layers) and len(layers) > 1
                else None),
    ),
    hints=(
        "The output of one layer is the input of the next: start with A = X, and for each "
        "(W, b, activation) in layers replace A by that layer's output.",
        "Your dense_forward from Exercise 1 computes one layer: call it in a loop.",
        ("Unpack each item of layers into its three parts in the for statement; the array you "
         "feed the next layer is the one the last layer gave back, and so is the answer."),
    ),
    points=2,
    seed=303,
))

LAYER_SHAPES = register(Exercise(
    id="03-layer_shapes",
    title="The shape of every array in a network",
    names=("layer_shapes",),
    arg_names=("n_samples", "layer_sizes"),
    reference=reference_layer_shapes,
    cases=(
        Case("the 3-2-3-2 network reading 5 samples", (5, [3, 2, 3, 2]),
             hint="Item i is (W, b, output) of layer i. W is (inputs × neurons): layer 1 reads "
                  "3 inputs with 2 neurons, so W is (3, 2), b is (2,), and its output for 5 "
                  "samples is (5, 2)."),
        Case("the 10 → 64 → 32 → 3 classifier reading one sample", (1, [10, 64, 32, 3]),
             hint="Even one sample is a batch: its outputs have shape (1, n_neurons)."),
        Case("a single neuron with two inputs", (4, [2, 1]),
             hint="A bias vector of one number has shape (1,): write it (1,), with the comma."),
    ),
    random_cases=_random_shape_cases,
    mistakes=(
        Mistake("W transposed (neurons × inputs)",
                "W must fit the product X @ W for X of shape (samples, inputs): its rows match "
                "X's columns.",
                lambda n_samples, sizes: [((n_out, n_in), (n_out,), (n_samples, n_out))
                                          for n_in, n_out in zip(sizes, sizes[1:])]),
    ),
    hints=(
        ("Return one item per layer, in order; each item is a tuple of three shapes: "
         "(shape of W, shape of b, shape of the layer's output). Start from the product "
         "Z = X @ W + b and ask what each factor must look like for it to work."),
        ("The layer's input has shape (n_samples, n_in). For X @ W to work, W's rows must match "
         "X's columns; its columns are the layer's neurons. b adds one number per neuron. None "
         "of it depends on the weights' values."),
        ("zip(layer_sizes, layer_sizes[1:]) gives each layer's (n_in, n_out); build the three "
         "shapes from those and n_samples."),
    ),
    points=1,
    seed=304,
))

COUNT_PARAMETERS = register(Exercise(
    id="03-count_parameters",
    title="How many weights and biases a network has",
    names=("count_parameters",),
    arg_names=("layer_sizes",),
    reference=reference_count_parameters,
    cases=(
        Case("the 3-2-3-2 network", ([3, 2, 3, 2],),
             hint="3·2 + 2 = 8, 2·3 + 3 = 9, 3·2 + 2 = 8: 25 in all."),
        Case("the tabular classifier 10 → 64 → 32 → 3", ([10, 64, 32, 3],),
             hint="Without the biases you would get 2,784; every neuron has one bias too."),
        Case("a single neuron with two inputs", ([2, 1],),
             hint="Two weights and one bias."),
        Case("a digit classifier 784 → 128 → 10", ([784, 128, 10],)),
    ),
    random_cases=_random_size_cases,
    mistakes=(
        Mistake("the biases forgotten",
                "Every neuron of a layer has a bias too, which training adjusts like a weight.",
                lambda sizes: sum(a * b for a, b in zip(sizes, sizes[1:]))),
        Mistake("a bias counted per input instead of per neuron",
                "A neuron has one bias, whatever the number of its inputs.",
                lambda sizes: sum(a * b + a for a, b in zip(sizes, sizes[1:]))),
    ),
    hints=(
        ("layer_sizes lists the input size, then the size of every layer: [10, 64, 32, 3] has "
         "three layers, 10 → 64, 64 → 32 and 32 → 3. Your layer_shapes knows the shape of every "
         "parameter array."),
        "The number of entries of an array of shape (a, b) is a·b; of shape (b,), b.",
    ),
    points=1,
    seed=305,
))
