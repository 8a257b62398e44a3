"""The training playground: a small network learns a 2-D data set while you watch.

Choose a data set and its noise, the hidden layers, the activation, the learning rate, the batch
size, the optimiser and a weight penalty (L2 or L1, `nncourse.penalties`); press play. Every
frame trains a few epochs with the engine (`nncourse.training.fit`, cross-entropy on a softmax
output) and redraws:

- the decision boundary: every point of a grid coloured by the class probabilities the network
  gives it, with the training points on top (one marker shape per class);
- the loss on the training and the validation data, epoch by epoch;
- the network: one line per weight, its width growing with |w|, blue solid for w > 0,
  vermillion dashed for w < 0.

Everything random (data, weights, shuffling) follows `seed`, so the same settings give the same run.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection

from nncourse.data import blobs, circles, moons, spirals, standardize, train_test_split
from nncourse.errors import CourseError
from nncourse.network import mlp
from nncourse.optim import OPTIMIZERS, get_optimizer
from nncourse.penalties import L1, L2
from nncourse.training import fit
from nncourse.widgets.base import (
    CONTROL_LAYOUT, CONTROL_STYLE, App, button, dropdown, float_slider, log_slider,
)
from nncourse.widgets.formatting import format_number
from nncourse.widgets.style import BLUE, MARKERS, NEGATIVE, ORANGE, POSITIVE, VERMILLION

DATASETS = ("spirals", "moons", "circles", "xor", "blobs")
HIDDEN_ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu", "identity")
BATCH_SIZES = (("full batch", "full"), ("1", 1), ("4", 4), ("8", 8), ("16", 16), ("32", 32),
               ("64", 64))
# blue, vermillion, green
CLASS_COLOURS = np.array([[0.0, 0.447, 0.698], [0.835, 0.369, 0.0], [0.0, 0.620, 0.451]])
# the weight penalty added to the loss: "none", or "L2 0.001" (its kind and strength λ)
PENALTIES = (("none", "none"),) + tuple(
    (f"{kind}, λ = {strength:g}", f"{kind} {strength:g}")
    for kind in ("L2", "L1") for strength in (1e-4, 1e-3, 1e-2))
GRID = 64           # the decision boundary is evaluated on GRID × GRID points
LIMIT = 3.0         # standardised data is shown on [−3, 3]²
MAX_LAYERS, MAX_WIDTH = 4, 16


def xor_cloud(n_samples: int = 200, noise: float = 0.1, seed=0):
    """Points in the square [−1, 1]², class 1 where x₁·x₂ < 0 (opposite signs): the XOR pattern.

    Points too close to an axis are left out (a margin of 0.1), then jittered by `noise`.
    """
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(4 * n_samples, 2))
    X = X[np.all(np.abs(X) > 0.1, axis=1)][:n_samples]
    y = (X[:, 0] * X[:, 1] < 0).astype(int)
    return X + rng.normal(0.0, noise, X.shape), y


def make_dataset(name: str, noise: float, seed: int):
    """(X, y) of one of DATASETS; `noise` is each generator's own spread parameter."""
    if name == "spirals":
        return spirals(n_per_class=100, n_classes=3, noise=noise, seed=seed)
    if name == "moons":
        return moons(n_samples=240, noise=noise, seed=seed)
    if name == "circles":
        return circles(n_samples=240, noise=noise / 2, factor=0.5, seed=seed)
    if name == "xor":
        return xor_cloud(n_samples=240, noise=noise / 2, seed=seed)
    if name == "blobs":
        return blobs(n_samples=300, n_classes=3, spread=1.0 + 10 * noise, seed=seed)
    raise CourseError(f"Unknown data set {name!r}; choose one of: {', '.join(DATASETS)}.")


def parse_hidden(text) -> tuple:
    """"8, 8" → (8, 8); "" → () (no hidden layer: a linear classifier)."""
    if isinstance(text, (tuple, list)):
        sizes = tuple(text)
    else:
        parts = [part for part in str(text).replace(";", ",").replace(" ", ",").split(",") if part]
        try:
            sizes = tuple(int(part) for part in parts)
        except ValueError:
            raise CourseError("Hidden layers are whole numbers separated by commas, like 8, 8; "
                              f"got {text!r}.") from None
    if len(sizes) > MAX_LAYERS or any(not 1 <= int(s) <= MAX_WIDTH for s in sizes):
        raise CourseError(f"Use at most {MAX_LAYERS} hidden layers of 1 to {MAX_WIDTH} neurons; "
                          f"got {text!r}.")
    return tuple(int(s) for s in sizes)


class TrainingPlayground(App):
    """Train an mlp on 2-D data with live decision boundary, loss curves and network diagram."""

    title = "Training playground"

    def __init__(self, dataset="spirals", hidden=(8, 8), activation="tanh", lr=0.01, batch_size=16,
                 optimizer="adam", noise=0.2, epochs_per_step=2, seed=0, *, penalty="none",
                 hide=(), show=None):
        if dataset not in DATASETS:
            raise CourseError(f"Unknown data set {dataset!r}; "
                              f"choose one of: {', '.join(DATASETS)}.")
        if activation not in HIDDEN_ACTIVATIONS:
            raise CourseError(f"Unknown activation {activation!r}; choose one of: "
                              f"{', '.join(HIDDEN_ACTIVATIONS)}.")
        if optimizer not in OPTIMIZERS:
            raise CourseError(f"Unknown optimiser {optimizer!r}; choose one of: "
                              f"{', '.join(OPTIMIZERS)}.")
        batch_size = "full" if batch_size is None else batch_size
        if batch_size not in [value for _, value in BATCH_SIZES]:
            raise CourseError("batch_size must be one of 1, 4, 8, 16, 32, 64 or None "
                              f"(full batch); got {batch_size!r}.")
        hidden_text = ", ".join(str(s) for s in parse_hidden(hidden))
        controls = {
            "dataset": dropdown("data set", DATASETS, dataset),
            "noise": float_slider("noise", noise, 0.0, 0.5, 0.01),
            "hidden": widgets.Text(value=hidden_text, description="hidden layers",
                                   continuous_update=False, placeholder="e.g. 8, 8",
                                   style=CONTROL_STYLE, layout=CONTROL_LAYOUT),
            "activation": dropdown("activation", HIDDEN_ACTIVATIONS, activation),
            "lr": log_slider("learning rate η", lr, -3, 0),
            "batch_size": dropdown("batch size", BATCH_SIZES, batch_size),
            "optimizer": dropdown("optimiser", OPTIMIZERS, optimizer),
            "penalty": dropdown("weight penalty", PENALTIES, _checked_penalty(penalty)),
            "epochs_per_step": widgets.IntSlider(value=epochs_per_step, min=1, max=20,
                                                 description="epochs / step", style=CONTROL_STYLE,
                                                 layout=CONTROL_LAYOUT),
            "seed": widgets.BoundedIntText(value=seed, min=0, max=10_000, description="seed",
                                           style=CONTROL_STYLE, layout={"width": "200px"}),
        }
        self.play = widgets.Play(value=0, min=0, max=100_000, interval=200, description="play",
                                 show_repeat=False)
        self.play.observe(self._play_ticked, names="value")
        buttons = {"play": self.play, "step": button("step", "step-forward"),
                   "pause": button("pause", "pause"), "reset": button("reset", "undo")}
        buttons["step"].on_click(lambda _: self.step())
        buttons["pause"].on_click(lambda _: self.pause())
        buttons["reset"].on_click(lambda _: self.reset())
        self.message = ""
        self.hidden_sizes = parse_hidden(hidden)
        self._controls_for_setup = controls
        self._make_data(controls)
        self._make_network(controls)
        super().__init__(controls, buttons=buttons, hide=hide, show=show, figsize=(9.6, 3.2))

    # ------------------------------------------------------------------ model
    def _make_data(self, controls=None):
        controls = controls or self.controls
        seed = controls["seed"].value
        X, y = make_dataset(controls["dataset"].value, controls["noise"].value, seed)
        X_train, X_val, y_train, y_val = train_test_split(X, y, test_fraction=0.25, seed=seed)
        self.X_train, self.mean, self.std = standardize(X_train)
        self.X_val = standardize(X_val, self.mean, self.std)[0]
        self.y_train, self.y_val = y_train, y_val
        self.n_classes = int(max(y.max() + 1, 2))

    def _make_network(self, controls=None):
        """A fresh network, optimiser and shuffling generator: the run starts again from epoch 0."""
        controls = controls or self.controls
        seed = controls["seed"].value
        sizes = [2, *self.hidden_sizes, self.n_classes]
        self.net = mlp(sizes, hidden=controls["activation"].value, output="softmax", seed=seed)
        self.optimizer = get_optimizer(controls["optimizer"].value, controls["lr"].value)
        self.shuffle = np.random.default_rng(seed)
        self.history = {"epoch": [], "loss": [], "val_loss": [], "accuracy": [], "val_accuracy": []}
        self.initial_loss = self.net.loss(self.X_train, self.y_train, "categorical_crossentropy")

    @property
    def epoch(self) -> int:
        return self.history["epoch"][-1] if self.history["epoch"] else 0

    @property
    def batch_size(self):
        value = self.controls["batch_size"].value
        return None if value == "full" else value

    @property
    def penalty(self):
        """The chosen weight penalty as the engine's object (L2(λ) or L1(λ)), or None."""
        value = self.controls_value("penalty")
        if value == "none":
            return None
        kind, strength = value.split()
        return (L2 if kind == "L2" else L1)(float(strength))

    def train(self, epochs: int) -> None:
        """Train `epochs` more epochs with the engine's loop.

        A divergent run is undone and reported.
        """
        before = self.net.get_weights()
        try:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                history = fit(self.net, self.X_train, self.y_train, loss="categorical_crossentropy",
                              optimizer=self.optimizer, epochs=int(epochs),
                              batch_size=self.batch_size, seed=self.shuffle,
                              validation_data=(self.X_val, self.y_val), penalty=self.penalty)
        except CourseError:
            self.net.set_weights(before)
            self.optimizer.reset()
            self.play.playing = False
            self.message = ("diverged: the loss stopped being a finite number; "
                            "the weights are back to before this step. Lower the learning rate.")
            return
        start = self.epoch
        self.history["epoch"] += [start + e for e in history.epochs]
        for key in ("loss", "val_loss", "accuracy", "val_accuracy"):
            self.history[key] += list(getattr(history, key))

    def on_change(self, changed):
        self.message = ""
        if "hidden" in changed:
            try:
                self.hidden_sizes = parse_hidden(self.controls["hidden"].value)
            except CourseError as error:
                self.message = str(error)
        if changed & {"dataset", "noise", "seed"}:
            self._make_data()
            self._draw_points()
        if changed & {"dataset", "noise", "seed", "hidden", "activation"}:
            self._make_network()
            if self._diagram_key() != self._drawn_diagram:
                self._rebuild_diagram()  # new layer sizes or names: the static labels change
            self._reset_loss_axes()
        elif "optimizer" in changed:
            self.optimizer = get_optimizer(self.controls["optimizer"].value,
                                           self.controls["lr"].value)
        elif "lr" in changed:
            self.optimizer.lr = self.controls["lr"].value  # keeps momentum and running averages

    # ------------------------------------------------------------------ actions
    def step(self, n: int = 1) -> TrainingPlayground:
        """Train n frames (each `epochs_per_step` epochs) and redraw once."""
        self.message = ""
        self.train(int(n) * self.controls["epochs_per_step"].value)
        self.redraw()
        return self

    def run(self, epochs: int) -> TrainingPlayground:
        """Train `epochs` more epochs, then redraw once."""
        self.message = ""
        self.train(int(epochs))
        self.redraw()
        return self

    def pause(self) -> TrainingPlayground:
        self.play.playing = False
        return self

    def reset(self) -> TrainingPlayground:
        """Start again: the same data, new weights from the seed, an empty history."""
        self.play.playing = False
        self._ignore_tick = True
        self.play.value = 0
        self._ignore_tick = False
        self.message = ""
        self._make_network()
        self._reset_loss_axes()
        self.redraw()
        return self

    _ignore_tick = False

    def _play_ticked(self, change):
        if not self._ignore_tick and change["new"] > change["old"]:
            self.step()

    # ------------------------------------------------------------------ figure
    def build(self, figure):
        grid = figure.add_gridspec(1, 3, width_ratios=(1, 1.15, 1.25), left=0.04, right=0.99,
                                   bottom=0.14, top=0.9, wspace=0.22)
        ax = self.boundary_axes = figure.add_subplot(grid[0])
        self._boundary_pixels = np.full((GRID, GRID, 4), 255, np.uint8)
        self.boundary_image = ax.imshow(self._boundary_pixels.copy(),
                                        extent=(-LIMIT, LIMIT, -LIMIT, LIMIT), origin="lower",
                                        interpolation="nearest", zorder=0)
        self.dynamic(self.boundary_image)
        self.point_sets = []
        ax.set_xlim(-LIMIT, LIMIT)
        ax.set_ylim(-LIMIT, LIMIT)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title("decision boundary", fontsize=10)
        lin = np.linspace(-LIMIT, LIMIT, GRID)
        self.grid_points = np.column_stack([g.ravel() for g in np.meshgrid(lin, lin)])

        loss = self.loss_axes = figure.add_subplot(grid[1])
        (self.loss_line,) = loss.plot([], [], color=BLUE, lw=2, label="training")
        (self.val_line,) = loss.plot([], [], color=ORANGE, ls="--", lw=2, label="validation")
        self.dynamic(self.loss_line, self.val_line)
        loss.set_xlabel("epoch")
        loss.set_title("loss (cross-entropy)", fontsize=10)
        loss.grid(True, alpha=0.3)
        loss.legend(loc="upper right", fontsize=8)

        net_ax = self.network_axes = figure.add_subplot(grid[2])
        net_ax.set_axis_off()
        # Two collections, one per sign, each with one colour and one line style: cheaper to draw
        # than one collection with a style per line.
        self.positive_edges = LineCollection([], zorder=1, colors=POSITIVE, linestyles="-")
        self.negative_edges = LineCollection([], zorder=1, colors=NEGATIVE, linestyles="--")
        for edges in (self.positive_edges, self.negative_edges):
            net_ax.add_collection(edges)
        self.nodes = net_ax.scatter([], [], s=90, c="white", edgecolors="black", zorder=3)
        self.dynamic(self.positive_edges, self.negative_edges, self.nodes)
        self.layer_labels = []
        self._draw_points()
        self._rebuild_diagram()
        self._reset_loss_axes()

    def _draw_points(self):
        ax = self.boundary_axes
        for points in self.point_sets:
            points.remove()
        self.forget_dynamic(*self.point_sets)
        self.point_sets = []
        for k in range(self.n_classes):
            mask = self.y_train == k
            points = ax.scatter(self.X_train[mask, 0], self.X_train[mask, 1], s=14,
                                marker=MARKERS[k], color=CLASS_COLOURS[k % 3], edgecolors="white",
                                linewidths=0.5, zorder=2, label=f"class {k}")
            self.point_sets.append(self.dynamic(points))

    def _diagram_key(self):
        return (self.hidden_sizes, self.n_classes, self.controls_value("activation"))

    def _rebuild_diagram(self):
        """Node positions and edge segments for the current layer sizes (static until they
        change)."""
        self._drawn_diagram = self._diagram_key()
        sizes = [2, *self.hidden_sizes, self.n_classes]
        top = max(sizes)
        positions = [[(column, (top - 1) / 2 - i - (top - n) / 2) for i in range(n)]
                     for column, n in enumerate(sizes)]
        segments = [[positions[c][i], positions[c + 1][j]]
                    for c in range(len(sizes) - 1)
                    for j in range(sizes[c + 1])
                    for i in range(sizes[c])]
        self.segments = np.array(segments, dtype=float)  # (weights, 2 ends, x and y)
        self.nodes.set_offsets([p for column in positions for p in column])
        ax = self.network_axes
        for label in self.layer_labels:
            label.remove()
        names = (["input"] + [self.controls_value("activation")] * len(self.hidden_sizes)
                 + ["softmax"])
        self.layer_labels = [ax.text(c, -(top - 1) / 2 - 0.9, f"{name}\n{n}", ha="center", va="top",
                                     fontsize=8)
                             for c, (name, n) in enumerate(zip(names, sizes))]
        ax.set_xlim(-0.4, len(sizes) - 0.6)
        ax.set_ylim(-(top - 1) / 2 - 2.0, (top - 1) / 2 + 0.6)
        ax.set_title(f"network: {self.net.n_params} weights and biases", fontsize=10)
        self.invalidate_background()

    def controls_value(self, name):
        return (getattr(self, "controls", None) or self._controls_for_setup)[name].value

    def _reset_loss_axes(self, epochs: int = 100):
        """Epochs 0 … 100 and losses up to 1.5·log(classes).

        A fresh network's loss is about log(classes).
        """
        limits = ((0.0, float(epochs)), (0.0, 1.5 * float(np.log(self.n_classes))))
        if (self.loss_axes.get_xlim(), self.loss_axes.get_ylim()) != limits:
            self.loss_axes.set_xlim(*limits[0])
            self.loss_axes.set_ylim(*limits[1])
            self.invalidate_background()

    def edge_weights(self) -> np.ndarray:
        """Every weight, in the order of the diagram's lines (for each target neuron, its
        sources)."""
        return np.concatenate([layer.W.T.ravel() for layer in self.net.layers])

    def edge_widths(self) -> np.ndarray:
        """Line widths: 0.3 for w = 0 up to 4 for the largest |w| of the network."""
        weights = np.abs(self.edge_weights())
        return 0.3 + 3.7 * weights / max(float(weights.max()), 1e-12)

    def boundary_rgb(self) -> np.ndarray:
        """The grid's colours: class colours mixed by the predicted probabilities, lightened.

        Returned as opaque RGBA bytes (GRID, GRID, 4), the form matplotlib draws without converting.
        """
        probabilities = self.net.forward(self.grid_points)
        colours = 1.0 - 0.55 * (1.0 - probabilities @ CLASS_COLOURS[:self.n_classes])
        self._boundary_pixels[..., :3] = (255 * colours).reshape(GRID, GRID, 3)
        return self._boundary_pixels.copy()

    def update_artists(self):
        self.boundary_image.set_data(self.boundary_rgb())
        epochs, losses, val_losses = (self.history[k] for k in ("epoch", "loss", "val_loss"))
        shown = self.loss_axes.get_xlim()[1]
        if epochs and epochs[-1] > shown:
            while shown < epochs[-1]:
                shown *= 2  # the epoch axis doubles when the run outgrows it (a rare full redraw)
            self.loss_axes.set_xlim(0, shown)
            self.invalidate_background()
        self.loss_line.set_data([0] + epochs, [self.initial_loss] + losses)
        self.val_line.set_data(epochs, val_losses)
        widths = self.edge_widths()
        positive = self.edge_weights() >= 0
        for edges, chosen in ((self.positive_edges, positive), (self.negative_edges, ~positive)):
            edges.set_segments(self.segments[chosen])
            edges.set_linewidths(widths[chosen])
        self.readout.value = self.readout_html()

    def readout_html(self) -> str:
        h = self.history
        sizes = " → ".join(["2"]
                           + [f"{n} {self.controls['activation'].value}" for n in self.hidden_sizes]
                           + [f"{self.n_classes} softmax"])
        lines = [f"<b>epoch {self.epoch}</b> &nbsp; network {sizes}"]
        if h["epoch"]:
            lines.append(f"loss: training {format_number(h['loss'][-1])}, "
                         f"validation {format_number(h['val_loss'][-1])} &nbsp; "
                         f"accuracy: training {format_number(100 * h['accuracy'][-1], 1)}%, "
                         f"validation {format_number(100 * h['val_accuracy'][-1], 1)}%")
        else:
            lines.append(f"loss before training: {format_number(self.initial_loss)}")
        if self.message:
            lines.append(f'<span style="color:{VERMILLION}"><b>{self.message}</b></span>')
        return '<div style="font-size:14px">' + "<br>".join(lines) + "</div>"

    def accuracy(self) -> float:
        """Accuracy of the current network on the validation data."""
        return float(np.mean(
            self.net.predict_classes(self.X_val) == self.y_val))


def _checked_penalty(value) -> str:
    """"none", "L2 0.001", … as the control's value, or a sentence listing the choices."""
    allowed = [choice for _, choice in PENALTIES]
    if value is None:
        return "none"
    if value not in allowed:
        raise CourseError(f"penalty must be one of: {', '.join(map(repr, allowed))}; "
                          f"got {value!r}.")
    return value


def training_playground(dataset="spirals", hidden=(8, 8), activation="tanh", lr=0.01, batch_size=16,
                        optimizer="adam", noise=0.2, epochs_per_step=2, seed=0, *,
                        penalty="none", hide=(), show=None):
    """Train a small network on 2-D data and watch the decision boundary, the losses and the
    weights.

    training_playground(dataset="spirals", hidden=(8, 8), activation="tanh", lr=0.01,
                        batch_size=16, optimizer="adam", seed=0)
    app.step() trains one frame (epochs_per_step epochs), app.run(100) trains 100 epochs,
    app.reset() starts again; the play button trains frame after frame. penalty="L2 0.001" (or
    "L1 0.0001", …) adds a weight penalty to the loss, the engine's nncourse.penalties.
    """
    return TrainingPlayground(dataset, hidden, activation, lr, batch_size, optimizer, noise,
                              epochs_per_step, seed, penalty=penalty, hide=hide, show=show)
