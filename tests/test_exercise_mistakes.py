"""Every classic mistake an exercise lists is recognised and named, for a wrong answer making it.

Each wrong answer below is written as a learner would write it. The check must fail, and its
verdict must name the mistake (the inline check and the grader share `evaluate.judge`, which
names it; one test goes through the grader too). A test also fails when an exercise lists a
mistake that no wrong answer here makes, so that no recognised mistake goes untested.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from nncourse.grading import evaluate
from nncourse.grading.evaluate import run_inline
from nncourse.grading.mistakes import recognise
from nncourse.grading.messages import format_result
from nncourse.grading.catalog import all_exercises, get_exercise
from nncourse.layers import Dense


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


# ------------------------------------------------------------------ wrong answers, by mistake

def dense_backward_dx_with_w(X, W, dZ):
    return dZ @ W, X.T @ dZ, dZ.sum(axis=0)


def dense_backward_dw_transposed(X, W, dZ):
    return dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)


def dense_backward_db_per_sample(X, W, dZ):
    return dZ @ W.T, X.T @ dZ, dZ


def dense_backward_db_over_neurons(X, W, dZ):
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=1)


def dense_backward_dw_mean(X, W, dZ):
    return dZ @ W.T, X.T @ dZ / len(X), dZ.sum(axis=0)


def dense_backward_db_mean(X, W, dZ):
    return dZ @ W.T, X.T @ dZ, dZ.mean(axis=0)


def _backprop_321(weights, x, y, lr, slope, uphill=False, updated=False, output_slope=True):
    w = dict(weights)
    x1, x2, x3 = x
    o4 = _sigmoid(x1 * w["w14"] + x2 * w["w24"] + x3 * w["w34"] + w["theta4"])
    o5 = _sigmoid(x1 * w["w15"] + x2 * w["w25"] + x3 * w["w35"] + w["theta5"])
    o6 = _sigmoid(o4 * w["w46"] + o5 * w["w56"] + w["theta6"])
    d6 = (y - o6) * (slope(o6) if output_slope else 1.0)
    step = -lr if uphill else lr
    new = dict(w)
    new["w46"] += step * d6 * o4
    new["w56"] += step * d6 * o5
    new["theta6"] += step * d6
    source = new if updated else w
    d4, d5 = slope(o4) * d6 * source["w46"], slope(o5) * d6 * source["w56"]
    for i, xi in zip((1, 2, 3), (x1, x2, x3)):
        new[f"w{i}4"] += step * d4 * xi
        new[f"w{i}5"] += step * d5 * xi
    new["theta4"] += step * d4
    new["theta5"] += step * d5
    return {"delta6": d6, "delta5": d5, "delta4": d4, **new}


def backprop_321_slope_of_output(weights, x, y, lr):
    return _backprop_321(weights, x, y, lr, lambda o: _sigmoid(o) * (1 - _sigmoid(o)))


def backprop_321_no_output_slope(weights, x, y, lr):
    return _backprop_321(weights, x, y, lr, lambda o: o * (1 - o), output_slope=False)


def backprop_321_uphill(weights, x, y, lr):
    return _backprop_321(weights, x, y, lr, lambda o: o * (1 - o), uphill=True)


def backprop_321_updated_weights(weights, x, y, lr):
    return _backprop_321(weights, x, y, lr, lambda o: o * (1 - o), updated=True)


def he_init_variance_as_std(n_in, n_out, rng):
    return rng.normal(0.0, 2.0 / n_in, size=(n_in, n_out))


def he_init_n_out(n_in, n_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / n_out), size=(n_in, n_out))


def he_init_xavier(n_in, n_out, rng):
    return rng.normal(0.0, np.sqrt(1.0 / n_in), size=(n_in, n_out))


def he_init_transposed(n_in, n_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))


def dense_forward_no_bias(X, W, b, activation):
    from nncourse.activations import get_activation
    return get_activation(activation)(X @ W)


def dense_forward_no_activation(X, W, b, activation):
    return X @ W + b


def dense_forward_transposed(X, W, b, activation):
    from nncourse.activations import get_activation
    return get_activation(activation)(X @ W.T + b)


def textbook_layer_not_transposed(X, W, b):
    return X @ W + b


def textbook_layer_no_bias(X, W, b):
    return X @ W.T


def network_forward_from_x(X, layers):
    from nncourse.activations import get_activation
    A = X
    for W, b, activation in layers:
        A = get_activation(activation)(X @ W + b)
    return A


WRONG = {
    ("05-dense_backward", "W transposed in dX (dZ @ W)"): dense_backward_dx_with_w,
    ("05-dense_backward", "dW transposed (neurons × inputs)"): dense_backward_dw_transposed,
    ("05-dense_backward", "db not summed over the samples"): dense_backward_db_per_sample,
    ("05-dense_backward", "db summed over the neurons instead of the samples"):
        dense_backward_db_over_neurons,
    ("05-dense_backward", "dW divided by the number of samples"): dense_backward_dw_mean,
    ("05-dense_backward", "db averaged over the samples instead of summed"):
        dense_backward_db_mean,
    ("05-backprop_321", "the sigmoid's slope taken at the output, σ′(o), instead of at the "
                        "weighted sum"): backprop_321_slope_of_output,
    ("05-backprop_321", "the output's δ without the sigmoid's slope"):
        backprop_321_no_output_slope,
    ("05-backprop_321", "a step uphill (the sign of the update)"): backprop_321_uphill,
    ("05-backprop_321", "the hidden deltas computed with the updated output weights"):
        backprop_321_updated_weights,
    ("06-sgd_step", "a step uphill (the sign of the update)"):
        lambda w, grad, lr: w + lr * grad,
    ("06-sgd_step", "a step without the learning rate"): lambda w, grad, lr: w - grad,
    ("06-momentum_step", "the gradient scaled by (1 − β) in the velocity"):
        lambda w, g, v, lr, beta: (w - lr * (beta * v + (1 - beta) * g), beta * v + (1 - beta) * g),
    ("06-momentum_step", "the weight moved with the old velocity"):
        lambda w, g, v, lr, beta: (w - lr * v, beta * v + g),
    ("06-momentum_step", "a step uphill (the sign of the update)"):
        lambda w, g, v, lr, beta: (w + lr * (beta * v + g), beta * v + g),
    ("07-he_init", "the variance used as the standard deviation"): he_init_variance_as_std,
    ("07-he_init", "n_out used where n_in belongs"): he_init_n_out,
    ("07-he_init", "the factor 2 left out (Xavier's 1/n_in, not He's 2/n_in)"): he_init_xavier,
    ("07-he_init", "W transposed (n_out, n_in)"): he_init_transposed,
    ("04-mse", "the 1/N missing (a sum, not a mean)"):
        lambda y_pred, y_true: float(np.sum((y_pred - y_true) ** 2)),
    ("04-mse", "a square root taken (that is the RMSE)"):
        lambda y_pred, y_true: float(np.sqrt(np.mean((y_pred - y_true) ** 2))),
    ("04-mse", "the errors averaged before squaring"):
        lambda y_pred, y_true: float(np.mean(y_pred - y_true) ** 2),
    ("04-mse_gradient", "the 1/N missing"): lambda y_pred, y_true: 2 * (y_pred - y_true),
    ("04-mse_gradient", "the factor 2 missing"):
        lambda y_pred, y_true: (y_pred - y_true) / y_pred.size,
    ("04-mse_gradient", "the sign reversed (y − ŷ instead of ŷ − y)"):
        lambda y_pred, y_true: 2 * (y_true - y_pred) / y_pred.size,
    ("04-mse_gradient", "N counted as the number of rows only"):
        lambda y_pred, y_true: 2 * (y_pred - y_true) / len(y_pred),
    ("04-cross_entropy_gradient", "the 1/n of the mean missing"):
        lambda s, labels: _softmax(s) - np.eye(s.shape[1])[labels],
    ("04-cross_entropy_gradient", "the sign reversed (y − p instead of p − y)"):
        lambda s, labels: (np.eye(s.shape[1])[labels] - _softmax(s)) / len(s),
    ("03-dense_forward", "the bias forgotten"): dense_forward_no_bias,
    ("03-dense_forward", "the activation forgotten"): dense_forward_no_activation,
    ("03-dense_forward", "W transposed (X @ W.T)"): dense_forward_transposed,
    ("03-textbook_layer", "W not transposed"): textbook_layer_not_transposed,
    ("03-textbook_layer", "the bias forgotten"): textbook_layer_no_bias,
    ("03-network_forward", "every layer fed with X instead of the previous layer's output"):
        network_forward_from_x,
    ("03-count_parameters", "the biases forgotten"):
        lambda sizes: sum(a * b for a, b in zip(sizes, sizes[1:])),
    ("03-count_parameters", "a bias counted per input instead of per neuron"):
        lambda sizes: sum(a * b + a for a, b in zip(sizes, sizes[1:])),
}


def _softmax(s):
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _listed_mistakes():
    return [(e.id, m.name) for e in all_exercises() for m in e.mistakes]


def test_every_listed_mistake_has_a_wrong_answer_that_makes_it():
    assert sorted(_listed_mistakes()) == sorted(WRONG)


def _cases_where_it_shows(exercise, mistake):
    """The cases on which the mistake produces something (its shapes fit) other than the answer."""
    found = []
    for case in exercise.all_cases():
        try:
            produced = mistake.produce(*case.fresh_args())
        except Exception:
            continue
        if produced is not None and recognise((mistake,), case.fresh_args(), produced,
                                              exercise.expected(case), 1e-7, 1e-9):
            found.append(case)
    return found


def test_a_right_answer_names_no_mistake():
    result = evaluate("05-dense_backward", lambda X, W, dZ: (dZ @ W.T, X.T @ dZ, dZ.sum(0)))
    assert result.passed


def test_a_wrong_answer_that_is_no_listed_mistake_gets_the_plain_verdict():
    result = evaluate("06-sgd_step", lambda w, grad, lr: w - 2 * lr * grad)
    assert result.status == "failed" and "this is what" not in format_result(result)


def test_a_mistake_that_equals_the_right_answer_on_a_case_is_not_named_there():
    """Without biases the 'bias forgotten' answer is right: that case passes."""
    exercise = get_exercise("03-count_parameters")
    result = evaluate("03-count_parameters", WRONG["03-count_parameters", "the biases forgotten"])
    assert result.n_passed < result.n_cases == len(exercise.all_cases())


# ------------------------------------------------------------------ a wrong number of results

@pytest.mark.parametrize("exercise_id, answer, expected", [
    ("05-dense_backward", lambda X, W, dZ: (dZ @ W.T, X.T @ dZ),
     "dense_backward must return three arrays, (dX, dW, db); it returned a tuple of 2 items."),
    ("06-momentum_step", lambda *args: [1.0],
     "momentum_step must return two values, (w, velocity); it returned a list of 1 item."),
])
def test_a_wrong_number_of_results_is_named_with_what_was_expected(exercise_id, answer, expected):
    text = format_result(evaluate(exercise_id, answer))
    assert expected in text, text

def test_a_shape_error_in_the_learners_product_is_explained_in_words():
    def dense_backward(X, W, dZ):
        dX = dZ @ W
        return dX, X.T @ dZ, dZ.sum(axis=0)

    text = format_result(evaluate("05-dense_backward", dense_backward))
    assert "gufunc" not in text and "core dimension" not in text
    assert "dZ @ W does not fit: dZ has shape (1, 2) and W (3, 2)" in text, text
    assert "dZ @ W.T would fit" in text


def test_a_shape_error_from_np_dot_is_explained_too():
    def dense_forward(X, W, b, activation):
        return np.dot(X, W.T) + b

    text = format_result(evaluate("03-dense_forward", dense_forward))
    assert "not aligned" not in text
    assert "W.T (2, 3)" in text or "W.T" in text, text
    assert "X @ W.T does not fit" in text, text


def test_a_broadcasting_error_is_explained_in_words():
    def dense_forward(X, W, b, activation):
        return X @ W + np.append(b, 0.0)

    text = format_result(evaluate("03-dense_forward", dense_forward))
    assert "could not be broadcast" not in text
    assert "combined element by element" in text, text


def test_a_shape_error_inside_my_dense_is_explained():
    class MyDense(Dense):
        def backward_from_z(self, dz, *args):
            self.dz, self.dW, self.db = dz, self.X.T @ dz, dz.sum(axis=0)
            return dz @ self.W

    text = format_result(evaluate("05-my_dense", MyDense))
    assert "gufunc" not in text and "does not fit" in text, text


# ------------------------------------------------------------------ the new kinds of exercise

def _two_layer(X, y, params, slope):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = np.tanh(Z1)
    P = 1 / (1 + np.exp(-(A1 @ params["W2"] + params["b2"])))
    dZ2 = (P - y.reshape(-1, 1)) / len(X)
    dZ1 = (dZ2 @ params["W2"].T) * slope(Z1, A1)
    return {"dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0), "dW2": A1.T @ dZ2, "db2": dZ2.sum(axis=0)}


class _Base:
    def __init__(self, data, parents=(), local_grads=()):
        self.data, self.grad = float(data), 0.0
        self.parents, self.local_grads = tuple(parents), tuple(local_grads)

    def as_value(self, other):
        return other if isinstance(other, _Base) else type(self)(other)

    def graph(self):
        order, seen = [], set()

        def visit(node):
            if id(node) not in seen:
                seen.add(id(node))
                for parent in node.parents:
                    visit(parent)
                order.append(node)
        visit(self)
        return order

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other


def _value_class(swap=False, tanh_input=False, overwrite=False, reset=True):
    class Slipped(_Base):
        def __add__(self, other):
            other = self.as_value(other)
            return type(self)(self.data + other.data, (self, other), (1.0, 1.0))

        def __mul__(self, other):
            other = self.as_value(other)
            grads = (self.data, other.data) if swap else (other.data, self.data)
            return type(self)(self.data * other.data, (self, other), grads)

        def tanh(self):
            t = float(np.tanh(self.data))
            return type(self)(t, (self,), ((1 - self.data ** 2) if tanh_input else 1 - t * t,))

        def backward(self):
            order = self.graph()
            if reset:
                for node in order:
                    node.grad = 0.0
            self.grad = 1.0
            for node in reversed(order):
                for parent, local in zip(node.parents, node.local_grads):
                    if overwrite:
                        parent.grad = local * node.grad
                    else:
                        parent.grad += local * node.grad
    return Slipped


def train_tiny_uphill(start, epochs, lr):
    corners = [((0.0, 0.0), -1.0), ((0.0, 1.0), 1.0), ((1.0, 0.0), 1.0), ((1.0, 1.0), -1.0)]
    value = _value_class()
    p = {name: value(v) for name, v in start.items()}
    losses = []
    for _ in range(epochs):
        loss = value(0.0)
        for (x1, x2), y in corners:
            h1 = (p["w11"] * x1 + p["w21"] * x2 + p["b1"]).tanh()
            h2 = (p["w12"] * x1 + p["w22"] * x2 + p["b2"]).tanh()
            error = (p["v1"] * h1 + p["v2"] * h2 + p["c"]).tanh() + (-y)
            loss = loss + 0.5 * (error * error)
        loss = loss * 0.25
        loss.backward()
        losses.append(loss.data)
        for v in p.values():
            v.data += lr * v.grad
    return losses


WRONG.update({
    ("05-fixed_backward", "the given bug (tanh′ taken as 1 − z²)"):
        lambda X, y, params: _two_layer(X, y, params, lambda Z1, A1: 1 - Z1 ** 2),
    ("05-fixed_backward", "tanh applied twice (1 − tanh(a)², with a = tanh(z) already)"):
        lambda X, y, params: _two_layer(X, y, params, lambda Z1, A1: 1 - np.tanh(A1) ** 2),
    ("05-value_backward", "the local gradients of a product swapped"): _value_class(swap=True),
    ("05-value_backward", "tanh′ taken at the input, 1 − a², instead of 1 − tanh(a)²"):
        _value_class(tanh_input=True),
    ("05-value_backward", "a gradient overwritten (=) where it must be added (+=)"):
        _value_class(overwrite=True),
    ("05-value_backward", "the gradients not reset before backward"): _value_class(reset=False),
    ("05-tiny_network", "a step uphill (the sign of the update)"): train_tiny_uphill,
})


def test_the_right_value_class_passes_and_the_engine_agrees():
    assert evaluate("05-value_backward", _value_class()).passed
    assert evaluate("05-fixed_backward",
                    lambda X, y, params: _two_layer(X, y, params, lambda Z1, A1: 1 - A1 ** 2)
                    ).passed



def _sigmoid_stable(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def adam_without_correction(w, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return w - lr * m / (np.sqrt(v) + eps), m, v


def adam_returning_corrected(w, grad, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat


def standardize_test_by_itself(X_train, X_test):
    def scaled(X):
        std = X.std(axis=0)
        return (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)
    return scaled(X_train), scaled(X_test)


def standardize_whole_matrix(X_train, X_test):
    return (X_train - X_train.mean()) / X_train.std(), (X_test - X_train.mean()) / X_train.std()


def softmax_whole_batch(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


WRONG.update({
    ("01-weighted_sum", "the bias forgotten"):
        lambda inputs, weights, bias: float(np.dot(inputs, weights)),
    ("01-weighted_sum", "the bias added once per input"):
        lambda inputs, weights, bias: float(sum(x * w + bias for x, w in zip(inputs, weights))),
    ("01-neuron_output", "the activation forgotten"):
        lambda inputs, weights, bias: float(np.dot(inputs, weights) + bias),
    ("01-neuron_batch", "the bias forgotten"):
        lambda X, weights, bias: np.maximum(0.0, np.asarray(X) @ np.asarray(weights)),
    ("02-sigmoid_derivative", "the slope formula applied to z instead of σ(z)"):
        lambda z: z * (1 - z),
    ("02-sigmoid_derivative", "the sigmoid applied twice, σ′(σ(z))"):
        lambda z: _sigmoid_stable(_sigmoid_stable(z)) * (1 - _sigmoid_stable(_sigmoid_stable(z))),
    ("02-tanh_derivative", "the slope taken at the input, 1 − z², instead of 1 − tanh(z)²"):
        lambda z: 1 - z ** 2,
    ("02-tanh_derivative", "the square forgotten, 1 − tanh(z)"): lambda z: 1 - np.tanh(z),
    ("02-softmax", "the batch normalised as a whole instead of row by row"): softmax_whole_batch,
    ("03-layer_shapes", "W transposed (neurons × inputs)"):
        lambda n, sizes: [((b, a), (b,), (n, b)) for a, b in zip(sizes, sizes[1:])],
    ("06-adam_step", "no bias correction"): adam_without_correction,
    ("06-adam_step", "the corrected averages returned instead of m and v"):
        adam_returning_corrected,
    ("07-standardize", "the test set scaled with its own statistics"): standardize_test_by_itself,
    ("07-standardize", "one mean and one standard deviation for the whole matrix"):
        standardize_whole_matrix,
})

def _bce_terms(p, y):
    p = np.clip(np.asarray(p, dtype=float), 1e-12, 1 - 1e-12)
    return y * np.log(p) + (1 - y) * np.log(1 - p)


def _cce_terms(P, Y):
    return Y * np.log(np.clip(np.asarray(P, dtype=float), 1e-12, 1 - 1e-12))


WRONG.update({
    ("04-binary_cross_entropy", "the minus sign forgotten"):
        lambda p, y: float(np.mean(_bce_terms(p, y))),
    ("04-binary_cross_entropy", "a sum over the batch, not a mean"):
        lambda p, y: float(-np.sum(_bce_terms(p, y))),
    ("04-categorical_cross_entropy", "the minus sign forgotten"):
        lambda P, Y: float(np.sum(_cce_terms(P, Y)) / len(P)),
    ("04-categorical_cross_entropy",
     "the mean taken over every entry (samples × classes) instead of over the samples"):
        lambda P, Y: float(-np.mean(_cce_terms(P, Y))),
})

def _weight_decay(factor, biases=False):
    def add_weight_decay(net, lam):
        for layer in net.layers:
            if "W" in layer.params:
                layer.dW = layer.dW + factor * lam * layer.W
                if biases:
                    layer.db = layer.db + factor * lam * layer.b
    return add_weight_decay


WRONG.update({
    ("09-weight_decay", "the ½ of the penalty lost (twice the penalty's gradient added)"):
        _weight_decay(2.0),
    ("09-weight_decay", "the penalty's gradient subtracted"): _weight_decay(-1.0),
    ("09-weight_decay", "the biases penalised too"): _weight_decay(1.0, biases=True),
})


def _summed_cross_entropy(logits, labels):
    m = logits.max(axis=1, keepdims=True)
    log_sum = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    return float(np.sum(log_sum - logits[np.arange(len(logits)), labels]))


WRONG.update({
    ("02-sigmoid", "the sign of the exponent lost, 1 / (1 + e^z)"):
        lambda z: 1 / (1 + np.exp(np.asarray(z, dtype=float))),
    ("02-relu_derivative", "ReLU itself returned, not its slope"): lambda z: np.maximum(0.0, z),
    ("04-cross_entropy_from_logits", "a sum over the samples, not a mean"):
        _summed_cross_entropy,
})


# value exercises: the learner's value itself makes the mistake
WRONG_VALUES = {
    ("04-logit_gradients", "the sigmoid's slope left out of the squared error's gradient"):
        {"squared error": 2 * (0.01 - 1), "cross-entropy": 0.01 - 1},
    ("04-logit_gradients", "the gradients taken with respect to p, not z"):
        {"squared error": 2 * (0.01 - 1), "cross-entropy": -1 / 0.01},
    ("06-stable_rates", "the 2 of the gradient left out"):
        {"largest learning rate that converges": 2.0, "learning rate that lands in one step": 1.0},
}
WRONG.update(WRONG_VALUES)


@pytest.mark.parametrize(("exercise_id", "mistake"), sorted(WRONG_VALUES))
def test_a_mistaken_value_is_named_without_giving_the_answer(exercise_id, mistake):
    exercise = get_exercise(exercise_id)
    result = run_inline(exercise, {exercise.names[0]: WRONG_VALUES[exercise_id, mistake]})
    text = format_result(result)
    assert f"this is what {mistake} gives" in text, text
    for value in exercise.reference().values():  # the right values are not given away
        token = f"{value:.3g}"
        assert len(token.lstrip("-")) <= 3 or token not in text, token


def test_the_capstone_sees_a_first_loss_far_from_ln_3():
    """He weights in the output layer too: a fresh network already confident, first loss ≈ 1.7."""
    def train_tabular(X, y, rng):
        sizes = [10, 64, 32, 3]
        params = [(rng.normal(0, np.sqrt(2 / a), size=(a, b)), np.zeros(b))
                  for a, b in zip(sizes, sizes[1:])]
        A = X
        for index, (W, b) in enumerate(params):
            A = A @ W + b if index == 2 else np.maximum(0, A @ W + b)
        P = np.exp(A - A.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        return params, [float(-np.mean(np.log(P[np.arange(len(y)), y])))]

    result = evaluate("07-capstone", train_tabular)
    assert result.status == "failed"
    assert "first loss close to ln 3" in result.failure.reason, result.failure.reason



def _train_recording_after_step(X, y, epochs, lr, seed):
    from nncourse.losses import BinaryCrossEntropy
    from nncourse.network import mlp
    from nncourse.optim import SGD

    net, loss, opt = mlp([2, 4, 1], hidden="tanh", output="sigmoid", seed=seed), \
        BinaryCrossEntropy(), SGD(lr)
    losses = []
    for _ in range(epochs):
        net.forward(X)
        net.backward(y, loss)
        opt.step(net.parameters(), net.gradients())
        losses.append(loss.value(net.forward(X), y.reshape(-1, 1)))
    return net, losses


WRONG["07-train", "the loss recorded after the step"] = _train_recording_after_step

# after every wrong answer above is in WRONG
@pytest.mark.parametrize(("exercise_id", "mistake"), sorted(WRONG))
def test_the_mistake_is_named(exercise_id, mistake):
    exercise = get_exercise(exercise_id)
    wrong = {exercise.names[0]: WRONG[exercise_id, mistake]}
    assert run_inline(exercise, wrong).status == "failed"
    listed = next(m for m in exercise.mistakes if m.name == mistake)
    cases = _cases_where_it_shows(exercise, listed)
    assert cases, "the mistake never shows on the exercise's cases"
    result = run_inline(replace(exercise, cases=tuple(cases), random_cases=None), wrong)
    text = format_result(result)
    assert result.n_passed == 0, text
    assert f"this is what {mistake} gives" in text, text


def test_the_grader_names_the_mistake_and_explains_a_shape_error(tmp_path):
    """The same words from `nncourse grade` as from the inline check: one submitted notebook with
    dW transposed in dense_backward and a product that does not fit in the 3-2-1 step."""
    import json
    from pathlib import Path

    from nncourse.grading.grader import GradingOptions, grade

    solutions = Path(__file__).resolve().parent.parent / "solutions"
    notebook = json.loads((solutions / "05_backprop.ipynb").read_text(encoding="utf-8"))
    answers = {
        "dense-backward-answer": "def dense_backward(X, W, dZ):\n"
                                 "    return dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)\n",
        "fixed-backward-answer": "def fixed_backward(X, y, params):\n"
                                 "    dZ = np.ones((len(X), 3))\n"
                                 "    return {'dW1': dZ @ X}\n",
    }
    for cell in notebook["cells"]:
        if cell.get("id") in answers:
            cell["source"] = answers[cell["id"]]
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "ada.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    batch = grade([tmp_path / "subs"], GradingOptions(solutions=solutions, progress=False))
    outputs = {t.exercise_id: t.output for t in batch.submissions[0].tests}
    assert "this is what dW transposed (neurons × inputs) gives" in outputs["05-dense_backward"]
    assert "dZ @ X does not fit: dZ has shape (5, 3) and X (5, 2)" in \
        outputs["05-fixed_backward"], outputs["05-fixed_backward"]
    assert "gufunc" not in outputs["05-fixed_backward"]
