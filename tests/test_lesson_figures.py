"""Every figure stored in a lesson is readable in a notebook about 1000 px wide.

JupyterLab shows a picture wider than the notebook scaled down to fit, and its text shrinks with
it: a 1600 px figure shown 1000 px wide has its 11 pt labels (15 px at the course's 100 dpi) at
under 10 px, and the 7.5 pt numbers of a graph drawing at 6 px. A stored PNG may therefore be at
most MAX_WIDTH_PX wide, so that nothing is shown scaled down by more than about 10 %: at the
course's 100 dpi a figure stays within ~10 inches (or splits a wide row of panels into two rows).
"""

from __future__ import annotations

import base64
import json
import struct
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# the lessons and the solutions (an exercise notebook runs the same cells: the same figures)
NOTEBOOKS = [*sorted((ROOT / "lessons").glob("*.ipynb")),
             *sorted((ROOT / "solutions").glob("*.ipynb"))]
MAX_WIDTH_PX = 1100
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels, read from a PNG's header (its first chunk, IHDR)."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG picture")
    return struct.unpack(">II", data[16:24])


def stored_pngs(notebook: dict):
    """(cell id, width, height) of every PNG output stored in a notebook."""
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                text = "".join(png) if isinstance(png, list) else png
                yield (cell.get("id"), *png_size(base64.b64decode(text)))


def too_wide(notebook: dict, limit: int = MAX_WIDTH_PX) -> list[str]:
    """One line for each stored PNG of `notebook` wider than `limit` pixels."""
    return [f"cell {cell_id}: {width} × {height} px, shown at {1000 / width:.0%} in 1000 px"
            for cell_id, width, height in stored_pngs(notebook) if width > limit]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_stored_figure_fits_a_notebook_1000_px_wide(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    problems = too_wide(notebook)
    assert not problems, (f"{path.name}: figures wider than {MAX_WIDTH_PX} px (at most ~10 in "
                          "at 100 dpi, or split the panels into rows):\n" + "\n".join(problems))


def test_the_check_reads_png_headers_and_finds_a_wide_figure():
    from matplotlib.figure import Figure

    def notebook_with(figure):
        from io import BytesIO

        buffer = BytesIO()
        figure.savefig(buffer, format="png", dpi=100)
        png = base64.b64encode(buffer.getvalue()).decode()
        return {"cells": [{"id": "wide", "outputs": [{"data": {"image/png": png}}]}]}

    wide = notebook_with(Figure(figsize=(16, 4)))
    assert list(stored_pngs(wide)) == [("wide", 1600, 400)]
    assert too_wide(wide) == ["cell wide: 1600 × 400 px, shown at 62% in 1000 px"]
    assert too_wide(notebook_with(Figure(figsize=(10, 4)))) == []
    with pytest.raises(ValueError, match="not a PNG"):
        png_size(b"GIF89a" + bytes(30))
