"""The worked example: one forward and backward pass of a small network, written out by hand.

For a network, one input x, a target y, a loss and a learning rate η, `worked_example` writes:

1. **forward**: each weighted sum term by term with the real numbers
   (z₄ = x₁·w₁₄ + x₂·w₂₄ + x₃·w₃₄ + b₄ = 1·0.2 + 0·0.4 + 1·(−0.5) + (−0.4) = −0.7), then each
   activation (a₄ = σ(z₄) = 1 / (1 + e^(0.7)) = 0.3318);
2. **loss**: the loss with the output and the target put in;
3. **deltas**: the error signal δⱼ of every neuron, from the output back to the first layer;
4. **updates**: every weight and bias after one step of gradient descent.

Neurons are numbered as in the textbook: the inputs are 1, 2, 3, …, then the neurons of the first
layer, and so on, so that wᵢⱼ is the weight from neuron i to neuron j.

Two notations are supported. `notation="gradient"`: δⱼ = ∂L/∂zⱼ and w ← w − η·δⱼ·(input).
`notation="textbook"` (the classic 3-2-1 example): δⱼ = −∂L/∂zⱼ and w ← w + η·δⱼ·(input), biases
written θⱼ. The two are the same step, just with the sign moved into δ; with L = ½(y − o)² the
textbook rule is exactly gradient descent. "auto" picks the textbook form for the half squared
error.

Every number comes from the engine: its forward and backward pass (the trace) and its SGD
optimiser, run on a copy of the network, which is left unchanged. The text only shows those
numbers rounded to `decimals` places.
"""

from __future__ import annotations

import copy
import re

import numpy as np

from nncourse.activations import Softmax
from nncourse.errors import CourseError
from nncourse.losses import (
    BinaryCrossEntropy, CategoricalCrossEntropy, HalfSquaredError, MeanSquaredError, get_loss,
)
from nncourse.network import SHORTCUT_RULE
from nncourse.optim import SGD

MAX_PARAMETERS = 40


# ---------------------------------------------------------------- formatting

class Numbers:
    """LaTeX for numbers and symbols, rounded to a number of decimal places."""

    def __init__(self, decimals: int = 4):
        if not isinstance(decimals, (int, np.integer)) or not 0 <= decimals <= 12:
            raise CourseError(f"decimals must be a whole number from 0 to 12; got {decimals!r}.")
        self.decimals = int(decimals)

    def num(self, x, given: bool = False) -> str:
        """A computed number with exactly `decimals` places (0.5250), or a given number (an input,
        a weight, a target, η) as short as it is (0.5); tiny non-zero values in scientific form."""
        x = float(x)
        if x != 0 and abs(x) < 0.5 * 10 ** -self.decimals:
            mantissa, exponent = f"{x:.{max(self.decimals - 1, 1)}e}".split("e")
            mantissa = mantissa.rstrip("0").rstrip(".")
            return f"{mantissa} \\times 10^{{{int(exponent)}}}"
        text = f"{x:.{self.decimals}f}"
        if given and "." in text:
            text = text.rstrip("0").rstrip(".")
        if text.lstrip("-").strip("0.") == "":
            text = text.lstrip("-")  # no "−0.0000"
        return text

    def factor(self, x, given: bool = False) -> str:
        """A number as a factor or a term: negative numbers in parentheses."""
        text = self.num(x, given)
        return f"({text})" if text.startswith("-") or "times" in text else text


def index(*numbers) -> str:
    """Subscript text: 14 for (1, 4), 9,10 when a number has two digits."""
    parts = [str(n) for n in numbers]
    return ("," if any(len(p) > 1 for p in parts) else "").join(parts)


def sym(base: str, *numbers) -> str:
    return f"{base}_{{{index(*numbers)}}}"


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUBSCRIPTS = str.maketrans("0123456789,kj", "₀₁₂₃₄₅₆₇₈₉,ₖⱼ")
_COMMANDS = [
    (r"\tfrac{1}{2}", "½"), (r"\cdot", "·"), (r"\sigma", "σ"), (r"\delta", "δ"), (r"\theta", "θ"),
    (r"\eta", "η"), (r"\partial", "∂"), (r"\leftarrow", "←"), (r"\sum", "Σ"), (r"\times", "×"),
    (r"\log", "log"), (r"\max", "max"), (r"\tanh", "tanh"), (r"\left", ""), (r"\right", ""),
    (r"\quad", "   "), (r"\,", " "), (r"\_", "_"),
]


def latex_to_text(latex: str) -> str:
    """The plain-text (Unicode) form of the small LaTeX used here: σ, ·, subscripts, true minus."""
    text = latex.replace(" \\cdot ", "\\cdot").replace("^{\\prime}", "′")
    text = re.sub(r"\\(?:operatorname|mathrm|text)\{([^{}]*)\}",
                  lambda m: m.group(1).replace(r"\_", "\0"), text)
    text = re.sub(r"_\{([0-9,kj]+)\}", lambda m: m.group(1).translate(_SUBSCRIPTS), text)
    text = re.sub(r"_([kj])", lambda m: m.group(1).translate(_SUBSCRIPTS), text)
    text = re.sub(r"\^\{(-?[0-9]+)\}", lambda m: m.group(1).translate(_SUPERSCRIPTS), text)
    text = re.sub(r"\^\{([^{}]*)\}", r"^(\1)", text)
    for command, replacement in _COMMANDS:
        text = text.replace(command, replacement)
    return text.replace("-", "−").replace("\0", "_").replace("{", "").replace("}", "")


# ---------------------------------------------------------------- the result

class WorkedExample:
    """A worked example: sections of equations, as Markdown (with LaTeX), LaTeX and plain text.

    `sections`: list of (title, list of items), an item being ("eq", latex) or ("note", text).
    `values`: the engine's numbers by name ("z4", "a4", "loss", "delta6", "w46", "new w46", …).
    """

    def __init__(self, title: str, sections, values: dict):
        self.title, self.sections, self.values = title, sections, values

    @property
    def markdown(self) -> str:
        lines = [f"### {self.title}"]
        for heading, items in self.sections:
            lines += ["", f"**{heading}**", ""]
            for kind, content in items:
                lines.append(f"$${content}$$" if kind == "eq" else content)
                lines.append("")
        return "\n".join(lines).rstrip() + "\n"

    @property
    def latex(self) -> str:
        parts = [f"\\subsection*{{{self.title}}}"]
        for heading, items in self.sections:
            parts.append(f"\\paragraph{{{heading}}}")
            block = []
            for kind, content in items:
                if kind == "eq":
                    block.append(content)
                else:
                    if block:
                        parts.append("\\begin{align*}\n" + " \\\\\n".join(block)
                                     + "\n\\end{align*}")
                        block = []
                    parts.append(content)
            if block:
                parts.append("\\begin{align*}\n" + " \\\\\n".join(block) + "\n\\end{align*}")
        return "\n".join(parts) + "\n"

    @property
    def text(self) -> str:
        lines = [self.title, "=" * len(self.title)]
        for heading, items in self.sections:
            lines += ["", heading, "-" * len(heading)]
            for kind, content in items:
                lines.append(latex_to_text(content) if kind == "eq" else content)
        return "\n".join(lines) + "\n"

    def _repr_markdown_(self):
        return self.markdown

    def __str__(self):
        return self.text

    __repr__ = __str__


# ---------------------------------------------------------------- the calculation

def check_small(net, x):
    """The input as one sample of the right width; networks too large to write out are refused."""
    if net.n_params > MAX_PARAMETERS:
        raise CourseError(
            f"This network has {net.n_params} weights and biases; a worked example writes out "
            f"at most {MAX_PARAMETERS}. Use a smaller network (such as examples.network_321()) "
            "or net.trace instead."
        )
    x = np.asarray(x, dtype=float)
    if x.ndim == 2:
        if x.shape[0] != 1:
            raise CourseError(f"A worked example follows one sample; x has {x.shape[0]} rows. "
                              "Pick one, e.g. X[0].")
        x = x[0]
    return net.layers[0].check_input(x.reshape(-1))


def one_target(y):
    y = np.asarray(y, dtype=float)
    if y.ndim >= 2 and y.shape[0] != 1:
        raise CourseError(f"A worked example follows one sample; y has {y.shape[0]} rows.")
    return y.reshape(1, -1) if y.ndim else y.reshape(1)


class Calculation:
    """Builds the sections of a worked example from the engine's trace of a copy of the network."""

    def __init__(self, net, x, decimals, notation):
        self.net = copy.deepcopy(net)
        self.n = Numbers(decimals)
        self.textbook = notation == "textbook"
        self.bias = r"\theta" if self.textbook else "b"
        sizes = [net.n_inputs] + [layer.n_neurons for layer in net.layers]
        starts = np.cumsum([1] + sizes)
        # numbers[c][i]: the neuron number of unit i in column c (column 0 = the inputs)
        self.numbers = [list(range(starts[c], starts[c] + size)) for c, size in enumerate(sizes)]
        self.x = x
        self.values = {}
        self.net.forward(x.reshape(1, -1))

    def unit(self, column, i):
        """The symbol of unit i of a column: x for inputs, a for neurons."""
        return sym("x", i + 1) if column == 0 else sym("a", self.numbers[column][i])

    # ----------------------------------------------------------- forward
    def forward_section(self):
        items = []
        n = self.n
        for c, layer in enumerate(self.net.layers, start=1):
            inputs = layer.X[0]
            for j in range(layer.n_neurons):
                nj = self.numbers[c][j]
                terms = [f"{self.unit(c - 1, i)} \\cdot {sym('w', self.numbers[c - 1][i], nj)}"
                         for i in range(layer.n_inputs)]
                numbers = [f"{n.factor(inputs[i], given=c == 1)} \\cdot "
                           f"{n.factor(layer.W[i, j], given=True)}"
                           for i in range(layer.n_inputs)]
                z = layer.z[0, j]
                items.append(("eq", f"z_{{{nj}}} = {' + '.join(terms)} + {sym(self.bias, nj)} = "
                                    f"{' + '.join(numbers)} + {n.factor(layer.b[j], given=True)} "
                                    f"= {n.num(z)}"))
                self.values[f"z{nj}"] = float(z)
            for j in range(layer.n_neurons):
                nj = self.numbers[c][j]
                items.append(("eq", self.activation_equation(layer, c, j)))
                self.values[f"a{nj}"] = float(layer.a[0, j])
        self.values["output"] = self.net.trace.output[0].copy()
        return ("Forward pass: weighted sums z and activations a", items)

    def activation_equation(self, layer, c, j):
        n, name = self.n, layer.activation.name
        nj = self.numbers[c][j]
        z, a = layer.z[0, j], layer.a[0, j]
        lhs = f"a_{{{nj}}}"
        if name == "sigmoid":
            return f"{lhs} = \\sigma(z_{{{nj}}}) = 1 / (1 + e^{{{n.num(-z)}}}) = {n.num(a)}"
        if name == "relu":
            return f"{lhs} = \\max(0, z_{{{nj}}}) = \\max(0, {n.num(z)}) = {n.num(a)}"
        if name == "tanh":
            return f"{lhs} = \\tanh(z_{{{nj}}}) = \\tanh({n.num(z)}) = {n.num(a)}"
        if name == "identity":
            return f"{lhs} = z_{{{nj}}} = {n.num(a)}"
        if name == "softmax":
            others = [self.numbers[c][k] for k in range(layer.n_neurons)]
            symbolic = " + ".join(f"e^{{z_{{{k}}}}}" for k in others)
            numeric = " + ".join(f"e^{{{n.num(layer.z[0, k])}}}" for k in range(layer.n_neurons))
            return (f"{lhs} = e^{{z_{{{nj}}}}} / ({symbolic}) "
                    f"= e^{{{n.num(z)}}} / ({numeric}) = {n.num(a)}")
        fname = f"\\operatorname{{{name.replace('_', chr(92) + '_')}}}"
        return f"{lhs} = {fname}(z_{{{nj}}}) = {fname}({n.num(z)}) = {n.num(a)}"

    # ----------------------------------------------------------- loss
    def loss_section(self, y, loss):
        self.loss = loss
        self.net.backward(y, loss)  # the engine's backward: fills dz, dW, db and the loss
        trace = self.net.trace
        out_layer = self.net.layers[-1]
        targets = self.net.targets_for(y, out_layer.a)[0]
        self.targets = targets
        outputs = out_layer.a[0]
        n = self.n
        last = self.numbers[-1]
        value = trace.loss
        self.values["loss"] = float(value)
        if isinstance(loss, HalfSquaredError):
            symbolic = " + ".join(f"(y_{{{k}}} - a_{{{k}}})^{{2}}" for k in last)
            numeric = " + ".join(f"({n.num(t, True)} - {n.num(o)})^{{2}}"
                                 for t, o in zip(targets, outputs))
            if len(last) > 1:
                symbolic, numeric = f"[{symbolic}]", f"[{numeric}]"
            eq = f"L = \\tfrac{{1}}{{2}}{symbolic} = \\tfrac{{1}}{{2}}{numeric} = {n.num(value)}"
        elif isinstance(loss, MeanSquaredError):
            symbolic = " + ".join(f"(a_{{{k}}} - y_{{{k}}})^{{2}}" for k in last)
            numeric = " + ".join(f"({n.num(o)} - {n.num(t, True)})^{{2}}"
                                 for t, o in zip(targets, outputs))
            if len(last) > 1:
                symbolic, numeric = f"(1/{len(last)})[{symbolic}]", f"(1/{len(last)})[{numeric}]"
            eq = f"L = {symbolic} = {numeric} = {n.num(value)}"
        elif (isinstance(loss, CategoricalCrossEntropy) and not loss.from_logits
              and np.all(np.isin(targets, (0, 1)))):
            k = int(np.argmax(targets))
            eq = (f"L = -\\sum_k y_k \\log a_k = -\\log a_{{{last[k]}}} "
                  f"= -\\log {n.num(outputs[k])} = {n.num(value)}")
        elif isinstance(loss, BinaryCrossEntropy) and not loss.from_logits and len(last) == 1:
            t, o, k = targets[0], outputs[0], last[0]
            eq = (f"L = -[y \\log a_{{{k}}} + (1 - y)\\log(1 - a_{{{k}}})] = "
                  f"-[{n.num(t, True)} \\cdot \\log {n.num(o)} + "
                  f"{n.factor(1 - t, True)} \\cdot \\log {n.num(1 - o)}] = "
                  f"{n.num(value)}")
        else:
            eq = (f"L = \\operatorname{{{loss.name.replace('_', chr(92) + '_')}}}(a, y) "
                  f"= {n.num(value)}")
        target_text = ", ".join(f"{latex_to_text(sym('y', k))} = {latex_to_text(n.num(t, True))}"
                                for k, t in zip(last, targets))
        return ("Loss", [("note", f"Target: {target_text}; loss: {loss.name}."), ("eq", eq)])

    # ----------------------------------------------------------- deltas
    def delta(self, dz):
        """δ in the chosen notation from the engine's ∂L/∂z."""
        return -dz if self.textbook else dz

    def derivative_factor(self, layer, c, j):
        """(symbolic, numeric) of f′(zⱼ) for an element-wise activation."""
        n, name = self.n, layer.activation.name
        nj = self.numbers[c][j]
        z, a = layer.z[0, j], layer.a[0, j]
        if name == "sigmoid":
            return f"a_{{{nj}}}(1 - a_{{{nj}}})", f"{n.num(a)} \\cdot (1 - {n.num(a)})"
        if name == "tanh":
            return f"(1 - a_{{{nj}}}^{{2}})", f"(1 - {n.factor(a)}^{{2}})"
        if name == "identity":
            return "1", "1"
        value = float(layer.activation.derivative(np.array([z]))[0])
        if name == "relu":
            return f"\\operatorname{{ReLU}}^{{\\prime}}(z_{{{nj}}})", n.num(value, given=True)
        return f"f^{{\\prime}}(z_{{{nj}}})", n.factor(value)

    def output_delta_equation(self, layer, c, j):
        n = self.n
        nj = self.numbers[c][j]
        a, t = layer.a[0, j], self.targets[j]
        d = self.delta(layer.dz[0, j])
        lhs = f"\\delta_{{{nj}}}"
        if self.net.trace.output_rule == SHORTCUT_RULE:
            if self.textbook:
                return (f"{lhs} = y_{{{nj}}} - a_{{{nj}}} "
                        f"= {n.num(t, True)} - {n.num(a)} = {n.num(d)}")
            return f"{lhs} = a_{{{nj}}} - y_{{{nj}}} = {n.num(a)} - {n.num(t, True)} = {n.num(d)}"
        if not layer.activation.elementwise:
            return f"{lhs} = {n.num(d)}"
        fs, fn = self.derivative_factor(layer, c, j)
        if isinstance(self.loss, HalfSquaredError):
            err_s, err_n = ((f"(y_{{{nj}}} - a_{{{nj}}})", f"({n.num(t, True)} - {n.num(a)})")
                            if self.textbook
                            else (f"(a_{{{nj}}} - y_{{{nj}}})", f"({n.num(a)} - {n.num(t, True)})"))
        else:
            da = self.delta(layer.da[0, j])
            sign = "-" if self.textbook else ""
            err_s = f"{sign}\\partial{{L}}/\\partial{{a_{{{nj}}}}}"
            err_n = n.factor(da)
        return f"{lhs} = {err_s} \\cdot {fs} = {err_n} \\cdot {fn} = {n.num(d)}"

    def hidden_delta_equation(self, layer, above, c, j):
        n = self.n
        nj = self.numbers[c][j]
        d = self.delta(layer.dz[0, j])
        lhs = f"\\delta_{{{nj}}}"
        if not layer.activation.elementwise:
            return f"{lhs} = {n.num(d)}"
        fs, fn = self.derivative_factor(layer, c, j)
        ks = self.numbers[c + 1]
        sum_s = " + ".join(f"{sym('w', nj, k)} \\cdot \\delta_{{{k}}}" for k in ks)
        sum_n = " + ".join(f"{n.factor(above.W[j, m], True)} \\cdot "
                           f"{n.factor(self.delta(above.dz[0, m]))}"
                           for m in range(above.n_neurons))
        return f"{lhs} = {fs} \\cdot ({sum_s}) = {fn} \\cdot ({sum_n}) = {n.num(d)}"

    def delta_section(self):
        items = []
        if self.textbook:
            items.append(("note", "Error signals δⱼ = −∂L/∂zⱼ, "
                                  "from the output back to the first layer."))
        else:
            items.append(("note", "Error signals δⱼ = ∂L/∂zⱼ, "
                                  "from the output back to the first layer."))
        if self.net.trace.output_rule == SHORTCUT_RULE:
            if isinstance(self.net.layers[-1].activation, Softmax) or self.net.n_outputs == 1:
                rule = "∂L/∂z = a − y"
            else:  # binary cross-entropy averages over the k sigmoid outputs
                rule = f"∂L/∂z = (a − y) / {self.net.n_outputs}"
            items.append(("note", f"Output: softmax/sigmoid with cross-entropy, so {rule} "
                                  "(the named shortcut)."))
        layers = self.net.layers
        for c in range(len(layers), 0, -1):
            layer = layers[c - 1]
            for j in range(layer.n_neurons):
                if c == len(layers):
                    eq = self.output_delta_equation(layer, c, j)
                else:
                    eq = self.hidden_delta_equation(layer, layers[c], c, j)
                items.append(("eq", eq))
                self.values[f"delta{self.numbers[c][j]}"] = float(self.delta(layer.dz[0, j]))
        return ("Backward pass: the error signal δ of each neuron", items)

    # ----------------------------------------------------------- updates
    def update_item(self, name, old, new, lr, frozen, factors):
        """One parameter's step, "w ← w − η·δ·x = old − η·(…)·(…) = new" (+ in the textbook's
        notation), its factors given as (symbol, number) pairs; a frozen parameter is only named
        with its value, since no step changes it."""
        n = self.n
        if frozen:
            return ("eq", f"{name} = {n.num(old, True)}\\text{{ (frozen: held fixed)}}")
        op = "+" if self.textbook else "-"
        symbols = " \\cdot ".join(symbol for symbol, _ in factors)
        numbers = " \\cdot ".join(number for _, number in factors)
        return ("eq", f"{name} \\leftarrow {name} {op} \\eta \\cdot {symbols} = "
                      f"{n.num(old, True)} {op} {n.num(lr, True)} \\cdot {numbers} = "
                      f"{n.num(new)}")

    def update_section(self, lr):
        n = self.n
        params = [p.copy() for p in self.net.parameters()]
        SGD(lr).step(params, self.net.gradients())  # the engine's optimiser: p ← p − η·∂L/∂p
        new = params
        items = []
        if self.textbook:
            items.append(("note", "w ← w + η·δⱼ·(input to j) and θⱼ ← θⱼ + η·δⱼ. "
                                  "Since δⱼ = −∂L/∂zⱼ and ∂L/∂w = (input)·∂L/∂zⱼ, "
                                  "this is w ← w − η·∂L/∂w: gradient descent"
                                  + (" on L = ½(y − o)²." if isinstance(self.loss, HalfSquaredError)
                                     else ".")))
        else:
            items.append(("note", "w ← w − η·∂L/∂w with ∂L/∂w = δⱼ·(input to j), "
                                  "and b ← b − η·δⱼ."))
        layers = self.net.layers
        for c in range(len(layers), 0, -1):
            layer = layers[c - 1]
            W_new, b_new = new[2 * (c - 1)], new[2 * (c - 1) + 1]
            inputs = layer.X[0]
            for j in range(layer.n_neurons):
                nj = self.numbers[c][j]
                d = self.delta(layer.dz[0, j])
                delta = f"\\delta_{{{nj}}}"
                for i in range(layer.n_inputs):
                    ni = self.numbers[c - 1][i]
                    items.append(self.update_item(
                        sym("w", ni, nj), layer.W[i, j], W_new[i, j], lr, "W" in layer.frozen,
                        [(delta, n.factor(d)),
                         (self.unit(c - 1, i), n.factor(inputs[i], given=c == 1))]))
                    key = f"w{index(ni, nj)}"
                    self.values[key] = float(layer.W[i, j])
                    self.values[f"new {key}"] = float(W_new[i, j])
                items.append(self.update_item(sym(self.bias, nj), layer.b[j], b_new[j], lr,
                                              "b" in layer.frozen, [(delta, n.factor(d))]))
                key = f"{'θ' if self.textbook else 'b'}{nj}"
                self.values[key] = float(layer.b[j])
                self.values[f"new {key}"] = float(b_new[j])
        return (f"Update with learning rate η = {latex_to_text(n.num(lr, True))}", items)


def resolve_notation(notation, loss):
    if notation not in ("auto", "gradient", "textbook"):
        raise CourseError(f'notation must be "auto", "gradient" or "textbook"; got {notation!r}.')
    if notation == "auto":
        return "textbook" if isinstance(loss, HalfSquaredError) else "gradient"
    return notation


def worked_example(net, x, y=None, loss=None, lr=None, *, decimals: int = 4,
                   notation: str = "auto") -> WorkedExample:
    """The hand calculation of one pass of `net` on the sample x, with the engine's numbers.

    Only x: the forward pass. With y and loss: also the loss and every δ. With lr too: every
    updated weight and bias. Returns a WorkedExample (shown as Markdown in a notebook; `.text`,
    `.markdown`, `.latex`, and `.values` for the numbers).
    """
    x = check_small(net, x)
    if (y is None) != (loss is None):
        raise CourseError("For the backward pass give both the target y and the loss (or neither).")
    if lr is not None and y is None:
        raise CourseError("An update needs the backward pass: give y and loss together with lr.")
    loss_obj = get_loss(loss) if loss is not None else None
    calc = Calculation(net, x, decimals, resolve_notation(notation, loss_obj))
    sections = [calc.forward_section()]
    if loss_obj is not None:
        sections.append(calc.loss_section(one_target(y), loss_obj))
        sections.append(calc.delta_section())
        if lr is not None:
            sections.append(calc.update_section(SGD(lr).lr))  # SGD checks η like in training
    title = f"Worked example: {net.name}"
    return WorkedExample(title, sections, calc.values)


def forward(net, x, *, decimals: int = 4) -> WorkedExample:
    """The forward pass written out: each weighted sum term by term and each activation."""
    return worked_example(net, x, decimals=decimals)


def backward(net, x, y, loss, lr=None, *, decimals: int = 4,
             notation: str = "auto") -> WorkedExample:
    """Forward pass, loss, every δ and (with lr) every updated weight and bias, written out."""
    return worked_example(net, x, y, loss, lr, decimals=decimals, notation=notation)


__all__ = ["worked_example", "forward", "backward", "WorkedExample", "MAX_PARAMETERS"]
