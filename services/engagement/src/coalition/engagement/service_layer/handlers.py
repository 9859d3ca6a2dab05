"""Engagement use cases."""

from __future__ import annotations

from coalition.engagement.domain import pipeline
from coalition.shared.application import execute_in
from coalition.shared.contracts.engagement import EngagementOpened
from coalition.shared.events.envelope import Metadata, RecordedEvent
from coalition.shared.eventstore.store import EventStore, StoreTransaction
from coalition.shared.web.problems import NotFoundError

ACTOR = "service:engagement"


async def open_pipeline_entry(fact: RecordedEvent, tx: StoreTransaction) -> None:
    """React to `PartnerScored`: open the partner's pipeline entry once."""
    entry = pipeline.engagement_id(
        str(fact.payload["campaign_id"]), str(fact.payload["partner_id"])
    )
    stream = pipeline.stream_id(entry)
    decided = pipeline.open_for_scored_partner(await tx.read_stream(stream), fact)
    if not decided:
        return
    opened = decided[0]
    assert isinstance(opened, EngagementOpened)
    metadata = Metadata.reacting_to(fact, actor=ACTOR, reason=pipeline.opening_reason(opened))
    await execute_in(tx, stream, pipeline.STREAM_TYPE, lambda _history: decided, metadata)


async def get_engagement(store: EventStore, engagement_id: str) -> pipeline.Engagement:
    entry = pipeline.Engagement.from_history(
        await store.read_stream(pipeline.stream_id(engagement_id))
    )
    if entry is None:
        raise NotFoundError(f"engagement {engagement_id} not found", engagement_id=engagement_id)
    return entry
