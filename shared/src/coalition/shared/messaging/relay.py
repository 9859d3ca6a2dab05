"""The relay: the event log is the outbox. It publishes committed events in log order and
remembers how far it got, in the same database, so a crash between commit and publish loses
nothing: the next relay resumes from the checkpoint, and JetStream drops the duplicates that a
crash between publish and checkpoint can cause (message id = event id).

When a service runs as several instances on one PostgreSQL database, one relay publishes and
the others stand by: leadership is a PostgreSQL session advisory lock, released by the database
itself when the leader's connection ends (a crash included), so a standby takes over.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from contextlib import suppress

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncConnection

from coalition.shared.events.envelope import RecordedEvent, utc_now
from coalition.shared.eventstore.schema import relay_checkpoints
from coalition.shared.eventstore.store import EventStore

log = structlog.get_logger(__name__)

Publish = Callable[[RecordedEvent], Awaitable[None]]


class Relay:
    """Publishes one service's log to the broker, in order, at least once."""

    def __init__(
        self,
        store: EventStore,
        publish: Publish,
        *,
        name: str = "broker",
        batch_size: int = 500,
        poll_seconds: float = 1.0,
    ) -> None:
        self.store = store
        self.publish = publish
        self.name = name
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self._wake = store.listen()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._leadership: AsyncConnection | None = None
        self.is_leader = not store.is_postgres

    @property
    def lock_key(self) -> int:
        """A stable signed 64-bit advisory lock key for this relay's name."""
        digest = hashlib.sha256(f"coalition-relay:{self.name}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    async def try_lead(self) -> bool:
        """Become the publishing relay if no other instance is (PostgreSQL only)."""
        if self.is_leader:
            return True
        connection = await self.store.engine.connect()
        acquired = (
            await connection.execute(
                sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": self.lock_key}
            )
        ).scalar()
        await connection.commit()
        if acquired:
            self._leadership = connection
            self.is_leader = True
            log.info("relay.leading", relay=self.name)
        else:
            await connection.close()
        return self.is_leader

    async def checkpoint(self) -> int:
        async with self.store.engine.connect() as conn:
            value = (
                await conn.execute(
                    sa.select(relay_checkpoints.c.position).where(
                        relay_checkpoints.c.name == self.name
                    )
                )
            ).scalar()
        return int(value or 0)

    async def _save_checkpoint(self, position: int) -> None:
        async with self.store.engine.begin() as conn:
            updated = await conn.execute(
                relay_checkpoints.update()
                .where(relay_checkpoints.c.name == self.name)
                .values(position=position, updated_at=utc_now())
            )
            if updated.rowcount == 0:
                await conn.execute(
                    relay_checkpoints.insert().values(
                        name=self.name, position=position, updated_at=utc_now()
                    )
                )

    async def run_once(self) -> int:
        """Publish one page of unpublished events; returns how many were published."""
        after = await self.checkpoint()
        page = await self.store.read_all(after=after, limit=self.batch_size)
        published = 0
        try:
            for event in page:
                await self.publish(event)
                published += 1
        finally:
            if published:
                await self._save_checkpoint(page[published - 1].position)
        return published

    async def drain(self) -> int:
        """Publish until nothing is left; returns the total."""
        total = 0
        while count := await self.run_once():
            total += count
        return total

    async def run(self) -> None:
        """Forever: publish, then sleep until an append in this process or the poll interval."""
        backoff = self.poll_seconds
        while not self._stopping:
            self._wake.clear()
            try:
                if not await self.try_lead():
                    await asyncio.sleep(self.poll_seconds)
                    continue
                count = await self.run_once()
                backoff = self.poll_seconds
            except Exception:
                log.exception("relay.publish_failed", relay=self.name, retry_in=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            if count >= self.batch_size:
                continue
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name=f"relay-{self.name}")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
        if self._leadership is not None:
            await self._leadership.close()  # ends the session: the lock goes with it
            self._leadership = None
            self.is_leader = not self.store.is_postgres
