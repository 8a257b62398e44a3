"""The look shared by every figure of the course.

- Colours come from the Okabe-Ito palette, which stays distinguishable with the common kinds of
  colour blindness; every colour is paired with a line style and a marker, so that a series can
  also be told apart in black and white or on a projector that washes colours out.
- Weights are coloured with a diverging map (blue for positive, red for negative, pale near zero),
  and their sign is also shown by the line style: solid for positive, dashed for negative.
- Fonts are large enough to read when projected, and figures have an opaque white background, so
  that they stay legible on JupyterLab's dark theme.

Figures are made without pyplot (`CourseFigure`, a matplotlib Figure that knows how to show itself
as a PNG picture): a figure is shown once, when it is the last value of a notebook cell or passed
to `display`, and nothing piles up in pyplot's list of open figures when a widget redraws hundreds
of times.
"""

from __future__ import annotations

import contextlib
import functools
import io

import matplotlib
from matplotlib.figure import Figure

from nncourse.errors import CourseError

# Okabe-Ito: blue, vermillion, bluish green, orange, reddish purple, sky blue, yellow, black.
BLUE, VERMILLION, GREEN, ORANGE = "#0072B2", "#D55E00", "#009E73", "#E69F00"
PURPLE, SKY, YELLOW, BLACK = "#CC79A7", "#56B4E9", "#F0E442", "#000000"
GREY = "#7f7f7f"
PALETTE = [BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY, YELLOW, BLACK]
LINE_STYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)), "-", "--"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]

# Diverging map for signed quantities (weights, gradients): red negative, white zero, blue positive.
DIVERGING_CMAP = "RdBu"
# Sequential map for magnitudes (loss values): perceptually uniform and colour-blind safe.
SEQUENTIAL_CMAP = "viridis"
POSITIVE_STYLE = "-"
NEGATIVE_STYLE = "--"
# Weight signs drawn as single lines: blue solid for positive, vermillion dashed for negative.
POSITIVE, NEGATIVE = BLUE, VERMILLION
# Class colours of the classification figures and the playground: class 0 blue (circles), class 1
# orange (squares), class 2 green (triangles); a probability map mixes the same colours.
CLASS_COLOURS = [BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION]

FIGURE_FACECOLOR = "white"
COURSE_RC = {
    "figure.facecolor": FIGURE_FACECOLOR,
    "axes.facecolor": "white",
    "savefig.facecolor": FIGURE_FACECOLOR,
    "font.size": 12,
    "axes.titlesize": 14,
    "axes.labelsize": 13,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "figure.titlesize": 15,
    "lines.linewidth": 2.2,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
}


PNG_DPI = 100


class CourseFigure(Figure):
    """A matplotlib Figure that a notebook shows as a PNG picture, without going through pyplot."""

    def _repr_png_(self):
        buffer = io.BytesIO()
        # one render: the layout is already "constrained", so bbox_inches="tight" (a second
        # render) is not needed
        self.savefig(buffer, format="png", dpi=PNG_DPI, facecolor=FIGURE_FACECOLOR)
        return buffer.getvalue()

    def __repr__(self):
        # <Figure size … with n Axes>
        return super().__repr__().replace(type(self).__name__, "Figure", 1)


def series_style(i: int) -> dict:
    """Colour, line style and marker of the i-th series: three cues, not one."""
    return {"color": PALETTE[i % len(PALETTE)], "linestyle": LINE_STYLES[i % len(LINE_STYLES)],
            "marker": MARKERS[i % len(MARKERS)]}


def activation_style(name: str) -> dict:
    """The style of one activation's curve, the same in every figure and widget of the course.

    Keyed by the activation's place in the engine's registry (identity, the reference line, last),
    so "relu" has one colour whether it is drawn alone, with sigmoid and tanh, or in the activation
    explorer: sigmoid blue, tanh vermillion, relu green, leaky_relu orange, …
    """
    from nncourse.activations import ACTIVATIONS, get_activation

    canonical = dict.fromkeys(get_activation(key).name for key in ACTIVATIONS)
    names = [n for n in canonical if n not in ("softmax", "identity")] + ["identity"]
    name = get_activation(name).name
    return series_style(names.index(name) if name in names else len(names))


def sign_colour(value: float) -> str:
    """Colour for a signed quantity: blue when ≥ 0, vermillion when negative."""
    return POSITIVE if value >= 0 else NEGATIVE


def sign_style(value: float) -> str:
    """Line style for a signed quantity: solid when ≥ 0, dashed when negative."""
    return POSITIVE_STYLE if value >= 0 else NEGATIVE_STYLE


@contextlib.contextmanager
def course_style():
    """Apply the course's font sizes, colours and white background inside a `with` block."""
    with matplotlib.rc_context(COURSE_RC):
        yield


def styled(function):
    """Decorator: run a drawing function inside `course_style()`."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with course_style():
            return function(*args, **kwargs)
    return wrapper


def new_figure(figsize=(7.0, 5.0), *, nrows: int = 1, ncols: int = 1, projection=None, **kwargs):
    """A Figure outside pyplot with `nrows × ncols` axes; returns (figure, axes)."""
    fig = CourseFigure(figsize=figsize, layout="constrained", facecolor=FIGURE_FACECOLOR)
    subplot_kw = {"projection": projection} if projection else None
    axes = fig.subplots(nrows, ncols, subplot_kw=subplot_kw, squeeze=True, **kwargs)
    return fig, axes


def figure_and_axes(ax=None, figsize=(7.0, 5.0), projection=None):
    """Use the given Axes, or make a new figure with one Axes; returns (figure, axes)."""
    if ax is None:
        return new_figure(figsize, projection=projection)
    if projection == "3d" and getattr(ax, "name", "") != "3d":
        raise CourseError("A 3-D surface needs a 3-D Axes: "
                          "make it with fig.add_subplot(projection='3d').")
    return ax.figure, ax
