"""Engagement use cases about pipeline entries: each loads a stream, lets the domain decide,
appends. The entrypoints turn a stale version into a 409 with the entry as it now is."""

from __future__ import annotations

from coalition.engagement.domain import outreach as settings
from coalition.engagement.domain import pipeline
from coalition.shared.application import Decide, execute
from coalition.shared.events.envelope import Metadata
from coalition.shared.eventstore.schema import events
from coalition.shared.eventstore.store import EventStore


async def get_entry(store: EventStore, campaign_id: str, partner_id: str) -> pipeline.Engagement:
    """The entry, or 404."""
    entry_id = pipeline.engagement_id(campaign_id, partner_id)
    return pipeline.current(await store.read_stream(pipeline.stream_id(entry_id)))


async def find_entry(
    store: EventStore, campaign_id: str, partner_id: str
) -> pipeline.Engagement | None:
    entry_id = pipeline.engagement_id(campaign_id, partner_id)
    return pipeline.Engagement.from_history(await store.read_stream(pipeline.stream_id(entry_id)))


async def change_entry(
    store: EventStore,
    metadata: Metadata,
    campaign_id: str,
    partner_id: str,
    decide: Decide,
    *,
    expected_version: int | None = None,
) -> pipeline.Engagement:
    """Any command on an entry (opening it too, at `expected_version` 0): the domain decides,
    the store appends at the version the client saw, if it named one. Returns the entry now."""
    entry_id = pipeline.engagement_id(campaign_id, partner_id)
    await execute(
        store,
        pipeline.stream_id(entry_id),
        pipeline.STREAM_TYPE,
        decide,
        metadata,
        expected_version=expected_version,
    )
    return await get_entry(store, campaign_id, partner_id)


async def campaign_entries(store: EventStore, campaign_id: str) -> list[pipeline.Engagement]:
    """Every entry of the campaign, rebuilt from its stream: one indexed query, as research
    does for its partners (engagement keeps no list of its own; that is a projection's job)."""
    streams = await store.streams_where(pipeline.STREAM_TYPE, events.c.campaign_id == campaign_id)
    found = (pipeline.Engagement.from_history(stream) for stream in streams)
    return [item for item in found if item is not None and item.campaign_id == campaign_id]


async def get_outreach(store: EventStore, campaign_id: str) -> settings.Outreach:
    history = await store.read_stream(settings.stream_id(campaign_id))
    return settings.Outreach.from_history(campaign_id, history)


async def change_outreach(
    store: EventStore,
    metadata: Metadata,
    campaign_id: str,
    decide: Decide,
    *,
    expected_version: int | None = None,
) -> settings.Outreach:
    await execute(
        store,
        settings.stream_id(campaign_id),
        settings.STREAM_TYPE,
        decide,
        metadata,
        expected_version=expected_version,
    )
    return await get_outreach(store, campaign_id)


async def check_owner_capacity(
    store: EventStore, campaign_id: str, partner_id: str, owner_id: str
) -> None:
    """409 if `owner_id` already carries as many entries as their capacity allows (this entry
    not counted, so naming its owner again is never refused)."""
    outreach = await get_outreach(store, campaign_id)
    others = [e for e in await campaign_entries(store, campaign_id) if e.partner_id != partner_id]
    carried = settings.carried(others).get(owner_id, 0)
    pipeline.check_capacity(owner_id, outreach.capacity.get(owner_id), carried)
