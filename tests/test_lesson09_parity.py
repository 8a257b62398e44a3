"""Lesson 09's claim, checked where PyTorch is installed: the digits network in PyTorch, started
from the engine's weights (nn.Linear stores W as (out, in), the transpose of the engine's
(in, out)), trained with the same full-batch SGD and L2 penalty (torch's weight_decay on the
weights only), gives the engine's loss curve to float64 precision and ends at the same weights.

The lesson runs the same comparison in its cell when PyTorch is there and prints only the
engine's numbers, so that its stored outputs do not depend on PyTorch being installed."""

from __future__ import annotations

import numpy as np
import pytest

from nncourse.digits import digits_split
from nncourse.network import mlp
from nncourse.penalties import L2
from nncourse.training import fit

torch = pytest.importorskip("torch", reason="PyTorch is not installed; the parity test needs it")
torch.set_num_threads(1)  # tiny tensors: threads only add overhead


@pytest.mark.parametrize("weight_decay", [0.0, 1e-3, 1e-2])
def test_torch_twin_of_the_digits_network_gives_the_same_loss_curve(weight_decay):
    split = digits_split(seed=0)
    net = mlp([64, 32, 10], hidden="relu", output="softmax", seed=1)
    W1, b1, W2, b2 = (torch.tensor(w, dtype=torch.float64) for w in net.get_weights())
    model = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(),
                                torch.nn.Linear(32, 10)).double()
    assert tuple(model[0].weight.shape) == (32, 64) == net.layers[0].W.T.shape
    with torch.no_grad():
        model[0].weight.copy_(W1.T)
        model[0].bias.copy_(b1)
        model[2].weight.copy_(W2.T)
        model[2].bias.copy_(b2)
    optimizer = torch.optim.SGD([
        {"params": [model[0].weight, model[2].weight], "weight_decay": weight_decay},
        {"params": [model[0].bias, model[2].bias], "weight_decay": 0.0}], lr=0.5)
    X, y = torch.tensor(split.X_train), torch.tensor(split.y_train)
    torch_losses = []
    for _ in range(25):
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(X), y)
        loss.backward()
        optimizer.step()
        torch_losses.append(loss.item())
    history = fit(net, split.X_train, split.y_train, loss="categorical_crossentropy",
                  optimizer="sgd", lr=0.5, epochs=25,
                  penalty=L2(weight_decay) if weight_decay else None)
    np.testing.assert_allclose(history.loss, torch_losses, rtol=1e-12, atol=0)
    np.testing.assert_allclose(net.layers[0].W, model[0].weight.detach().numpy().T, rtol=1e-9,
                               atol=1e-12)
    np.testing.assert_allclose(net.layers[1].b, model[2].bias.detach().numpy(), rtol=1e-9,
                               atol=1e-12)


def test_the_lesson_cell_compares_only_when_torch_is_there_and_prints_the_same_either_way():
    import json
    from pathlib import Path

    notebook = json.loads((Path(__file__).parent.parent / "lessons" / "09_real_data.ipynb")
                          .read_text(encoding="utf-8"))
    cell = next(c for c in notebook["cells"] if c.get("id") == "torch-parity")
    source = "".join(cell["source"])
    assert "if torch is not None:" in source and "assert np.allclose(torch_losses" in source
    printed = [o for o in cell["outputs"] if o.get("output_type") == "stream"]
    assert len(printed) == 1 and "engine loss" in "".join(printed[0]["text"])
