"""The event store on SQLAlchemy 2 (async), one implementation for SQLite and PostgreSQL.

Ordering: readers follow the global `position`. On PostgreSQL a sequence value is taken at
INSERT but becomes visible at COMMIT, so a reader asking for `position > checkpoint` could pass
over a row that commits late. Appends are therefore serialised with
`LOCK TABLE events IN EXCLUSIVE MODE` (the technique of the `eventsourcing` library): positions
become visible in the order they were assigned, and plain reads (ACCESS SHARE) are not blocked.
SQLite has one writer at a time (we begin appends with BEGIN IMMEDIATE) and is safe by
construction. See docs/adr/0002-global-order.md.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from typing import Any, NoReturn

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from coalition.shared.events.envelope import Metadata, NewEvent, RecordedEvent, utc_now
from coalition.shared.eventstore.errors import (
    ConcurrencyError,
    DuplicateEventError,
    StoreBusyError,
)
from coalition.shared.eventstore.hashing import (
    GENESIS,
    ChainVerification,
    event_hash,
    verify_chain_async,
)
from coalition.shared.eventstore.schema import events

DEFAULT_LOCK_TIMEOUT_SECONDS = 10.0
"""Set for every PostgreSQL connection by `coalition.shared.db.create_engine` (no extra round
trip per append); a store with another value sets it per transaction."""


def as_utc(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; everything we store is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def row_to_event(row: sa.Row[Any], *, position: str = "position") -> RecordedEvent:
    """A recorded event from a row of `events` (or of a copy of it, whose column `position`
    names the global position in the producing log)."""
    m = row._mapping
    return RecordedEvent(
        event_id=m["event_id"],
        stream_id=m["stream_id"],
        stream_type=m["stream_type"],
        stream_version=m["stream_version"],
        position=m[position],
        event_type=m["event_type"],
        schema_version=m["schema_version"],
        payload=m["payload"],
        metadata=Metadata(
            actor=m["actor"],
            reason=m["reason"],
            correlation_id=m["correlation_id"],
            causation_id=m["causation_id"],
            campaign_id=m["campaign_id"],
            occurred_at=as_utc(m["occurred_at"]),
        ),
        recorded_at=as_utc(m["recorded_at"]),
        previous_hash=m["previous_hash"],
        hash=m["hash"],
    )


def stream_query(
    stream_id: str, *, from_version: int = 1, as_of: datetime | None = None
) -> sa.Select[Any]:
    """One stream's events in version order (from a version, as of a time)."""
    query = (
        sa.select(events).where(events.c.stream_id == stream_id).order_by(events.c.stream_version)
    )
    if from_version > 1:
        query = query.where(events.c.stream_version >= from_version)
    if as_of is not None:
        query = query.where(events.c.recorded_at <= as_utc(as_of))
    return query


def event_row(event: RecordedEvent) -> dict[str, Any]:
    """The envelope columns of a recorded event (all but its position): `row_to_event` reversed,
    for tables that keep a copy of events."""
    meta = event.metadata
    return {
        "event_id": event.event_id,
        "stream_id": event.stream_id,
        "stream_type": event.stream_type,
        "stream_version": event.stream_version,
        "event_type": event.event_type,
        "schema_version": event.schema_version,
        "payload": event.payload,
        "actor": meta.actor,
        "reason": meta.reason,
        "correlation_id": meta.correlation_id,
        "causation_id": meta.causation_id,
        "campaign_id": meta.campaign_id,
        "occurred_at": meta.occurred_at,
        "recorded_at": event.recorded_at,
        "previous_hash": event.previous_hash,
        "hash": event.hash,
    }


class StoreTransaction:
    """One database transaction in which events are appended, together with whatever else the
    caller writes on `connection` (a processed-event record, a read model row): all or nothing.
    """

    def __init__(self, connection: AsyncConnection, store: EventStore) -> None:
        self.connection = connection
        self._store = store
        self._locked = False
        self.appended: list[RecordedEvent] = []
        self.committed_callbacks: list[Callable[[], None]] = []

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Call `callback` once this transaction has committed (to wake a worker, say: before
        the commit it would not see the rows yet). Not called on rollback."""
        self.committed_callbacks.append(callback)

    async def _lock(self) -> None:
        if not self._locked and self._store.is_postgres:
            # Bounded: a transaction that holds the lock too long makes others give up with a
            # retryable error instead of queueing forever.
            if self._store.lock_timeout_seconds != DEFAULT_LOCK_TIMEOUT_SECONDS:
                timeout_ms = int(self._store.lock_timeout_seconds * 1000)
                await self.connection.execute(sa.text(f"SET LOCAL lock_timeout = {timeout_ms}"))
            try:
                await self.connection.execute(sa.text("LOCK TABLE events IN EXCLUSIVE MODE"))
            except DBAPIError as error:
                if getattr(error.orig, "sqlstate", None) == "55P03" or "lock timeout" in str(
                    error.orig
                ):
                    raise StoreBusyError(self._store.lock_timeout_seconds) from error
                raise
        self._locked = True

    async def stream_head(self, stream_id: str) -> tuple[int, str]:
        """The stream's current version and last hash (0 and the genesis hash if empty)."""
        row = (
            await self.connection.execute(
                sa.select(events.c.stream_version, events.c.hash)
                .where(events.c.stream_id == stream_id)
                .order_by(events.c.stream_version.desc())
                .limit(1)
            )
        ).first()
        return (0, GENESIS) if row is None else (row[0], row[1])

    async def read_stream(self, stream_id: str) -> list[RecordedEvent]:
        """The stream as this transaction sees it, after taking the append lock, so a decision
        made on it cannot be overtaken by another writer."""
        await self._lock()
        result = await self.connection.execute(stream_query(stream_id))
        return [row_to_event(row) for row in result.all()]

    async def append(
        self,
        stream_id: str,
        stream_type: str,
        new_events: Sequence[NewEvent],
        expected_version: int | None,
    ) -> list[RecordedEvent]:
        """Append `new_events` to a stream that must be at `expected_version` (0: new stream;
        None: any). Raises `ConcurrencyError` otherwise; the caller's transaction then rolls
        back, so nothing is written."""
        if not new_events:
            return []
        # Everything that does not depend on the stream head is done before taking the lock,
        # which every other writer of this database waits for.
        prepared = _prepare(new_events)
        await self._lock()
        version, previous_hash = await self.stream_head(stream_id)
        if expected_version is not None and version != expected_version:
            raise ConcurrencyError(stream_id, expected_version, version)
        rows = _rows(stream_id, stream_type, prepared, version, previous_hash, utc_now())
        try:
            result = await self.connection.execute(
                events.insert().returning(events.c.position, sort_by_parameter_order=True), rows
            )
        except IntegrityError as error:
            await self._raise_for(error, stream_id, new_events, expected_version)
        recorded = [
            _recorded(row, position, new.metadata, occurred_at)
            for row, position, (new, _, occurred_at) in zip(
                rows, result.scalars().all(), prepared, strict=True
            )
        ]
        self.appended.extend(recorded)
        return recorded

    async def stream_heads(self, stream_ids: Sequence[str]) -> dict[str, tuple[int, str]]:
        """The current version and last hash of many streams at once (absent: empty)."""
        heads: dict[str, tuple[int, str]] = {}
        for start in range(0, len(stream_ids), BULK_CHUNK):
            chunk = stream_ids[start : start + BULK_CHUNK]
            latest = (
                sa.select(events.c.stream_id, sa.func.max(events.c.stream_version).label("v"))
                .where(events.c.stream_id.in_(chunk))
                .group_by(events.c.stream_id)
                .subquery()
            )
            query = sa.select(events.c.stream_id, events.c.stream_version, events.c.hash).join(
                latest,
                sa.and_(
                    events.c.stream_id == latest.c.stream_id,
                    events.c.stream_version == latest.c.v,
                ),
            )
            for row in (await self.connection.execute(query)).all():
                heads[row[0]] = (row[1], row[2])
        return heads

    async def read_streams(self, stream_ids: Sequence[str]) -> dict[str, list[RecordedEvent]]:
        """Many streams at once, after taking the append lock (see `read_stream`): one query
        per thousand streams instead of one per stream. Every id is a key (empty: no events)."""
        await self._lock()
        return await read_streams_on(self.connection, stream_ids)

    async def append_many(self, appends: Sequence[StreamAppend]) -> list[RecordedEvent]:
        """Append to many streams in this transaction with a few statements rather than a few
        per stream: one read of all the heads, one batched insert. Each stream must be at its
        expected version (`ConcurrencyError` otherwise, and the caller's transaction rolls back).
        A bulk import's path; a stream appears at most once."""
        appends = [a for a in appends if a.events]
        if len({a.stream_id for a in appends}) != len(appends):
            raise ValueError("a stream may appear only once in append_many")
        prepared = [_prepare(a.events) for a in appends]
        await self._lock()
        heads = await self.stream_heads([a.stream_id for a in appends])
        recorded_at = utc_now()
        rows: list[dict[str, Any]] = []
        for append in appends:
            version, _ = heads.get(append.stream_id, (0, GENESIS))
            if append.expected_version is not None and version != append.expected_version:
                raise ConcurrencyError(append.stream_id, append.expected_version, version)
        for append, ready in zip(appends, prepared, strict=True):
            version, previous_hash = heads.get(append.stream_id, (0, GENESIS))
            rows += _rows(
                append.stream_id, append.stream_type, ready, version, previous_hash, recorded_at
            )
        if not rows:
            return []
        positions: list[int] = []
        for start in range(0, len(rows), BULK_CHUNK):
            result = await self.connection.execute(
                events.insert().returning(events.c.position, sort_by_parameter_order=True),
                rows[start : start + BULK_CHUNK],
            )
            positions += result.scalars().all()
        everything = [item for ready in prepared for item in ready]
        recorded = [
            _recorded(row, position, new.metadata, occurred_at)
            for row, position, (new, _, occurred_at) in zip(
                rows, positions, everything, strict=True
            )
        ]
        self.appended.extend(recorded)
        return recorded

    async def _raise_for(
        self,
        error: IntegrityError,
        stream_id: str,
        new_events: Sequence[NewEvent],
        expected_version: int | None,
    ) -> NoReturn:
        message = str(error.orig)
        if "uq_events_stream_version" in message or "events.stream_version" in message:
            # A version clash: the lock makes it unreachable on PostgreSQL and SQLite alike;
            # the unique constraint stays as the last line of defence.
            current, _ = await self._store._head_outside_transaction(stream_id)
            expected = current - 1 if expected_version is None else expected_version
            raise ConcurrencyError(stream_id, expected, current) from error
        if "event_id" in message:
            raise DuplicateEventError([str(new.event_id) for new in new_events]) from error
        raise error


BULK_CHUNK = 1000
"""Streams per query, rows per insert statement, in the bulk paths."""


@dataclass(frozen=True)
class StreamAppend:
    """One stream's part of `append_many`."""

    stream_id: str
    stream_type: str
    events: Sequence[NewEvent]
    expected_version: int | None


Prepared = list[tuple[NewEvent, dict[str, Any], datetime]]


def _prepare(new_events: Sequence[NewEvent]) -> Prepared:
    """What does not depend on the stream head: done before taking the append lock."""
    return [
        (new, new.payload.model_dump(mode="json"), as_utc(new.metadata.occurred_at))
        for new in new_events
    ]


def _rows(
    stream_id: str,
    stream_type: str,
    prepared: Prepared,
    version: int,
    previous_hash: str,
    recorded_at: datetime,
) -> list[dict[str, Any]]:
    """The rows of events appended after `version`, each chained to the one before."""
    rows: list[dict[str, Any]] = []
    for new, payload, occurred_at in prepared:
        version += 1
        meta = new.metadata
        digest = event_hash(
            previous_hash=previous_hash,
            event_id=new.event_id,
            stream_id=stream_id,
            stream_type=stream_type,
            stream_version=version,
            event_type=new.event_type,
            schema_version=new.schema_version,
            payload=payload,
            actor=meta.actor,
            reason=meta.reason,
            correlation_id=meta.correlation_id,
            causation_id=meta.causation_id,
            campaign_id=meta.campaign_id,
            occurred_at=occurred_at,
            recorded_at=recorded_at,
        )
        rows.append(
            {
                "event_id": new.event_id,
                "stream_id": stream_id,
                "stream_type": stream_type,
                "stream_version": version,
                "event_type": new.event_type,
                "schema_version": new.schema_version,
                "payload": payload,
                "actor": meta.actor,
                "reason": meta.reason,
                "correlation_id": meta.correlation_id,
                "causation_id": meta.causation_id,
                "campaign_id": meta.campaign_id,
                "occurred_at": occurred_at,
                "recorded_at": recorded_at,
                "previous_hash": previous_hash,
                "hash": digest,
            }
        )
        previous_hash = digest
    return rows


async def read_streams_on(
    connection: AsyncConnection, stream_ids: Sequence[str]
) -> dict[str, list[RecordedEvent]]:
    """Many streams, each in version order, a thousand per query."""
    found: dict[str, list[RecordedEvent]] = {stream_id: [] for stream_id in stream_ids}
    unique = list(found)
    for start in range(0, len(unique), BULK_CHUNK):
        query = (
            sa.select(events)
            .where(events.c.stream_id.in_(unique[start : start + BULK_CHUNK]))
            .order_by(events.c.stream_id, events.c.stream_version)
        )
        for row in (await connection.execute(query)).all():
            found[row._mapping["stream_id"]].append(row_to_event(row))
    return found


def _recorded(
    row: dict[str, Any], position: int, metadata: Metadata, occurred_at: datetime
) -> RecordedEvent:
    """The recorded event from the row just inserted: no second decoding or validation."""
    if metadata.occurred_at != occurred_at or metadata.occurred_at.tzinfo is not UTC:
        metadata = metadata.model_copy(update={"occurred_at": occurred_at})
    return RecordedEvent.model_construct(
        event_id=row["event_id"],
        stream_id=row["stream_id"],
        stream_type=row["stream_type"],
        stream_version=row["stream_version"],
        position=position,
        event_type=row["event_type"],
        schema_version=row["schema_version"],
        payload=row["payload"],
        metadata=metadata,
        recorded_at=row["recorded_at"],
        previous_hash=row["previous_hash"],
        hash=row["hash"],
    )


class EventStore:
    """Append, read and verify the log of one service's database."""

    def __init__(
        self, engine: AsyncEngine, *, lock_timeout_seconds: float = DEFAULT_LOCK_TIMEOUT_SECONDS
    ) -> None:
        self.engine = engine
        self.lock_timeout_seconds = lock_timeout_seconds
        self.is_postgres = engine.dialect.name == "postgresql"
        self._listeners: set[asyncio.Event] = set()

    # -- writing ---------------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[StoreTransaction]:
        """A write transaction: commit on normal exit, roll back on error, then wake the relay."""
        async with self.engine.connect() as raw:
            conn = await raw.execution_options(sqlite_immediate=True)
            async with conn.begin():
                tx = StoreTransaction(conn, self)
                yield tx
        if tx.appended:
            self.notify()
        for callback in tx.committed_callbacks:
            callback()

    async def append(
        self,
        stream_id: str,
        stream_type: str,
        new_events: Sequence[NewEvent],
        expected_version: int | None,
    ) -> list[RecordedEvent]:
        """Append in a transaction of its own."""
        async with self.transaction() as tx:
            return await tx.append(stream_id, stream_type, new_events, expected_version)

    async def analyze(self) -> None:
        """Refresh the planner's statistics of the log after a bulk load: until autovacuum
        gets to it, PostgreSQL may scan the whole table for a lookup of many streams."""
        async with self.engine.begin() as conn:
            await conn.execute(sa.text("ANALYZE events"))

    def notify(self) -> None:
        for listener in self._listeners:
            listener.set()

    def listen(self) -> asyncio.Event:
        """An event set whenever this process commits an append (the relay waits on it)."""
        listener = asyncio.Event()
        self._listeners.add(listener)
        return listener

    # -- reading ---------------------------------------------------------------------------

    async def _head_outside_transaction(self, stream_id: str) -> tuple[int, str]:
        async with self.engine.connect() as conn:
            return await StoreTransaction(conn, self).stream_head(stream_id)

    async def stream_version(self, stream_id: str) -> int:
        """The current version of a stream (0 if it has no events)."""
        version, _ = await self._head_outside_transaction(stream_id)
        return version

    async def read_stream(
        self, stream_id: str, *, from_version: int = 1, as_of: datetime | None = None
    ) -> list[RecordedEvent]:
        """One stream in version order, optionally only what was recorded by `as_of`."""
        query = stream_query(stream_id, from_version=from_version, as_of=as_of)
        async with self.engine.connect() as conn:
            return [row_to_event(row) for row in (await conn.execute(query)).all()]

    async def read_streams(self, stream_ids: Sequence[str]) -> dict[str, list[RecordedEvent]]:
        """Many streams at once (a bulk import's dry run): every id is a key."""
        async with self.engine.connect() as conn:
            return await read_streams_on(conn, stream_ids)

    async def streams_where(
        self, stream_type: str, *conditions: sa.ColumnElement[bool]
    ) -> list[list[RecordedEvent]]:
        """Whole streams of one type that hold an event meeting `conditions` (a campaign's
        agreements, say), each in version order, in the order their first events were
        recorded: one indexed query for what a service lists without a table of its own."""
        streams = (
            sa.select(events.c.stream_id)
            .where(events.c.stream_type == stream_type, *conditions)
            .distinct()
        )
        query = (
            sa.select(events)
            .where(events.c.stream_id.in_(streams))
            .order_by(events.c.stream_id, events.c.stream_version)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        found = [
            list(stream)
            for _, stream in groupby((row_to_event(row) for row in rows), lambda e: e.stream_id)
        ]
        return sorted(found, key=lambda stream: stream[0].position)

    async def read_all(
        self,
        *,
        after: int = 0,
        limit: int = 500,
        as_of: datetime | None = None,
        campaign_id: str | None = None,
    ) -> list[RecordedEvent]:
        """One page of the whole log in global order, after position `after`."""
        query = (
            sa.select(events).where(events.c.position > after).order_by(events.c.position)
        ).limit(limit)
        if as_of is not None:
            query = query.where(events.c.recorded_at <= as_utc(as_of))
        if campaign_id is not None:
            query = query.where(events.c.campaign_id == campaign_id)
        async with self.engine.connect() as conn:
            return [row_to_event(row) for row in (await conn.execute(query)).all()]

    async def iter_all(
        self, *, after: int = 0, page_size: int = 500, as_of: datetime | None = None
    ) -> AsyncIterator[RecordedEvent]:
        """The whole log from `after`, page by page."""
        while True:
            page = await self.read_all(after=after, limit=page_size, as_of=as_of)
            for event in page:
                yield event
            if len(page) < page_size:
                return
            after = page[-1].position

    async def head_position(self) -> int:
        """The position of the last committed event (0 for an empty log)."""
        async with self.engine.connect() as conn:
            value = (await conn.execute(sa.select(sa.func.max(events.c.position)))).scalar()
        return int(value or 0)

    async def get_event(self, event_id: uuid.UUID) -> RecordedEvent | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(sa.select(events).where(events.c.event_id == event_id))
            ).first()
        return None if row is None else row_to_event(row)

    # -- verifying ---------------------------------------------------------------------------

    async def verify(self, stream_id: str | None = None) -> ChainVerification:
        """Check the hash chain of one stream, or of every stream in the log."""
        if stream_id is not None:
            stream = await self.read_stream(stream_id)

            async def one_stream() -> AsyncIterator[RecordedEvent]:
                for event in stream:
                    yield event

            return await verify_chain_async(one_stream())
        return await verify_chain_async(self.iter_all())
