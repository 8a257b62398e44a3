"""A network: layers applied one after another, forward and backward.

Forward: the output of each layer is the input of the next,

    A⁰ = X,   Aˡ = fˡ(Aˡ⁻¹ @ Wˡ + bˡ),   output = Aᴸ.

Backward: start from dL/d(output), the loss's gradient, and let each layer, from the last to the
first, turn the gradient of its output into the gradient of its input (the chain rule), storing
dW and db on the way.

One shortcut is named, never hidden: when a softmax output meets categorical cross-entropy (or a
sigmoid output meets binary cross-entropy), the two derivatives multiply out to the simple

    dL/dZᴸ = (P − Y) / N,

with N the count the loss averages over: the n samples for categorical cross-entropy, all n·k
outputs for binary cross-entropy. It is exact and stays finite where p is 0 or 1.
`backward(..., shortcut=False)` uses the plain chain rule instead; the trace records which rule
was used.
"""

from __future__ import annotations

import numpy as np

from nncourse.activations import Sigmoid, Softmax
from nncourse.dropout import Dropout
from nncourse.errors import CourseError
from nncourse.layers import Dense, as_float_matrix
from nncourse.losses import BinaryCrossEntropy, CategoricalCrossEntropy, get_loss, one_hot_targets

SHORTCUT_RULE = "softmax/sigmoid + cross-entropy shortcut: dL/dz = (p − y) / N"
CHAIN_RULE = "chain rule: dL/dz = dL/da · da/dz"


class Sequential:
    """Layers in a row. `net.forward(X)`, `net.backward(y, loss)`, `net.fit(X, y, …)`."""

    def __init__(self, layers, name: str | None = None):
        layers = list(layers)
        if not layers:
            raise CourseError("A network needs at least one layer; got an empty list.")
        for i, layer in enumerate(layers):
            if isinstance(layer, Dropout):
                if i in (0, len(layers) - 1):
                    raise CourseError("A Dropout layer goes between two layers: put it after a "
                                      "Dense layer and before the next one.")
                layer.connect(layers[i - 1].n_neurons)
            elif not isinstance(layer, Dense):
                raise CourseError(f"Layer {i + 1} is a {type(layer).__name__}, not a Dense "
                                  "or Dropout layer.")
            if layer.name is None:
                layer.name = f"{'dropout' if isinstance(layer, Dropout) else 'dense'}{i + 1}"
        for below, above in zip(layers, layers[1:]):
            if above.n_inputs != below.n_neurons:
                raise CourseError(
                    f"{below.name} has {below.n_neurons} outputs but {above.name} expects "
                    f"{above.n_inputs} inputs; consecutive layers must fit together."
                )
        names = [layer.name for layer in layers]
        if len(set(names)) != len(names):
            raise CourseError(f"Layer names must be different from each other; got {names}.")
        self.layers = layers
        self.name = name or "network"
        self.trace = Trace(self)

    # ------------------------------------------------------------ container behaviour
    def __len__(self):
        return len(self.layers)

    def __getitem__(self, key):
        return self.layer(key)

    def __iter__(self):
        return iter(self.layers)

    def layer(self, key) -> Dense:
        """A layer by position (0-based) or by name ("dense1")."""
        if isinstance(key, (int, np.integer)):
            return self.layers[key]
        for layer in self.layers:
            if layer.name == key:
                return layer
        raise CourseError(f"No layer named {key!r}; "
                          f"the layers are {[layer.name for layer in self.layers]}.")

    @property
    def n_inputs(self) -> int:
        return self.layers[0].n_inputs

    @property
    def n_outputs(self) -> int:
        return self.layers[-1].n_neurons

    # ------------------------------------------------------------ forward
    def forward(self, X):
        """The network's output for X (rows are samples; a single 1-D sample gives a 1-D output)."""
        X = self.layers[0].check_input(X)
        single = X.ndim == 1
        A = self.forward_batch(X[None, :] if single else X)
        return A[0] if single else A

    def forward_batch(self, X):
        """Forward on a checked (n, inputs) matrix; every layer caches what backward needs."""
        self.trace.reset(X)
        A = X
        for layer in self.layers:
            A = layer.forward_batch(A)
        return A

    predict = forward
    __call__ = forward

    def predict_classes(self, X):
        """Predicted class labels: argmax of the outputs, or output ≥ 0.5 for one sigmoid output."""
        labels = self.labels_from_output(np.atleast_2d(self.forward(X)))
        return labels[0] if np.ndim(X) == 1 else labels

    def labels_from_output(self, output) -> np.ndarray:
        """Class labels from (n, k) outputs: the argmax of each row, or for a single output
        "≥ 0.5" after a sigmoid and "≥ 0" for a raw score."""
        if output.shape[1] > 1:
            return np.argmax(output, axis=1)
        threshold = 0.5 if isinstance(self.layers[-1].activation, Sigmoid) else 0.0
        return (output[:, 0] >= threshold).astype(int)

    # ------------------------------------------------------------ loss and backward
    def targets_for(self, y, output) -> np.ndarray:
        """Targets shaped like the output: labels become one-hot rows for a multi-class output."""
        try:
            y_arr = np.asarray(y, dtype=float)
        except (TypeError, ValueError):
            raise CourseError("The targets must be numbers "
                              "(class labels or target values).") from None
        if not np.all(np.isfinite(y_arr)):
            raise CourseError("The targets contain NaN or infinity; "
                              "every sample needs a real target.")
        if output.ndim == 2 and output.shape[1] > 1:
            y_arr = one_hot_targets(y_arr, output, "The targets")
        elif output.ndim == 2 and y_arr.ndim <= 1 and y_arr.size == output.shape[0]:
            y_arr = y_arr.reshape(output.shape)
        elif output.ndim == 1 and y_arr.ndim == 0:
            y_arr = np.full(output.shape, float(y_arr))
        if y_arr.shape != output.shape:
            raise CourseError(
                f"The targets have shape {np.shape(y)} "
                f"but the network's output has shape {output.shape}; "
                f"give one target per output ({output.shape[0]} samples)."
            )
        return y_arr

    def loss(self, X, y, loss) -> float:
        """The loss of the network's predictions for X against the targets y."""
        loss = get_loss(loss)
        output = self.forward(X)
        value = loss.value(output, self.targets_for(y, output))
        self.trace.loss = value
        return value

    def uses_shortcut(self, loss) -> bool:
        """True when the output activation and the loss pair up into dL/dz = (p − y)/n."""
        last = self.layers[-1].activation
        return ((isinstance(last, Softmax) and isinstance(loss, CategoricalCrossEntropy)
                 and not loss.from_logits)
                or (isinstance(last, Sigmoid) and isinstance(loss, BinaryCrossEntropy)
                    and not loss.from_logits))

    def shortcut_count(self, loss) -> int:
        """N of the shortcut (P − Y) / N: the samples for categorical cross-entropy, which sums over
        classes, and every output for binary cross-entropy, which averages over all of them."""
        output = self.layers[-1].a
        return output.size if isinstance(loss, BinaryCrossEntropy) else output.shape[0]

    def backward(self, y, loss, *, shortcut: bool = True):
        """Gradients of the loss for the last forward pass.

        Returns dL/dX and stores dW, db per layer.
        """
        loss = get_loss(loss)
        last = self.layers[-1]
        if last.a is None:
            raise CourseError("Run forward (or loss) before backward: "
                              "backward needs the forward values.")
        targets = self.targets_for(y, last.a)
        loss.checked(last.a, targets)
        return self.backward_prepared(targets, loss, shortcut=shortcut)

    def backward_prepared(self, targets, loss, *, shortcut: bool = True,
                          input_gradient: bool = True):
        """Backward for targets already shaped like the output and checked.

        This is the training loop's path.
        """
        last = self.layers[-1]
        self.trace.loss = loss.formula(last.a, targets)
        if shortcut and self.uses_shortcut(loss):
            self.trace.output_rule = SHORTCUT_RULE
            last.da = None
            dz = (last.a - targets) / self.shortcut_count(loss)
            grad = last.backward_from_z(dz, len(self.layers) > 1 or input_gradient)
            return self._backward_through(self.layers[:-1], grad, input_gradient)
        self.trace.output_rule = CHAIN_RULE
        return self._backward_through(self.layers, loss.formula_gradient(last.a, targets),
                                      input_gradient)

    def backward_from(self, grad_output):
        """Backward from a given dL/d(output), through every layer from the last to the first."""
        return self._backward_through(self.layers, np.asarray(grad_output, dtype=float))

    @staticmethod
    def _backward_through(layers, grad, input_gradient: bool = True):
        """Each layer, last to first, turns dL/d(its output) into dL/d(its input)."""
        for i in range(len(layers) - 1, -1, -1):
            grad = layers[i].backward(grad, input_gradient or i > 0)
        return grad

    # ------------------------------------------------------------ training or evaluation
    def train(self):
        """Training mode: Dropout layers drop (fit switches this on for its steps). Returns self."""
        for layer in self.layers:
            if isinstance(layer, Dropout):
                layer.training = True
        return self

    def eval(self):
        """Evaluation mode, the default: Dropout layers pass everything through. Returns self."""
        for layer in self.layers:
            if isinstance(layer, Dropout):
                layer.training = False
        return self

    # ------------------------------------------------------------ parameters
    def parameters(self) -> list:
        """The live weight arrays [W1, b1, W2, b2, …]; an optimiser updates them in place."""
        return [p for layer in self.layers for p in layer.params.values()]

    def gradients(self) -> list:
        """[dW1, db1, dW2, db2, …] from the last backward, in the order of `parameters()`."""
        if any(layer.dW is None for layer in self.layers if layer.params):
            raise CourseError("There are no gradients yet: run backward first.")
        return [g for layer in self.layers for g in layer.grads.values()]

    def named_parameters(self) -> list:
        """[("dense1.W", W1), ("dense1.b", b1), …]."""
        return [(f"{layer.name}.{key}", value)
                for layer in self.layers for key, value in layer.params.items()]

    def get_weights(self) -> list:
        """Copies of every parameter (to restore later with set_weights)."""
        return [p.copy() for p in self.parameters()]

    def set_weights(self, weights) -> None:
        """Put weights back (from get_weights): same number and shapes of arrays."""
        params = self.parameters()
        if len(weights) != len(params):
            raise CourseError(f"Expected {len(params)} arrays of weights, got {len(weights)}.")
        for (name, p), w in zip(self.named_parameters(), weights):
            w = np.asarray(w, dtype=float)
            if w.shape != p.shape:
                raise CourseError(f"{name} has shape {p.shape}, but the new value has shape "
                                  f"{w.shape}.")
            p[...] = w

    @property
    def n_params(self) -> int:
        return sum(layer.n_params for layer in self.layers)

    # ------------------------------------------------------------ training and display
    def fit(self, X, y, **options):
        """Train the network; see `nncourse.training.fit` for the options. Returns the History."""
        from nncourse.training import fit

        return fit(self, X, y, **options)

    def summary(self) -> str:
        """A table of layers: name, output shape, activation, number of parameters."""
        rows = [("layer", "W shape", "output", "activation", "parameters")]
        for layer in self.layers:
            if isinstance(layer, Dropout):
                rows.append(layer.summary_row())
                continue
            rows.append((layer.name, f"{layer.n_inputs}×{layer.n_neurons}",
                         f"(n, {layer.n_neurons})", layer.activation.name, f"{layer.n_params:,}"))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
        rule = "-" * len(lines[0])
        total = f"total parameters: {self.n_params:,}   (input: {self.n_inputs} features)"
        return "\n".join([lines[0], rule, *lines[1:], rule, total])

    def __repr__(self):
        sizes = " → ".join([str(self.n_inputs)] + [
            repr(layer) if isinstance(layer, Dropout) else
            f"{layer.n_neurons} {layer.activation.name}" for layer in self.layers])
        return f"Sequential({sizes})"


class Trace:
    """Every intermediate value of the last forward and backward pass, by layer and by name.

    `net.trace["dense1"]["z"]` (or `net.trace[0]["z"]`) is the first layer's weighted sums;
    the names are "input", "z", "a", and after backward "da", "dz", "dW", "db".
    """

    NAMES = ("input", "z", "a", "da", "dz", "dW", "db")

    def __init__(self, network: Sequential):
        self._network = network
        self.input = None
        self.loss = None
        self.output_rule = None

    def reset(self, X):
        self.input = X
        self.loss = None
        self.output_rule = None

    @property
    def output(self):
        return self._network.layers[-1].a

    def __getitem__(self, key) -> dict:
        layer = self._network.layer(key)
        return {"input": layer.X, "z": layer.z, "a": layer.a, "da": layer.da,
                "dz": layer.dz, "dW": layer.dW, "db": layer.db}

    def table(self, decimals: int = 4) -> str:
        """The whole pass as text, layer by layer, numbers rounded to `decimals`."""
        def fmt(value):
            return np.array2string(np.asarray(value), precision=decimals, suppress_small=True,
                                   floatmode="fixed", separator=", ")

        lines = [f"input: {fmt(self.input)}"] if self.input is not None else []
        for layer in self._network.layers:
            values = self[layer.name]
            for key in self.NAMES[1:]:
                if values[key] is not None:
                    lines.append(f"{layer.name}.{key}: {fmt(values[key])}")
        if self.loss is not None:
            lines.append(f"loss: {self.loss:.{decimals}f}")
        if self.output_rule:
            lines.append(f"output gradient by the {self.output_rule}")
        return "\n".join(lines)

    def __repr__(self):
        return self.table()


def mlp(sizes, hidden: str = "relu", output: str = "identity", *, seed=0, init=None,
        name: str | None = None) -> Sequential:
    """A multi-layer perceptron from a list of sizes: mlp([2, 64, 32, 3], output="softmax").

    Every layer but the last uses `hidden`; the last uses `output`. Weights are drawn from one
    generator seeded with `seed`, so the same seed always gives the same network.
    """
    sizes = list(sizes)
    if len(sizes) < 2:
        raise CourseError(f"mlp needs at least an input size and an output size; got {sizes}.")
    rng = np.random.default_rng(seed)
    layers = [
        Dense(n_in, n_out, hidden if i < len(sizes) - 2 else output, init=init, rng=rng)
        for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:]))
    ]
    return Sequential(layers, name=name)


__all__ = ["Sequential", "Trace", "mlp", "as_float_matrix", "SHORTCUT_RULE", "CHAIN_RULE"]
