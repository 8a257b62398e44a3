"""The exercise specifications, one module per topic (`topic01_neuron.py`, ...).

Each module registers its exercises with `nncourse.grading.spec.register` when imported.
`load_all()` imports every module of this package whose name starts with "topic", so adding a
topic is adding a file. How to write one: see the docstring of `nncourse.grading`.
"""

from __future__ import annotations

import importlib
import pkgutil

_loaded = False


def topic_modules() -> list[str]:
    """The names of the topic modules, in order."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("topic"))


def load_all() -> None:
    """Import every topic module (once), which registers all exercises."""
    global _loaded
    if _loaded:
        return
    for name in topic_modules():
        importlib.import_module(f"{__name__}.{name}")
    _loaded = True
