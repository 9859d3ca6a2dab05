"""Base classes of request and response bodies, so every service reads JSON the same way."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

VISIBLE_TEXT = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
"""No control characters, and at least one character that is not blank. Written so that the
JSON Schema (ECMA-262) and pydantic's regex engine agree on it."""

MULTILINE_TEXT = (
    r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
)
"""The same, allowing tabs and line breaks (terms of an agreement, say)."""

Name = Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=VISIBLE_TEXT)]
"""A name people read: an organisation, a title, a signatory."""

Reason = Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=MULTILINE_TEXT)]
"""Why a decision was taken; never blank."""

Place = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=VISIBLE_TEXT)]
"""A country or region, as people write it."""

Text = Annotated[str, StringConstraints(min_length=1, max_length=100_000, pattern=MULTILINE_TEXT)]
"""A long text: the terms of an agreement, say."""


def _whole_number(value: object) -> int:
    """JSON Schema's `integer`: 3 and 3.0 are integers; `true` and `"3"` are not."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a whole number")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("must be a whole number")
    return int(value)


Count = Annotated[int, Field(ge=0, le=10_000_000_000), BeforeValidator(_whole_number)]
"""How many of something (members, staff): a whole number, 0 or more."""

Identifier = Annotated[
    str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
]
"""An id chosen by a client (a campaign id, say): letters, digits, `_`, `.` and `-`."""


class RequestBody(BaseModel):
    """A request body: strict types (`false` is not a number, `"1"` is not an integer) and no
    unknown fields (a misspelt field is an error, not silently ignored). The OpenAPI document
    says so (`additionalProperties: false`)."""

    model_config = ConfigDict(strict=True, extra="forbid")
