"""Labels drawn once and then pasted: for an app whose labels come back from frame to frame.

matplotlib lays a text out and rasterises it glyph by glyph at every draw: about 2–3 ms a line
at the apps' 80 dpi on 2 cores, the largest part of the SGD stepper's frame. Its values under
the neurons change one at a time, so most of a frame's labels were already drawn in an earlier
one. A `PastedText` keeps the picture of every text it has shown (an RGBA array, drawn once on
a transparent scratch figure and cut to its ink) and pastes it pixel for pixel with the renderer's
`draw_image`, which costs a few hundredths of a millisecond. It stands where a Text artist would:
`set_text`, `get_text`, one anchor point.
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from nncourse.errors import CourseError

SCRATCH_PIXELS = (240, 120)  # width, height: room for four lines of a short label


class Picture(Artist):
    """RGBA pixels drawn unscaled with their lower left corner at display pixel (x, y); row 0 is
    the bottom row, as the renderer takes them."""

    def __init__(self, zorder: float):
        super().__init__()
        self.rgba, self.x, self.y = None, 0, 0
        self.set_zorder(zorder)

    def draw(self, renderer) -> None:
        if self.rgba is None or not self.get_visible():
            return
        gc = renderer.new_gc()
        renderer.draw_image(gc, self.x, self.y, self.rgba)
        gc.restore()


class PastedText:
    """A label at `xy` (data coordinates of `ax`), its top centre there, shown as a pasted
    picture. Mark `.image` as a dynamic artist of the app."""

    def __init__(self, ax, xy, *, fontsize: float, color="#111111", zorder: float = 5):
        self.ax, self.xy = ax, xy
        self.figure = ax.figure
        self.text = ""
        self._pictures: dict[str, tuple] = {}  # text → (pixels, columns left of the anchor,
        #                                          rows above the anchor)
        width, height = SCRATCH_PIXELS
        dpi = self.figure.dpi
        self._scratch = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
        self._scratch.patch.set_alpha(0.0)
        self._scratch_canvas = FigureCanvasAgg(self._scratch)
        self._label = self._scratch.text(0.5, 1.0, "", ha="center", va="top",
                                         fontsize=fontsize, color=color)
        self.image = self.figure.add_artist(Picture(zorder))
        self.image.set_visible(False)

    def get_text(self) -> str:
        return self.text

    def set_text(self, text: str) -> None:
        """Show `text`: its picture is drawn the first time, and kept."""
        self.text = text
        if not text:
            self.image.set_visible(False)
            return
        if text not in self._pictures:
            self._pictures[text] = self._draw(text)
        pixels, left, above = self._pictures[text]
        x, y = self.ax.transData.transform(self.xy)  # pixels from the figure's lower left
        self.image.rgba = pixels
        self.image.x, self.image.y = round(x) - left, round(y) + above - pixels.shape[0]
        self.image.set_visible(True)

    def _draw(self, text: str) -> tuple:
        """The label's pixels cut to its ink, and where its anchor (the scratch figure's top
        centre) lies relative to them."""
        self._label.set_text(text)
        self._scratch_canvas.draw()
        box = self._label.get_window_extent(self._scratch_canvas.get_renderer())
        if box.width > SCRATCH_PIXELS[0] or box.height > SCRATCH_PIXELS[1]:
            raise CourseError(f"The label {text!r} is larger than {SCRATCH_PIXELS} pixels; "
                              "shorten it or write it as a Text artist.")
        pixels = np.asarray(self._scratch_canvas.buffer_rgba())
        rows = np.flatnonzero(pixels[:, :, 3].any(axis=1))
        columns = np.flatnonzero(pixels[:, :, 3].any(axis=0))
        top, bottom, first, last = rows[0], rows[-1] + 1, columns[0], columns[-1] + 1
        return (np.ascontiguousarray(pixels[top:bottom, first:last][::-1]),  # bottom row first
                SCRATCH_PIXELS[0] // 2 - first, -top)
