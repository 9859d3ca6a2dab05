"""Research use cases about partners: each loads a stream, lets the domain decide, appends."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from functools import partial

from coalition.research.domain import partner as model
from coalition.shared.application import execute
from coalition.shared.contracts.research import Profile
from coalition.shared.events.envelope import DomainEvent, Metadata, RecordedEvent
from coalition.shared.eventstore.store import EventStore
from coalition.shared.web.problems import NotFoundError


async def identify_partner(
    store: EventStore,
    metadata: Metadata,
    *,
    campaign_id: str,
    profile: Profile,
    partner_id: str | None = None,
) -> RecordedEvent:
    partner_id = partner_id or str(uuid.uuid4())
    decide = partial(
        model.identify, partner_id=partner_id, campaign_id=campaign_id, profile=profile
    )
    recorded = await execute(
        store, model.stream_id(partner_id), model.STREAM_TYPE, decide, metadata, expected_version=0
    )
    return recorded[0]


async def get_partner(store: EventStore, partner_id: str) -> model.Partner:
    partner = model.Partner.from_history(await store.read_stream(model.stream_id(partner_id)))
    if partner is None:
        raise NotFoundError(f"partner {partner_id} not found", partner_id=partner_id)
    return partner


async def change_partner(
    store: EventStore,
    metadata: Metadata,
    partner_id: str,
    decide: Callable[[Sequence[RecordedEvent]], Sequence[DomainEvent]],
    *,
    expected_version: int | None = None,
) -> model.Partner:
    """Any change to a known partner (profile, people, positions, collaborations, archive):
    the domain decides, the store appends with the version the client saw, if it named one.
    Returns the partner as it now is."""
    await execute(
        store,
        model.stream_id(partner_id),
        model.STREAM_TYPE,
        decide,
        metadata,
        expected_version=expected_version,
    )
    return await get_partner(store, partner_id)
