"""Training curves: the loss (and accuracy) after every epoch, on training and validation data.

`plot_training_curves(history)` draws a finished History. `LiveTrainingCurves` is a callback for
`fit` that draws the same figure while training runs:

    live = LiveTrainingCurves(every=10)
    history = fit(net, X, y, loss="categorical_crossentropy", epochs=300, callbacks=[live])

Every `every` epochs it moves the lines to the new data and, in a notebook, replaces the picture
shown under the cell (one picture that changes, not one per update). Outside a notebook it only
keeps the figure up to date (`live.figure`), so the same code runs in a script or a test.
A curve that goes down on training data but up on validation data is overfitting.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from nncourse.errors import CourseError
from nncourse.plots.style import course_style, new_figure, series_style, styled

# (history field, label, style); "{held_out}" is what the held-out data is called: "validation"
# for data used to choose settings, "test" for data looked at only once, at the end.
SERIES = (("loss", "training loss", 0), ("val_loss", "{held_out} loss", 1),
          ("accuracy", "training accuracy", 0), ("val_accuracy", "{held_out} accuracy", 1))


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where pictures can be shown and replaced)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class TrainingCurves:
    """The artists of the training-curve figure; `update(history)` moves the lines to its data.

    Attributes: `figure`, `loss_ax`, `accuracy_ax` (None when shown without accuracy), `lines`
    (dict from history field — "loss", "val_loss", "accuracy", "val_accuracy" — to Line2D).
    """

    def __init__(self, loss_ax, accuracy_ax=None, title="Training curves", held_out="validation"):
        self.loss_ax, self.accuracy_ax = loss_ax, accuracy_ax
        self.figure = loss_ax.figure
        self.lines = {}
        for key, label, k in SERIES:
            ax = loss_ax if "loss" in key else accuracy_ax
            if ax is None:
                continue
            style = series_style(k)
            (self.lines[key],) = ax.plot([], [], label=label.format(held_out=held_out),
                                         color=style["color"],
                                         linestyle=style["linestyle"], marker=style["marker"],
                                         markersize=4)
        for ax in (loss_ax, accuracy_ax):
            if ax is not None:  # epochs are whole numbers: no tick at 2.5
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        loss_ax.set_title("Loss per epoch")
        loss_ax.set_xlabel("epoch")
        loss_ax.set_ylabel("loss")
        if accuracy_ax is not None:
            accuracy_ax.set_title("Accuracy per epoch")
            accuracy_ax.set_xlabel("epoch")
            accuracy_ax.set_ylabel("accuracy")
            accuracy_ax.set_ylim(-0.02, 1.02)
        self.figure.suptitle(title)

    def update(self, history):
        """Set every line to the history's numbers; a series the history does not have stays
        empty."""
        epochs = np.asarray(history.epochs, dtype=float)
        for key, line in self.lines.items():
            values = getattr(history, key)
            if len(values) == len(epochs) and len(values):
                line.set_data(epochs, np.asarray(values, dtype=float))
                line.set_visible(True)
            else:
                line.set_data([], [])
                line.set_visible(False)
            line.set_markevery(max(1, len(epochs) // 25))
        for ax in (self.loss_ax, self.accuracy_ax):
            if ax is None:
                continue
            visible = [line for line in ax.lines if line.get_visible() and len(line.get_xdata())]
            if visible:
                ax.relim(visible_only=True)
                ax.autoscale_view(scalex=False, scaley=ax is self.loss_ax)
                ax.legend(handles=visible, loc="best")
            if len(epochs):
                ax.set_xlim(0.5, epochs[-1] + 0.5)
        return self


@styled
def draw_training_curves(history=None, *, axes=None, accuracy: bool = True,
                         title: str = "Training curves",
                         held_out: str = "validation") -> TrainingCurves:
    """The training-curve artists: loss on the left, accuracy on the right (if `accuracy`).

    held_out: what the history's `validation_data` was, "validation" or "test", for the legend.
    """
    if axes is None:
        if accuracy:
            _, axes = new_figure((10.0, 4.0), ncols=2)
        else:
            _, ax = new_figure((6.5, 4.2))
            axes = (ax, None)
    elif not isinstance(axes, (list, tuple, np.ndarray)):
        axes = (axes, None)
    loss_ax, accuracy_ax = axes[0], (axes[1] if len(axes) > 1 else None)
    curves = TrainingCurves(loss_ax, accuracy_ax, title, held_out)
    if history is not None:
        curves.update(history)
    return curves


def plot_training_curves(history, *, axes=None, title: str = "Training curves",
                         held_out: str = "validation"):
    """A finished History as a Figure (accuracy panel only when the history has accuracies).

    held_out="test" names the held-out curves "test loss", "test accuracy".
    """
    if not history.epochs:
        raise CourseError("The history is empty: train for at least one epoch first.")
    if held_out not in ("validation", "test"):
        raise CourseError(f'held_out is "validation" or "test"; got {held_out!r}.')
    return draw_training_curves(history, axes=axes, accuracy=bool(history.accuracy),
                                title=title, held_out=held_out).figure


class LiveTrainingCurves:
    """A `fit` callback that redraws the training curves every `every` epochs.

    In a notebook the figure is shown under the cell and replaced in place (through a display
    handle); elsewhere nothing is shown and `figure` is simply kept up to date. It never stops
    training (it returns None). `epochs`: the total, so that the last epoch is always drawn;
    `refresh()` draws the current state at any time.
    """

    def __init__(self, every: int = 5, *, epochs: int | None = None, accuracy: bool = True,
                 title: str = "Training curves (live)", display: bool | None = None):
        if not isinstance(every, (int, np.integer)) or every < 1:
            raise CourseError("every must be a whole number ≥ 1 (redraw every that many epochs); "
                              f"got {every!r}.")
        self.every, self.epochs = int(every), epochs
        self.accuracy, self.title = accuracy, title
        self.display = in_notebook() if display is None else bool(display)
        self.curves = None
        self.history = None
        self.handle = None
        self.redraws = 0

    @property
    def figure(self):
        return None if self.curves is None else self.curves.figure

    def __call__(self, epoch, history, network):
        self.history = history
        if self.curves is None:
            self.curves = draw_training_curves(accuracy=self.accuracy and bool(history.accuracy),
                                               title=self.title)
        if (epoch % self.every == 0 or epoch == 1
                or (self.epochs is not None and epoch >= self.epochs)):
            self.refresh()
        return None

    def refresh(self):
        """Move the lines to the latest history and, in a notebook, replace the shown picture."""
        if self.curves is None or self.history is None:
            return self
        with course_style():
            self.curves.update(self.history)
        self.redraws += 1
        if self.display:
            from IPython.display import display

            if self.handle is None:
                self.handle = display(self.curves.figure, display_id=True)
            else:
                self.handle.update(self.curves.figure)
        return self
