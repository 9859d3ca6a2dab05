"""Organisation names reduced to what identifies them, so that two records of one organisation
compare equal however each source spelt it: case, accents, punctuation, `&` for `and`, a
leading `The` and trailing legal forms (`Inc`, `Association`, `e.V.`) do not count."""

from __future__ import annotations

import re
import unicodedata

LEGAL_SUFFIXES = frozenset(
    {
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "llc",
        "ltd",
        "limited",
        "plc",
        "lp",
        "llp",
        "pc",
        "assn",
        "assoc",
        "association",
        "ev",  # eingetragener Verein (e.V.)
        "gmbh",
        "ggmbh",
        "ag",
        "sa",
        "asbl",
        "vzw",
        "cic",
        "cio",
    }
)
"""Legal forms that say how an organisation is registered, not which one it is."""

STOPWORDS = frozenset({"the", "and", "of", "for", "in", "on", "at", "a", "an", "to"})
"""Words too common to tell organisations apart; ignored when blocking, kept in the name."""

_DOTS_AND_APOSTROPHES = re.compile(r"[.'\u2019`]")
_NOT_A_WORD = re.compile(r"[^0-9a-z]+")


def normalise(name: str) -> str:
    """`The Women's Alliance & Friends, Inc.` -> `womens alliance and friends`."""
    decomposed = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " and ").replace("ß", "ss")
    # `e.V.` and `U.S.` are one word; `O'Brien` too.
    text = _DOTS_AND_APOSTROPHES.sub("", text)
    words = _NOT_A_WORD.sub(" ", text).split()
    core = list(words)
    while core and core[-1] in LEGAL_SUFFIXES | {"and"}:
        core.pop()
    if core and core[0] == "the":
        core.pop(0)
    # A name that is nothing but a legal form (`Association`) keeps its words.
    return " ".join(core or words)


def tokens(normalised: str) -> list[str]:
    """The words of a normalised name that can tell it apart from others."""
    return [word for word in normalised.split() if word not in STOPWORDS]
