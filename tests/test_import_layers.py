"""The package's layers, held: which part of `nncourse` may import which.

Every import statement of every module is read from its syntax tree (imports inside functions
too), so an import that only runs sometimes is caught as well as one at the top.

- `grading` imports neither `exercises`, `widgets` nor `plots`: it finds exercises through the
  installed catalogs (`nncourse.grading.catalog`), and it runs without a display.
- `exercises` imports only the engine, its own modules and `grading.spec` (the form of an
  exercise): a specification never depends on how it is graded or shown.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "nncourse"
ENGINE = {"activations", "losses", "layers", "network", "optim", "init", "training", "gradcheck",
          "value", "data", "examples", "errors", "dropout", "penalties", "early_stopping",
          "diagnostics", "digits", "failures"}


def imports_of(path: Path, package: str | None = None) -> set[str]:
    """The dotted names of the `nncourse` modules a file imports (`package`: the file's package,
    for relative imports; by default found from where the file lies in `nncourse/`)."""
    if package is None:
        package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "nncourse" or name.startswith("nncourse.")}


def modules_of(part: str) -> list[Path]:
    return sorted((PACKAGE / part).rglob("*.py"))


def part_of(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


@pytest.mark.parametrize("path", modules_of("grading"), ids=lambda p: p.name)
def test_grading_imports_neither_exercises_widgets_nor_plots(path):
    upward = sorted(n for n in imports_of(path) if part_of(n) in ("exercises", "widgets", "plots"))
    assert not upward, f"{path.name} imports {upward}"


@pytest.mark.parametrize("path", modules_of("exercises"), ids=lambda p: p.name)
def test_exercises_import_only_the_engine_and_the_form_of_an_exercise(path):
    def allowed(name: str) -> bool:
        part = part_of(name)
        return (part in ENGINE or part == "exercises" or name == "nncourse.grading.spec"
                or name.startswith("nncourse.grading.spec."))

    others = sorted(n for n in imports_of(path) if n != "nncourse" and not allowed(n))
    assert not others, f"{path.name} imports {others}"


def test_the_rules_see_upward_imports(tmp_path):
    """The reader of imports finds a function-level import and a relative one (so the rules
    above can fail)."""
    module = tmp_path / "probe.py"
    module.write_text("def f():\n    from nncourse.exercises import load_all\n"
                      "from ..widgets import neuron_explorer\n")
    found = imports_of(module, package="nncourse.grading")
    assert {"nncourse.exercises", "nncourse.widgets.neuron_explorer"} <= found
    assert part_of("nncourse.widgets.neuron_explorer") == "widgets"
