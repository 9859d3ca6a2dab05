"""The one error a reader raises: the file as a whole cannot be read (not one bad row)."""

from __future__ import annotations


class UnreadableFileError(ValueError):
    """Not a file of the announced format at all: nothing in it can be reported row by row."""
