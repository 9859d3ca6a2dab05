"""Dead letters: what a consumer gave up on, with the error, and how an operator retries one
once the cause is fixed. A retry runs the same handler through the same inbox, so it still
takes effect at most once, and removes the dead letter in the same transaction as the effect."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from coalition.shared.eventstore.schema import dead_letters
from coalition.shared.eventstore.store import EventStore, StoreTransaction, as_utc
from coalition.shared.messaging.cloudevents import from_message
from coalition.shared.messaging.subscriptions import Inbox, Subscriptions
from coalition.shared.web.problems import NotFoundError


@dataclass(frozen=True)
class DeadLetter:
    id: int
    consumer: str
    event_id: str | None
    event_type: str | None
    subject: str
    deliveries: int
    failed_at: datetime
    error: str


async def list_dead_letters(store: EventStore) -> list[DeadLetter]:
    async with store.engine.connect() as conn:
        rows = (await conn.execute(sa.select(dead_letters).order_by(dead_letters.c.id))).all()
    return [
        DeadLetter(
            id=row.id,
            consumer=row.consumer,
            event_id=None if row.event_id is None else str(row.event_id),
            event_type=row.event_type,
            subject=row.subject,
            deliveries=row.deliveries,
            failed_at=as_utc(row.failed_at),
            error=row.error,
        )
        for row in rows
    ]


async def redeliver(store: EventStore, subscriptions: Subscriptions, letter_id: int) -> bool:
    """Run the dead-lettered event through its handler again. True if it took effect now, False
    if it had taken effect before; raises what the handler raises (the letter stays)."""
    async with store.engine.connect() as conn:
        row = (
            await conn.execute(sa.select(dead_letters).where(dead_letters.c.id == letter_id))
        ).first()
    if row is None:
        raise NotFoundError(f"no dead letter {letter_id}")
    headers: dict[str, Any] = dict(row.headers)
    event = from_message(headers, row.body.encode())
    handler = subscriptions.handlers.get(event.event_type) or subscriptions.catch_all
    if handler is None:
        raise NotFoundError(f"{subscriptions.consumer} has no handler for {event.event_type}")

    async def and_forget_the_letter(event: Any, tx: StoreTransaction) -> None:
        await handler(event, tx)
        await tx.connection.execute(dead_letters.delete().where(dead_letters.c.id == letter_id))

    done = await Inbox(store, row.consumer).process(event, and_forget_the_letter)
    if not done:
        async with store.engine.begin() as conn:
            await conn.execute(dead_letters.delete().where(dead_letters.c.id == letter_id))
    return done
