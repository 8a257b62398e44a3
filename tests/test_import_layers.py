"""The layers of the package show in its imports: no module imports upward.

    engine (nncourse.*, the modules directly in the package)   imports only the engine
    plots                                                       the engine and plots
    widgets                                                     the engine, plots and widgets

Every `import` is read from the source (those inside functions too, where a cycle likes to hide),
so a lazy upward import fails as surely as one at the top of a file.
"""

import ast
from pathlib import Path

import pytest

import nncourse

PACKAGE = Path(nncourse.__file__).parent

# The layer of a module is its subpackage; the modules directly in nncourse/ are the engine,
# except the command line's, which sit on top of everything.
APPLICATIONS = {"nncourse.cli", "nncourse.__main__", "nncourse.notebooks"}

# layer → the layers it may import (itself included)
ALLOWED = {
    "engine": {"engine"},
    "plots": {"engine", "plots"},
    "widgets": {"engine", "plots", "widgets"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str:
    if module in APPLICATIONS:
        return "application"
    parts = module.split(".")
    if len(parts) >= 2 and (PACKAGE / parts[1]).is_dir():
        return parts[1]
    return "engine"


def is_module(name: str) -> bool:
    path = PACKAGE.parent / Path(*name.split("."))
    return path.with_suffix(".py").exists() or path.is_dir()


def imported_modules(source: str, package: str) -> list[tuple[int, str]]:
    """(line, module) of every nncourse module the source imports, anywhere in it; `package` is
    the package the source belongs to, for relative imports."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            for alias in node.names:  # `from nncourse import data` imports the module data
                candidate = f"{base}.{alias.name}"
                found.append((node.lineno, candidate if is_module(candidate) else base))
    return [(line, name) for line, name in found if name.split(".")[0] == "nncourse"]


def imports_of(path: Path) -> list[tuple[int, str]]:
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    return imported_modules(path.read_text(encoding="utf-8"), package)


SOURCES = sorted(PACKAGE.rglob("*.py"))
CHECKED = [path for path in SOURCES if layer_of(module_name(path)) in ALLOWED]


def test_the_layers_are_recognised():
    layers = {layer_of(module_name(path)) for path in SOURCES}
    assert {"engine", "plots", "widgets"} <= layers
    assert layer_of("nncourse.network") == "engine"
    assert layer_of("nncourse") == "engine"
    assert layer_of("nncourse.plots") == layer_of("nncourse.plots.style") == "plots"
    assert layer_of("nncourse.widgets.base") == "widgets"
    assert layer_of("nncourse.grading.spec") == "grading"


@pytest.mark.parametrize("path", CHECKED, ids=lambda path: module_name(path))
def test_no_module_imports_upward(path):
    layer = layer_of(module_name(path))
    upward = [f"line {line}: {name} ({layer_of(name)})" for line, name in imports_of(path)
              if layer_of(name) not in ALLOWED[layer]]
    assert not upward, (f"{module_name(path)} is in the {layer} layer, which may import only "
                        f"{sorted(ALLOWED[layer])}; it imports {'; '.join(upward)}")


def test_the_check_sees_lazy_and_relative_imports():
    """An import inside a function counts, and so do relative and `from nncourse import …` forms:
    hiding an upward import there does not fool the check."""
    source = ("def draw(value):\n"
              "    from nncourse.plots.value_graph import draw_graph\n"
              "    from ..widgets import base\n"
              "    from nncourse import data, CourseError\n")
    names = [name for _, name in imported_modules(source, "nncourse.plots")]
    assert names == ["nncourse.plots.value_graph", "nncourse.widgets.base", "nncourse.data",
                     "nncourse"]
    assert [layer_of(name) for name in names] == ["plots", "widgets", "engine", "engine"]
