"""The rules of webhook deliveries, as pure functions: matching, the partner key, the retry
schedule, per-partner order and the body."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from coalition.projections.domain.deliveries import (
    Waiting,
    body,
    heads,
    next_try,
    partner_key,
    wants,
)
from coalition.shared.events.envelope import Metadata, RecordedEvent

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SCHEDULE = [5.0, 300.0, 1800.0]


def event(payload: dict[str, Any], stream_id: str = "stream-1") -> RecordedEvent:
    return RecordedEvent(
        event_id=uuid.uuid4(),
        stream_id=stream_id,
        stream_type="partner",
        stream_version=1,
        position=7,
        event_type="PartnerScored",
        schema_version=1,
        payload=payload,
        metadata=Metadata(actor="maria", reason="why", campaign_id="c1", occurred_at=NOW),
        recorded_at=NOW,
        previous_hash="0" * 64,
        hash="1" * 64,
    )


def test_a_subscription_wants_its_types_or_everything() -> None:
    assert wants(["PartnerScored"], "PartnerScored")
    assert not wants(["PartnerScored"], "PartnerIdentified")
    assert wants(["*"], "AgreementSigned")


def test_the_partner_key_is_the_partner_else_the_stream() -> None:
    assert partner_key(event({"partner_id": "p1"}, "agreement-9")) == "p1"
    assert partner_key(event({"agreement_id": "a9"}, "agreement-9")) == "agreement-9"
    assert partner_key(event({"partner_id": ""}, "s")) == "s"


def test_retries_follow_the_schedule_then_give_up() -> None:
    assert next_try(1, SCHEDULE, NOW) == NOW + timedelta(seconds=5)
    assert next_try(2, SCHEDULE, NOW) == NOW + timedelta(seconds=300)
    assert next_try(3, SCHEDULE, NOW) == NOW + timedelta(seconds=1800)
    assert next_try(4, SCHEDULE, NOW) is None
    assert next_try(1, [], NOW) is None
    with pytest.raises(ValueError):
        next_try(0, SCHEDULE, NOW)


def waiting(sequence: int, partner: str, due_in: float = 0, subscription: str = "s1") -> Waiting:
    return Waiting(sequence, subscription, partner, NOW + timedelta(seconds=due_in))


def test_only_the_oldest_pending_delivery_per_partner_is_tried() -> None:
    pending = [waiting(3, "p1"), waiting(1, "p1"), waiting(2, "p2"), waiting(4, "p2")]
    assert [item.sequence for item in heads(pending, NOW)] == [1, 2]


def test_an_older_delivery_not_yet_due_holds_back_the_newer_ones() -> None:
    pending = [waiting(1, "p1", due_in=60), waiting(2, "p1"), waiting(3, "p2")]
    assert [item.sequence for item in heads(pending, NOW)] == [3]


def test_subscriptions_are_ordered_independently() -> None:
    pending = [waiting(1, "p1", due_in=60, subscription="s1"), waiting(2, "p1", subscription="s2")]
    assert [item.sequence for item in heads(pending, NOW)] == [2]


def test_the_body_is_the_event_with_its_envelope_and_stable() -> None:
    recorded = event({"partner_id": "p1", "score": 0.7})
    first = body(recorded, "scoring")
    assert first == body(recorded, "scoring")
    document = json.loads(first)
    assert document["type"] == "PartnerScored"
    assert document["timestamp"] == NOW.isoformat()
    data = document["data"]
    assert data["id"] == str(recorded.event_id)
    assert data["source"] == "scoring"
    assert data["campaign_id"] == "c1"
    assert data["actor"] == "maria"
    assert data["reason"] == "why"
    assert data["payload"] == {"partner_id": "p1", "score": 0.7}
