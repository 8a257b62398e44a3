"""The package's layers, held: which part of `nncourse` may import which.

Every import statement of every module is read from its syntax tree (imports inside functions
too), so an import that only runs sometimes is caught as well as one at the top.

- the engine (the modules directly in `nncourse/`: activations, losses, layers, network, …)
  imports only the engine;
- `plots` imports the engine and itself; `widgets` the engine, `plots` and itself;
- `grading` imports neither `exercises`, `widgets` nor `plots`: it finds exercises through the
  installed catalogs (`nncourse.grading.catalog`), and it runs without a display.
- `exercises` imports only the engine, its own modules and `grading.spec` (the form of an
  exercise): a specification never depends on how it is graded or shown.

The command line and `nncourse lab` (cli, __main__, lab, notebooks, course_files) sit on top and
may import anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "nncourse"
APPLICATIONS = {"cli", "__main__", "lab", "notebooks", "course_files"}
SUBPACKAGES = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()}
# The engine: every module directly in nncourse/ but the applications (read from the folder, so
# that a new engine module is held by the rule without being listed here).
ENGINE = {path.stem for path in PACKAGE.glob("*.py")} - APPLICATIONS - {"__init__"}

# part → the parts it may import (itself included); "" is the package itself, nncourse/__init__.py
MAY_IMPORT = {
    "engine": {"engine", ""},
    "plots": {"engine", "", "plots"},
    "widgets": {"engine", "", "plots", "widgets"},
}


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
    if part == "engine":
        return sorted(PACKAGE / f"{name}.py" for name in ENGINE | {"__init__"})
    return sorted((PACKAGE / part).rglob("*.py"))


def part_of(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def layer_of(name: str) -> str:
    """The layer of a dotted name: its subpackage, "engine", "application", or "" for the
    package's own namespace (`from nncourse import CourseError`)."""
    part = part_of(name)
    if part in SUBPACKAGES or part in APPLICATIONS or part == "":
        return "application" if part in APPLICATIONS else part
    return "engine"


@pytest.mark.parametrize("layer", sorted(MAY_IMPORT))
def test_no_module_imports_upward(layer):
    """Engine → itself; plots → engine; widgets → engine, plots."""
    upward = [f"{path.relative_to(PACKAGE)} imports {name}" for path in modules_of(layer)
              for name in sorted(imports_of(path)) if layer_of(name) not in MAY_IMPORT[layer]]
    assert not upward, (f"the {layer} layer may import only {sorted(MAY_IMPORT[layer] - {''})}: "
                        + "; ".join(upward))


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


def test_the_layers_are_recognised():
    assert {"activations", "losses", "layers", "network", "optim", "init", "training",
            "gradcheck", "value", "data", "examples", "errors", "registry"} <= ENGINE
    assert {"plots", "widgets", "grading", "exercises"} <= SUBPACKAGES
    assert layer_of("nncourse.network.Sequential") == "engine"
    assert layer_of("nncourse.plots.value_graph.draw_graph") == "plots"
    assert layer_of("nncourse.cli") == "application"


def test_the_rules_see_upward_imports(tmp_path):
    """The reader of imports finds a function-level import and a relative one (so the rules
    above can fail)."""
    module = tmp_path / "probe.py"
    module.write_text("def f():\n    from nncourse.exercises import load_all\n"
                      "from ..widgets import neuron_explorer\n"
                      "def draw(value):\n    from nncourse.plots.value_graph import draw_graph\n")
    found = imports_of(module, package="nncourse.grading")
    assert {"nncourse.exercises", "nncourse.widgets.neuron_explorer",
            "nncourse.plots.value_graph"} <= found
    assert part_of("nncourse.widgets.neuron_explorer") == "widgets"
    assert [layer_of(name) for name in ("nncourse.widgets.neuron_explorer",
                                        "nncourse.plots.value_graph")] == ["widgets", "plots"]
