"""nncourse: a small, readable numpy engine for learning how neural networks work."""

__version__ = "0.1.0"
