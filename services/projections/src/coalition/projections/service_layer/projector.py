"""Projecting events: the same code applies events live (one at a time) and during a rebuild
(a page at a time), into a given generation of the read models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from coalition.projections.adapters.tables import partner_list, received_events, timeline_entries
from coalition.projections.domain import views
from coalition.projections.service_layer import deliveries, generations
from coalition.shared.contracts import catalogue
from coalition.shared.events.envelope import RecordedEvent
from coalition.shared.eventstore.store import StoreTransaction, event_row

Received = tuple[RecordedEvent, int]
"""An event and its position in `received_events`."""


async def receive(event: RecordedEvent, tx: StoreTransaction) -> None:
    """Live: keep our copy of the event, project it into the served generation and record its
    webhook deliveries, all in the consumer's transaction. A rebuild replays `project` only:
    no webhook goes out twice. A generation being rebuilt catches up from our copy itself."""
    position = await record(tx.connection, event)
    generation = await generations.current(tx.connection)
    await project(tx.connection, [(event, position)], generation)
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


async def project(conn: AsyncConnection, received: Sequence[Received], generation: int) -> None:
    """Apply events, in order, to every read model of `generation`. A page's partner-list
    changes are folded first (later changes win, as applying them one by one would), then
    written with one statement per shape: one event or ten thousand, the same result."""
    if not received:
        return
    await _partner_rows(conn, [event for event, _ in received], generation)
    entries = [
        _timeline_row(event, position, partner_id, generation)
        for event, position in received
        for partner_id in views.partners_concerned(event)
    ]
    if entries:
        await conn.execute(timeline_entries.insert(), entries)


async def _partner_rows(
    conn: AsyncConnection, events: Sequence[RecordedEvent], generation: int
) -> None:
    rows = views.fold_partner_changes(events)
    if not rows:
        return
    existing = set(
        (
            await conn.execute(
                sa.select(partner_list.c.partner_id).where(
                    partner_list.c.generation == generation,
                    partner_list.c.partner_id.in_(list(rows)),
                )
            )
        ).scalars()
    )
    inserts = [
        {**_all_columns_null(), **values, "generation": generation, "partner_id": partner_id}
        for partner_id, values in rows.items()
        if partner_id not in existing
    ]
    if inserts:
        await conn.execute(partner_list.insert(), inserts)
    shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for partner_id, values in rows.items():
        if partner_id in existing:
            shape = tuple(sorted(values))
            shapes.setdefault(shape, []).append({**values, "b_partner_id": partner_id})
    for shape, params in shapes.items():
        statement = (
            partner_list.update()
            .where(
                partner_list.c.generation == generation,
                partner_list.c.partner_id == sa.bindparam("b_partner_id"),
            )
            .values({column: sa.bindparam(column) for column in shape})
        )
        await conn.execute(statement, params)


def _all_columns_null() -> dict[str, Any]:
    """An insert of many rows needs every row to name the same columns."""
    return {column.name: None for column in partner_list.columns}


def _timeline_row(
    event: RecordedEvent, position: int, partner_id: str, generation: int
) -> dict[str, Any]:
    meta = event.metadata
    return {
        "generation": generation,
        "partner_id": partner_id,
        "received_position": position,
        "event_id": event.event_id,
        "service": service_of(event),
        "event_type": event.event_type,
        "actor": meta.actor,
        "reason": meta.reason,
        "summary": views.summary(event),
        "occurred_at": meta.occurred_at,
        "recorded_at": event.recorded_at,
        "causation_id": meta.causation_id,
        "correlation_id": meta.correlation_id,
    }
