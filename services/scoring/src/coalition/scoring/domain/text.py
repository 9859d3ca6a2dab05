"""Matching words the way campaign staff write them: `North West`, `north-west` and
`north_west` are one region; `workers` in a goal covers the constituency `Workers`."""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    {
        *("a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is"),
        *("it", "of", "on", "or", "our", "the", "their", "to", "with", "we", "will", "more"),
        *("all", "any", "each", "every", "this", "that", "these", "those", "than", "then"),
        *("them", "they", "per", "via"),
    }
)


def term(text: str) -> str:
    """A label as a key: lower case, words joined by one hyphen."""
    return "-".join(_WORD.findall(text.lower()))


def words(text: str) -> set[str]:
    """The significant words of a text (three letters or more, no stopwords), singular-ish."""
    found = set()
    for word in _WORD.findall(text.lower()):
        if len(word) < 3 or word in _STOPWORDS:
            continue
        found.add(word[:-1] if word.endswith("s") and len(word) > 4 else word)
    return found


def mentions(needle: str, haystack: Iterable[str]) -> str | None:
    """The first text of `haystack` that mentions every significant word of `needle`, if any."""
    wanted = words(needle)
    if not wanted:
        return None
    for text in haystack:
        if wanted <= words(text):
            return text
    return None
