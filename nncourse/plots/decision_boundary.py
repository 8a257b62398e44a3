"""What a model decides at every point of a 2-D plane.

A grid of points covering the data is passed through the network in one batch (the engine's own
forward pass). The image behind the data shows, at each grid point:

- for the output (`neuron=None`): the predicted class (`values="class"`), or for a single output
  the output value itself (`values="output"`, e.g. the probability of class 1 of a sigmoid),
  shaded from class 0's colour (output 0) through white to class 1's colour (output 1), the
  colours of the points;
- for one hidden neuron (`neuron=(layer, index)`): that neuron's activation a. Its own boundary,
  where its weighted sum z crosses 0, is drawn as a black line: for a neuron of the first layer it
  is the straight line w₁x₁ + w₂x₂ + b = 0; deeper neurons bend it.

The data points are drawn on top, one marker shape and colour per class.

Drawing does not disturb the network's trace: the values of the last forward/backward pass that a
lesson may be showing are put back after the grid has been evaluated.
"""

from __future__ import annotations

import contextlib

import numpy as np
from matplotlib.colors import BoundaryNorm, LinearSegmentedColormap, ListedColormap

from nncourse.errors import CourseError
from nncourse.plots.style import MARKERS, PALETTE, figure_and_axes, styled

ACTIVATION_CMAP = "PuOr"  # a hidden neuron's activation: differs from the class colours
# a single output (the probability of class 1): class 0's colour, white at 0.5, class 1's colour
OUTPUT_CMAP = LinearSegmentedColormap.from_list("class0_to_class1",
                                                [PALETTE[0], "#ffffff", PALETTE[1]])
CACHED = ("X", "z", "a", "da", "dz", "dW", "db")


@contextlib.contextmanager
def preserved_trace(net):
    """Run forward passes inside the block without losing the values cached by the last pass."""
    saved = [{name: getattr(layer, name) for name in CACHED} for layer in net.layers]
    trace = (net.trace.loss, net.trace.output_rule)
    try:
        yield net
    finally:
        for layer, values in zip(net.layers, saved):
            for name, value in values.items():
                setattr(layer, name, value)
        net.trace.reset(net.layers[0].X)  # the trace's input is the first layer's cached input
        net.trace.loss, net.trace.output_rule = trace


def plane_grid(X, resolution: int = 200, padding: float = 0.5, limits=None):
    """(xx, yy): a resolution × resolution grid covering the 2-D data X with a margin."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise CourseError(f"A decision boundary needs 2-D data, shape (n, 2); got shape {X.shape}.")
    if limits is None:
        (x0, y0), (x1, y1) = X.min(axis=0) - padding, X.max(axis=0) + padding
    else:
        (x0, x1), (y0, y1) = limits
    xs = np.linspace(x0, x1, int(resolution))
    ys = np.linspace(y0, y1, int(resolution))
    return np.meshgrid(xs, ys)


def grid_values(net, xx, yy, neuron=None, values="class"):
    """What the image shows at every grid point, and the z of a chosen hidden neuron (or None).

    Returns (image, z) with the grid's shape. Every number comes from the engine's forward pass.
    """
    if net.n_inputs != 2:
        raise CourseError(f"The network takes {net.n_inputs} inputs; a decision boundary in the "
                          "plane needs 2.")
    points = np.column_stack([xx.ravel(), yy.ravel()])
    with preserved_trace(net):
        output = net.forward(points)
        if neuron is not None:
            layer_key, index = neuron
            layer = net.layer(layer_key)
            if not 0 <= index < layer.n_neurons:
                raise CourseError(f"{layer.name} has neurons 0 … {layer.n_neurons - 1}; "
                                  f"got {index}.")
            return layer.a[:, index].reshape(xx.shape), layer.z[:, index].reshape(xx.shape)
        if values == "class":
            return net.predict_classes(points).reshape(xx.shape).astype(float), None
        if values == "output":
            if output.shape[1] != 1:
                raise CourseError('values="output" needs a network with one output; '
                                  'use values="class".')
            return output[:, 0].reshape(xx.shape), None
    raise CourseError(f'values must be "class" or "output"; got {values!r}.')


def class_colormap(n_classes: int):
    """A listed colour map with one light Okabe-Ito tint per class, and its boundaries."""
    colours = PALETTE[:max(n_classes, 2)]
    cmap = ListedColormap(colours)
    norm = BoundaryNorm(np.arange(len(colours) + 1) - 0.5, len(colours))
    return cmap, norm


class DecisionBoundary:
    """The artists of a decision-boundary plot, drawn for the model's weights as they are (draw
    again after more training).

    Attributes: `figure`, `ax`, `image` (AxesImage whose data is the grid's values), `contour`
    (boundary lines), `scatters` (one per class), `xx`, `yy`, `values_grid`.
    """

    def __init__(self, net, X, y, ax, *, neuron=None, values="class", resolution=200, padding=0.5,
                 limits=None):
        self.net, self.ax, self.figure = net, ax, ax.figure
        self.neuron, self.values = neuron, values
        X = np.asarray(X, dtype=float)
        self.xx, self.yy = plane_grid(X, resolution, padding, limits)
        self.extent = (self.xx[0, 0], self.xx[0, -1], self.yy[0, 0], self.yy[-1, 0])
        labels = np.zeros(len(X), dtype=int) if y is None else np.asarray(y).astype(int).reshape(-1)
        n_out = net.n_outputs
        self.n_classes = int(max(labels.max() + 1, 2 if n_out == 1 else n_out))
        self.contour = None
        self.image = ax.imshow(np.zeros_like(self.xx), origin="lower", extent=self.extent,
                               aspect="auto", interpolation="nearest", alpha=0.45, zorder=0)
        self._style_image()
        self.scatters = []
        for k in range(self.n_classes):
            mask = labels == k
            self.scatters.append(ax.scatter(X[mask, 0], X[mask, 1], s=36,
                                            color=PALETTE[k % len(PALETTE)],
                                            marker=MARKERS[k % len(MARKERS)], edgecolors="black",
                                            linewidths=0.7, label=f"class {k}", zorder=3))
        self.colorbar = None
        if neuron is not None or values == "output":
            label = "activation a of the neuron" if neuron is not None else "network output"
            self.colorbar = self.figure.colorbar(self.image, ax=ax, shrink=0.8, label=label)
        ax.set_xlim(self.extent[0], self.extent[1])
        ax.set_ylim(self.extent[2], self.extent[3])
        ax.set_xlabel("feature x₁")
        ax.set_ylabel("feature x₂")
        ax.grid(False)
        self._draw_values()
        self._set_title()

    def _style_image(self):
        if self.neuron is None and self.values == "class":
            cmap, norm = class_colormap(self.n_classes)
            self.image.set_cmap(cmap)
            self.image.set_norm(norm)
        else:
            self.image.set_cmap(ACTIVATION_CMAP if self.neuron is not None else OUTPUT_CMAP)
            self.image.set_alpha(0.6)

    def _draw_values(self):
        """The grid's image and the boundary line, from the model's predictions."""
        image, z = grid_values(self.net, self.xx, self.yy, self.neuron, self.values)
        self.values_grid = image
        self.image.set_data(image)
        if not (self.neuron is None and self.values == "class"):
            low, high = float(image.min()), float(image.max())
            if self.neuron is None and self.net.layers[-1].activation.name == "sigmoid":
                low, high = 0.0, 1.0
            elif high - low < 1e-12:
                low, high = low - 0.5, high + 0.5
            self.image.set_clim(low, high)
        self._draw_boundary(image, z)

    def _draw_boundary(self, image, z):
        if z is not None:
            field, levels = z, [0.0]
        elif self.values == "output":
            threshold = 0.5 if self.net.layers[-1].activation.name == "sigmoid" else 0.0
            field, levels = image, [threshold]
        else:
            field, levels = image, np.arange(self.n_classes - 1) + 0.5
        if np.nanmin(field) < max(levels) and np.nanmax(field) > min(levels):
            self.contour = self.ax.contour(self.xx, self.yy, field, levels=levels, colors="black",
                                           linewidths=2.0, zorder=2)

    def _set_title(self):
        if self.neuron is None:
            what = "predicted class" if self.values == "class" else "network output"
            self.ax.set_title(f"Decision boundary of {self.net.name} ({what})")
        else:
            layer = self.net.layer(self.neuron[0])
            self.ax.set_title(f"Neuron {self.neuron[1]} of {layer.name}: activation, "
                              "line where z = 0")
        self.ax.legend(loc="upper right", framealpha=0.9)


@styled
def draw_decision_boundary(model, X, y=None, ax=None, *, neuron=None, values="class",
                           resolution: int = 200, padding: float = 0.5,
                           limits=None) -> DecisionBoundary:
    """Draw what `model` predicts over the plane of the 2-D data X; returns the artists.

    neuron: None for the output, or (layer name or index, neuron index) for one hidden neuron.
    values: "class" (predicted class) or "output" (the value of a single output).
    limits: ((x_min, x_max), (y_min, y_max)) to fix the window instead of fitting it to X.
    """
    fig, ax = figure_and_axes(ax, (6.8, 5.6))
    return DecisionBoundary(model, X, y, ax, neuron=neuron, values=values, resolution=resolution,
                            padding=padding, limits=limits)


def plot_decision_boundary(model, X, y=None, ax=None, **options):
    """The decision-boundary plot as a Figure; options as for `draw_decision_boundary`."""
    return draw_decision_boundary(model, X, y, ax, **options).figure
