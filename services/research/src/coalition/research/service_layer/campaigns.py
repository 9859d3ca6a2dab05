"""Research use cases about a campaign: launch it, then state what it wants and rejects."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from coalition.research.domain import campaign as model
from coalition.shared.application import execute
from coalition.shared.events.envelope import DomainEvent, Metadata, RecordedEvent
from coalition.shared.eventstore.store import EventStore
from coalition.shared.web.problems import NotFoundError


async def launch_campaign(
    store: EventStore,
    metadata: Metadata,
    *,
    campaign_id: str,
    name: str,
    description: str | None,
    values: Sequence[str],
) -> model.Campaign:
    decide = partial(
        model.launch, campaign_id=campaign_id, name=name, description=description, values=values
    )
    # No expected version: a second launch of the same id is the domain's 409, not a 412.
    await execute(store, model.stream_id(campaign_id), model.STREAM_TYPE, decide, metadata)
    return await get_campaign(store, campaign_id)


async def get_campaign(store: EventStore, campaign_id: str) -> model.Campaign:
    campaign = model.Campaign.from_history(await store.read_stream(model.stream_id(campaign_id)))
    if campaign is None:
        raise NotFoundError(f"campaign {campaign_id} not found", campaign_id=campaign_id)
    return campaign


async def change_campaign(
    store: EventStore,
    metadata: Metadata,
    campaign_id: str,
    decide: Callable[[Sequence[RecordedEvent]], Sequence[DomainEvent]],
    *,
    expected_version: int | None = None,
) -> model.Campaign:
    """Any change to a launched campaign; returns the campaign as it now is."""
    await get_campaign(store, campaign_id)
    await execute(
        store,
        model.stream_id(campaign_id),
        model.STREAM_TYPE,
        decide,
        metadata,
        expected_version=expected_version,
    )
    return await get_campaign(store, campaign_id)
