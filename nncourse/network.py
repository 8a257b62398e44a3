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

The same pairs also decide how the loss's value is computed: from the cached logits Zᴸ, with
log-softmax (or log-sigmoid), not from the rounded probabilities. A prediction that is wrong with a
logit gap of 80 costs exactly 80.0, where log(p) of a p that has rounded towards 0 would not.
"""

from __future__ import annotations

import numpy as np

from nncourse.dropout import Dropout
from nncourse.errors import CourseError
from nncourse.layers import Dense, as_float_matrix, check_finite
from nncourse.losses import get_loss, one_hot_targets

PROBABILITY_OUTPUTS = ("softmax", "sigmoid")

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
        for i, layer in enumerate(layers):
            first = next(j for j, other in enumerate(layers) if other is layer)
            if first != i:
                raise CourseError(
                    f"Layers {first + 1} and {i + 1} are the same {type(layer).__name__} object; "
                    "a layer can appear once in a network (make a new one, or copy its weights "
                    "with Dense.from_weights)."
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
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            if not -len(self.layers) <= key < len(self.layers):
                raise CourseError(f"This network has {len(self.layers)} layers, numbered 0 to "
                                  f"{len(self.layers) - 1}; there is no layer {key}.")
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
        """The network's output for X (rows are samples; a single 1-D sample gives a 1-D output).

        The layers keep their own copies of what backward needs; the output returned is yours to
        change.
        """
        X = self.layers[0].check_input(X)
        single = X.ndim == 1
        with np.errstate(over="ignore", invalid="ignore"):
            A = self._forward(X[None, :] if single else X)
        check_finite(A, "The network's output")
        return A[0].copy() if single else A.copy()

    def _forward(self, X):
        """Forward on a checked (n, inputs) matrix; every layer caches what backward needs."""
        self.trace.reset(X)
        A = X
        for layer in self.layers:
            A = layer._forward(A)
        return A

    predict = forward
    __call__ = forward

    def predict_classes(self, X):
        """Predicted class labels: argmax of the outputs, or output ≥ 0.5 for one sigmoid output."""
        labels = self.labels_from_output(np.atleast_2d(self.forward(X)))
        return labels[0] if np.ndim(X) == 1 else labels

    def labels_from_output(self, output) -> np.ndarray:
        """Class labels from (n, k) outputs or targets: the argmax of each row, or for a single
        column "≥ threshold", the output activation's `label_threshold` (0.5 after a sigmoid, 0 for
        a raw score or a tanh). The one rule for predictions and for targets alike."""
        if output.shape[1] > 1:
            return np.argmax(output, axis=1)
        return (output[:, 0] >= self.layers[-1].activation.label_threshold).astype(int)

    # ------------------------------------------------------------ loss and backward
    def targets_for(self, y, output) -> np.ndarray:
        """Targets shaped like the output: labels become one-hot rows for a multi-class output.

        A single 1-D output takes one target row (or one class label) and gives a 1-D target.
        """
        try:
            y_arr = np.asarray(y, dtype=float)
        except (TypeError, ValueError):
            raise CourseError("The targets must be numbers in a rectangular table "
                              "(class labels or rows of target values).") from None
        if not np.all(np.isfinite(y_arr)):
            raise CourseError("The targets contain NaN or infinity; "
                              "every sample needs a real target.")
        if output.ndim == 1:
            rows = y_arr.reshape(1, -1) if y_arr.ndim == 1 and y_arr.size > 1 else y_arr.reshape(-1)
            return self.targets_for(rows, output[None, :])[0]
        n, k = output.shape
        if k > 1 and y_arr.shape == (n,):
            if np.any(y_arr != np.round(y_arr)):
                raise CourseError(
                    f"The targets have shape {y_arr.shape} and are not whole numbers, but the "
                    f"network has {k} outputs: give {k} target values per sample, shape "
                    f"({n}, {k}), or class labels 0 … {k - 1}."
                )
            y_arr = one_hot_targets(y_arr, output, "The targets")
        elif y_arr.ndim <= 1 and y_arr.size == n:
            y_arr = y_arr.reshape(output.shape)
        if y_arr.shape != output.shape:
            raise CourseError(
                f"The targets have shape {np.shape(y)} "
                f"but the network's output has shape {output.shape}; "
                f"give one target per output ({n} samples)."
            )
        return y_arr

    def loss(self, X, y, loss) -> float:
        """The loss of the network's predictions for X against the targets y.

        After a softmax (sigmoid) output, a cross-entropy is computed from the logits Zᴸ, so it is
        exact however wrong the prediction.
        """
        loss = get_loss(loss)
        self.check_loss(loss)
        output = self.forward(X)
        targets = self.targets_for(y, output)
        loss.checked(output, targets)
        value = self._loss_value(np.atleast_2d(targets), loss)
        self.trace.loss = value
        return value

    def check_loss(self, loss) -> None:
        """Refuse a loss that does not suit the output layer, in a sentence that says which of the
        two to change (categorical cross-entropy wants a softmax output, binary cross-entropy a
        sigmoid, each or `from_logits=True` with an identity output)."""
        last = self.layers[-1]
        problem = loss.output_mismatch(last.activation.name, last.label, last.n_neurons)
        if problem:
            raise CourseError(problem)

    def uses_shortcut(self, loss) -> bool:
        """True when the output activation and the loss pair up into dL/dz = (p − y)/N: a softmax
        output with categorical cross-entropy, a sigmoid output with binary cross-entropy."""
        wanted = loss.output_activation
        return wanted in PROBABILITY_OUTPUTS and self.layers[-1].activation.name == wanted

    def _loss_value(self, targets, loss, pairs: bool | None = None) -> float:
        """The loss of the cached output: from the logits when the output pairs with the loss
        (`pairs`: what uses_shortcut(loss) says, when the caller knows it already)."""
        last = self.layers[-1]
        if self.uses_shortcut(loss) if pairs is None else pairs:
            return loss.value_from_output(last.a, last.z, targets)
        return loss.formula(last.a, targets)

    def backward(self, y, loss, *, shortcut: bool = True):
        """Gradients of the loss for the last forward pass.

        Returns dL/dX and stores dW, db per layer.
        """
        loss = get_loss(loss)
        self.check_loss(loss)
        last = self.layers[-1]
        if last.a is None:
            raise CourseError("Run forward (or loss) before backward: "
                              "backward needs the forward values.")
        if last.a.shape[0] == 1 and np.ndim(y) <= 1:  # one sample: its targets may be 1-D
            targets = self.targets_for(y, last.a[0])[None, :]
        else:
            targets = self.targets_for(y, last.a)
        loss.checked(last.a, targets)
        return self._backward(targets, loss, shortcut=shortcut)

    def _backward(self, targets, loss, *, shortcut: bool = True, input_gradient: bool = True):
        """Backward for targets already shaped like the output and checked (the training loop's
        path, which passes input_gradient=False: it needs no dL/dX and gets None). Each layer,
        last to first, turns dL/d(its output) into dL/d(its input)."""
        last = self.layers[-1]
        pairs = self.uses_shortcut(loss)
        self.trace.loss = self._loss_value(targets, loss, pairs)
        if shortcut and pairs:
            self.trace.output_rule = SHORTCUT_RULE
            last.da = None
            grad = last.backward_from_z((last.a - targets) / loss.count(last.a))
            below = self.layers[:-1]
        else:
            self.trace.output_rule = CHAIN_RULE
            grad = loss.formula_gradient(last.a, targets)
            below = self.layers
        for i in range(len(below) - 1, -1, -1):
            grad = below[i]._backward(grad, input_gradient or i > 0)
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
        """[dW1, db1, dW2, db2, …] from the last backward, in the order of `parameters()`.

        A parameter held fixed (`layer.freeze`) has None, which every optimiser skips.
        """
        gradients = []
        for layer in self.layers:
            grads = layer.grads
            if grads and layer.dW is None:
                raise CourseError("There are no gradients yet: run backward first.")
            frozen = layer.frozen
            gradients += [None if key in frozen else grad for key, grad in grads.items()]
        return gradients

    def _gradient_slots(self) -> list:
        """Where each parameter's gradient lives, in the order of `parameters()`: (layer, "dW")
        and so on, None for one held fixed. The training loop reads the gradients through these
        after every backward, without gradients()'s checks."""
        return [None if key in layer.frozen else (layer, "d" + key)
                for layer in self.layers for key in layer.params]

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
    def fit(self, X, y, loss=None, **options):
        """Train the network; see `nncourse.training.fit` for the options. Returns the History."""
        from nncourse.training import fit

        return fit(self, X, y, loss, **options)

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

    Every array it gives is a copy: changing one cannot change the network's next backward.
    """

    NAMES = ("input", "z", "a", "da", "dz", "dW", "db")

    def __init__(self, network: Sequential):
        self._network = network
        self._input = None
        self.loss = None
        self.output_rule = None

    def reset(self, X):
        self._input = X
        self.loss = None
        self.output_rule = None

    @property
    def input(self):
        return _copy(self._input)

    @property
    def output(self):
        return _copy(self._network.layers[-1].a)

    def __getitem__(self, key) -> dict:
        layer = self._network.layer(key)
        return {name: _copy(getattr(layer, "X" if name == "input" else name, None))
                for name in self.NAMES}

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


def _copy(array):
    return None if array is None else np.array(array)


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
