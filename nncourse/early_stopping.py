"""Early stopping: stop when the validation loss has not improved for a while, and go back to the
weights of its best epoch.

A network that overfits gets better on its training data for ever, while its validation loss
falls, bottoms out and climbs again. The weights worth keeping are those of the bottom. The rule:

    after every epoch: if val_loss < best − min_delta: best ← val_loss, remember the weights
                       else: one more epoch without improvement; after `patience` of them, stop
    at the end:        put the remembered weights back

`EarlyStopping` is a callback for `fit` (`callbacks=[EarlyStopping(patience=10)]`, with
`validation_data`); `fit` calls its `on_train_end(network)` when training ends, however it ends,
and the network then holds the best epoch's weights. In a loop of your own, call it after every
epoch like `fit` does (it returns False to say "stop") and call `restore(network)` at the end.
`best_epoch`, `best` and `stopped_epoch` tell what happened.
"""

from __future__ import annotations

from nncourse.errors import CourseError

# the history lists it can watch, and whether smaller is better
MONITORED = {"val_loss": True, "loss": True, "val_accuracy": False, "accuracy": False}


class EarlyStopping:
    """Stop after `patience` epochs without improvement of `monitor`; restore the best weights."""

    def __init__(self, patience: int = 10, *, monitor: str = "val_loss", min_delta: float = 0.0,
                 restore_best: bool = True):
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
            raise CourseError(f"patience is a number of epochs, a whole number ≥ 1; "
                              f"got {patience!r}.")
        if monitor not in MONITORED:
            raise CourseError(f"EarlyStopping can watch {sorted(MONITORED)}; got {monitor!r}.")
        if not float(min_delta) >= 0:
            raise CourseError(f"min_delta must be ≥ 0; got {min_delta!r}.")
        self.patience, self.monitor = patience, monitor
        self.min_delta, self.restore_best = float(min_delta), restore_best
        self.reset()

    def reset(self) -> None:
        """Forget the best value and weights (a new training run starts at epoch 1)."""
        self.best = None
        self.best_epoch = None
        self.best_weights = None
        self.stopped_epoch = None
        self.wait = 0

    def improved(self, value: float) -> bool:
        if self.best is None:
            return True
        if MONITORED[self.monitor]:
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def __call__(self, epoch, history, network):
        """After each epoch: remember the weights of a new best; False once patience runs out."""
        if epoch == 1:
            self.reset()
        values = getattr(history, self.monitor)
        if not values:
            raise CourseError(f"EarlyStopping watches {self.monitor}, which the history does not "
                              "have: give fit validation_data=(X_val, y_val)"
                              + (" and a classification loss." if "accuracy" in self.monitor
                                 else "."))
        value = float(values[-1])
        if self.improved(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            self.best_weights = network.get_weights()
            return True
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            return False
        return True

    def restore(self, network) -> None:
        """Put the best epoch's weights back into the network (if restore_best)."""
        if self.restore_best and self.best_weights is not None:
            network.set_weights(self.best_weights)

    on_train_end = restore

    def __repr__(self):
        state = f", best {self.monitor}={self.best:.4f} at epoch {self.best_epoch}" \
            if self.best is not None else ""
        return f"EarlyStopping(patience={self.patience}{state})"


__all__ = ["EarlyStopping"]
