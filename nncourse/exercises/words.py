"""How the exercises' checks name a value a learner's function returned, in a sentence."""

from __future__ import annotations


def kind_of(value) -> str:
    """"a tuple of 3 items", "a dict", "a NoneType": what a message says was returned."""
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of {len(value)} item{'s' if len(value) != 1 else ''}"
    return f"a {type(value).__name__}"
