"""The audit trail's entries and their exports. Pure: an entry is made from a received event
(and the event that caused it, when we have it); CSV and JSON Lines are renderings of entries."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from coalition.projections.domain import views
from coalition.shared.contracts import catalogue
from coalition.shared.events.envelope import RecordedEvent


def decision_types() -> list[str]:
    """Event types whose class says it records a partnership decision (`is_decision`)."""
    return sorted({cls.event_type for cls in catalogue if cls.is_decision})


def is_decision(event_type: str, schema_version: int) -> bool:
    try:
        return catalogue.get(event_type, schema_version).is_decision
    except LookupError:
        return False


@dataclass(frozen=True)
class Cause:
    """The event that caused an entry, when the causation id names an event we received (it
    may name a request instead)."""

    event_type: str
    service: str
    summary: str


@dataclass(frozen=True)
class Entry:
    position: int
    event_id: uuid.UUID
    service: str
    event_type: str
    decision: bool
    campaign_id: str | None
    stream_id: str
    partners: list[str]
    actor: str
    occurred_at: datetime
    recorded_at: datetime
    reason: str | None
    summary: str
    causation_id: uuid.UUID | None
    caused_by: Cause | None
    correlation_id: uuid.UUID
    payload: dict[str, Any]


def entry(position: int, service: str, event: RecordedEvent, cause: Cause | None) -> Entry:
    meta = event.metadata
    return Entry(
        position=position,
        event_id=event.event_id,
        service=service,
        event_type=event.event_type,
        decision=is_decision(event.event_type, event.schema_version),
        campaign_id=meta.campaign_id,
        stream_id=event.stream_id,
        partners=views.partners_concerned(event),
        actor=meta.actor,
        occurred_at=meta.occurred_at,
        recorded_at=event.recorded_at,
        reason=meta.reason,
        summary=views.summary(event),
        causation_id=meta.causation_id,
        caused_by=cause,
        correlation_id=meta.correlation_id,
        payload=event.payload,
    )


def cause(service: str, event: RecordedEvent) -> Cause:
    return Cause(event_type=event.event_type, service=service, summary=views.summary(event))


CSV_COLUMNS = [
    "position",
    "occurred_at",
    "recorded_at",
    "service",
    "event_type",
    "decision",
    "campaign_id",
    "partners",
    "actor",
    "reason",
    "summary",
    "event_id",
    "stream_id",
    "causation_id",
    "caused_by_type",
    "caused_by_summary",
    "correlation_id",
]
"""The columns of the CSV export: the payload is left to the JSON ones."""


def _csv_row(item: Entry) -> list[str]:
    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            return value.isoformat()
        return str(value)

    return [
        text(item.position),
        text(item.occurred_at),
        text(item.recorded_at),
        item.service,
        item.event_type,
        "true" if item.decision else "false",
        text(item.campaign_id),
        " ".join(item.partners),
        item.actor,
        text(item.reason),
        item.summary,
        text(item.event_id),
        item.stream_id,
        text(item.causation_id),
        item.caused_by.event_type if item.caused_by else "",
        item.caused_by.summary if item.caused_by else "",
        text(item.correlation_id),
    ]


def csv_lines(items: Iterable[Entry], *, header: bool) -> str:
    """RFC 4180 lines (CRLF, quoted where needed); the header first if asked."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header:
        writer.writerow(CSV_COLUMNS)
    for item in items:
        writer.writerow(_csv_row(item))
    return buffer.getvalue()


def as_json(item: Entry) -> dict[str, Any]:
    values = asdict(item)
    for name in ("event_id", "causation_id", "correlation_id"):
        values[name] = None if values[name] is None else str(values[name])
    for name in ("occurred_at", "recorded_at"):
        values[name] = values[name].isoformat()
    return values
