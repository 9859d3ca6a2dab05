"""The hash chain: each event holds the SHA-256 of its own content and of its predecessor in
the same stream, so any edit or deletion inside a stream shows up on verification."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import AsyncIterable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from coalition.shared.events.envelope import RecordedEvent

GENESIS = "0" * 64
"""The `previous_hash` of every stream's first event."""


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def _uuid(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


def event_hash(
    *,
    previous_hash: str,
    event_id: uuid.UUID,
    stream_id: str,
    stream_type: str,
    stream_version: int,
    event_type: str,
    schema_version: int,
    payload: dict[str, Any],
    actor: str,
    reason: str | None,
    correlation_id: uuid.UUID,
    causation_id: uuid.UUID | None,
    campaign_id: str | None,
    occurred_at: datetime,
    recorded_at: datetime,
) -> str:
    """SHA-256 (hex) over a canonical JSON rendering of the event and its predecessor's hash."""
    body = {
        "previous_hash": previous_hash,
        "event_id": str(event_id),
        "stream_id": stream_id,
        "stream_type": stream_type,
        "stream_version": stream_version,
        "event_type": event_type,
        "schema_version": schema_version,
        "payload": payload,
        "actor": actor,
        "reason": reason,
        "correlation_id": str(correlation_id),
        "causation_id": _uuid(causation_id),
        "campaign_id": campaign_id,
        "occurred_at": _iso(occurred_at),
        "recorded_at": _iso(recorded_at),
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def recorded_event_hash(event: RecordedEvent) -> str:
    """Recompute the hash a recorded event should carry."""
    meta = event.metadata
    return event_hash(
        previous_hash=event.previous_hash,
        event_id=event.event_id,
        stream_id=event.stream_id,
        stream_type=event.stream_type,
        stream_version=event.stream_version,
        event_type=event.event_type,
        schema_version=event.schema_version,
        payload=event.payload,
        actor=meta.actor,
        reason=meta.reason,
        correlation_id=meta.correlation_id,
        causation_id=meta.causation_id,
        campaign_id=meta.campaign_id,
        occurred_at=meta.occurred_at,
        recorded_at=event.recorded_at,
    )


@dataclass(frozen=True)
class ChainVerification:
    """Outcome of verifying a stream or the whole log."""

    ok: bool
    checked: int
    first_failure_event_id: uuid.UUID | None = None
    first_failure_position: int | None = None
    problem: str | None = None


class _ChainChecker:
    """Walks events in log order and remembers each stream's last version and hash."""

    def __init__(self) -> None:
        self.heads: dict[str, tuple[int, str]] = {}
        self.checked = 0

    def check(self, event: RecordedEvent) -> str | None:
        version, previous = self.heads.get(event.stream_id, (0, GENESIS))
        self.checked += 1
        if event.stream_version != version + 1:
            return f"stream version {event.stream_version} follows {version}"
        if event.previous_hash != previous:
            return "previous_hash does not match the preceding event's hash"
        if recorded_event_hash(event) != event.hash:
            return "content does not match its hash"
        self.heads[event.stream_id] = (event.stream_version, event.hash)
        return None


def _failure(checker: _ChainChecker, event: RecordedEvent, problem: str) -> ChainVerification:
    return ChainVerification(
        ok=False,
        checked=checker.checked,
        first_failure_event_id=event.event_id,
        first_failure_position=event.position,
        problem=problem,
    )


def verify_chain(events: Iterable[RecordedEvent]) -> ChainVerification:
    """Verify events given in log order; name the first one that fails."""
    checker = _ChainChecker()
    for event in events:
        problem = checker.check(event)
        if problem:
            return _failure(checker, event, problem)
    return ChainVerification(ok=True, checked=checker.checked)


async def verify_chain_async(events: AsyncIterable[RecordedEvent]) -> ChainVerification:
    """`verify_chain` over an async stream of pages, so a whole log never sits in memory."""
    checker = _ChainChecker()
    async for event in events:
        problem = checker.check(event)
        if problem:
            return _failure(checker, event, problem)
    return ChainVerification(ok=True, checked=checker.checked)
