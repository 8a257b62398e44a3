"""PyTorch is the reference for numerics: the same weights give the same numbers.

Random networks with every activation and every loss are built twice, once in the engine and once
in PyTorch (float64, CPU), from the same weights. Outputs, every parameter gradient, and the
weights after one and after several steps of every optimiser must agree to 1e-9.

Layout: a torch Linear stores its weight as (out, in), the engine as (in, out): torch W = our Wᵀ.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is not installed; parity tests need it")
F = torch.nn.functional
torch.set_num_threads(1)  # tiny tensors: threads only add overhead

from nncourse.activations import ACTIVATIONS  # noqa: E402
from nncourse.losses import BinaryCrossEntropy, CategoricalCrossEntropy, get_loss  # noqa: E402
from nncourse.network import mlp  # noqa: E402
from nncourse.optim import SGD, Adam, Momentum, RMSProp  # noqa: E402
from nncourse.training import fit  # noqa: E402

RTOL, ATOL = 1e-9, 1e-12
ACTIVATION_NAMES = list(ACTIVATIONS)

TORCH_ACTIVATIONS = {
    "identity": lambda z: z,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda z: F.leaky_relu(z, negative_slope=0.01),
    "softmax": lambda z: torch.softmax(z, dim=-1),
    "gelu": lambda z: F.gelu(z, approximate="tanh"),
    "swish": F.silu,
}


class TorchTwin(torch.nn.Module):
    """A torch network with the same layers, activations and weights as an engine network."""

    def __init__(self, net):
        super().__init__()
        self.linears = torch.nn.ModuleList()
        self.activations = []
        for layer in net:
            linear = torch.nn.Linear(layer.n_inputs, layer.n_neurons, dtype=torch.float64)
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(layer.W.T.copy()))
                linear.bias.copy_(torch.from_numpy(layer.b.copy()))
            self.linears.append(linear)
            self.activations.append(TORCH_ACTIVATIONS[layer.activation.name])

    def forward(self, x):
        for linear, activation in zip(self.linears, self.activations):
            x = activation(linear(x))
        return x

    def engine_ordered(self):
        """Parameters in the engine's order [W1, b1, W2, b2, …]."""
        return [p for linear in self.linears for p in (linear.weight, linear.bias)]


def engine_view(tensors):
    """Torch parameters or gradients, laid out as the engine's (W as in × out)."""
    return [t.detach().numpy().T if i % 2 == 0 else t.detach().numpy()
            for i, t in enumerate(tensors)]


def assert_arrays_close(ours, theirs, what):
    assert len(ours) == len(theirs)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL, err_msg=f"{what} #{i}")


# ---------------------------------------------------------------- losses on both sides

def torch_half_squared(out, y):
    return 0.5 * torch.sum((y - out) ** 2) / out.shape[0]


def torch_cce_from_probabilities(p, labels):
    return F.nll_loss(torch.log(p), labels)


def torch_kl(q, p):
    return F.kl_div(torch.log(q), p, reduction="batchmean")


def torch_hinge(scores, y):
    return torch.mean(torch.clamp(1.0 - y * scores, min=0.0))


def regression_targets(rng, n, k):
    return rng.normal(size=(n, k))


def binary_targets(rng, n, k):
    return rng.integers(0, 2, size=(n, k)).astype(float)


def class_labels(rng, n, k):
    return rng.integers(0, k, size=n)


def distributions(rng, n, k):
    p = rng.uniform(0.1, 1.0, size=(n, k))
    return p / p.sum(axis=1, keepdims=True)


def sign_labels(rng, n, k):
    return rng.choice([-1.0, 1.0], size=(n, k))


# name: (output activation, engine loss, torch loss, target maker, shortcut)
LOSS_CASES = {
    "mse": ("identity", "mse", F.mse_loss, regression_targets, True),
    "half_squared_error": ("sigmoid", "half_squared_error", torch_half_squared, regression_targets,
                           True),
    "bce_probabilities": ("sigmoid", "binary_crossentropy", F.binary_cross_entropy, binary_targets,
                          True),
    "bce_probabilities_chain_rule": ("sigmoid", "binary_crossentropy", F.binary_cross_entropy,
                                     binary_targets, False),
    "bce_logits": ("identity", BinaryCrossEntropy(from_logits=True),
                   F.binary_cross_entropy_with_logits, binary_targets, True),
    "cce_probabilities": ("softmax", "categorical_crossentropy", torch_cce_from_probabilities,
                          class_labels, True),
    "cce_probabilities_chain_rule": ("softmax", "categorical_crossentropy",
                                     torch_cce_from_probabilities, class_labels, False),
    "cce_logits": ("identity", CategoricalCrossEntropy(from_logits=True), F.cross_entropy,
                   class_labels, True),
    "kl_divergence": ("softmax", "kl_divergence", torch_kl, distributions, True),
    "hinge": ("identity", "hinge", torch_hinge, sign_labels, True),
    "mse_through_softmax": ("softmax", "mse", F.mse_loss, distributions, True),
}


def torch_targets(y):
    y = np.asarray(y)
    return torch.from_numpy(y) if y.dtype.kind == "i" else torch.from_numpy(y.astype(np.float64))


def twin_networks(hidden, output, seed, sizes=(4, 5, 3), k=3):
    net = mlp([*sizes, k], hidden=hidden, output=output, seed=seed)
    rng = np.random.default_rng(seed + 100)
    for layer in net:  # non-zero biases, so that they matter
        layer.b[...] = rng.normal(0.0, 0.3, layer.b.shape)
    return net, TorchTwin(net)


@pytest.mark.parametrize("case", list(LOSS_CASES))
@pytest.mark.parametrize("hidden", ACTIVATION_NAMES)
def test_outputs_loss_and_gradients_match_torch(hidden, case):
    output, loss, torch_loss, make_targets, shortcut = LOSS_CASES[case]
    seed = ACTIVATION_NAMES.index(hidden) * 31 + list(LOSS_CASES).index(case)
    rng = np.random.default_rng(seed)
    n, k = 6, 3
    X = rng.normal(size=(n, 4))
    y = make_targets(rng, n, k)
    net, twin = twin_networks(hidden, output, seed)

    out = net.forward(X)
    value = get_loss(loss).value(out, net.targets_for(y, out))
    dX = net.backward(y, loss, shortcut=shortcut)

    X_t = torch.from_numpy(X.copy()).requires_grad_(True)
    out_t = twin(X_t)
    value_t = torch_loss(out_t, torch_targets(y))
    value_t.backward()

    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=RTOL, atol=ATOL)
    assert value == pytest.approx(value_t.item(), rel=RTOL, abs=ATOL)
    assert_arrays_close(net.gradients(), engine_view([p.grad for p in twin.engine_ordered()]),
                        "gradient")
    np.testing.assert_allclose(dX, X_t.grad.numpy(), rtol=RTOL, atol=ATOL)


def test_the_weight_layout_is_transposed():
    """A torch Linear holds (out, in); the engine's Dense holds (in, out)."""
    net, twin = twin_networks("relu", "identity", 0)
    assert twin.linears[0].weight.shape == (net[0].n_neurons, net[0].n_inputs)
    np.testing.assert_array_equal(twin.linears[0].weight.detach().numpy(), net[0].W.T)


# ---------------------------------------------------------------- optimisers

OPTIMISERS = {
    "sgd": (lambda: SGD(0.1), lambda ps: torch.optim.SGD(ps, lr=0.1)),
    "momentum": (lambda: Momentum(0.05, beta=0.8),
                 lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8)),
    "rmsprop": (lambda: RMSProp(0.01, rho=0.9, eps=1e-6),
                lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-6)),
    "adam": (lambda: Adam(0.01, beta1=0.85, beta2=0.99, eps=1e-7),
             lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.85, 0.99), eps=1e-7)),
}


@pytest.mark.parametrize("n_steps", [1, 5])
@pytest.mark.parametrize("optimiser", list(OPTIMISERS))
@pytest.mark.parametrize(("hidden", "case"), [("tanh", "cce_probabilities"), ("relu", "mse"),
                                              ("gelu", "bce_probabilities"), ("swish", "hinge")])
def test_optimiser_steps_match_torch(optimiser, n_steps, hidden, case):
    output, loss, torch_loss, make_targets, _ = LOSS_CASES[case]
    rng = np.random.default_rng(7)
    X = rng.normal(size=(8, 4))
    y = make_targets(rng, 8, 3)
    net, twin = twin_networks(hidden, output, 7)
    make_ours, make_theirs = OPTIMISERS[optimiser]
    ours, theirs = make_ours(), make_theirs(twin.engine_ordered())
    y_t = torch_targets(y)
    for step in range(n_steps):
        net.forward(X)
        net.backward(y, loss)
        ours.step(net.parameters(), net.gradients())

        theirs.zero_grad()
        torch_loss(twin(torch.from_numpy(X)), y_t).backward()
        theirs.step()
        assert_arrays_close(net.parameters(), engine_view(twin.engine_ordered()),
                            f"{optimiser} step {step + 1}, parameter")


@pytest.mark.parametrize("optimiser", list(OPTIMISERS))
def test_fit_full_batch_matches_torch_loop(optimiser):
    """The training loop (full batch) takes exactly torch's steps, and reports torch's losses."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(10, 4))
    labels = class_labels(rng, 10, 3)
    net, twin = twin_networks("tanh", "softmax", 3)
    make_ours, make_theirs = OPTIMISERS[optimiser]
    history = fit(net, X, labels, loss="categorical_crossentropy", optimizer=make_ours(), epochs=4)

    theirs = make_theirs(twin.engine_ordered())
    torch_losses = []
    for _ in range(4):
        theirs.zero_grad()
        value = torch_cce_from_probabilities(twin(torch.from_numpy(X)), torch.from_numpy(labels))
        torch_losses.append(value.item())
        value.backward()
        theirs.step()
    np.testing.assert_allclose(history.loss, torch_losses, rtol=RTOL, atol=ATOL)
    assert_arrays_close(net.parameters(), engine_view(twin.engine_ordered()), "parameter after fit")


@pytest.mark.parametrize("gap", [30.0, 80.0, 500.0])
def test_a_confidently_wrong_prediction_costs_what_torch_says(gap):
    """Softmax output, true class `gap` logits behind: PyTorch's cross-entropy (from the logits)
    and the engine's net.loss agree, far beyond the 27.63 a clipped probability would give."""
    from nncourse.layers import Dense
    from nncourse.network import Sequential

    W = np.array([[gap, 0.0, -1.0], [0.5, 0.0, 2.0]])
    net = Sequential([Dense.from_weights(W, [0.1, 0.0, -0.2], "softmax")])
    X, y = np.array([[1.0, 0.0], [0.3, -0.4]]), np.array([1, 2])
    logits = torch.tensor(X @ W + np.array([0.1, 0.0, -0.2]), dtype=torch.float64)
    expected = float(F.cross_entropy(logits, torch.tensor(y)))
    assert net.loss(X, y, "categorical_crossentropy") == pytest.approx(expected, rel=1e-14)
    assert expected > gap / 2 > 27.63 / 2
