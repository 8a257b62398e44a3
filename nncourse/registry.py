"""Looking things up by name: the one registry behind "relu", "mse", "adam" and "he".

Activations, losses, optimisers and initialisers can each be given by name. A `Registry` holds
one kind of them under their proper names, plus the aliases people type ("ce", "bce", "logistic",
"glorot"). A name is matched ignoring case, spaces, hyphens and underscores, so "Leaky-ReLU",
"leaky_relu" and "LeakyReLU" are one name. An unknown name gets one sentence that suggests the
nearest valid name ("Did you mean 'relu'?") and lists them all.

Every list of names in the course (a widget's menu, a test's cases) is read from a registry,
never typed out again.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping

from nncourse.errors import CourseError


def squash(name: str) -> str:
    """The form names are compared in: lower case, without spaces, hyphens or underscores."""
    return "".join(ch for ch in name.strip().lower() if ch not in " -_")


class Registry(Mapping):
    """Things of one kind by name: a read-only mapping from proper names to entries.

    Iterating gives the proper names in the order they were registered; `lookup` also takes
    aliases and any spelling of a name.
    """

    def __init__(self, kind: str, entries: dict, aliases: dict | None = None):
        self.kind = kind
        self._entries = dict(entries)
        self._by_squashed = {squash(name): name for name in self._entries}
        for alias, name in (aliases or {}).items():
            if name not in self._entries:
                raise CourseError(f"The alias {alias!r} points to {name!r}, which is not a "
                                  f"registered {kind}.")
            self._by_squashed.setdefault(squash(alias), name)
        self.aliases = {alias: name for alias, name in (aliases or {}).items()}

    # ------------------------------------------------------------ the mapping
    def __getitem__(self, name):
        return self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}: {', '.join(self._entries)})"

    # ------------------------------------------------------------ lookup
    def names(self, where=None) -> tuple:
        """The proper names, in order; with `where`, only those whose entry passes where(entry)."""
        return tuple(name for name, entry in self._entries.items()
                     if where is None or where(entry))

    def proper_name(self, name: str) -> str | None:
        """The proper name for any spelling or alias of it, or None when there is none."""
        if not isinstance(name, str):
            return None
        return self._by_squashed.get(squash(name))

    def lookup(self, name):
        """The entry for a name (any spelling, or an alias), or a plain error with a suggestion."""
        proper = self.proper_name(name)
        if proper is None:
            raise self.unknown(name)
        return self._entries[proper]

    def unknown(self, name) -> CourseError:
        """The error for a name that is not here: the nearest name, if one is near, and all."""
        suggestion = ""
        if isinstance(name, str):
            close = difflib.get_close_matches(squash(name), list(self._by_squashed), n=1,
                                              cutoff=0.6)
            if close:
                suggestion = f" Did you mean {self._by_squashed[close[0]]!r}?"
        return CourseError(f"Unknown {self.kind} {name!r}.{suggestion} Valid {self.kind} names "
                           f"are: {', '.join(self._entries)}.")
