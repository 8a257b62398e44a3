"""The checks a learner runs in a notebook: their verdicts, their messages, and that they never
raise."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from nncourse.exercises import register
from nncourse.grading import Case, Exercise, GradientCheck, check, evaluate, hint, summary
from nncourse.grading.compare import compare


def weighted_sum(inputs, weights, bias):
    return float(np.dot(inputs, weights) + bias)


def neuron_output(inputs, weights, bias):
    return max(0.0, weighted_sum(inputs, weights, bias))


def neuron_batch(X, weights, bias):
    return np.maximum(0.0, np.asarray(X) @ weights + bias)


def printed(capsys, *args, **kwargs) -> str:
    check(*args, **kwargs)
    return capsys.readouterr().out


def test_correct_answer_says_all_tests_passed(capsys):
    out = printed(capsys, "01-weighted_sum", weighted_sum)
    assert out.startswith("01-weighted_sum (The weighted sum): all ") and "tests passed" in out


def test_failure_names_case_input_expected_got_and_hint(capsys):
    out = printed(capsys, "01-weighted_sum",
                  lambda inputs, weights, bias: float(np.dot(inputs, weights)))
    assert 'First failure, case "three inputs"' in out
    assert "input:    inputs=[0.5, 0.2, 0.9], weights=[0.2, 0.4, 0.5], bias=0.1" in out
    assert "expected: 0.73" in out
    assert "got:      0.63 (a float)" in out
    assert 'More help: hint("01-weighted_sum")' in out


def test_case_hint_is_shown(capsys):
    out = printed(capsys, "01-neuron_output", weighted_sum)  # forgot ReLU
    assert "ReLU turns every negative weighted sum into 0." in out


def test_wrong_shape_reports_both_shapes_and_dtype(capsys):
    out = printed(capsys, "01-neuron_batch", lambda X, w, b: neuron_batch(X, w, b)[:, None])
    assert "expected shape (2,), got shape (2, 1)" in out
    assert "a float64 array of shape (2, 1)" in out


def test_a_single_number_is_not_an_array_of_one(capsys):
    out = printed(capsys, "01-neuron_output", lambda x, w, b: np.array([neuron_output(x, w, b)]))
    assert "expected a single number, got a float64 array of shape (1,)" in out


def test_wrong_type_is_named(capsys):
    out = printed(capsys, "01-weighted_sum", lambda x, w, b: "0.73")
    assert "expected a number, got a str" in out


def test_not_written_yet(capsys):
    out = printed(capsys, "01-weighted_sum", lambda x, w, b: None)
    assert "not written yet: weighted_sum returned None" in out


@pytest.mark.parametrize("function, words", [
    (lambda x, w, b: 1 / 0, "raised ZeroDivisionError: division by zero"),
    (lambda x, w, b: x.no_such_thing, "raised AttributeError"),
    (lambda x: 0.0, "raised TypeError"),
])
def test_an_exception_in_the_answer_is_reported_not_raised(capsys, function, words):
    assert words in printed(capsys, "01-weighted_sum", function)


def test_missing_name_is_reported_from_the_notebook_globals(capsys):
    namespace = {"check": check, "weightedsum": weighted_sum}
    exec('check("01-weighted_sum")', namespace)  # as in a notebook cell
    out = capsys.readouterr().out
    assert "weighted_sum is not defined" in out
    assert "Did you rename it? weightedsum is defined" in out


def test_check_finds_the_function_in_the_callers_globals(capsys):
    namespace = {"check": check, "np": np}
    exec("def weighted_sum(inputs, weights, bias):\n"
         "    return float(np.dot(inputs, weights) + bias)\n"
         'check("01-weighted_sum")', namespace)
    assert "tests passed" in capsys.readouterr().out


def test_not_a_function(capsys):
    out = printed(capsys, "01-weighted_sum", namespace={"weighted_sum": 0.73})
    assert "weighted_sum should be a function (a `def`), but it is a float" in out


def test_unknown_exercise_is_reported_with_the_known_ones(capsys):
    out = printed(capsys, "01-no_such_exercise")
    assert "could not run" in out and "01-weighted_sum" in out


def test_checks_raise_only_when_asked_for_nbgrader(capsys, monkeypatch):
    monkeypatch.setenv("NNCOURSE_CHECKS_RAISE", "1")
    check("01-weighted_sum", weighted_sum)
    with pytest.raises(AssertionError, match="01-weighted_sum: the check did not pass"):
        check("01-weighted_sum", lambda x, w, b: None)
    assert "not written yet" in capsys.readouterr().out


def test_value_exercise(capsys):
    assert "the test passed" in printed(capsys, "01-zero_input_output", 0.6)
    out = printed(capsys, "01-zero_input_output", 0.5)
    assert "you gave 0.5: too small" in out
    assert "0.6" not in out and "expected" not in out  # the value is the answer
    assert "zero_input_output is still None" in printed(capsys, "01-zero_input_output", None)


register(Exercise(
    id="99-corrected_numbers", title="Correct a worked solution", names=("corrected",),
    kind="value", reference=lambda: {"o5": 0.5250, "delta5": -0.00654, "w35": 0.1941},
    cases=(Case("the corrected lines", hint="Check the activation you applied."),),
    rtol=2e-3, atol=1e-6,
))

register(Exercise(
    id="99-learning_rate", title="A learning rate that may be shown", names=("lr",),
    kind="value", reference=lambda: 0.1, reveal_expected=True,
))


def test_a_value_exercise_names_the_wrong_entries_but_never_their_right_values(capsys):
    wrong = {"o5": 0.5250, "delta5": 0.00654, "w35": 0.25}
    out = printed(capsys, "99-corrected_numbers", wrong)
    assert "2 keys are wrong" in out
    assert "'delta5': you gave 0.00654: wrong sign" in out
    assert "'w35': you gave 0.25: too large" in out
    assert "'o5'" not in out  # right, so not listed
    assert "hint: Check the activation you applied." in out
    for right_value in ("-0.00654", "0.1941", "0.525"):
        assert right_value not in out
    assert "expected" not in out


def test_every_wrong_case_of_a_value_exercise_is_listed():
    from nncourse.grading.messages import format_result

    result = evaluate("05-find_errors", {"o5": 0.51, "delta5": 0.0013})
    text = format_result(result)
    assert result.failure is not None and len(result.more_failures) >= 3
    assert "line delta5" in text and "wrong sign" in text and "line o5" in text
    assert "expected" not in text


def test_a_value_exercise_may_opt_in_to_show_the_expected_value(capsys):
    assert "expected: 0.1" in printed(capsys, "99-learning_rate", 0.01)


@pytest.mark.parametrize("got, expected, words", [
    (0.5, 0.6, "too small"), (0.7, 0.6, "too large"), (-0.6, 0.6, "wrong sign"),
    (-0.1, -0.01, "much too negative"), (-0.001, -0.01, "much too close to 0"),
    (0.6001, 0.6, "slightly too large (close: keep more significant digits)"),
    (0.0, 0.6, "it should not be 0"),
])
def test_the_direction_of_a_wrong_number(got, expected, words):
    from nncourse.grading.compare import compare_without_answer

    reason = compare_without_answer(expected, got, rtol=1e-7, atol=1e-9)
    assert words in reason and format(expected) not in reason.replace(format(got), "")


def test_hints_are_progressive(capsys):
    from nncourse.grading import inline

    inline._hints_shown.pop("01-neuron_batch", None)
    for _ in range(4):
        hint("01-neuron_batch")
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "01-neuron_batch, hint 1 of 3", "01-neuron_batch, hint 2 of 3",
        "01-neuron_batch, hint 3 of 3", "01-neuron_batch, hint 3 of 3"]
    assert "Call hint again" in lines[0] and "Call hint again" not in lines[2]


def test_summary_reports_every_exercise_of_the_topic(capsys):
    summary("01", namespace={"weighted_sum": weighted_sum, "neuron_output": weighted_sum})
    out = capsys.readouterr().out
    assert out.startswith("Topic 01: 1 of 4 exercises passed (1 of 5 points).")
    assert "passed       01-weighted_sum" in out
    assert "FAILED       01-neuron_output" in out
    assert "missing      01-neuron_batch" in out


def test_a_function_that_changes_its_inputs_does_not_change_the_next_case(capsys):
    def destructive(inputs, weights, bias):
        result = float(np.dot(inputs, weights) + bias)
        if isinstance(inputs, np.ndarray):
            inputs[:] = 0
        return result

    assert "tests passed" in printed(capsys, "01-weighted_sum", destructive)


# An exercise with a tuple result, and one with a gradient check, registered for these tests only.

def _square_and_double(x):
    return x ** 2, 2 * x


register(Exercise(
    id="99-square_and_double", title="Two results", names=("both",), arg_names=("x",),
    reference=_square_and_double, cases=(Case("a vector", (np.array([1.0, -2.0, 3.0]),)),),
))

register(Exercise(
    id="99-square_backward", title="A gradient", names=("square", "square_grad"),
    arg_names=("x",), reference=lambda x: x ** 2,
    cases=(Case("a vector", (np.array([0.5, -1.5, 2.0]),)),),
    call=lambda f, x: f["square"](x),
    gradient=GradientCheck(scalar=lambda f, x: float(np.sum(f["square"](x))),
                           gradient=lambda f, x: f["square_grad"](x)),
))


def test_tuple_results_are_compared_item_by_item(capsys):
    assert "passed" in printed(capsys, "99-square_and_double", _square_and_double)
    out = printed(capsys, "99-square_and_double", lambda x: (x ** 2, x[:2]))
    assert "item 1: expected shape (3,), got shape (2,)" in out
    out = printed(capsys, "99-square_and_double", lambda x: x ** 2)
    assert "expected a tuple of 2 items, got a float64 array of shape (3,)" in out


def test_gradient_check_compares_backward_with_numerical_slope(capsys):
    assert "passed" in printed(capsys, "99-square_backward", lambda x: x ** 2, lambda x: 2 * x)
    out = printed(capsys, "99-square_backward", lambda x: x ** 2, lambda x: x)
    assert "the gradient disagrees with the numerical slope" in out


def test_evaluate_returns_the_verdict_as_an_object():
    result = evaluate("01-weighted_sum", weighted_sum)
    assert result.passed and result.n_passed == result.n_cases >= 9


@pytest.mark.parametrize("expected, got, words", [
    (1.0, float("nan"), "NaN"),
    (np.zeros(3), np.zeros(4), "expected shape (3,), got shape (4,)"),
    (np.arange(4.0), np.array([0.0, 1.0, 2.5, 3.0]),
     "1 of 4 values differ; at index 2: expected 2, got 2.5"),
    ({"o6": 0.474}, {"o5": 0.525}, "the key 'o6' is missing"),
    ({"o6": 0.4739}, {"o6": 0.414}, "at key 'o6': expected 0.4739, got 0.414"),
    (1.0, None, "got None"),
])
def test_compare_says_what_differs(expected, got, words):
    assert words in compare(expected, got)


def test_compare_accepts_equal_numbers_of_any_numeric_type():
    assert compare(2.0, 2) is None
    assert compare(np.array([1.0, 0.0]), np.array([1, 0])) is None
    assert compare(0.73, np.float64(0.73)) is None
    assert compare(0.73, np.array(0.73)) is None


def test_importing_the_checks_loads_nothing_of_jupyter():
    code = ("import sys, nncourse.grading; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'nbformat', 'nbclient', 'jupyter_client', 'IPython', 'matplotlib', 'tqdm'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# The slope check measures the whole gradient, like nncourse.gradcheck.

def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _sigmoid_slope(z):
    s = _sigmoid(z)
    return s * (1.0 - s)


register(Exercise(
    id="99-sigmoid_slope", title="A slope with tiny entries", names=("slope",), arg_names=("z",),
    reference=_sigmoid_slope, rtol=1e-5, atol=1.0,  # the values pass; only the slope is judged
    cases=(Case("mostly saturated", (np.array([[-12.0, 0.5, 11.0], [-9.0, 2.0, 13.0]]),)),
           Case("every entry saturated", (np.array([-16.0, -15.0, 17.0]),))),
    gradient=GradientCheck(scalar=lambda f, z: float(np.sum(_sigmoid(z))),
                           gradient=lambda f, z: f["slope"](z)),
))


def test_a_correct_gradient_with_tiny_entries_passes_the_slope_check(capsys):
    out = printed(capsys, "99-sigmoid_slope", _sigmoid_slope)
    assert "all 2 tests passed" in out, out


@pytest.mark.parametrize("wrong", [
    lambda z: 2 * _sigmoid_slope(z),          # a factor too many
    lambda z: _sigmoid_slope(z) / 4,          # a factor missing
    lambda z: _sigmoid_slope(z.T).T[::-1],    # rows in the wrong order
    lambda z: _sigmoid_slope(-z) * _sigmoid(z),  # a different function
])
def test_a_wrong_gradient_fails_the_slope_check(capsys, wrong):
    out = printed(capsys, "99-sigmoid_slope", wrong)
    assert "the gradient disagrees with the numerical slope" in out, out


def test_a_transposed_gradient_fails_the_slope_check(capsys):
    out = printed(capsys, "99-square_backward", lambda x: x ** 2, lambda x: 2 * x[::-1])
    assert "the gradient disagrees with the numerical slope" in out
    register(Exercise(
        id="99-matrix_slope", title="A matrix gradient", names=("grad",), arg_names=("W",),
        reference=lambda W: float(np.sum(W * W.T)), call=lambda f, W: float(np.sum(W * W.T)),
        cases=(Case("a 3×3 matrix", (np.arange(9.0).reshape(3, 3) - 4.0,)),),
        gradient=GradientCheck(scalar=lambda f, W: float(np.sum(np.triu(W) ** 2)),
                               gradient=lambda f, W: f["grad"](W)),
    ))
    right = lambda W: 2 * np.triu(W)  # noqa: E731
    assert "passed" in printed(capsys, "99-matrix_slope", right)
    out = printed(capsys, "99-matrix_slope", lambda W: right(W).T)
    assert "the gradient disagrees with the numerical slope" in out


def test_gradient_gap_is_the_relative_error_of_the_whole_array():
    from nncourse.gradcheck import relative_error
    from nncourse.grading.compare import gradient_gap

    a = np.array([1.0, 1e-6, -2.0])
    b = np.array([1.0, 1.1e-6, -2.0])
    assert gradient_gap(a, b) == pytest.approx(relative_error(a, b))
    assert gradient_gap(a, b) < 1e-7  # element by element, the middle entry is 10% off
    assert gradient_gap(np.zeros(3), np.zeros(3)) == 0.0
    assert "shape" in gradient_gap(np.zeros(3), np.zeros((3, 1)))
    assert "NaN" in gradient_gap(np.array([np.nan, 1.0]), np.ones(2))


# A function that is written but returns None because a function it calls is not written yet.

DENSE_FORWARD_PLACEHOLDER = '''def dense_forward(X, W, b, activation):
    """A = activation(X @ W + b)."""
    # YOUR CODE HERE
    return None  # replace with your answer
'''

NETWORK_FORWARD_WRITTEN = '''def network_forward(X, layers):
    A = np.asarray(X, dtype=float)
    for W, b, activation in layers:
        A = dense_forward(A, W, b, activation)
    return A
'''


def notebook_globals(*cells: str) -> dict:
    namespace = {"__name__": "__main__", "np": np, "check": check}
    for cell in cells:
        exec(cell, namespace)
    return namespace


def test_a_written_function_returning_none_names_the_unwritten_function_it_may_call(capsys):
    unrelated = DENSE_FORWARD_PLACEHOLDER.replace("dense_forward", "textbook_layer")
    namespace = notebook_globals(DENSE_FORWARD_PLACEHOLDER, unrelated, NETWORK_FORWARD_WRITTEN)
    exec('check("03-network_forward")', namespace)
    out = capsys.readouterr().out
    assert "network_forward returned None on every test, although you wrote it" in out
    assert "textbook_layer" not in out  # not used by network_forward
    assert "dense_forward is not written yet" in out
    assert "Replace `return None`" not in out and "not written yet: network_forward" not in out
    assert evaluate("03-network_forward", namespace=namespace).status == "failed"
    given = evaluate("03-network_forward", namespace["network_forward"])  # the function itself
    assert "dense_forward is not written yet" in given.detail


def test_the_released_placeholder_is_still_not_written_yet(capsys):
    placeholder = NETWORK_FORWARD_WRITTEN.split("\n")[0] + '\n    """doc"""\n    return None\n'
    namespace = notebook_globals(DENSE_FORWARD_PLACEHOLDER, placeholder)
    exec('check("03-network_forward")', namespace)
    out = capsys.readouterr().out
    assert "not written yet: network_forward returned None. Replace `return None`" in out
    assert evaluate("03-network_forward", namespace=namespace).status == "not written"


def test_a_written_function_returning_none_without_unwritten_helpers(capsys):
    namespace = notebook_globals("def weighted_sum(inputs, weights, bias):\n"
                                 "    z = float(np.dot(inputs, weights) + bias)\n")
    exec('check("01-weighted_sum")', namespace)
    out = capsys.readouterr().out
    assert "weighted_sum returned None on every test, although you wrote it" in out
    assert "ends with `return` and a value" in out


def test_placeholders_are_recognised_in_functions_and_classes():
    from nncourse.grading.evaluate import is_placeholder_function, unwritten_parts

    namespace = notebook_globals(
        DENSE_FORWARD_PLACEHOLDER, NETWORK_FORWARD_WRITTEN,
        "class MyLayer:\n    def backward(self, dz):\n        return None\n"
        "    def forward(self, x):\n        return x\n",
        "def passes():\n    pass\n",
        "def returns_zero():\n    return 0\n")
    assert is_placeholder_function(namespace["dense_forward"])
    assert is_placeholder_function(namespace["passes"])
    assert not is_placeholder_function(namespace["network_forward"])
    assert not is_placeholder_function(namespace["returns_zero"])
    assert unwritten_parts(namespace["MyLayer"], "MyLayer") == ["MyLayer.backward"]
