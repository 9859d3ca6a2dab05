"""The rules of webhook deliveries, pure: which subscriptions an event goes to, the key that
orders deliveries to one partner, the retry schedule, which deliveries may be tried now, and
the body a receiver gets."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from coalition.shared.events.envelope import RecordedEvent

ALL_EVENTS = "*"


class Status(StrEnum):
    """A delivery is pending (waiting for its first or next try), delivered, or dead (every
    try failed; it waits in the dead-letter list for a manual redelivery)."""

    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


def wants(event_types: Sequence[str], event_type: str) -> bool:
    """Whether a subscription to `event_types` (or `["*"]`) wants an event of `event_type`."""
    return ALL_EVENTS in event_types or event_type in event_types


def partner_key(event: RecordedEvent) -> str:
    """Deliveries with the same key reach a subscriber in event order: the partner the event
    is about, else its stream (an agreement, say)."""
    partner = event.payload.get("partner_id")
    return partner if isinstance(partner, str) and partner else event.stream_id


def next_try(tries: int, schedule: Sequence[float], now: datetime) -> datetime | None:
    """When to try again after `tries` failed tries in a row, or None: give up (dead).
    `schedule[i]` is the delay before try i + 2; an empty schedule means one try only."""
    if tries < 1:
        raise ValueError("tries counts failed tries, at least 1")
    if tries > len(schedule):
        return None
    return now + timedelta(seconds=schedule[tries - 1])


@dataclass(frozen=True)
class Waiting:
    """A pending delivery as the ordering rule sees it."""

    sequence: int
    subscription_id: str
    partner_key: str
    due_at: datetime


def heads(pending: Iterable[Waiting], now: datetime) -> list[Waiting]:
    """The deliveries that may be tried now: per subscription and partner only the oldest
    pending one (by sequence), and only once it is due. Delivered and dead deliveries are not
    pending, so a dead one no longer holds back those after it."""
    oldest: dict[tuple[str, str], Waiting] = {}
    for item in pending:
        key = (item.subscription_id, item.partner_key)
        if key not in oldest or item.sequence < oldest[key].sequence:
            oldest[key] = item
    return sorted(
        (item for item in oldest.values() if item.due_at <= now), key=lambda item: item.sequence
    )


def envelope(event: RecordedEvent, service: str) -> dict[str, Any]:
    """The event as a receiver sees it: CloudEvents-like attributes and the payload."""
    meta = event.metadata
    return {
        "id": str(event.event_id),
        "type": event.event_type,
        "schema_version": event.schema_version,
        "source": service,
        "subject": event.stream_id,
        "stream_type": event.stream_type,
        "stream_version": event.stream_version,
        "time": meta.occurred_at.isoformat(),
        "campaign_id": meta.campaign_id,
        "actor": meta.actor,
        "reason": meta.reason,
        "correlation_id": str(meta.correlation_id),
        "causation_id": str(meta.causation_id) if meta.causation_id else None,
        "payload": event.payload,
    }


def body(event: RecordedEvent, service: str) -> bytes:
    """The request body (Standard Webhooks' `type`, `timestamp`, `data`), the same bytes on
    every try: keys sorted, no spaces."""
    document = {
        "type": event.event_type,
        "timestamp": event.metadata.occurred_at.isoformat(),
        "data": envelope(event, service),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
