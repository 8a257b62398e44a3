"""How the exercises' checks name what a learner's function returned, in a sentence."""

from __future__ import annotations

from nncourse.errors import CourseError

NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def kind_of(value) -> str:
    """"a tuple of 3 items", "a dict", "a NoneType": what a message says was returned."""
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of {len(value)} item{'s' if len(value) != 1 else ''}"
    return f"a {type(value).__name__}"


def returned_items(result, function: str, names, what: str = "things") -> dict:
    """The items of a learner's returned tuple by name, once their number is right.

    returned_items((dX, dW, db), "dense_backward", ("dX", "dW", "db"), "arrays")
    → {"dX": dX, "dW": dW, "db": db}; a wrong number of items (or no tuple) is a CourseError:
    "dense_backward must return three arrays, (dX, dW, db); it returned a tuple of 2 items."
    """
    names = tuple(names)
    if not isinstance(result, tuple | list) or len(result) != len(names):
        count = NUMBER_WORDS.get(len(names), str(len(names)))
        raise CourseError(f"{function} must return {count} {what}, ({', '.join(names)}); "
                          f"it returned {kind_of(result)}.")
    return dict(zip(names, result))
