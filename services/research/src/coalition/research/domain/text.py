"""How research tidies what people type: issue keys and lists of labels."""

from __future__ import annotations

from collections.abc import Iterable

from coalition.shared.web.problems import InvalidInputError


def unique(values: Iterable[object]) -> list[str]:
    """Stripped, without blanks or repeats, in their first order."""
    seen: dict[str, None] = {}
    for value in values:
        text = str(value).strip()
        if text:
            seen.setdefault(text, None)
    return list(seen)


def issue_key(issue: str) -> str:
    """Issues compare by a normalised key: `Living Wage` and `living-wage` are one issue."""
    key = "-".join(issue.strip().lower().replace("_", " ").split())
    if not key:
        raise InvalidInputError("issue must not be blank", field="body.issue")
    return key
