"""What every course widget shares: controls, one reused figure, a readout, a state.

An app is a column of controls (sliders, drop-downs), a picture and a readout of the numbers.

- The picture is ONE matplotlib `Figure`, made without pyplot, so nothing leaks into the
  notebook's inline backend. It is rendered to PNG bytes shown in an `ipywidgets.Image` as a
  `data:` URL: no matplotlib widget extension is needed, and the page decodes each new picture
  itself (a blob URL, the Image's default, costs a round trip to the browser's own process:
  about 12 ms of each key press on 2 cores, see benchmarks/browser.py).
- Redrawing is fast because most of the figure never changes: the axes, ticks, labels and static
  curves are drawn once and kept as a background; a change only restores that background and draws
  the few *dynamic* artists (a marker, a path, some bars) on top of it, then encodes the PNG.
- `app.state` reads every control as a plain dict; `app.set_state(w1=0.5, bias=-1)` (or `app.set`)
  changes several at once and redraws once. An instructor prepares a preset this way; a test drives
  the app this way.
- `hide=("bias",)` or `show=("w1", "activation")` keeps a demonstration focused: hidden controls
  still work from code but are not displayed.
"""

from __future__ import annotations

import base64
import html
import re
import struct
import zlib
from contextlib import contextmanager

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from nncourse.errors import CourseError
from nncourse.plots.numbers import format_number
from nncourse.widgets.accessibility import APP_CLASS, ControlNames

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DPI = 80
DECIMALS = 4  # values set from code are rounded to this many decimals

# A control fills its cell of the controls grid (at least CONTROL_MIN_WIDTH): beside the picture
# the controls make one column, above it (a narrow notebook) as many columns as fit.
CONTROL_MIN_WIDTH = 290
CONTROL_STYLE = {"description_width": "104px"}
CONTROL_LAYOUT = {"width": "100%"}
# Learning rates offered by a rate slider: 1, 2, 3 and 5 times each power of ten. A slider of
# choices shows exactly the value used (0.03 stays 0.03), where a log slider rounds its readout.
RATE_MANTISSAS = (1, 2, 3, 5)

def encode_png(canvas) -> bytes:
    """The canvas's pixels as PNG bytes, written directly (faster than a general encoder).

    A PNG file is a signature and three chunks: IHDR (width, height, 8 bits per channel, colour
    type 2 = RGB; the figure is opaque, so no alpha channel), IDAT (every pixel row, each preceded
    by the filter byte 0 = "none", compressed with zlib at its fastest level) and IEND.
    """
    pixels = np.asarray(canvas.buffer_rgba())
    height, width = pixels.shape[:2]
    rows = np.empty((height, width * 3 + 1), dtype=np.uint8)
    rows[:, 0] = 0  # filter type "none" for every row
    rows[:, 1:].reshape(height, width, 3)[...] = pixels[:, :, :3]  # a view: one copy only
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (PNG_SIGNATURE + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(memoryview(rows), 1)) + _png_chunk(b"IEND", b""))


def png_url(png: bytes) -> bytes:
    """PNG bytes as the `data:` URL an `ipywidgets.Image(format="url")` shows."""
    return b"data:image/png;base64," + base64.b64encode(png)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    """length, kind, data, CRC-32 of kind + data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def float_slider(description, value, low, high, step, readout_format=".2f"):
    """A FloatSlider with the course's look and a formatted readout."""
    return widgets.FloatSlider(value=round(float(value), DECIMALS), min=low, max=high, step=step,
                               description=description, readout_format=readout_format,
                               continuous_update=True, style=CONTROL_STYLE, layout=CONTROL_LAYOUT)


def rate_choices(low: float, high: float, also=()) -> list:
    """Learning rates 1, 2, 3, 5 × 10ᵏ from `low` to `high`, with the values in `also` added."""
    rates = {float(f"{m}e{k}") for k in range(-8, 3) for m in RATE_MANTISSAS}
    rates = {r for r in rates if low * (1 - 1e-9) <= r <= high * (1 + 1e-9)}
    return sorted(rates | {float(f"{float(v):.4g}") for v in also})


def choice_slider(description, value, choices):
    """A slider over a few numbers (`value` added if it is not one of them); its readout is
    exactly the value used."""
    value = float(f"{float(value):.4g}")
    options = [(format_number(c, 8), float(c)) for c in sorted(set(map(float, choices)) | {value})]
    return widgets.SelectionSlider(options=options, value=value, description=description,
                                   continuous_update=True, style=CONTROL_STYLE,
                                   layout=CONTROL_LAYOUT)


def rate_slider(description, value, low, high):
    """A slider over the learning rates `rate_choices(low, high)`; its readout is the value used."""
    return choice_slider(description, value, rate_choices(low, high))


def checkbox(description, value):
    """A compact check box named by its own words (one of a group on one line)."""
    return widgets.Checkbox(value=bool(value), description=description, indent=False,
                            layout={"width": "auto", "margin": "0 12px 0 0"})


def dropdown(description, options, value):
    return widgets.Dropdown(options=list(options), value=value, description=description,
                            style=CONTROL_STYLE, layout=CONTROL_LAYOUT)


def button(description, icon="", tooltip=""):
    """A button with a word and an icon; the tooltip says what it does."""
    return widgets.Button(description=description, icon=icon, tooltip=tooltip or description,
                          layout={"width": "auto"})


def play_control(maximum: int, interval: int, tooltip: str) -> widgets.Play:
    """The ▶ / ❚❚ / ■ timer; its icon buttons get names and tooltips from `ControlNames`."""
    return widgets.Play(value=0, min=0, max=maximum, interval=interval, description="play",
                        show_repeat=False, tooltip=tooltip)


class App:
    """Base of the course's widgets. Subclasses build the figure and say how to update it.

    A subclass calls `super().__init__(controls, buttons=…, hide=…, show=…, figsize=…)` once its
    model is ready, and implements:

    - `build(figure)`: make the axes and artists (mark the ones that move with `self.dynamic(...)`);
    - `on_change(changed)`: update the model after the controls named in `changed` moved;
    - `update_artists()`: put the model's numbers into the artists and the readout.
    """

    title = ""

    def __init__(self, controls: dict, *, buttons: dict | None = None, hide=(), show=None,
                 figsize=(7.0, 3.2), dpi: int = DPI):
        self.controls = dict(controls)
        self.buttons = dict(buttons or {})
        self._names = {id(widget): name for name, widget in self.controls.items()}
        self._pending: set | None = None
        self._dynamic: list = []
        self._background = None
        self.png = b""
        self.renders = 0  # how many pictures have been rendered (for tests and benchmarks)
        self.hidden = self._hidden_names(hide, show)

        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self.image = widgets.Image(format="url", layout={"width": f"{int(figsize[0] * dpi)}px"})
        self.readout = widgets.HTML()
        self.build(self.figure)
        self.widget = self._layout()
        for widget in self.controls.values():
            widget.observe(self._control_changed, names="value")
        self.redraw()

    # ------------------------------------------------------------------ to be provided
    def build(self, figure) -> None:
        raise CourseError(f"{type(self).__name__} does not define build().")

    def on_change(self, changed: set) -> None:
        """Update the model after the named controls changed (default: nothing to recompute)."""

    def update_artists(self) -> None:
        raise CourseError(f"{type(self).__name__} does not define update_artists().")

    # ------------------------------------------------------------------ drawing
    def dynamic(self, *artists):
        """Mark artists that change from frame to frame: they are drawn over the kept background."""
        for artist in artists:
            artist.set_animated(True)
            self._dynamic.append(artist)
        return artists[0] if len(artists) == 1 else artists

    def forget_dynamic(self, *artists) -> None:
        for artist in artists:
            if artist in self._dynamic:
                self._dynamic.remove(artist)

    def invalidate_background(self) -> None:
        """The static part changed (new axis limits, a new curve): draw it again on the next
        render."""
        self._background = None

    def draw_png(self) -> bytes:
        """The figure as it stands, as PNG bytes (the background kept when possible)."""
        canvas = self.canvas
        if self._background is None:
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in sorted(self._dynamic, key=lambda a: a.get_zorder()):
            if artist.get_visible():
                (artist.axes or self.figure).draw_artist(artist)
        return encode_png(canvas)

    def render(self) -> bytes:
        """Draw the figure and show it: its PNG bytes become the picture."""
        self.png = self.draw_png()
        self.image.value = png_url(self.png)
        self.renders += 1
        return self.png

    def redraw(self) -> bytes:
        """Update every artist and the readout from the model, then render the picture."""
        self.update_artists()
        return self.render()

    # ------------------------------------------------------------------ state
    @property
    def state(self) -> dict:
        """Every control's current value, numbers rounded.

        {"w1": 0.5, "activation": "sigmoid", …}
        """
        return {name: _plain(widget.value, widget) for name, widget in self.controls.items()}

    def set_state(self, **values) -> App:
        """Set several controls at once (one redraw): app.set_state(w1=0.5, bias=-1.0)."""
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise CourseError(
                f"{type(self).__name__} has no control named {', '.join(map(repr, unknown))}; "
                f"its controls are: {', '.join(self.controls)}."
            )
        with self.batch():
            for name, value in values.items():
                self.controls[name].value = _checked_value(name, self.controls[name], value)
        return self

    set = set_state

    @contextmanager
    def batch(self):
        """Inside `with app.batch():` control changes are collected and applied once at the end.

        Controls that `on_change` itself moves (a new landscape resets the learning rate) are
        collected too and handed to `on_change` in turn; the picture is redrawn once, at the end.
        """
        if self._pending is not None:  # already batching
            yield
            return
        self._pending = set()
        try:
            yield
        finally:
            changed, self._pending = self._pending, set()
            moved = bool(changed)
            try:
                while changed:
                    self.on_change(changed)
                    changed, self._pending = self._pending, set()
            finally:
                self._pending = None
            if moved:
                self.redraw()

    def _control_changed(self, change) -> None:
        name = self._names[id(change["owner"])]
        if self._pending is not None:
            self._pending.add(name)
            return
        with self.batch():
            self._pending.add(name)

    # ------------------------------------------------------------------ display
    def _hidden_names(self, hide, show) -> set:
        every = set(self.controls) | set(self.buttons)
        asked = set([hide] if isinstance(hide, str) else hide or ())
        if show is not None:
            show = set([show] if isinstance(show, str) else show)
            asked |= every - show
            asked_unknown = show - every
        else:
            asked_unknown = set()
        asked_unknown |= asked - every
        if asked_unknown:
            raise CourseError(
                f"{type(self).__name__} has no control named "
                f"{', '.join(sorted(map(repr, asked_unknown)))}; "
                f"its controls are: {', '.join(list(self.controls) + list(self.buttons))}."
            )
        return asked

    @property
    def visible_controls(self) -> list:
        """Names of the controls and buttons on display (in order)."""
        return [name for name in list(self.controls) + list(self.buttons)
                if name not in self.hidden]

    # Checkboxes shown together on one line under a title: {"show": ("sigmoid", "tanh")}.
    control_groups: dict = {}
    # Names of the Play widget's icon buttons (see `ControlNames`); an app may say more.
    icon_names = {"play": "play", "pause": "pause", "stop": "stop: back to the start",
                  "retweet": "repeat"}

    def _layout(self):
        """Controls (buttons first) beside the picture and its readout, or above them when the
        notebook is too narrow for both: the picture never sits below a column of controls."""
        actions = [widget for name, widget in self.controls.items()
                   if isinstance(widget, widgets.Play) and name not in self.hidden]
        actions += [widget for name, widget in self.buttons.items() if name not in self.hidden]
        grouped = {name for names in self.control_groups.values() for name in names}
        column = [widget for name, widget in self.controls.items()
                  if not isinstance(widget, widgets.Play) and name not in self.hidden
                  and name not in grouped]
        for title, names in self.control_groups.items():
            members = [self.controls[name] for name in names if name not in self.hidden]
            if members:
                column.append(widgets.HBox(
                    [widgets.Label(title, layout={"width": CONTROL_STYLE["description_width"]})]
                    + members, layout={"flex_flow": "row wrap", "grid_column": "1 / -1"}))
        panel = []
        if actions:
            panel.append(widgets.HBox(actions, layout={"flex_flow": "row wrap"}))
        if column:
            panel.append(widgets.GridBox(column, layout={
                "grid_template_columns": f"repeat(auto-fill, minmax({CONTROL_MIN_WIDTH}px, 1fr))",
                "grid_gap": "0px 12px"}))
        width = self.canvas.get_width_height()[0]
        picture = widgets.VBox([self.image, self.readout],
                               layout={"flex": f"0 1 {width}px", "min_width": "0"})
        picture.add_class("nncourse-picture")
        self.control_names = ControlNames(icon_names=dict(self.icon_names))
        self.control_names.observe(self._picture_clicked, names="click")
        parts = [widgets.VBox(panel, layout={"flex": f"1 1 {CONTROL_MIN_WIDTH + 10}px"})] if panel \
            else []
        root = widgets.Box(parts + [picture, self.control_names],
                           layout={"flex_flow": "row wrap", "width": "100%"})
        root.add_class(APP_CLASS)
        return root

    def displayed_widgets(self) -> list:
        """Every widget inside the displayed layout (to check what a learner sees)."""
        found, todo = [], [self.widget]
        while todo:
            widget = todo.pop()
            found.append(widget)
            todo.extend(getattr(widget, "children", ()))
        return found

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, plus a PNG of the picture and a text description of it.

        JupyterLab with a running kernel shows the widget; a notebook viewer without a kernel
        (nbviewer, GitHub, a static site) shows the picture, and a screen reader or a terminal
        reads the text.
        """
        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["image/png"] = base64.b64encode(self.png).decode("ascii")
        bundle["text/plain"] = self.description()
        width, height = self.canvas.get_width_height()
        return bundle, {"image/png": {"width": width, "height": height}}

    def description(self) -> str:
        """The app in words: what it shows, its controls' values and its readout as text."""
        controls = ", ".join(f"{widget.description or name} = {_spoken(widget)}"
                             for name, widget in self.controls.items()
                             if name not in self.hidden and not isinstance(widget, widgets.Play))
        lines = [f"{self.title} (an interactive figure: run the cell to use its controls).",
                 self.picture_description()]
        if controls:
            lines.append(f"Controls: {controls}.")
        readout = _html_to_text(self.readout.value)
        if readout:
            lines.append(readout)
        return "\n".join(line for line in lines if line)

    def _picture_clicked(self, change) -> None:
        if len(change["new"]) >= 2:
            self.on_picture_click(float(change["new"][0]), float(change["new"][1]))

    def on_picture_click(self, x: float, y: float) -> None:
        """A click on the picture at (x, y), fractions of its width and height from the top left
        (an app that answers clicks overrides this)."""

    def picture_description(self) -> str:
        """What the picture shows (an app says more by overriding this)."""
        return ""

    def __repr__(self):
        values = ", ".join(f"{k}={v!r}" for k, v in self.state.items())
        return f"{type(self).__name__}({values})"


def _is_number_choice(widget) -> bool:
    return all(isinstance(option[1], float) for option in widget.options)


def _add_choice(name, widget, value) -> float:
    """A number within the slider's range; one not offered yet becomes a choice."""
    try:
        rate = float(f"{float(value):.4g}")
    except (TypeError, ValueError):
        raise CourseError(f"{name} must be a number; got {value!r}.") from None
    rates = [option[1] for option in widget.options]
    low, high = min(rates), max(rates)
    if not low * (1 - 1e-9) <= rate <= high * (1 + 1e-9):
        raise CourseError(f"{name} = {rate:g} is outside its range {low:g} … {high:g}.")
    if rate not in rates:
        current = widget.value
        widget.options = [(format_number(r, 8), r) for r in sorted(set(rates) | {rate})]
        widget.value = current
    return rate


def _plain(value, widget=None):
    """A control's value as plain Python, floats rounded: 0.30000000000000004 → 0.3.

    A logarithmic slider keeps four significant digits instead (0.000123 stays 0.000123).
    """
    if isinstance(value, float):
        if isinstance(widget, widgets.FloatLogSlider):
            return float(f"{value:.4g}")
        return round(value, DECIMALS)
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value


def _checked_value(name, widget, value):
    """`value` made fit for `widget`, or a CourseError that says what the control accepts."""
    if isinstance(widget, widgets.SelectionSlider) and _is_number_choice(widget):
        return _add_choice(name, widget, value)
    options = getattr(widget, "options", None)
    if options is not None:
        allowed = [o[1] if isinstance(o, tuple) else o for o in options]
        values = value if isinstance(widget, widgets.SelectMultiple) else [value]
        bad = [v for v in values if v not in allowed]
        if bad:
            raise CourseError(f"{name} cannot be {bad[0]!r}; choose from: "
                              f"{', '.join(map(str, allowed))}.")
        return tuple(values) if isinstance(widget, widgets.SelectMultiple) else value
    if isinstance(widget, (widgets.FloatSlider, widgets.FloatLogSlider, widgets.IntSlider,
                           widgets.Play, widgets.BoundedFloatText, widgets.BoundedIntText)):
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise CourseError(f"{name} must be a number; got {value!r}.") from None
        low, high = widget.min, widget.max
        if isinstance(widget, widgets.FloatLogSlider):
            low, high = widget.base ** low, widget.base ** high
        if not low - 1e-12 <= number <= high + 1e-12:
            raise CourseError(f"{name} = {number:g} is outside its range {low:g} … {high:g}.")
        if isinstance(widget, (widgets.IntSlider, widgets.Play, widgets.BoundedIntText)):
            if number != int(number):
                raise CourseError(f"{name} must be a whole number; got {value!r}.")
            return int(number)
        if isinstance(widget, widgets.FloatLogSlider):
            return float(f"{number:.4g}")
        return round(number, DECIMALS)
    if isinstance(widget, widgets.Text) and isinstance(value, (tuple, list)):
        return ", ".join(str(v) for v in value)  # hidden=(8, 8) → "8, 8"
    return value


def _spoken(widget) -> str:
    value = widget.value
    if isinstance(widget, widgets.SelectionSlider):
        return widget.label
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, tuple):
        return ", ".join(map(str, value)) or "none"
    return str(value)


def _html_to_text(markup: str) -> str:
    """A readout's HTML as plain lines: table rows on lines of their own, cells apart."""
    text = re.sub(r"<br\s*/?>|</tr>|</div>|</p>|<table|</table>", "\n\\g<0>", markup or "")
    text = re.sub(r"</t[dh]>", "  ", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)
