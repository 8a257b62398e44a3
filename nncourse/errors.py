"""The one kind of error the course raises on purpose.

Every mistake a learner can make with the engine (a wrong shape, an unknown name, a learning rate
that cannot work, NaN in the data) is reported as a `CourseError` with one plain sentence that says
what was wrong and what was expected. It is a `ValueError`, so ordinary `except ValueError` works.
"""


class CourseError(ValueError):
    """A mistake in how the engine was called, explained in plain words."""

