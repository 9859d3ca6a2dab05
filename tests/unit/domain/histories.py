"""Build stream histories for pure domain tests: `RecordedEvent`s without a store."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from coalition.shared.events.envelope import DomainEvent, Metadata, RecordedEvent

OCCURRED_AT = datetime(2024, 5, 1, 9, 30, 0, tzinfo=UTC)
RECORDED_AT = datetime(2024, 5, 1, 9, 30, 1, tzinfo=UTC)
PREVIOUS_HASH = "0" * 64
HASH = "a" * 64
CORRELATION_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")


def recorded(
    payload: DomainEvent,
    version: int,
    *,
    stream_id: str = "test-stream",
    actor: str = "alice",
    reason: str | None = "why",
    causation_id: uuid.UUID | None = None,
    event_id: uuid.UUID | None = None,
) -> RecordedEvent:
    """`payload` as the store would hand it back at `version` (position = version)."""
    campaign_id = getattr(payload, "campaign_id", None)
    return RecordedEvent(
        event_id=event_id or uuid.uuid4(),
        stream_id=stream_id,
        stream_type=payload.service,
        stream_version=version,
        position=version,
        event_type=payload.event_type,
        schema_version=payload.schema_version,
        payload=payload.model_dump(mode="json"),
        metadata=Metadata(
            actor=actor,
            reason=reason,
            correlation_id=CORRELATION_ID,
            causation_id=causation_id,
            campaign_id=campaign_id if isinstance(campaign_id, str) else None,
            occurred_at=OCCURRED_AT,
        ),
        recorded_at=RECORDED_AT,
        previous_hash=PREVIOUS_HASH,
        hash=HASH,
    )
