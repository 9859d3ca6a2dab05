"""JSON Lines: one JSON object per line, the same field names as the CSV columns."""

from __future__ import annotations

import json
from collections.abc import Iterator

from coalition.research.domain.imports import Rejected, Row


def read_jsonl(text: str) -> Iterator[Row]:
    """Rows numbered by line; blank lines are skipped, a line that is not a JSON object is
    rejected on its own (the others are still read and reported)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield Row(number, {}, Rejected("record", f"not JSON: {error.msg}"))
            continue
        if not isinstance(value, dict):
            yield Row(number, {}, Rejected("record", "each line must be a JSON object"))
            continue
        yield Row(number, value)
