"""The training playground: a small network learns a 2-D data set while you watch.

Choose a data set, its noise and how much of it is used for training (the rest is the test set);
the input features the network sees (x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂); the hidden layers,
the activation, the learning rate, the batch size, the optimiser and a weight penalty (L2 or L1,
`nncourse.penalties`); press ▶. Every frame trains a
few epochs with the engine (`nncourse.training.fit`, cross-entropy on a softmax output) and redraws:

- the decision boundary: every point of a grid coloured by the class probabilities the network
  gives it, with the training points on top (one marker shape per class) and, when asked, the test
  points (hollow markers);
- the network: one line per weight, its width growing with |w|, blue solid for w > 0, vermillion
  dashed for w < 0; on every node a small map of what that neuron outputs over the input plane
  (blue positive, vermillion negative). Click a map (or choose it under "big map") to see it in
  the large panel instead of the network's output;
- the loss on the training and the test data, epoch by epoch.

`app.code()` (the "copy as code" button) writes the call that recreates the current state, the
notebook's answer to a shareable link. `preset=` starts from a prepared situation (`PRESETS`) and
`lock=True` hides the controls the preset sets, so a class explores only what is left open.

Everything random (data, split, weights, shuffling) follows `seed`, so the same settings give the
same run. New controls (a weight penalty, say) go into `controls` and `settings()`: the controls
grid makes room for them by itself.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb

from nncourse.data import blobs, circles, moons, spirals, standardize, train_test_split
from nncourse.errors import CourseError
from nncourse.network import mlp
from nncourse.optim import OPTIMIZERS, get_optimizer
from nncourse.penalties import L1, L2
from nncourse.plots.numbers import format_number
from nncourse.plots.style import (
    BLUE, CLASS_COLOURS, MARKERS, NEGATIVE, ORANGE, POSITIVE, VERMILLION,
)
from nncourse.training import fit
from nncourse.widgets.base import (
    CONTROL_LAYOUT, CONTROL_STYLE, App, button, checkbox, dropdown, float_slider, play_control,
    rate_slider,
)

DATASETS = ("spirals", "moons", "circles", "xor", "blobs")
HIDDEN_ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu", "identity")
BATCH_SIZES = (("full batch", "full"), ("1", 1), ("4", 4), ("8", 8), ("16", 16), ("32", 32),
               ("64", 64))
# Input features: name → (label, function of the standardised x₁, x₂).
FEATURES = {
    "x1": ("x₁", lambda x1, x2: x1),
    "x2": ("x₂", lambda x1, x2: x2),
    "x1_squared": ("x₁²", lambda x1, x2: x1 * x1),
    "x2_squared": ("x₂²", lambda x1, x2: x2 * x2),
    "x1_x2": ("x₁x₂", lambda x1, x2: x1 * x2),
    "sin_x1": ("sin x₁", lambda x1, x2: np.sin(x1)),
    "sin_x2": ("sin x₂", lambda x1, x2: np.sin(x2)),
}
# The weight penalty added to the loss: "none", or "L2 0.001" (its kind and strength λ).
PENALTIES = (("none", "none"),) + tuple(
    (f"{kind}, λ = {strength:g}", f"{kind} {strength:g}")
    for kind in ("L2", "L1") for strength in (1e-4, 1e-3, 1e-2))
CLASS_RGB = np.array([to_rgb(colour) for colour in CLASS_COLOURS[:3]])
GRID = 64           # the decision boundary is evaluated on GRID × GRID points
MAP_GRID = 16       # each neuron's small map has MAP_GRID × MAP_GRID pixels
LIMIT = 3.0         # standardised data is shown on [−3, 3]²
MAX_LAYERS, MAX_WIDTH = 4, 8
MAP_HALF = 0.42     # a node's map covers ±MAP_HALF around it (nodes are 1 apart)

PRESETS = {
    "xor without hidden layer": dict(
        dataset="xor", features=("x1", "x2"), hidden=(), noise=0.1,
        note="No hidden layer: one straight line cannot separate XOR. Which feature would?"),
    "xor with the feature x₁x₂": dict(
        dataset="xor", features=("x1", "x2", "x1_x2"), hidden=(), noise=0.1,
        note="The product x₁x₂ is negative exactly on class 1: a linear model now suffices."),
    "circles from squares": dict(
        dataset="circles", features=("x1_squared", "x2_squared"), hidden=(), noise=0.1,
        note="x₁² + x₂² is the squared radius: a circle is a straight line in these features."),
    "spirals, deep": dict(
        dataset="spirals", features=("x1", "x2"), hidden=(8, 8, 8), activation="tanh", lr=0.03,
        note="Three hidden layers of tanh: watch each layer's maps fold the plane."),
    "too large a learning rate": dict(
        dataset="moons", features=("x1", "x2"), hidden=(8,), optimizer="sgd", lr=1.0,
        batch_size=1, note="η = 1 with single-sample steps: the loss jumps instead of falling."),
}


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


def feature_matrix(X, features) -> np.ndarray:
    """The network's inputs: one column per chosen feature of the standardised points X."""
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([FEATURES[name][1](x1, x2) for name in features])


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


def signed_map_rgb(values: np.ndarray) -> np.ndarray:
    """Colours of a neuron's map: blue for its largest positive output, vermillion for its most
    negative, white at 0 (scaled by the neuron's largest |output| on the plane)."""
    scale = max(float(np.max(np.abs(values))), 1e-12)
    t = (values / scale)[..., None]
    white = np.ones(3)
    return np.where(t >= 0, white + t * (np.array(to_rgb(POSITIVE)) - white),
                    white - t * (np.array(to_rgb(NEGATIVE)) - white))


class TrainingPlayground(App):
    """Train an mlp on 2-D data with live decision boundary, neuron maps and loss curves."""

    title = "Training playground"
    control_groups = {"inputs": tuple(FEATURES)}
    icon_names = {"play": "play: train frame after frame", "pause": "pause",
                  "stop": "stop and start again from new weights", "retweet": "repeat"}

    def __init__(self, dataset="spirals", hidden=(8, 8), activation="tanh", lr=0.03,
                 batch_size=16, optimizer="adam", noise=0.2, epochs_per_step=2, seed=0, *,
                 features=("x1", "x2"), train_share=75, show_test=False, penalty="none",
                 preset=None, lock=False, hide=(), show=None):
        self.note = ""
        if preset is not None:
            if preset not in PRESETS:
                raise CourseError(f"Unknown preset {preset!r}; choose one of: "
                                  f"{', '.join(PRESETS)}.")
            settings = dict(PRESETS[preset])
            self.note = settings.pop("note")
            dataset = settings.get("dataset", dataset)
            hidden = settings.get("hidden", hidden)
            activation = settings.get("activation", activation)
            lr = settings.get("lr", lr)
            batch_size = settings.get("batch_size", batch_size)
            optimizer = settings.get("optimizer", optimizer)
            noise = settings.get("noise", noise)
            features = settings.get("features", features)
            if lock:
                locked = [name for name in settings if name != "features"] + (
                    list(FEATURES) if "features" in settings else [])
                hide = tuple(hide) + tuple(locked)
        elif lock:
            raise CourseError("lock=True hides the controls a preset sets: give a preset too.")
        self.preset = preset
        self._check_choices(dataset, activation, optimizer, features)
        batch_size = "full" if batch_size is None else batch_size
        if batch_size not in [value for _, value in BATCH_SIZES]:
            raise CourseError("batch_size must be one of 1, 4, 8, 16, 32, 64 or None "
                              f"(full batch); got {batch_size!r}.")
        if not 10 <= train_share <= 90:
            raise CourseError(f"train_share is a percentage from 10 to 90; got {train_share!r}.")
        hidden_text = ", ".join(str(s) for s in parse_hidden(hidden))
        controls = {
            "dataset": dropdown("data set", DATASETS, dataset),
            "noise": float_slider("noise", noise, 0.0, 0.5, 0.01),
            "train_share": widgets.IntSlider(value=int(train_share), min=10, max=90, step=5,
                                             description="training %", style=CONTROL_STYLE,
                                             layout=CONTROL_LAYOUT),
            **{name: checkbox(label, name in features) for name, (label, _) in FEATURES.items()},
            "hidden": widgets.Text(value=hidden_text, description="hidden layers",
                                   continuous_update=False, placeholder="e.g. 8, 8",
                                   style=CONTROL_STYLE, layout=CONTROL_LAYOUT),
            "activation": dropdown("activation", HIDDEN_ACTIVATIONS, activation),
            "lr": rate_slider("learning rate η", lr, 1e-4, 3.0),
            "batch_size": dropdown("batch size", BATCH_SIZES, batch_size),
            "optimizer": dropdown("optimiser", OPTIMIZERS, optimizer),
            "penalty": dropdown("weight penalty", PENALTIES, _checked_penalty(penalty)),
            "epochs_per_step": widgets.IntSlider(value=epochs_per_step, min=1, max=20,
                                                 description="epochs / step", style=CONTROL_STYLE,
                                                 layout=CONTROL_LAYOUT),
            "seed": widgets.BoundedIntText(value=seed, min=0, max=10_000, description="seed",
                                           style=CONTROL_STYLE, layout=CONTROL_LAYOUT),
            "show_test": checkbox("show test points", show_test),
            "big_map": dropdown("big map", ["output"], "output"),
        }
        self.play = play_control(100_000, 200, "train frame after frame")
        self.play.observe(self._play_ticked, names="value")
        buttons = {"play": self.play,
                   "step": button("step", "step-forward", "train one frame (epochs / step)"),
                   "code": button("copy as code", "code",
                                  "write the call that recreates this playground")}
        buttons["step"].on_click(lambda _: self.step())
        buttons["code"].on_click(lambda _: self.show_code())
        self.code_box = widgets.Textarea(layout={"width": "100%", "height": "5.5em",
                                                 "display": "none"},
                                         description="code", style=CONTROL_STYLE)
        self.message = ""
        self.hidden_sizes = parse_hidden(hidden)
        self.features = tuple(name for name in FEATURES if name in features)
        self._controls_for_setup = controls
        self._make_data(controls)
        self._make_network(controls)
        self._update_map_choices(controls)
        super().__init__(controls, buttons=buttons, hide=hide, show=show, figsize=(8.2, 3.3))
        self.widget.children[-2].children += (self.code_box,)  # under the readout

    @staticmethod
    def _check_choices(dataset, activation, optimizer, features):
        for value, allowed, what in ((dataset, DATASETS, "data set"),
                                     (activation, HIDDEN_ACTIVATIONS, "activation"),
                                     (optimizer, OPTIMIZERS, "optimiser")):
            if value not in allowed:
                raise CourseError(f"Unknown {what} {value!r}; choose one of: "
                                  f"{', '.join(allowed)}.")
        unknown = [name for name in features if name not in FEATURES]
        if unknown or not features:
            raise CourseError(f"features are one or more of: {', '.join(FEATURES)}; "
                              f"got {tuple(features)!r}.")

    # ------------------------------------------------------------------ model
    def _value(self, name):
        return (getattr(self, "controls", None) or self._controls_for_setup)[name].value

    def _make_data(self, controls=None):
        controls = controls or self.controls
        seed = controls["seed"].value
        X, y = make_dataset(controls["dataset"].value, controls["noise"].value, seed)
        test_fraction = 1 - controls["train_share"].value / 100
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=test_fraction,
                                                            seed=seed)
        self.X_train, self.mean, self.std = standardize(X_train)
        self.X_test = standardize(X_test, self.mean, self.std)[0]
        self.y_train, self.y_test = y_train, y_test
        self.n_classes = int(max(y.max() + 1, 2))

    def _make_network(self, controls=None):
        """A fresh network, optimiser and shuffling generator: the run starts again from epoch 0."""
        controls = controls or self.controls
        seed = controls["seed"].value
        sizes = [len(self.features), *self.hidden_sizes, self.n_classes]
        self.net = mlp(sizes, hidden=controls["activation"].value, output="softmax", seed=seed)
        self.optimizer = get_optimizer(controls["optimizer"].value, controls["lr"].value)
        self.shuffle = np.random.default_rng(seed)
        self.weights_version = getattr(self, "weights_version", 0) + 1
        self.history = {"epoch": [], "loss": [], "test_loss": [], "accuracy": [],
                        "test_accuracy": []}
        self.initial_loss = self.net.loss(self.inputs(self.X_train), self.y_train,
                                          "categorical_crossentropy")

    def inputs(self, X) -> np.ndarray:
        """What the network reads: the chosen features of the standardised points X."""
        return feature_matrix(X, self.features)

    @property
    def epoch(self) -> int:
        return self.history["epoch"][-1] if self.history["epoch"] else 0

    @property
    def batch_size(self):
        value = self.controls["batch_size"].value
        return None if value == "full" else value

    def train(self, epochs: int) -> None:
        """Train `epochs` more epochs with the engine's loop.

        A divergent run is undone and reported.
        """
        before = self.net.get_weights()
        try:
            self.weights_version += 1  # changed even when the run diverges and is undone
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                history = fit(self.net, self.inputs(self.X_train), self.y_train,
                              loss="categorical_crossentropy", optimizer=self.optimizer,
                              epochs=int(epochs), batch_size=self.batch_size, seed=self.shuffle,
                              validation_data=(self.inputs(self.X_test), self.y_test),
                              penalty=self.penalty)
        except CourseError:
            self.net.set_weights(before)
            self.optimizer.reset()
            self.play.playing = False
            self.message = ("diverged: the loss stopped being a finite number; "
                            "the weights are back to before this step. Lower the learning rate.")
            return
        start = self.epoch
        self.history["epoch"] += [start + e for e in history.epochs]
        for key, source in (("loss", "loss"), ("test_loss", "val_loss"),
                            ("accuracy", "accuracy"), ("test_accuracy", "val_accuracy")):
            self.history[key] += list(getattr(history, source))

    def on_change(self, changed):
        self.message = ""
        if "hidden" in changed:
            try:
                self.hidden_sizes = parse_hidden(self.controls["hidden"].value)
            except CourseError as error:
                self.message = str(error)
        if changed & set(FEATURES):
            chosen = tuple(name for name in FEATURES if self.controls[name].value)
            if chosen:
                self.features = chosen
            else:
                self.message = "Tick at least one input feature; the network keeps the last ones."
        if changed & {"dataset", "noise", "seed", "train_share"}:
            self._make_data()
            self._draw_points()
        if changed & ({"dataset", "noise", "seed", "hidden", "activation", "train_share"}
                      | set(FEATURES)):
            self._make_network()
            self._update_map_choices()
            if self._diagram_key() != self._drawn_diagram:
                self._rebuild_diagram()  # new layer sizes or names: the static labels change
            self._reset_loss_axes()
        elif "optimizer" in changed:
            self.optimizer = get_optimizer(self.controls["optimizer"].value,
                                           self.controls["lr"].value)
        elif "lr" in changed:
            self.optimizer.lr = self.controls["lr"].value  # keeps momentum and running averages
        if "show_test" in changed:
            for points in self.test_point_sets:
                points.set_visible(self.controls["show_test"].value)
        if "big_map" in changed:
            self.boundary_axes.set_title(self._big_map_title(), fontsize=10)
            self.invalidate_background()

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
        if self._ignore_tick:
            return
        if change["new"] > change["old"]:
            self.step()
        elif change["new"] == 0 and not self.play.playing:
            self.reset()  # ■: stop and start again

    @property
    def penalty(self):
        """The chosen weight penalty as the engine's object (L2(λ) or L1(λ)), or None."""
        value = self.controls["penalty"].value
        if value == "none":
            return None
        kind, strength = value.split()
        return (L2 if kind == "L2" else L1)(float(strength))

    def settings(self) -> dict:
        """The keyword arguments of `training_playground` that recreate the current state."""
        value = self._value
        batch = value("batch_size")
        return {"dataset": value("dataset"), "noise": round(value("noise"), 4),
                "train_share": value("train_share"), "features": self.features,
                "hidden": self.hidden_sizes, "activation": value("activation"),
                "lr": value("lr"), "batch_size": None if batch == "full" else batch,
                "optimizer": value("optimizer"), "epochs_per_step": value("epochs_per_step"),
                "seed": value("seed"), "show_test": value("show_test"),
                "penalty": value("penalty")}

    def code(self) -> str:
        """The call that recreates this playground, with the epochs trained so far.

        Training again from the seed gives the same weights when the settings did not change
        during the run.
        """
        arguments = ", ".join(f"{key}={value!r}" for key, value in self.settings().items())
        call = f"training_playground({arguments})"
        if self.epoch:
            call += f".run({self.epoch})"
        return "from nncourse.widgets import training_playground\n\n" + call

    def show_code(self) -> str:
        """Show `code()` in a text box under the picture, ready to copy."""
        self.code_box.value = self.code()
        self.code_box.layout.display = "flex"
        return self.code_box.value

    # ------------------------------------------------------------------ figure
    def build(self, figure):
        grid = figure.add_gridspec(1, 3, width_ratios=(1, 1.25, 0.95), left=0.03, right=0.985,
                                   bottom=0.15, top=0.9, wspace=0.12)
        ax = self.boundary_axes = figure.add_subplot(grid[0])
        self._boundary_pixels = np.full((GRID, GRID, 4), 255, np.uint8)
        self.boundary_image = ax.imshow(self._boundary_pixels.copy(),
                                        extent=(-LIMIT, LIMIT, -LIMIT, LIMIT), origin="lower",
                                        interpolation="nearest", zorder=0)
        self.dynamic(self.boundary_image)
        self.point_sets, self.test_point_sets = [], []
        ax.set_xlim(-LIMIT, LIMIT)
        ax.set_ylim(-LIMIT, LIMIT)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("x₁", labelpad=1)
        ax.set_ylabel("x₂", labelpad=1)
        ax.set_title(self._big_map_title(), fontsize=10)
        lin = np.linspace(-LIMIT, LIMIT, GRID)
        self.grid_points = np.column_stack([g.ravel() for g in np.meshgrid(lin, lin)])
        small = np.linspace(-LIMIT, LIMIT, MAP_GRID)
        self.map_points = np.column_stack([g.ravel() for g in np.meshgrid(small, small)])

        net_ax = self.network_axes = figure.add_subplot(grid[1])
        net_ax.set_axis_off()
        # Two collections, one per sign, each with one colour and one line style: cheaper to draw
        # than one collection with a style per line.
        self.positive_edges = LineCollection([], zorder=1, colors=POSITIVE, linestyles="-")
        self.negative_edges = LineCollection([], zorder=1, colors=NEGATIVE, linestyles="--")
        for edges in (self.positive_edges, self.negative_edges):
            net_ax.add_collection(edges)
        self.maps_image = net_ax.imshow(np.zeros((2, 2, 4), np.uint8), interpolation="nearest",
                                        zorder=3, origin="upper", aspect="auto")
        self.dynamic(self.positive_edges, self.negative_edges, self.maps_image)
        self.layer_labels = []

        loss = self.loss_axes = figure.add_subplot(grid[2])
        (self.loss_line,) = loss.plot([], [], color=BLUE, lw=2, label="training")
        (self.test_line,) = loss.plot([], [], color=ORANGE, ls="--", lw=2, label="test")
        self.dynamic(self.loss_line, self.test_line)
        loss.set_xlabel("epoch", labelpad=1)
        loss.set_title("loss (cross-entropy)", fontsize=10)
        loss.grid(True, alpha=0.3)
        loss.tick_params(labelsize=8)
        loss.xaxis.get_major_locator().set_params(integer=True)
        loss.legend(loc="upper right", fontsize=8)
        self._draw_points()
        self._rebuild_diagram()
        self._reset_loss_axes()

    def _big_map_title(self) -> str:
        choice = self._value("big_map")
        return "decision boundary" if choice == "output" else f"neuron {choice}: its output"

    def _draw_points(self):
        ax = self.boundary_axes
        for points in self.point_sets + self.test_point_sets:
            points.remove()
        self.forget_dynamic(*self.point_sets, *self.test_point_sets)
        self.point_sets, self.test_point_sets = [], []
        show_test = self._value("show_test")
        for k in range(self.n_classes):
            colour = CLASS_RGB[k % 3]
            mask = self.y_train == k
            points = ax.scatter(self.X_train[mask, 0], self.X_train[mask, 1], s=14,
                                marker=MARKERS[k], color=colour, edgecolors="white",
                                linewidths=0.5, zorder=2, label=f"class {k}")
            self.point_sets.append(self.dynamic(points))
            mask = self.y_test == k
            test = ax.scatter(self.X_test[mask, 0], self.X_test[mask, 1], s=18, marker=MARKERS[k],
                              facecolors="none", edgecolors=[colour], linewidths=1.2, zorder=2,
                              label=f"class {k} (test)")
            test.set_visible(show_test)
            self.test_point_sets.append(self.dynamic(test))

    def _diagram_key(self):
        return (self.features, self.hidden_sizes, self.n_classes, self._value("activation"))

    def layer_sizes(self) -> list:
        return [len(self.features), *self.hidden_sizes, self.n_classes]

    def _update_map_choices(self, controls=None):
        """The big-map choices: the output, or one hidden neuron ("2.3": layer 2, neuron 3)."""
        control = (controls or self.controls)["big_map"]
        choices = ["output"] + [f"{layer}.{unit}" for layer, n in enumerate(self.hidden_sizes, 1)
                                for unit in range(1, n + 1)]
        if list(control.options) != choices:
            current = control.value if control.value in choices else "output"
            control.options = choices
            control.value = current

    def _rebuild_diagram(self):
        """Node positions and edge segments for the current layer sizes (static until they
        change): column c at x = c, nodes one apart, centred on y = 0."""
        self._drawn_diagram = self._diagram_key()
        sizes = self.layer_sizes()
        top = max(sizes)
        # columns `spread` apart, so that the diagram fills the panel with square units
        box = self.network_axes.get_position()
        figure_width, figure_height = self.figure.get_size_inches()
        ratio = (box.width * figure_width) / (box.height * figure_height)
        spread = max(1.2, ((top + 1.6) * ratio - 1.8) / max(len(sizes) - 1, 1))
        self.positions = [[(c * spread, (n - 1) / 2 - i) for i in range(n)]
                          for c, n in enumerate(sizes)]
        segments = [[self.positions[c][i], self.positions[c + 1][j]]
                    for c in range(len(sizes) - 1)
                    for j in range(sizes[c + 1])
                    for i in range(sizes[c])]
        self.segments = np.array(segments, dtype=float)  # (weights, 2 ends, x and y)
        ax = self.network_axes
        for label in self.layer_labels:
            label.remove()
        names = ["inputs"] + [self._value("activation")] * len(self.hidden_sizes) + ["softmax"]
        self.layer_labels = [ax.text(c * spread, -(top - 1) / 2 - 0.6, f"{name}\n{n}",
                                     ha="center", va="top", fontsize=8)
                             for c, (name, n) in enumerate(zip(names, sizes))]
        self.layer_labels += [ax.text(-0.5, y, FEATURES[f][0], ha="right", va="center",
                                      fontsize=8)
                              for f, (_, y) in zip(self.features, self.positions[0])]
        right = (len(sizes) - 1) * spread
        self.map_extent = (-0.5, right + 0.5, -top / 2, top / 2)
        self.maps_image.set_extent(self.map_extent)
        ax.set_xlim(-1.3, right + 0.5)
        ax.set_ylim(-(top - 1) / 2 - 1.5, top / 2 + 0.1)
        ax.set_title(f"network: {self.net.n_params} weights and biases", fontsize=10)
        self.invalidate_background()

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

    def neuron_outputs(self, points) -> list:
        """[inputs, hidden layer 1, …, output]: each (len(points), neurons) over `points`."""
        values = [self.inputs(points)]
        self.net.forward(values[0])
        values += [layer.a for layer in self.net.layers]
        return values

    def maps_rgba(self) -> np.ndarray:
        """One picture holding every node's small map at its place in the diagram.

        Pixel rows run from the top (y = top/2) down; each node's map is MAP_GRID pixels wide
        and covers ±MAP_HALF around the node; the rest of the picture is transparent.
        """
        sizes, top = self.layer_sizes(), max(self.layer_sizes())
        cell = MAP_GRID + 4  # pixels per unit of the diagram
        width = int(round((self.map_extent[1] - self.map_extent[0]) * cell))
        picture = np.zeros((top * cell, width, 4), np.uint8)
        with np.errstate(over="ignore", invalid="ignore"):
            outputs = self.neuron_outputs(self.map_points)
        for c, (values, column) in enumerate(zip(outputs, self.positions)):
            if c == len(sizes) - 1:  # output k: white where p_k = 0, class k's colour at p_k = 1
                tiles = [1 - values[:, [k]] * (1 - CLASS_RGB[k % 3]) for k in range(len(column))]
            else:
                tiles = [signed_map_rgb(np.nan_to_num(values[:, i])) for i in range(len(column))]
            for (x, y), tile in zip(column, tiles):
                row = int(round((top / 2 - y - 0.5) * cell)) + 2
                col = int(round(x * cell)) + 2
                image = (255 * np.clip(tile, 0, 1)).reshape(MAP_GRID, MAP_GRID, 3)[::-1]
                picture[row:row + MAP_GRID, col:col + MAP_GRID, :3] = image
                picture[row:row + MAP_GRID, col:col + MAP_GRID, 3] = 255
        return picture

    def boundary_rgb(self) -> np.ndarray:
        """The large map: the class colours mixed by the predicted probabilities, lightened; or
        the chosen hidden neuron's output (blue positive, vermillion negative).

        Returned as opaque RGBA bytes (GRID, GRID, 4), the form matplotlib draws without converting.
        """
        choice = self.controls["big_map"].value if hasattr(self, "controls") else "output"
        with np.errstate(over="ignore", invalid="ignore"):
            outputs = self.neuron_outputs(self.grid_points)
        if choice == "output":
            colours = 1.0 - 0.55 * (1.0 - outputs[-1] @ CLASS_RGB[:self.n_classes])
        else:
            layer, unit = (int(part) for part in choice.split("."))
            colours = signed_map_rgb(np.nan_to_num(outputs[layer][:, unit - 1]))
        self._boundary_pixels[..., :3] = (255 * colours).reshape(GRID, GRID, 3)
        return self._boundary_pixels.copy()

    def update_artists(self):
        # the maps depend only on the weights and the big map chosen: a new learning rate, batch
        # size or optimiser redraws the picture without evaluating the network again
        maps_key = (self.weights_version, self.controls["big_map"].value)
        if maps_key != getattr(self, "_maps_key", None):
            self._maps_key = maps_key
            self.boundary_image.set_data(self.boundary_rgb())
            self.maps_image.set_data(self.maps_rgba())
        epochs, losses, test_losses = (self.history[k] for k in ("epoch", "loss", "test_loss"))
        shown = self.loss_axes.get_xlim()[1]
        if epochs and epochs[-1] > shown:
            while shown < epochs[-1]:
                shown *= 2  # the epoch axis doubles when the run outgrows it (a rare full redraw)
            self.loss_axes.set_xlim(0, shown)
            self.invalidate_background()
        self.loss_line.set_data([0] + epochs, [self.initial_loss] + losses)
        self.test_line.set_data(epochs, test_losses)
        widths = self.edge_widths()
        positive = self.edge_weights() >= 0
        for edges, chosen in ((self.positive_edges, positive), (self.negative_edges, ~positive)):
            edges.set_segments(self.segments[chosen])
            edges.set_linewidths(widths[chosen])
        self.readout.value = self.readout_html()

    def on_picture_click(self, x: float, y: float) -> None:
        """A click at (x, y), as fractions of the picture from its top left: a click on a hidden
        neuron's map shows that map large; a click anywhere else in the network, the output."""
        width, height = self.canvas.get_width_height()
        pixel = (x * width, (1 - y) * height)
        if not self.network_axes.bbox.contains(*pixel):
            return
        px, py = self.network_axes.transData.inverted().transform(pixel)
        for layer, column in enumerate(self.positions[1:-1], start=1):
            for unit, (nx, ny) in enumerate(column, start=1):
                if abs(px - nx) <= MAP_HALF + 0.05 and abs(py - ny) <= MAP_HALF + 0.05:
                    self.set_state(big_map=f"{layer}.{unit}")
                    return
        self.set_state(big_map="output")

    def readout_html(self) -> str:
        h = self.history
        inputs = " ".join(FEATURES[f][0] for f in self.features)
        sizes = " → ".join([f"{len(self.features)} inputs ({inputs})"]
                           + [f"{n} {self.controls['activation'].value}" for n in self.hidden_sizes]
                           + [f"{self.n_classes} softmax"])
        lines = [f"<b>epoch {self.epoch}</b> &nbsp; {sizes}"]
        if h["epoch"]:
            lines.append(f"loss: training {format_number(h['loss'][-1], trim=False)}, "
                         f"test {format_number(h['test_loss'][-1], trim=False)} &nbsp; "
                         f"accuracy: training {percent(h['accuracy'][-1])}, "
                         f"test {percent(h['test_accuracy'][-1])}")
        else:
            lines.append(f"loss before training: {format_number(self.initial_loss, trim=False)} "
                         f"(a network that prefers no class scores ln {self.n_classes} = "
                         f"{format_number(np.log(self.n_classes), trim=False)})")
        batch = self.controls["batch_size"].label
        lines.append(f"{self.controls['optimizer'].value}, η = {self.controls['lr'].label}, "
                     f"batch size {batch}, weight penalty {self.controls['penalty'].label}, "
                     f"{self.controls['epochs_per_step'].value} epochs a step; "
                     f"{len(self.y_train)} training and {len(self.y_test)} test points")
        if self.note:
            lines.append(f"<i>{self.note}</i>")
        if self.message:
            lines.append(f'<span style="color:{VERMILLION}"><b>{self.message}</b></span>')
        return '<div style="font-size:14px">' + "<br>".join(lines) + "</div>"

    def picture_description(self) -> str:
        return ("Left: the plane of the two inputs coloured by the class the network predicts, "
                "with the training points; middle: the network, one small map per neuron; "
                "right: the training and test loss per epoch.")

    def accuracy(self) -> float:
        """Accuracy of the current network on the test data."""
        return float(np.mean(self.net.predict_classes(self.inputs(self.X_test)) == self.y_test))



def percent(fraction: float) -> str:
    """0.8667 → "86.7%"."""
    return format_number(100 * fraction, 1, trim=False) + "%"


def _checked_penalty(value) -> str:
    """"none", "L2 0.001", … as the control's value, or a sentence listing the choices."""
    allowed = [choice for _, choice in PENALTIES]
    if value is None:
        return "none"
    if value not in allowed:
        raise CourseError(f"penalty must be one of: {', '.join(map(repr, allowed))}; "
                          f"got {value!r}.")
    return value


def training_playground(dataset="spirals", hidden=(8, 8), activation="tanh", lr=0.03,
                        batch_size=16, optimizer="adam", noise=0.2, epochs_per_step=2, seed=0, *,
                        features=("x1", "x2"), train_share=75, show_test=False, penalty="none",
                        preset=None, lock=False, hide=(), show=None):
    """Train a small network on 2-D data and watch the decision boundary, each neuron's map and
    the losses.

    training_playground(dataset="spirals", hidden=(8, 8), activation="tanh", lr=0.03,
                        batch_size=16, optimizer="adam", features=("x1", "x2"), train_share=75)
    training_playground(preset="xor without hidden layer", lock=True)   # see PRESETS
    app.step() trains one frame (epochs_per_step epochs), app.run(100) trains 100 epochs,
    app.reset() starts again, app.code() writes the call that recreates the current state.
    penalty="L2 0.001" (or "L1 0.0001", …) adds a weight penalty to the loss, the engine's
    nncourse.penalties.
    """
    return TrainingPlayground(dataset, hidden, activation, lr, batch_size, optimizer, noise,
                              epochs_per_step, seed, features=features, train_share=train_share,
                              show_test=show_test, penalty=penalty, preset=preset, lock=lock,
                              hide=hide, show=show)
