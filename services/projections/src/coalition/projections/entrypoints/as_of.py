"""The query parameters the computed read models share: `as_of` (a day, or a moment) and the
period (`from`, `to`), and the `ETag` of an answer computed on request."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel

from coalition.projections.domain.window import end_of_day
from coalition.shared.web.models import Day, Moment

AsOf = Annotated[
    Day | Moment | None,
    Query(
        description=(
            "Answer from the log as it stood then: a day (its end, UTC) or an RFC 3339 moment. "
            "Now if absent; a moment still to come is now."
        )
    ),
]
From = Annotated[
    Day | None, Query(alias="from", description="First day of the period (UTC); none: the start.")
]
To = Annotated[
    Day | None, Query(alias="to", description="Last day of the period (UTC); none: `as_of`.")
]


def moment(as_of: date | datetime | None) -> datetime:
    """The moment `as_of` names, never later than now (the log holds nothing later)."""
    now = datetime.now(UTC)
    if as_of is None:
        return now
    if isinstance(as_of, datetime):
        if as_of >= now:
            return now
        try:
            return as_of.astimezone(UTC)
        except OverflowError:  # before the first moment UTC can name: the log held nothing
            return datetime.min.replace(tzinfo=UTC)
    return min(end_of_day(as_of), now)


def etag(body: BaseModel) -> str:
    """A weak validator of the answer itself, computed on request as it is: the moment it was
    asked at is left out, so asking again gets a 304 until a figure changes."""
    content = body.model_dump(mode="json", exclude={"as_of", "period_to"})
    text = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return f'W/"{hashlib.sha256(text.encode()).hexdigest()[:32]}"'
