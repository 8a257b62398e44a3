"""The code style check: `ruff check` on the repository finds nothing.

The rules and the line length (100) are in pyproject.toml under [tool.ruff]; notebooks are left
out there, because they are checked by running them.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]


def ruff_command() -> list[str] | None:
    """How to start ruff from this Python: as a module, or the program next to the interpreter."""
    if importlib.util.find_spec("ruff") is not None:
        return [sys.executable, "-m", "ruff"]
    beside = Path(sys.executable).with_name("ruff")
    if beside.is_file():
        return [str(beside)]
    return None


def test_ruff_finds_nothing_to_report():
    command = ruff_command()
    if command is None:
        pytest.skip("ruff is not installed in this environment (pip install ruff).")
    result = subprocess.run([*command, "check", "--no-cache", "--output-format", "concise", "."],
                            cwd=REPOSITORY, capture_output=True, text=True, timeout=120)
    report = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, f"ruff check found problems:\n{report}"
