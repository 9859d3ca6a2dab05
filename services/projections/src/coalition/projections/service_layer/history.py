"""Reading a campaign's events from the projections' copy of the log, for the read models that
are computed on request (Partner 360, review metrics): in the order received, only the types
asked for, only what had been recorded by the moment asked about."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from coalition.projections.adapters.tables import partner_list, received_events
from coalition.projections.service_layer.generations import served
from coalition.shared.events.envelope import RecordedEvent
from coalition.shared.eventstore.store import as_utc, row_to_event


async def campaign_events(
    conn: AsyncConnection, campaign_id: str, types: Iterable[str], as_of: datetime
) -> list[RecordedEvent]:
    """The campaign's events of `types` recorded by `as_of`, in the order received; each
    event's `position` is the position in this copy (the audit's `position`)."""
    rows = (
        await conn.execute(
            sa.select(received_events)
            .where(received_events.c.campaign_id == campaign_id)
            .where(received_events.c.event_type.in_(sorted(types)))
            .where(received_events.c.recorded_at <= as_utc(as_of))
            .order_by(received_events.c.position)
        )
    ).all()
    return [row_to_event(row) for row in rows]


async def services_of(conn: AsyncConnection, positions: list[int]) -> dict[int, str]:
    """The producing service of each received event, by position."""
    if not positions:
        return {}
    rows = await conn.execute(
        sa.select(received_events.c.position, received_events.c.service).where(
            received_events.c.position.in_(positions)
        )
    )
    return {row.position: row.service for row in rows}


async def partner_campaign(conn: AsyncConnection, partner_id: str) -> str | None:
    """The campaign a partner belongs to, as the served partner list has it."""
    return (
        await conn.execute(
            sa.select(partner_list.c.campaign_id).where(
                partner_list.c.partner_id == partner_id, served(partner_list)
            )
        )
    ).scalar()
