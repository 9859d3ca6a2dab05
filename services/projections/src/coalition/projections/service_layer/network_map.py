"""Reading a campaign's network map: its events from the projections' copy of the log (up to
`as_of` when asked), folded and analysed by the pure domain. Nothing is stored, so a rebuild,
a live read and a read "as of" cannot disagree (ADR 14).

The events' count and last position identify the map's version: the ETag, and the key of a
small cache, since a campaign's events arrive at human speed and readers ask again."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from coalition.projections.adapters.tables import received_events
from coalition.projections.domain.map_analysis import NetworkMap, analyse
from coalition.projections.domain.network_map import EVENT_TYPES, MapFold
from coalition.shared.eventstore.store import as_utc, row_to_event

PAGE = 2000
CACHED = 16


@dataclass(frozen=True, slots=True)
class Version:
    """Which of the campaign's events a map is made of: all those at or before `last`."""

    campaign_id: str
    events: int
    last: int
    as_of: datetime | None

    @property
    def tag(self) -> str:
        return f"{self.events}-{self.last}"


def _campaign_events(
    campaign_id: str, as_of: datetime | None, *columns: sa.ColumnElement[Any]
) -> sa.Select[Any]:
    """The campaign's events the map reads (recorded by `as_of`, when given)."""
    query = sa.select(*columns).where(
        received_events.c.campaign_id == campaign_id,
        received_events.c.event_type.in_(sorted(EVENT_TYPES)),
    )
    if as_of is not None:
        query = query.where(received_events.c.recorded_at <= as_utc(as_of))
    return query


async def version(conn: AsyncConnection, campaign_id: str, as_of: datetime | None) -> Version:
    query = _campaign_events(
        campaign_id, as_of, sa.func.count(), sa.func.max(received_events.c.position)
    )
    count, last = (await conn.execute(query)).one()
    return Version(campaign_id, int(count), int(last or 0), as_of)


async def _fold(conn: AsyncConnection, at: Version) -> MapFold:
    state = MapFold()
    after = 0
    while True:
        rows = (
            await conn.execute(
                _campaign_events(at.campaign_id, at.as_of, *received_events.c)
                .where(received_events.c.position > after)
                .where(received_events.c.position <= at.last)
                .order_by(received_events.c.position)
                .limit(PAGE)
            )
        ).all()
        for row in rows:
            # The projections' own position orders the copy: the order events were received.
            state.apply(row_to_event(row, position="position"))
        if len(rows) < PAGE:
            return state
        after = rows[-1].position


_caches: WeakKeyDictionary[AsyncEngine, OrderedDict[Version, NetworkMap]] = WeakKeyDictionary()
"""Per database (a process may serve several, as the tests do), the last maps read."""


async def network_map(engine: AsyncEngine, at: Version) -> NetworkMap:
    """The campaign's whole map at version `at` (filters are applied by the caller)."""
    cache = _caches.setdefault(engine, OrderedDict())
    if (hit := cache.get(at)) is not None:
        cache.move_to_end(at)
        return hit
    async with engine.connect() as conn:
        state = await _fold(conn, at)
    nodes, edges = state.graph()
    # Leiden and the layout take a moment on a thousand nodes: off the event loop.
    result = await asyncio.to_thread(
        analyse,
        at.campaign_id,
        nodes,
        edges,
        dict(state.campaign_positions),
        events=state.events,
        last_position=state.last_position,
    )
    cache[at] = result
    while len(cache) > CACHED:
        cache.popitem(last=False)
    return result
