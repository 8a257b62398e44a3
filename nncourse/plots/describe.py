"""A text alternative for every matplotlib figure, generated from what it plots.

A screen reader cannot read a picture; it can read what the picture shows. `describe_figure(fig)`
writes, panel by panel: the title, each axis's label and range, every labelled line with the range
of its values, the point sets with their sizes, and the colour maps with their range:

    Figure with 2 panels.
    Panel 1, "Activation a = f(z)": x (weighted sum z) from −5 to 5; y (activation a) from
    −0.35 to 5.3. Lines: sigmoid, y from 0.0067 to 0.993; tanh, y from −1 to 1; …

Imported with `nncourse.plots`, `register_text_alternative()` makes this text what a notebook
stores as the figure's plain-text form, next to its PNG (instead of "<Figure size 640x480 with
2 Axes>"), so that every figure of the lessons carries its description.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

from nncourse.plots.numbers import format_number


def _n(value) -> str:
    return format_number(float(value), 3)


def _range(values) -> str:
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return "no values"
    low, high = values.min(), values.max()
    return _n(low) if low == high else f"from {_n(low)} to {_n(high)}"


def _axis(name, label, limits) -> str:
    label = f" ({label})" if label else ""
    return f"{name}{label} from {_n(limits[0])} to {_n(limits[1])}"


def describe_axes(ax) -> str:
    """One panel in words: title, axes, lines, point sets and images."""
    parts = []
    if ax.name == "3d":
        parts.append("a 3-D surface; " + _axis("x", ax.get_xlabel(), ax.get_xlim()) + "; "
                     + _axis("y", ax.get_ylabel(), ax.get_ylim()) + "; "
                     + _axis("z", ax.get_zlabel(), ax.get_zlim()))
    elif ax.axison:
        parts.append(_axis("x", ax.get_xlabel(), ax.get_xlim()) + "; "
                     + _axis("y", ax.get_ylabel(), ax.get_ylim()))
    lines = []
    for k, line in enumerate(ax.get_lines(), start=1):
        label = line.get_label()
        y = np.asarray(line.get_ydata(orig=False), dtype=float).ravel()
        if label.startswith("_") or y.size < 2 or not line.get_visible():
            continue
        lines.append(f"{label}, y {_range(y)}")
    if lines:
        parts.append("Lines: " + "; ".join(lines))
    points = []
    for collection in ax.collections:
        if isinstance(collection, PathCollection) and collection.get_visible():
            n = len(collection.get_offsets())
            label = collection.get_label()
            name = label if label and not label.startswith("_") else "points"
            points.append(f"{name} ({n})")
    if points:
        parts.append("Points: " + ", ".join(points))
    for image in ax.get_images():
        if isinstance(image, AxesImage) and image.get_array() is not None:
            data = np.asarray(image.get_array(), dtype=float)
            if data.ndim == 2:
                parts.append(f"a coloured map of values {_range(data)}")
            else:
                parts.append("a coloured map")
    texts = [t.get_text().replace("\n", " ") for t in ax.texts if t.get_text().strip()]
    if texts and len(texts) <= 40:
        parts.append("Labels: " + ", ".join(texts))
    title = ax.get_title().replace("\n", " ")
    head = f'"{title}"' if title else "untitled"
    return f"{head}: " + ". ".join(parts) + "."


def describe_figure(figure: Figure) -> str:
    """The figure in words, panel by panel (colour bars are described with their panel)."""
    panels = [ax for ax in figure.axes if ax.get_label() != "<colorbar>"]
    title = figure._suptitle.get_text() if figure._suptitle is not None else ""
    lines = [f"Figure with {len(panels)} panel{'s' if len(panels) != 1 else ''}"
             + (f', "{title}"' if title else "") + "."]
    for k, ax in enumerate(panels, start=1):
        lines.append(f"Panel {k}, {describe_axes(ax)}")
    return "\n".join(lines)


def register_text_alternative() -> bool:
    """Make `describe_figure` a figure's plain-text form in the running IPython (if any)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    # Starting, the notebook's inline backend drops every printer registered for Figure (it
    # starts when pyplot makes its first figure): start it now, then register.
    if getattr(shell, "kernel", None) is not None:
        try:
            import matplotlib_inline.backend_inline  # noqa: F401
        except ImportError:
            pass
    from nncourse.plots.style import CourseFigure

    formatter = shell.display_formatter.formatters["text/plain"]
    for kind in (Figure, CourseFigure):  # CourseFigure has a __repr__ of its own: name it too
        formatter.for_type(kind, lambda figure, printer, cycle: printer.text(
            describe_figure(figure)))
    return True
