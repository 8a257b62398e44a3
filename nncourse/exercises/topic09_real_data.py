"""Lesson 09, real data: the exercises of solutions/09_real_data.ipynb.

    weight decay:    objective = loss + (λ/2)·Σ W²   ⇒   dW += λ·W  (db unchanged)
                     (nncourse.penalties.L2; Dropout layers have no weights)
    early stopping:  after each epoch's step, the validation loss in evaluation mode; keep the
                     weights of the best epoch; stop after `patience` epochs without a new best;
                     put the best weights back (nncourse.early_stopping.EarlyStopping)
    the digits:      a network trained on the training and validation parts only reaches
                     TEST_TARGET on the test images, which the learner's code never sees

The learner's loop is checked against the engine's `fit` with `EarlyStopping` and `L2` on the
same network, data and settings: the same best epoch, the same validation losses epoch by epoch,
and the same weights at the end. A case with a Dropout layer checks the training and evaluation
modes (dropout in the training step only, never on the validation data).
"""

from __future__ import annotations

import numpy as np

from nncourse import data
from nncourse.digits import digits_split
from nncourse.dropout import Dropout
from nncourse.early_stopping import EarlyStopping
from nncourse.errors import CourseError
from nncourse.exercises import register
from nncourse.exercises.words import kind_of, returned_items
from nncourse.grading.spec import Case, Exercise, Mistake
from nncourse.layers import Dense
from nncourse.network import Sequential
from nncourse.optim import Adam
from nncourse.penalties import L2
from nncourse.training import accuracy, fit

TEST_TARGET = 0.95


def _network(sizes, seed, dropout=None):
    """Dense ReLU layers with a softmax output, and a Dropout layer after each hidden one."""
    rng = np.random.default_rng(seed)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        last = i == len(sizes) - 2
        layers.append(Dense(n_in, n_out, "softmax" if last else "relu", rng=rng))
        if dropout and not last:
            layers.append(Dropout(dropout, seed=seed + 100 + i))
    return Sequential(layers)


def _problem(name):
    """(X_train, y_train, X_val, y_val) of a case."""
    if name == "spirals":
        X, y = data.spirals(n_per_class=40, n_classes=3, noise=0.2, seed=0)
        X_train, X_val, y_train, y_val = data.train_test_split(X, y, 0.3, seed=0)
        return X_train, y_train, X_val, y_val
    split = digits_split(seed=0, train_size=100 if name == "100 digits" else None)
    return split.X_train, split.y_train, split.X_val, split.y_val


# ------------------------------------------------------------------ 1. weight decay's gradient

def _gradients_after(add, sizes, lam, seed, dropout):
    """Gradients of one backward pass on spirals, after `add(net, lam)`, by parameter name."""
    X, y, _, _ = _problem("spirals")
    net = _network(sizes, seed, dropout)
    rng = np.random.default_rng(seed)
    for layer in net.layers:          # biases away from 0, so that penalising them shows
        if "b" in layer.params:
            layer.b[...] = rng.normal(0.0, 0.5, size=layer.b.shape)
    net.train()
    net.loss(X, y, "categorical_crossentropy")
    net.backward(y, "categorical_crossentropy")
    before = [np.array(grad, dtype=float) for grad in net.gradients()]
    if add(net, lam) is not None:
        raise CourseError("add_weight_decay changes the gradients in place (layer.dW) and "
                          "returns nothing; yours returned a value.")
    if all(np.array_equal(a, b) for a, b in zip(before, net.gradients())):
        return None                   # nothing changed: not written yet (λ > 0 in every case)
    return {f"{name[:-1]}d{name[-1]}": np.array(grad, dtype=float)
            for (name, _), grad in zip(net.named_parameters(), net.gradients())}


def reference_weight_decay(sizes, lam, seed, dropout):
    return _gradients_after(lambda net, lam: L2(lam).add_gradient(net), sizes, lam, seed, dropout)


def learner_weight_decay(f, sizes, lam, seed, dropout):
    return _gradients_after(f["add_weight_decay"], sizes, lam, seed, dropout)


def _slipped_decay(factor: float, biases: bool = False):
    """add_weight_decay with a slip: factor·λ·W added to dW (and to db, λ·b, if `biases`)."""
    def add(net, lam):
        for layer in net.layers:
            if "W" in layer.params:
                layer.dW += factor * lam * layer.W
                if biases:
                    layer.db += factor * lam * layer.b
    return add


WEIGHT_DECAY_MISTAKES = (
    Mistake("the ½ of the penalty lost (twice the penalty's gradient added)",
            "The penalty is (λ/2)·Σ W²: the ½ is there so that it cancels the 2 that comes down "
            "from the square.",
            lambda sizes, lam, seed, dropout: _gradients_after(_slipped_decay(2.0), sizes, lam,
                                                               seed, dropout)),
    Mistake("the penalty's gradient subtracted",
            "The penalty is added to the loss, so its gradient is added to ∂L/∂W: a large weight "
            "must get a larger gradient, which the step then shrinks.",
            lambda sizes, lam, seed, dropout: _gradients_after(_slipped_decay(-1.0), sizes, lam,
                                                               seed, dropout)),
    Mistake("the biases penalised too",
            "The penalty sums the squared weights only: db is ∂L/∂b, unchanged.",
            lambda sizes, lam, seed, dropout: _gradients_after(_slipped_decay(1.0, biases=True),
                                                               sizes, lam, seed, dropout)),
)

WEIGHT_DECAY = register(Exercise(
    id="09-weight_decay",
    title="Weight decay's gradient",
    names=("add_weight_decay",),
    arg_names=("sizes", "lam", "seed", "dropout"),
    reference=reference_weight_decay,
    call=learner_weight_decay,
    cases=(
        Case("2 → 8 → 3, λ = 0.1", ([2, 8, 3], 0.1, 0, None),
             hint="Each dense layer's dW grows by the derivative of the penalty with respect to "
                  "W, and nothing else changes: the penalty is on the weights only."),
        Case("2 → 8 → 6 → 3, λ = 0.01", ([2, 8, 6, 3], 0.01, 1, None),
             hint="Every layer with weights gets its own λ·W, the last one too."),
        Case("2 → 8 → Dropout → 3, λ = 0.05", ([2, 8, 3], 0.05, 3, 0.5),
             hint="A Dropout layer has no weights (layer.params is empty): skip it."),
    ),
    hints=(
        ("Differentiate (λ/2)·Σ W² with respect to one weight w: only its own term depends on "
         "it. That derivative is what the penalty adds to ∂L/∂w."),
        ("Loop over net.layers. A layer has weights when \"W\" in layer.params; Dropout layers "
         "have none. Change layer.dW only, never layer.db."),
        "Change each layer's dW in place, by adding to it the derivative you found.",
    ),
    mistakes=WEIGHT_DECAY_MISTAKES,
    rtol=1e-12,
    atol=1e-15,
    points=2,
))

# ------------------------------------------------------------------ 2. early stopping

STOP_KEYS = ("best epoch", "validation losses", "weights after training")


def reference_early_stopping(problem, sizes, dropout, lr, lam, epochs, patience):
    X_train, y_train, X_val, y_val = _problem(problem)
    net = _network(sizes, 0, dropout)
    stopper = EarlyStopping(patience=patience)
    history = fit(net, X_train, y_train, loss="categorical_crossentropy", optimizer=Adam(lr),
                  epochs=epochs, validation_data=(X_val, y_val), callbacks=[stopper],
                  penalty=L2(lam) if lam else None)
    return {"best epoch": stopper.best_epoch, "validation losses": np.array(history.val_loss),
            "weights after training": net.get_weights()}


def learner_early_stopping(f, problem, sizes, dropout, lr, lam, epochs, patience):
    X_train, y_train, X_val, y_val = _problem(problem)
    net = _network(sizes, 0, dropout)
    result = f["train_with_early_stopping"](net, (X_train, y_train, X_val, y_val), lr, lam,
                                            epochs, patience)
    if result is None:
        return None
    best_epoch, val_losses = returned_items(result, "train_with_early_stopping",
                                            ("best_epoch", "val_losses")).values()
    return {"best epoch": best_epoch,
            "validation losses": np.asarray(val_losses, dtype=float).reshape(-1),
            "weights after training": net.get_weights()}


EARLY_STOPPING = register(Exercise(
    id="09-early_stopping",
    title="Early stopping in your own loop",
    names=("train_with_early_stopping",),
    arg_names=("problem", "sizes", "dropout", "lr", "lam", "epochs", "patience"),
    reference=reference_early_stopping,
    call=learner_early_stopping,
    cases=(
        Case("100 digits, 64 → 32 → 10, no penalty, patience 5",
             ("100 digits", [64, 32, 10], None, 0.01, 0.0, 60, 5),
             hint="The plain network overfits, so training must stop 5 epochs after the best "
                  "one. Record the validation loss after each epoch's step, count the epochs "
                  "from 1, and put the best epoch's weights back before you return."),
        Case("spirals with an L2 penalty λ = 0.01, patience 5",
             ("spirals", [2, 16, 3], None, 0.05, 0.01, 60, 5),
             hint="With λ > 0 your add_weight_decay runs after backward and before the step. If "
                  "only this case fails, look at exercise 1 again."),
        Case("spirals, patience 3", ("spirals", [2, 16, 3], None, 0.05, 0.0, 80, 3),
             hint="A new best must be strictly lower than the best so far; count the epochs "
                  "without improvement since the last best, and stop when they reach patience."),
        Case("spirals with Dropout(0.5), patience 5",
             ("spirals", [2, 32, 3], 0.5, 0.05, 0.0, 60, 5),
             hint="Dropout must be on for the training step (net.train()) and off for the "
                  "validation loss (net.eval()): the validation loss is the network's real "
                  "score, with every neuron taking part."),
    ),
    hints=(
        ("One epoch: net.train(); forward and backward on the training data; "
         "add_weight_decay(net, lam); the optimiser's step. Then net.eval() and the validation "
         "loss. Keep the best value so far, its epoch and a copy of the weights then "
         "(net.get_weights())."),
        ("An epoch that is not a new best adds one to a counter; a new best sets it back to 0. "
         "When the counter reaches patience, leave the loop."),
        ("After the loop, net.set_weights(best_weights), and return (best_epoch, val_losses), "
         "with val_losses holding one number per epoch that ran."),
    ),
    rtol=1e-9,
    atol=1e-12,
    points=3,
))

# ------------------------------------------------------------------ 3. the digits


REACHED = f"reaches {TEST_TARGET:.0%} on the test images"


def learner_digits(f, seed):
    split = digits_split(seed=seed)
    net = f["train_digits"](split.X_train.copy(), split.y_train.copy(), split.X_val.copy(),
                            split.y_val.copy())
    if net is None:
        return None
    if not isinstance(net, Sequential):
        raise CourseError(f"train_digits must return the trained network (a Sequential); it "
                          f"returned {kind_of(net)}.")
    if net.n_inputs != 64 or net.n_outputs != 10:
        raise CourseError(f"The network must take the 64 pixels and give 10 outputs, one per "
                          f"digit; yours has {net.n_inputs} inputs and {net.n_outputs} outputs.")
    net.eval()
    reached = accuracy(net, split.X_test, split.y_test)
    if reached < TEST_TARGET:
        raise CourseError(f"Your network classifies {reached:.1%} of the {len(split.y_test)} test "
                          f"images right; the target is {TEST_TARGET:.0%}. Compare its training "
                          "and validation accuracy: a gap means overfitting (a penalty, early "
                          "stopping), both low means it has not learnt enough (more epochs, a "
                          "larger learning rate or network).")
    return REACHED


DIGITS = register(Exercise(
    id="09-digits",
    title="95 % on the test digits",
    names=("train_digits",),
    arg_names=("seed",),
    reference=lambda seed: REACHED,
    call=learner_digits,
    cases=(Case("the digits split with seed 1 (other images in each part than in the notebook)",
                (1,), hint="Your settings must work for another split of the same data too: "
                           "choose them on the validation part, not by luck."),),
    hints=(
        ("Build a network with 64 inputs and 10 softmax outputs, and train it with your "
         "train_with_early_stopping on the training and validation parts you are given."),
        ("Start small: one hidden layer of a few dozen ReLU neurons, Adam with the learning rate "
         "of the weight-decay cell above, a small λ and a patience of about ten; then change "
         "one setting at a time, watching the validation accuracy."),
        ("Return the network itself: the check measures it on test images your function never "
         "sees."),
    ),
    points=2,
))
