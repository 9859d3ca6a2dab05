"""Scoring use cases."""

from __future__ import annotations

from coalition.scoring.domain import model
from coalition.shared.application import execute_in
from coalition.shared.contracts.scoring import PartnerScored
from coalition.shared.events.envelope import Metadata, RecordedEvent
from coalition.shared.eventstore.store import EventStore, StoreTransaction
from coalition.shared.web.problems import NotFoundError

ACTOR = "service:scoring"


async def score_new_partner(fact: RecordedEvent, tx: StoreTransaction) -> None:
    """React to `PartnerIdentified`: record a first score, caused by that event."""
    partner_id = str(fact.payload["partner_id"])
    campaign_id = str(fact.payload["campaign_id"])
    stream = model.stream_id(campaign_id, partner_id)
    history = await tx.read_stream(stream)
    decided = model.score_identified(history, fact)
    if not decided:
        return
    scored = decided[0]
    assert isinstance(scored, PartnerScored)
    reason = model.explain(scored)
    metadata = Metadata.reacting_to(fact, actor=ACTOR, reason=reason)
    await execute_in(tx, stream, model.STREAM_TYPE, lambda _history: decided, metadata)


async def latest_score(store: EventStore, campaign_id: str, partner_id: str) -> RecordedEvent:
    history = await store.read_stream(model.stream_id(campaign_id, partner_id))
    if not history:
        raise NotFoundError(
            f"no score for partner {partner_id} in campaign {campaign_id}",
            partner_id=partner_id,
            campaign_id=campaign_id,
        )
    return history[-1]
