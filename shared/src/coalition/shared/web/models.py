"""Base classes of request and response bodies, so every service reads JSON the same way."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from fastapi import Query
from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

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


def whole_number(value: object) -> int:
    """JSON Schema's `integer`: 3 and 3.0 are integers; `true` and `"3"` are not."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a whole number")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("must be a whole number")
    return int(value)


Count = Annotated[int, Field(ge=0, le=10_000_000_000), BeforeValidator(whole_number)]
"""How many of something (members, staff): a whole number, 0 or more."""

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$")


def _rfc3339(value: object) -> object:
    """Only an RFC 3339 date-time with its offset: not a Unix timestamp, not a local time."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _RFC3339.match(value):
        raise ValueError("must be an RFC 3339 date-time with an offset, e.g. 2026-11-25T09:00:00Z")
    return value


Moment = Annotated[AwareDatetime, Field(strict=False), BeforeValidator(_rfc3339)]
"""A point in time as clients send it: RFC 3339 with an offset."""

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: object) -> object:
    """Only a calendar date as ISO 8601 writes it (2026-11-25): not a number, not a time."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("must be a date, e.g. 2026-11-25")
    return value


Day = Annotated[date, Field(strict=False), BeforeValidator(_iso_date)]
"""A calendar day as clients send it: `YYYY-MM-DD`."""

Identifier = Annotated[
    str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
]
"""An id chosen by a client (a campaign id, say): letters, digits, `_`, `.` and `-`."""


class RequestBody(BaseModel):
    """A request body: strict types (`false` is not a number, `"1"` is not an integer) and no
    unknown fields (a misspelt field is an error, not silently ignored). The OpenAPI document
    says so (`additionalProperties: false`)."""

    model_config = ConfigDict(strict=True, extra="forbid")


Label = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=VISIBLE_TEXT)]
"""A short label people type: a value, a region, an area of expertise, a constituency."""

Labels = Annotated[list[Label], Field(max_length=200)]
"""A list of labels; repeats are dropped, order kept."""

Note = Annotated[str, StringConstraints(min_length=1, max_length=5000, pattern=MULTILINE_TEXT)]
"""A paragraph: a mission, a description, what staff know."""


ReasonQuery = Annotated[str, Query(min_length=1, max_length=2000, description="Why.")]
"""Why, for a request without a body (a DELETE): the reason a body would carry."""
