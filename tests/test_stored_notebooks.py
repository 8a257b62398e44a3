"""What a stored notebook keeps of its outputs: nothing that only renders with a live kernel."""

from pathlib import Path

import nbformat
import pytest

from nncourse.notebooks import WIDGET_VIEW, strip_volatile_metadata

ROOT = Path(__file__).resolve().parent.parent
STORED = sorted((ROOT / "lessons").glob("*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb"))


def notebook_with(data: dict):
    cell = nbformat.v4.new_code_cell("app()")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
    cell.metadata["execution"] = {"iopub.execute_input": "2026-12-01T20:00:00Z"}
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    return notebook


def test_a_widget_view_with_a_picture_keeps_only_the_picture_and_its_text():
    view = {"model_id": "abc", "version_major": 2, "version_minor": 0}
    notebook = notebook_with({WIDGET_VIEW: view, "image/png": "iVBOR", "text/plain": "A neuron"})
    strip_volatile_metadata(notebook)
    output = notebook.cells[0].outputs[0]
    assert set(output.data) == {"image/png", "text/plain"}
    assert "widgets" not in notebook.metadata
    assert "execution" not in notebook.cells[0].metadata


def test_a_widget_view_with_nothing_else_is_left_alone():
    view = {"model_id": "abc", "version_major": 2, "version_minor": 0}
    notebook = notebook_with({WIDGET_VIEW: view})
    strip_volatile_metadata(notebook)
    assert WIDGET_VIEW in notebook.cells[0].outputs[0].data


@pytest.mark.parametrize("path", STORED, ids=lambda path: path.name)
def test_stored_notebooks_hold_no_widget_view_that_needs_a_kernel(path):
    notebook = nbformat.read(path, as_version=4)
    views = [cell.source.splitlines()[0] for cell in notebook.cells
             for output in cell.get("outputs", []) if WIDGET_VIEW in output.get("data", {})]
    assert not views, f"{path.name}: re-store it with python -m nncourse.notebooks"


def test_printed_pieces_of_one_stream_are_stored_as_one_output():
    cell = nbformat.v4.new_code_cell("print(1); print(2, file=sys.stderr); print(3); print(4)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n"),
                    nbformat.v4.new_output("stream", name="stderr", text="2\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="3\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="4\n"),
                    nbformat.v4.new_output("display_data", data={"text/plain": "x"}),
                    nbformat.v4.new_output("stream", name="stdout", text="5\n")]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    strip_volatile_metadata(notebook)
    assert [(o.output_type, o.get("name"), o.get("text")) for o in notebook.cells[0].outputs] == [
        ("stream", "stdout", "1\n"), ("stream", "stderr", "2\n"), ("stream", "stdout", "3\n4\n"),
        ("display_data", None, None), ("stream", "stdout", "5\n")]


@pytest.mark.parametrize("path", STORED, ids=lambda path: path.name)
def test_stored_notebooks_hold_each_printed_text_in_one_piece(path):
    notebook = nbformat.read(path, as_version=4)
    split = [cell.source.splitlines()[0] for cell in notebook.cells
             for first, second in zip(cell.get("outputs", []), cell.get("outputs", [])[1:])
             if first.output_type == second.output_type == "stream"
             and first.name == second.name]
    assert not split, f"{path.name}: re-store it with python -m nncourse.notebooks"
