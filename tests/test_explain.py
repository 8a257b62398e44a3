"""The worked example writes the syllabus's hand calculations with the engine's numbers."""

import numpy as np
import pytest

from nncourse import examples, explain, mlp
from nncourse.errors import CourseError
from nncourse.examples import named_weights_321
from nncourse.optim import SGD


def test_forward_pass_of_the_3232_network_shows_the_syllabus_numbers():
    example = explain.forward(examples.network_3232(), examples.X_3232)
    text = example.text
    assert "z₄ = x₁·w₁₄ + x₂·w₂₄ + x₃·w₃₄ + b₄ = 0.5·0.2 + 0.2·0.4 + 0.9·0.5 + 0.1 = 0.7300" in text
    for number in ("0.73", "0.91", "0.578", "0.624", "0.961", "0.9897", "0.7535", "0.5588",
                   "0.4412"):
        assert number in text, number
    assert "Loss" not in text  # forward only
    six = explain.forward(examples.network_3232(), examples.X_3232, decimals=6).text
    assert "0.558777" in six and "0.441223" in six


def test_the_3232_backward_pass_uses_the_named_softmax_shortcut():
    example = explain.backward(examples.network_3232(), examples.X_3232, 0,
                               "categorical_crossentropy", 0.1)
    text = example.text
    assert "δ₉ = a₉ − y₉ = 0.5588 − 1 = −0.4412" in text
    assert "L = −Σₖ yₖ log aₖ = −log a₉ = −log 0.5588" in text
    net = examples.network_3232()
    net.forward(examples.X_3232[None, :])
    net.backward([0], "categorical_crossentropy")
    params = [p.copy() for p in net.parameters()]
    SGD(0.1).step(params, net.gradients())
    assert example.values["new w69"] == params[4][0, 0]
    assert example.values["new b10"] == params[5][1]
    assert f"w₆,₁₀ ← w₆,₁₀ − η·δ₁₀·a₆ = 0.2 − 0.1·0.4412·0.5780 = {params[4][0, 1]:.4f}" in text


def test_the_321_network_shows_every_syllabus_number():
    text = explain.backward(examples.network_321(), examples.X_321, examples.Y_321,
                            "half_squared_error", examples.LR_321).text
    expected = [
        "z₄ = x₁·w₁₄ + x₂·w₂₄ + x₃·w₃₄ + θ₄ = 1·0.2 + 0·0.4 + 1·(−0.5) + (−0.4) = −0.7000",
        "a₄ = σ(z₄) = 1 / (1 + e^(0.7000)) = 0.3318",
        "a₅ = σ(z₅) = 1 / (1 + e^(−0.1000)) = 0.5250",
        "z₆ = a₄·w₄₆ + a₅·w₅₆ + θ₆ = 0.3318·(−0.3) + 0.5250·(−0.2) + 0.1 = −0.1045",
        "= 0.4739",
        "δ₆ = (y₆ − a₆)·a₆(1 − a₆) = (1 − 0.4739)·0.4739·(1 − 0.4739) = 0.1312",
        "δ₅ = a₅(1 − a₅)·(w₅₆·δ₆) = 0.5250·(1 − 0.5250)·((−0.2)·0.1312) = −0.0065",
        "δ₄ = a₄(1 − a₄)·(w₄₆·δ₆) = 0.3318·(1 − 0.3318)·((−0.3)·0.1312) = −0.0087",
        "gradient descent on L = ½(y − o)²",
    ]
    for line in expected:
        assert line in text, line
    updated = {"w46": "−0.2608", "w56": "−0.1380", "w14": "0.1921", "w15": "−0.3059",
               "w24": "0.4000", "w25": "0.1000", "w34": "−0.5079", "w35": "0.1941", "θ6": "0.2181",
               "θ5": "0.1941", "θ4": "−0.4079"}
    for name, value in updated.items():
        symbol = name[0] + name[1:].translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
        line = next(line for line in text.splitlines() if line.startswith(f"{symbol} ←"))
        assert line.endswith(f"= {value}"), line


def test_321_values_are_the_engines_and_textbook_delta_is_minus_the_gradient():
    example = explain.backward(examples.network_321(), examples.X_321, examples.Y_321,
                               "half_squared_error", examples.LR_321, decimals=5)
    assert "−0.00654" in example.text and "−0.00872" in example.text
    net = examples.network_321()
    net.forward(examples.X_321[None, :])
    net.backward([examples.Y_321], "half_squared_error")
    assert example.values["delta6"] == -net.layers[1].dz[0, 0]
    assert example.values["delta4"] == -net.layers[0].dz[0, 0]
    assert example.values["a5"] == net.layers[0].a[0, 1]
    SGD(examples.LR_321).step(net.parameters(), net.gradients())
    after = named_weights_321(net)
    for name, value in after.items():
        assert example.values[f"new {name}"] == value, name
    gradient_form = explain.backward(examples.network_321(), examples.X_321, examples.Y_321,
                                     "half_squared_error", examples.LR_321, notation="gradient")
    assert gradient_form.values["delta6"] == -example.values["delta6"]
    assert gradient_form.values["new b6"] == example.values["new θ6"]
    assert "w₄₆ ← w₄₆ − η·δ₆·a₄ = −0.3 − 0.9·(−0.1312)·0.3318 = −0.2608" in gradient_form.text


def test_the_network_is_left_unchanged():
    net = examples.network_321()
    before = net.get_weights()
    explain.backward(net, examples.X_321, examples.Y_321, "half_squared_error", examples.LR_321)
    for old, new in zip(before, net.parameters()):
        np.testing.assert_array_equal(old, new)
    assert net.layers[0].X is None  # not even its trace was touched


def test_markdown_and_latex_forms():
    example = explain.backward(examples.network_321(), examples.X_321, examples.Y_321,
                               "half_squared_error", examples.LR_321)
    md = example._repr_markdown_()
    assert md.startswith("### Worked example: 3-2-1 network")
    assert "$$z_{4} = x_{1} \\cdot w_{14}" in md
    assert ("\\theta_{6} \\leftarrow \\theta_{6} + \\eta \\cdot \\delta_{6} "
            "= 0.1 + 0.9 \\cdot 0.1312 = 0.2181") in md
    assert md.count("$$") % 2 == 0
    latex = example.latex
    assert latex.count("\\begin{align*}") == latex.count("\\end{align*}") >= 4
    equations = latex.split("\\begin{align*}")[1:]
    assert equations and all("−" not in block.split("\\end{align*}")[0] for block in equations)
    assert str(example) == example.text


def test_other_losses_and_activations_are_written_out():
    net = mlp([2, 2, 1], hidden="tanh", output="sigmoid", seed=0)
    text = explain.backward(net, [0.5, -1.0], 1, "binary_crossentropy", 0.5).text
    assert "tanh(" in text and "L = −[y log a₅ + (1 − y)log(1 − a₅)]" in text
    assert "δ₅ = a₅ − y₅" in text  # sigmoid + BCE: the named shortcut
    regression = mlp([2, 2, 1], hidden="relu", output="identity", seed=0)
    text = explain.backward(regression, [1.0, 2.0], 3.0, "mse", 0.1).text
    assert "L = (a₅ − y₅)² = (" in text
    assert "δ₅ = ∂L/∂a₅·1 = " in text and "δ₃ = ReLU′(z₃)·(w₃₅·δ₅) = 1·(" in text


def test_refusals_are_plain_sentences():
    with pytest.raises(CourseError, match="at most 40"):
        explain.forward(mlp([4, 8, 3]), np.zeros(4))
    with pytest.raises(CourseError, match="one sample"):
        explain.forward(examples.network_321(), np.zeros((2, 3)))
    with pytest.raises(CourseError, match="both"):
        explain.worked_example(examples.network_321(), examples.X_321, y=1)
    with pytest.raises(CourseError, match="learning rate"):
        explain.backward(examples.network_321(), examples.X_321, 1, "half_squared_error", -0.1)
    with pytest.raises(CourseError, match="3 inputs"):
        explain.forward(examples.network_321(), [1.0, 2.0])


def test_every_equation_is_balanced_latex():
    for example in (explain.backward(examples.network_321(), examples.X_321, 1,
                                     "half_squared_error", 0.9),
                    explain.backward(examples.network_3232(), examples.X_3232, 1,
                                     "categorical_crossentropy", 0.1),
                    explain.backward(mlp([2, 2, 2], hidden="leaky_relu", output="sigmoid", seed=0),
                                     [1.0, -2.0], [1.0, 0.0], "mse", 0.1)):
        equations = [content for _, items in example.sections
                     for kind, content in items if kind == "eq"]
        assert equations
        for eq in equations:
            assert eq.count("{") == eq.count("}"), eq
            assert eq.count("(") == eq.count(")"), eq
            assert eq.count("[") == eq.count("]"), eq
        assert "leaky_relu" in explain.forward(mlp([2, 2, 1], hidden="leaky_relu", seed=0),
                                               [1.0, 2.0]).text


def test_shortcut_note_divides_by_the_number_of_sigmoid_outputs():
    """Binary cross-entropy averages over k sigmoid outputs, so the shortcut is (a − y) / k."""
    from nncourse.layers import Dense
    from nncourse.network import Sequential

    W, b = [[0.1, 0.2], [0.3, -0.1]], [0.0, 0.0]
    two_sigmoids = Sequential([Dense.from_weights(W, b, "sigmoid")])
    text = explain.worked_example(two_sigmoids, [1.0, 2.0], [1, 0], "binary_crossentropy", 0.1).text
    assert "∂L/∂z = (a − y) / 2" in text
    assert np.allclose(two_sigmoids.layers[0].W, W)  # the caller's network is untouched
    softmax = Sequential([Dense.from_weights(W, b, "softmax")])
    text = explain.worked_example(softmax, [1.0, 2.0], [1, 0], "categorical_crossentropy", 0.1).text
    assert "∂L/∂z = a − y (the named shortcut)" in text


def test_frozen_biases_are_written_as_held_fixed_not_as_a_step():
    # The published 2-2-2 example keeps its biases fixed: the update must not write b ← b − η·δ
    # with a result equal to the old b, an equation that would be false.
    from nncourse.examples import LR_222, X_222, Y_222, network_222

    example = explain.worked_example(network_222(), X_222, Y_222, "half_squared_error", LR_222,
                                     decimals=9, notation="gradient")
    lines = example.text.splitlines()
    assert "b₅ = 0.6 (frozen: held fixed)" in lines and "b₃ = 0.35 (frozen: held fixed)" in lines
    assert not any(line.startswith("b₅ ←") for line in lines)
    assert "w₃₅ ← w₃₅ − η·δ₅·a₃ = 0.4 − 0.5·0.138498562·0.593269992 = 0.358916480" in lines
    assert example.values["new b5"] == 0.6 and round(example.values["new w13"], 9) == 0.149780716
