"""Projecting events: the same code applies an event live and during a rebuild."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from coalition.projections.adapters.tables import (
    READ_MODELS,
    partner_list,
    received_events,
    timeline_entries,
)
from coalition.projections.domain import views
from coalition.projections.service_layer import deliveries
from coalition.shared.contracts import catalogue
from coalition.shared.events.envelope import RecordedEvent
from coalition.shared.eventstore.store import StoreTransaction, event_row, row_to_event

PAGE = 1000


async def receive(event: RecordedEvent, tx: StoreTransaction) -> None:
    """Live: keep our copy of the event, project it and record its webhook deliveries, all in
    the consumer's transaction. A rebuild replays `project` only: no webhook goes out twice."""
    position = await record(tx.connection, event)
    await project(tx.connection, event, position)
    await deliveries.enqueue(event, tx)


async def record(conn: AsyncConnection, event: RecordedEvent) -> int:
    result = await conn.execute(
        received_events.insert().values(
            **event_row(event), service=service_of(event), source_position=event.position
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def service_of(event: RecordedEvent) -> str:
    """The producing service, from the catalogue (events of unknown types are still kept)."""
    try:
        return catalogue.get(event.event_type, event.schema_version).service
    except LookupError:
        return "unknown"


async def project(conn: AsyncConnection, event: RecordedEvent, position: int) -> None:
    """Apply one event to every read model."""
    for partner_id, changes in views.partner_changes(event).items():
        values: dict[str, Any] = {
            **changes,
            "updated_at": event.metadata.occurred_at,
            "last_event_id": event.event_id,
        }
        updated = await conn.execute(
            partner_list.update().where(partner_list.c.partner_id == partner_id).values(values)
        )
        if updated.rowcount == 0:
            await conn.execute(partner_list.insert().values(partner_id=partner_id, **values))
    meta = event.metadata
    for partner_id in views.partners_concerned(event):
        await conn.execute(
            timeline_entries.insert().values(
                partner_id=partner_id,
                received_position=position,
                event_id=event.event_id,
                service=service_of(event),
                event_type=event.event_type,
                actor=meta.actor,
                reason=meta.reason,
                summary=views.summary(event),
                occurred_at=meta.occurred_at,
                recorded_at=event.recorded_at,
                causation_id=meta.causation_id,
                correlation_id=meta.correlation_id,
            )
        )


async def rebuild(engine: AsyncEngine) -> int:
    """Throw the read models away and replay every received event, in the order received,
    in one transaction: readers see the old models until the new ones are complete."""
    replayed = 0
    async with engine.connect() as raw:
        conn = await raw.execution_options(sqlite_immediate=True)
        async with conn.begin():
            for table in reversed(READ_MODELS):
                await conn.execute(table.delete())
            after = 0
            while True:
                rows = (
                    await conn.execute(
                        sa.select(received_events)
                        .where(received_events.c.position > after)
                        .order_by(received_events.c.position)
                        .limit(PAGE)
                    )
                ).all()
                for row in rows:
                    await project(conn, row_to_event(row, position="source_position"), row.position)
                replayed += len(rows)
                if len(rows) < PAGE:
                    break
                after = rows[-1].position
    return replayed
