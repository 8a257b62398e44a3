"""Re-execute notebooks in place and store their outputs: `python -m nncourse.notebooks FILES...`

Each notebook runs from top to bottom in a fresh `python3` kernel of the current environment,
with its own folder as the working directory, and is written back with its new outputs, so that
nbval can later compare a fresh run with what is stored. To keep the stored notebook the same from
run to run, execution timings are not recorded, the widget state that executing leaves in the
notebook's metadata (tens of kilobytes that change every run) is removed, and a cell's printed
text is stored as one output per stream (the kernel sends it in pieces that split differently
from run to run).

Without that state a stored widget view could only say "model not found" until its cell runs
again, so the view is dropped from stored outputs too: what stays is the picture (PNG) and the text
every app and quiz puts beside it, which JupyterLab, nbviewer, GitHub and the course's site show
before any kernel runs. Running the cell brings the live widget back.

A notebook whose execution fails is not written; the command names it and exits with status 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

KERNEL = "python3"


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def strip_volatile_metadata(notebook) -> None:
    """Drop what changes from run to run without meaning anything (widget state, timings), and
    the widget views that cannot be shown without that state (their picture and text stay)."""
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if "outputs" in cell:
            cell.outputs = merged_streams(cell.outputs)
        for output in cell.get("outputs", ()):
            data = output.get("data", {})
            if WIDGET_VIEW in data and len(data) > 1:
                del data[WIDGET_VIEW]


def merged_streams(outputs: list) -> list:
    """The outputs with each run of consecutive pieces of one stream (stdout, stderr) joined."""
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream"
                and previous.get("name") == output.get("name")):
            previous["text"] = previous["text"] + output["text"]
        else:
            merged.append(output)
    return merged


def execute_notebook(path: str | Path, timeout: int = 600) -> None:
    """Run a notebook in place (raises nbclient's CellExecutionError when a cell fails)."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path).resolve()
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=timeout, kernel_name=KERNEL, record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    strip_volatile_metadata(notebook)
    nbformat.write(notebook, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m nncourse.notebooks",
        description="Execute notebooks in place, storing their outputs (for nbval).",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="NOTEBOOK")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    args = parser.parse_args(argv)
    failed = []
    for path in args.files:
        print(f"executing {path}", flush=True)
        try:
            execute_notebook(path, timeout=args.timeout)
        except Exception as error:  # report every failing notebook, then fail
            print(f"  FAILED: {type(error).__name__}: {str(error)[-2000:]}", file=sys.stderr)
            failed.append(path)
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(map(str, failed))}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
