"""Reading the audit trail: every event (or every decision) of a campaign, partner or actor
across services, in the order received, from our copy of every service's log; each entry with
the event that caused it when that event is in the copy too."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from coalition.projections.adapters.tables import received_events, timeline_entries
from coalition.projections.domain import audit
from coalition.projections.service_layer.generations import served
from coalition.shared.eventstore.store import as_utc, row_to_event

EXPORT_PAGE = 500


@dataclass(frozen=True)
class Filters:
    """What to show. `visible` is the campaigns the caller works for (None: every one, and
    the events of no campaign too)."""

    visible: frozenset[str] | None
    campaign_id: str | None = None
    partner_id: str | None = None
    actor: str | None = None
    event_type: str | None = None
    service: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    decisions_only: bool = True


def _query(filters: Filters, after: int) -> sa.Select[Any]:
    r = received_events
    query = sa.select(r).where(r.c.position > after).order_by(r.c.position)
    if filters.visible is not None:
        query = query.where(r.c.campaign_id.in_(sorted(filters.visible)))
    if filters.campaign_id is not None:
        query = query.where(r.c.campaign_id == filters.campaign_id)
    if filters.partner_id is not None:
        concerning = sa.select(timeline_entries.c.event_id).where(
            served(timeline_entries), timeline_entries.c.partner_id == filters.partner_id
        )
        query = query.where(r.c.event_id.in_(concerning))
    if filters.actor is not None:
        query = query.where(r.c.actor == filters.actor)
    if filters.event_type is not None:
        query = query.where(r.c.event_type == filters.event_type)
    if filters.service is not None:
        query = query.where(r.c.service == filters.service)
    if filters.since is not None:
        query = query.where(r.c.occurred_at >= as_utc(filters.since))
    if filters.until is not None:
        query = query.where(r.c.occurred_at < as_utc(filters.until))
    if filters.decisions_only:
        query = query.where(r.c.event_type.in_(audit.decision_types()))
    return query


async def _causes(conn: AsyncConnection, ids: set[uuid.UUID]) -> dict[uuid.UUID, audit.Cause]:
    if not ids:
        return {}
    rows = (
        await conn.execute(sa.select(received_events).where(received_events.c.event_id.in_(ids)))
    ).all()
    return {
        row.event_id: audit.cause(row.service, row_to_event(row, position="source_position"))
        for row in rows
    }


async def _entries(conn: AsyncConnection, rows: list[sa.Row[Any]]) -> list[audit.Entry]:
    events = [(row, row_to_event(row, position="source_position")) for row in rows]
    causes = await _causes(
        conn,
        {e.metadata.causation_id for _, e in events if e.metadata.causation_id is not None},
    )
    return [
        audit.entry(
            int(row.position),
            row.service,
            event,
            causes.get(event.metadata.causation_id) if event.metadata.causation_id else None,
        )
        for row, event in events
    ]


async def page(
    engine: AsyncEngine, filters: Filters, *, after: int, limit: int
) -> tuple[list[audit.Entry], int | None]:
    """One page in received order and the cursor of the next (None at the end)."""
    async with engine.connect() as conn:
        rows = list((await conn.execute(_query(filters, after).limit(limit + 1))).all())
        entries = await _entries(conn, rows[:limit])
    return entries, entries[-1].position if len(rows) > limit else None


async def everything(
    engine: AsyncEngine, filters: Filters, *, after: int
) -> AsyncIterator[list[audit.Entry]]:
    """The whole trail from `after`, a page at a time (for exports: never all in memory)."""
    while True:
        entries, following = await page(engine, filters, after=after, limit=EXPORT_PAGE)
        if entries:
            yield entries
        if following is None:
            return
        after = following
