"""The webhook dispatcher: sends due deliveries, records every attempt, schedules retries and
declares a delivery dead after the last one.

Order: per subscription and partner only the oldest pending delivery is tried (see
`domain.deliveries.heads`); different partners go out side by side. Several instances on one
PostgreSQL database: one dispatcher leads (a session advisory lock, as the relay does) and the
others stand by, so no two send the same partner's deliveries at once. SQLite: one instance.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from coalition.projections.adapters.tables import (
    received_events,
    webhook_attempts,
    webhook_deliveries,
    webhook_subscriptions,
)
from coalition.projections.adapters.webhook_sender import Outcome
from coalition.projections.domain import signing
from coalition.projections.domain.deliveries import Status, Waiting, body, heads, next_try
from coalition.projections.service_layer.bell import new_deliveries
from coalition.projections.service_layer.writes import writing
from coalition.shared.events.envelope import RecordedEvent, utc_now
from coalition.shared.eventstore.store import as_utc, row_to_event

log = structlog.get_logger(__name__)

Send = Callable[[str, dict[str, str], bytes], Awaitable[Outcome]]
"""(url, headers, body) -> what happened."""


@dataclass(frozen=True)
class Due:
    """A delivery to try now, with what it takes to send it."""

    sequence: int
    delivery_id: str
    subscription_id: str
    tries: int
    url: str
    secret: str
    event: RecordedEvent
    service: str


class Dispatcher:
    def __init__(
        self,
        engine: AsyncEngine,
        send: Send,
        *,
        schedule: Sequence[float],
        poll_seconds: float = 1.0,
        batch_size: int = 50,
    ) -> None:
        self.engine = engine
        self.send = send
        self.schedule = list(schedule)
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        self.is_postgres = engine.dialect.name == "postgresql"
        self.is_leader = not self.is_postgres
        self._leadership: AsyncConnection | None = None

    @property
    def lock_key(self) -> int:
        digest = hashlib.sha256(b"coalition-webhook-dispatcher").digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    async def try_lead(self) -> bool:
        """Become the dispatching instance if no other is (PostgreSQL only)."""
        if self.is_leader:
            return True
        connection = await self.engine.connect()
        acquired = (
            await connection.execute(
                sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": self.lock_key}
            )
        ).scalar()
        await connection.commit()
        if acquired:
            self._leadership = connection
            self.is_leader = True
            log.info("webhooks.dispatcher_leading")
        else:
            await connection.close()
        return self.is_leader

    async def resign(self) -> None:
        if self._leadership is not None:
            # Closing only returns the connection to the pool, where the session (and a
            # session lock) lives on: unlock explicitly. A crash ends the session instead.
            try:
                await self._leadership.execute(
                    sa.text("SELECT pg_advisory_unlock(:key)"), {"key": self.lock_key}
                )
                await self._leadership.commit()
            finally:
                await self._leadership.close()
                self._leadership = None
        self.is_leader = not self.is_postgres

    async def due(self, now: datetime) -> list[Due]:
        """The heads of the per-partner queues that are due, oldest first."""
        d, s = webhook_deliveries, webhook_subscriptions
        older = d.alias("older")
        query = (
            sa.select(
                d.c.sequence,
                d.c.id,
                d.c.subscription_id,
                d.c.partner_key,
                d.c.next_attempt_at,
                d.c.tries,
                d.c.event_id,
                s.c.url,
                s.c.secret,
            )
            .join(s, s.c.id == d.c.subscription_id)
            .where(
                d.c.status == Status.PENDING,
                d.c.next_attempt_at <= now,
                s.c.enabled.is_(True),
                ~sa.exists().where(
                    older.c.subscription_id == d.c.subscription_id,
                    older.c.partner_key == d.c.partner_key,
                    older.c.status == Status.PENDING,
                    older.c.sequence < d.c.sequence,
                ),
            )
            .order_by(d.c.sequence)
            .limit(self.batch_size)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
            if not rows:
                return []
            events = {
                row.event_id: row
                for row in await conn.execute(
                    sa.select(received_events).where(
                        received_events.c.event_id.in_([row.event_id for row in rows])
                    )
                )
            }
        # The query already keeps only queue heads; the rule itself is the pure one.
        allowed = {
            waiting.sequence
            for waiting in heads(
                (
                    Waiting(
                        row.sequence,
                        row.subscription_id,
                        row.partner_key,
                        as_utc(row.next_attempt_at),
                    )
                    for row in rows
                ),
                now,
            )
        }
        return [
            Due(
                sequence=row.sequence,
                delivery_id=row.id,
                subscription_id=row.subscription_id,
                tries=row.tries,
                url=row.url,
                secret=row.secret,
                event=row_to_event(events[row.event_id], position="source_position"),
                service=events[row.event_id].service,
            )
            for row in rows
            if row.sequence in allowed
        ]

    async def attempt(self, due: Due) -> Outcome:
        """Send one delivery and record the attempt and the delivery's next state."""
        content = body(due.event, due.service)
        sent_at = utc_now()
        headers = signing.headers(due.secret, due.delivery_id, int(sent_at.timestamp()), content)
        outcome = await self.send(due.url, headers, content)
        await self.record(due, outcome, sent_at)
        log.info(
            "webhooks.attempted",
            delivery_id=due.delivery_id,
            subscription_id=due.subscription_id,
            event_type=due.event.event_type,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )
        return outcome

    async def record(self, due: Due, outcome: Outcome, sent_at: datetime) -> None:
        now = utc_now()
        tries = due.tries + 1
        if outcome.succeeded:
            status, next_at = Status.DELIVERED, None
        else:
            next_at = next_try(tries, self.schedule, now)
            status = Status.PENDING if next_at is not None else Status.DEAD
        async with writing(self.engine) as conn:
            updated = await conn.execute(
                webhook_deliveries.update()
                .where(
                    webhook_deliveries.c.id == due.delivery_id,
                    webhook_deliveries.c.status == Status.PENDING,
                    webhook_deliveries.c.tries == due.tries,
                )
                .values(status=status, tries=tries, next_attempt_at=next_at, updated_at=now)
            )
            if updated.rowcount == 0:  # deleted with its subscription meanwhile
                return
            await conn.execute(
                webhook_attempts.insert().values(
                    delivery_id=due.delivery_id,
                    attempted_at=sent_at,
                    status_code=outcome.status_code,
                    error=outcome.error,
                    duration_ms=outcome.duration_ms,
                    response_excerpt=outcome.response_excerpt,
                    succeeded=outcome.succeeded,
                )
            )
        if status == Status.DEAD:
            log.warning(
                "webhooks.dead",
                delivery_id=due.delivery_id,
                subscription_id=due.subscription_id,
                tries=tries,
            )

    async def run_once(self) -> int:
        """Try every due queue head once, side by side; returns how many were tried."""
        batch = await self.due(utc_now())
        results = await asyncio.gather(
            *(self.attempt(due) for due in batch), return_exceptions=True
        )
        for due, result in zip(batch, results, strict=True):
            if isinstance(result, BaseException):  # not recorded: tried again at the next round
                log.error("webhooks.record_failed", delivery_id=due.delivery_id, error=repr(result))
        return len(batch)

    async def run(self) -> None:
        """Forever: dispatch, then wait for new deliveries in this process or the poll."""
        wake = new_deliveries.listen()
        try:
            while True:
                wake.clear()
                try:
                    if await self.try_lead() and await self.run_once() >= self.batch_size:
                        continue
                except Exception:
                    log.exception("webhooks.dispatch_failed", retry_in=self.poll_seconds)
                with suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=self.poll_seconds)
        finally:
            new_deliveries.forget(wake)
            await self.resign()
