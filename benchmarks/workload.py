"""The scenarios and the events they append, built before any clock starts, so that every
contender is timed on writing alone.

All three contenders write the same events: our store gets `NewEvent`s, the raw baseline gets
the row our store would write (same columns, same payload type), and `eventsourcing` gets a
`StoredEvent` whose state is the JSON of the same payload and metadata.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventsourcing.persistence import StoredEvent

from coalition.shared.contracts.research import PartnerIdentified
from coalition.shared.events.envelope import Metadata, NewEvent

CAMPAIGN = "benchmark-2026"
STREAM_TYPE = "partner"
TOPIC = "coalition.shared.contracts.research:PartnerIdentified"

RawRow = tuple[Any, ...]
"""The values of one row of the raw table, in `RAW_COLUMNS` order."""

RAW_COLUMNS = (
    "event_id",
    "stream_id",
    "stream_type",
    "stream_version",
    "event_type",
    "schema_version",
    "payload",
    "actor",
    "reason",
    "correlation_id",
    "causation_id",
    "campaign_id",
    "occurred_at",
    "recorded_at",
    "previous_hash",
    "hash",
)


@dataclass(frozen=True)
class Scenario:
    key: str
    batch: int
    writers: int
    events: int

    @property
    def title(self) -> str:
        what = (
            "single events, one per transaction"
            if self.batch == 1
            else (f"batches of {self.batch} events per append")
        )
        who = "1 writer" if self.writers == 1 else f"{self.writers} concurrent writers"
        return f"({self.key}) {what}, {who}"

    @property
    def per_writer(self) -> int:
        return self.events // self.writers

    def check(self) -> None:
        if self.events % (self.writers * self.batch):
            raise ValueError(
                f"scenario {self.key}: {self.events} events do not split into {self.writers} "
                f"writers x batches of {self.batch}"
            )


@dataclass(frozen=True)
class Stream:
    """What one writer appends: one stream, in batches."""

    partner_id: str
    batches: list[list[NewEvent]]

    @property
    def stream_id(self) -> str:
        return f"partner-{self.partner_id}"


def new_event(partner_id: str, index: int) -> NewEvent:
    return NewEvent(
        payload=PartnerIdentified(
            partner_id=partner_id,
            campaign_id=CAMPAIGN,
            name=f"Organisation number {index}",
            kind="community_group",
            country="Germany",
            members=1_000 + index,
        ),
        metadata=Metadata(
            actor="benchmark",
            reason="benchmark: considered as a prospective partner",
            campaign_id=CAMPAIGN,
        ),
    )


def streams(scenario: Scenario) -> list[Stream]:
    """One stream per writer, cut into the scenario's batches."""
    result = []
    for _ in range(scenario.writers):
        partner_id = str(uuid.uuid4())
        events = [new_event(partner_id, index) for index in range(scenario.per_writer)]
        batches = [
            events[start : start + scenario.batch]
            for start in range(0, len(events), scenario.batch)
        ]
        result.append(Stream(partner_id, batches))
    return result


def payload_json(event: NewEvent) -> str:
    return json.dumps(event.payload.model_dump(mode="json"), separators=(",", ":"))


def raw_rows(stream: Stream) -> list[list[RawRow]]:
    """The rows our store would write for `stream` (hashes are stand-ins of the same size)."""
    batches = []
    version = 0
    previous = "0" * 64
    for batch in stream.batches:
        rows = []
        for event in batch:
            version += 1
            payload = payload_json(event)
            digest = hashlib.sha256(f"{previous}{payload}".encode()).hexdigest()
            meta = event.metadata
            occurred: datetime = meta.occurred_at
            rows.append(
                (
                    event.event_id,
                    stream.stream_id,
                    STREAM_TYPE,
                    version,
                    event.event_type,
                    event.schema_version,
                    payload,
                    meta.actor,
                    meta.reason,
                    meta.correlation_id,
                    meta.causation_id,
                    meta.campaign_id,
                    occurred,
                    occurred,
                    previous,
                    digest,
                )
            )
            previous = digest
        batches.append(rows)
    return batches


def stored_events(stream: Stream) -> list[list[StoredEvent]]:
    """`eventsourcing`'s form of the same events: state = JSON of payload and metadata."""
    originator = uuid.UUID(stream.partner_id)
    batches = []
    version = 0
    for batch in stream.batches:
        stored = []
        for event in batch:
            version += 1
            state = {
                "event_id": str(event.event_id),
                "payload": event.payload.model_dump(mode="json"),
                "metadata": event.metadata.model_dump(mode="json"),
            }
            stored.append(
                StoredEvent(
                    originator_id=originator,
                    originator_version=version,
                    topic=TOPIC,
                    state=json.dumps(state, separators=(",", ":")).encode(),
                )
            )
        batches.append(stored)
    return batches
