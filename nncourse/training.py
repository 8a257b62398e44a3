"""The training loop: forward, loss, backward, step, again and again.

One *iteration* (or step) updates the weights once, from one batch of samples. One *epoch* is one
pass over the whole training set. The batch size decides how many iterations an epoch has:

- full batch (`batch_size=None`): every sample in every step; one step per epoch, smooth but slow;
- mini-batch (`batch_size=32`): the data shuffled and cut into batches; many noisy, cheap steps;
- stochastic (`batch_size=1`): one sample per step; the noisiest.

Shuffling uses a generator seeded with `seed`, so the same seed gives the same history.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nncourse.errors import CourseError
from nncourse.losses import get_loss
from nncourse.optim import Optimizer, get_optimizer
from nncourse.penalties import Penalty


@dataclass
class History:
    """Per-epoch loss and accuracy, on the training data and (if given) the validation data."""

    epochs: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    steps: int = 0

    def as_dict(self) -> dict:
        return {"epochs": self.epochs, "loss": self.loss, "accuracy": self.accuracy,
                "val_loss": self.val_loss, "val_accuracy": self.val_accuracy}

    def __repr__(self):
        if not self.epochs:
            return "History(no epochs yet)"
        last = f"loss={self.loss[-1]:.4f}"
        if self.accuracy:
            last += f", accuracy={self.accuracy[-1]:.3f}"
        if self.val_loss:
            last += f", val_loss={self.val_loss[-1]:.4f}"
        if self.val_accuracy:
            last += f", val_accuracy={self.val_accuracy[-1]:.3f}"
        return f"History({len(self.epochs)} epochs, {self.steps} steps; last: {last})"


def iterate_minibatches(n_samples: int, batch_size: int | None, rng=None):
    """Index arrays of the batches of one epoch.

    Shuffled by `rng` when given, in order otherwise.
    """
    if batch_size is None or batch_size >= n_samples:
        yield slice(None)
        return
    order = rng.permutation(n_samples) if rng is not None else np.arange(n_samples)
    for start in range(0, n_samples, batch_size):
        yield order[start:start + batch_size]


def accuracy(network, X, y) -> float:
    """The fraction of samples whose predicted class is the true class."""
    output = np.atleast_2d(network.forward(X))
    targets = np.atleast_2d(network.targets_for(y, output))
    return float(np.mean(network.labels_from_output(output) == network.labels_from_output(targets)))


def _whole_number(value) -> bool:
    """An int (or numpy integer) that is not a bool: True and False are not counts."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _check_fit_arguments(network, X, y, epochs, batch_size, names=("X", "y")):
    X = network.layers[0].check_input(X)
    if X.ndim == 1:
        X = X[None, :]
    n = X.shape[0]
    if np.ndim(y) == 0 or len(y) != n:
        raise CourseError(f"{names[0]} has {n} samples but {names[1]} has {np.size(y)} targets; "
                          "give one target per sample.")
    targets = network.targets_for(y, np.empty((n, network.n_outputs)))
    with np.errstate(over="ignore", invalid="ignore"):
        finite = np.all(np.isfinite(network._forward(X)))
    if not finite:
        raise CourseError(
            f"The network's output for {names[0]} is not finite: the weighted sums overflow (the "
            f"largest input is {np.abs(X).max():.3g}). Scale the inputs, for example with "
            "data.standardize."
        )
    if not _whole_number(epochs) or epochs < 1:
        raise CourseError(f"epochs must be a whole number ≥ 1; got {epochs!r}.")
    if batch_size is not None and (not _whole_number(batch_size) or batch_size < 1):
        raise CourseError(
            "batch_size must be a whole number ≥ 1 (1 = stochastic), or None for full batch; "
            f"got {batch_size!r}."
        )
    return X, targets


def _callbacks(callbacks) -> tuple:
    """The callbacks as a tuple of functions: one function alone is accepted too."""
    if callable(callbacks):
        return (callbacks,)
    try:
        callbacks = tuple(callbacks)
    except TypeError:
        raise CourseError("callbacks must be a function or a list of functions "
                          f"cb(epoch, history, network); got {callbacks!r}.") from None
    for callback in callbacks:
        if not callable(callback):
            raise CourseError(f"Every callback must be a function cb(epoch, history, network); "
                              f"got {callback!r}.")
    return callbacks


def _validation_pair(validation_data):
    if isinstance(validation_data, (tuple, list)) and len(validation_data) == 2:
        return validation_data
    raise CourseError("validation_data must be a pair (X_val, y_val): the validation inputs and "
                      "their targets.")


def fit(network, X, y, loss=None, *, optimizer="sgd", lr=None, epochs: int = 100,
        batch_size=None, seed=0, validation_data=None, callbacks=(), penalty=None,
        progress: bool = False) -> History:
    """Train `network` on (X, y) and return its History.

    loss: a Loss or a name ("categorical_crossentropy", "mse", "ce", …); it must suit the output
        layer (categorical cross-entropy wants a softmax output, binary cross-entropy a sigmoid,
        or `from_logits=True` with an identity output)
    optimizer: an Optimizer or a name ("sgd", "momentum", "rmsprop", "adam"), with learning
        rate `lr` (give lr to a name, or to the Optimizer you make, not to both)
    batch_size: None for full batch, 1 for stochastic, anything else for mini-batches
    validation_data: (X_val, y_val), evaluated after every epoch
    callbacks: a function, or a list of them, called as cb(epoch, history, network) after every
        epoch; one that returns False stops training; a callback with an `on_train_end(network)`
        method has it called at the end (EarlyStopping restores the best weights there)
    penalty: a weight penalty (nncourse.penalties: L2(λ), L1(λ)) whose gradient is added after
        every backward pass; the history's loss stays the data loss
    Dropout layers drop during the training steps only, never on the validation data, and the
    network is left in evaluation mode.
    progress: show a progress bar (in a notebook or a terminal)

    Parameters held fixed (`layer.freeze`) do not move.
    """
    if loss is None:
        raise CourseError('fit needs a loss, for example loss="mse" or '
                          'loss="categorical_crossentropy".')
    loss = get_loss(loss)
    network.check_loss(loss)
    if isinstance(optimizer, Optimizer) and lr is not None:
        raise CourseError(
            f"lr={lr} was given, but the optimiser {optimizer!r} has its own learning rate; give "
            f"it in one place: {type(optimizer).__name__}(lr={lr}), or optimizer="
            f"{optimizer.name!r} with lr={lr}."
        )
    optimizer = get_optimizer(optimizer, lr)
    callbacks = _callbacks(callbacks)
    X, targets = _check_fit_arguments(network, X, y, epochs, batch_size)
    if penalty is not None and not isinstance(penalty, Penalty):
        raise CourseError(f"penalty must be a weight penalty such as L2(1e-3) or L1(1e-4) "
                          f"(from nncourse.penalties); got {penalty!r}.")
    if all(key in layer.frozen for layer in network.layers for key in layer.params):
        raise CourseError("Every parameter of the network is frozen, so training cannot change "
                          "anything; unfreeze a layer first (layer.unfreeze()).")
    classify = loss.classifies
    # targets the loss cannot take are refused now
    loss.checked(np.full(targets.shape, 0.5), targets)
    if validation_data is not None:
        X_val, y_val = _validation_pair(validation_data)
        X_val, targets_val = _check_fit_arguments(network, X_val, y_val, 1, None,
                                                     ("X_val", "y_val"))
        loss.checked(np.full(targets_val.shape, 0.5), targets_val)
        labels_val = network.labels_from_output(targets_val) if classify else None
    labels = network.labels_from_output(targets) if classify else None
    rng = np.random.default_rng(seed)
    history = History()

    epoch_range = range(1, epochs + 1)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(epoch_range, desc="training", unit="epoch")
        epoch_range = bar

    n = X.shape[0]
    full_batch = batch_size is None or batch_size >= n
    for epoch in epoch_range:
        loss_sum, correct = 0.0, 0
        # read again each epoch: a callback may change a layer
        params, slots = network.parameters(), network._gradient_slots()
        checked = False
        network.train()
        for batch in iterate_minibatches(n, batch_size, rng):
            Xb, Tb = (X, targets) if full_batch else (X[batch], targets[batch])
            output = network._forward(Xb)
            network._backward(Tb, loss, input_gradient=False)
            if penalty is not None:
                penalty.add_gradient(network)
            if checked:  # shapes cannot change within an epoch
                grads = [None if slot is None else getattr(*slot) for slot in slots]
            else:
                grads = network.gradients()
                optimizer.check(params, grads)
                checked = True
            optimizer._step(params, grads)
            history.steps += 1
            loss_sum += network.trace.loss * Xb.shape[0]
            if classify:
                predicted = network.labels_from_output(output)
                correct += np.count_nonzero(predicted == (labels if full_batch else labels[batch]))
        network.eval()
        history.epochs.append(epoch)
        history.loss.append(loss_sum / n)
        if classify:
            history.accuracy.append(correct / n)
        if validation_data is not None:
            out_val = network._forward(X_val)
            history.val_loss.append(network._loss_value(targets_val, loss))
            if classify:
                history.val_accuracy.append(
                    float(np.mean(network.labels_from_output(out_val) == labels_val)))
        if not np.isfinite(history.loss[-1]):
            if bar is not None:
                bar.close()
            raise CourseError(
                f"Training diverged at epoch {epoch}: the loss became {history.loss[-1]}. "
                "Try a smaller learning rate."
            )
        if bar is not None:
            # tqdm redraws at its own pace
            bar.set_postfix(loss=f"{history.loss[-1]:.4f}", refresh=False)
        if any(callback(epoch, history, network) is False for callback in callbacks):
            break
    if bar is not None:
        bar.close()
    for callback in callbacks:
        if hasattr(callback, "on_train_end"):
            callback.on_train_end(network)
    return history
