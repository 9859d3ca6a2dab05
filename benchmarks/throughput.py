"""Append throughput on PostgreSQL: our EventStore, a raw asyncpg INSERT baseline and the
`eventsourcing` library, each with the same events, batch size and number of writers, on the
same database.

Each contender first warms up (opens its connections, prepares its statements) on streams of
its own that are not timed; the clock then runs from the moment every writer may start until
the last one has committed its last append.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from statistics import median
from time import perf_counter
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import sqlalchemy as sa
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

from benchmarks import workload
from benchmarks.postgres import Server
from benchmarks.workload import RAW_COLUMNS, STREAM_TYPE, RawRow, Scenario, Stream
from coalition.shared.db import create_engine, migrate
from coalition.shared.eventstore.store import EventStore

WARM_UP_APPENDS = 5
RAW_TABLE = "raw_events"
RAW_TABLE_DDL = """
CREATE TABLE raw_events (
    position bigserial PRIMARY KEY,
    event_id uuid NOT NULL,
    stream_id varchar(200) NOT NULL,
    stream_type varchar(100) NOT NULL,
    stream_version integer NOT NULL,
    event_type varchar(200) NOT NULL,
    schema_version integer NOT NULL,
    payload {payload_type} NOT NULL,
    actor varchar(200) NOT NULL,
    reason text,
    correlation_id uuid NOT NULL,
    causation_id uuid,
    campaign_id varchar(100),
    occurred_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL,
    previous_hash varchar(64) NOT NULL,
    hash varchar(64) NOT NULL
)
"""
RAW_INSERT = (
    f"INSERT INTO {RAW_TABLE} ({', '.join(RAW_COLUMNS)}) VALUES ("
    + ", ".join(f"${i}" for i in range(1, len(RAW_COLUMNS) + 1))
    + ")"
)
ES_TABLE = "stored_events"


@dataclass(frozen=True)
class Outcome:
    events: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.events / self.seconds


@dataclass(frozen=True)
class Rates:
    """One contender's outcomes over the rounds of a scenario."""

    outcomes: list[Outcome]

    @property
    def all(self) -> list[float]:
        return [outcome.per_second for outcome in self.outcomes]

    @property
    def median(self) -> float:
        return median(self.all)


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    payload_type: str
    """The type of `events.payload`, which the raw table copies."""
    ours: Rates
    raw: Rates
    eventsourcing: Rates


async def _timed(writers: list[Coroutine[Any, Any, None]]) -> float:
    """Seconds until every writer is done (a coroutine does nothing until it is awaited)."""
    start = perf_counter()
    await asyncio.gather(*writers)
    return perf_counter() - start


def _warm_up_streams(scenario: Scenario) -> list[Stream]:
    return workload.streams(
        Scenario("warm-up", 1, scenario.writers, scenario.writers * WARM_UP_APPENDS)
    )


# -- ours ---------------------------------------------------------------------------------------


async def _append_all(store: EventStore, stream: Stream) -> None:
    version = 0
    for batch in stream.batches:
        await store.append(stream.stream_id, STREAM_TYPE, batch, expected_version=version)
        version += len(batch)


async def run_ours(
    server: Server, database: str, scenario: Scenario, streams: list[Stream]
) -> Outcome:
    engine = create_engine(server.sqlalchemy_url(database))
    try:
        store = EventStore(engine)
        await asyncio.gather(*(_append_all(store, s) for s in _warm_up_streams(scenario)))
        seconds = await _timed([_append_all(store, s) for s in streams])
        async with engine.connect() as conn:
            written = (
                await conn.execute(
                    sa.text("SELECT count(*) FROM events WHERE stream_id = ANY(:ids)"),
                    {"ids": [s.stream_id for s in streams]},
                )
            ).scalar_one()
    finally:
        await engine.dispose()
    _expect(written, scenario, "our store")
    return Outcome(scenario.events, seconds)


async def prepare_ours(server: Server, database: str) -> None:
    engine = create_engine(server.sqlalchemy_url(database))
    try:
        await migrate(engine)
    finally:
        await engine.dispose()


# -- raw asyncpg --------------------------------------------------------------------------------


async def _insert_all(conn: asyncpg.Connection, batches: list[list[RawRow]]) -> None:
    for rows in batches:
        if len(rows) == 1:
            await conn.execute(RAW_INSERT, *rows[0])  # one statement: its own transaction
        else:
            await conn.executemany(RAW_INSERT, rows)  # atomic: one transaction per batch


async def run_raw(
    server: Server, database: str, scenario: Scenario, streams: list[Stream]
) -> Outcome:
    rows = [workload.raw_rows(s) for s in streams]
    warm = [workload.raw_rows(s) for s in _warm_up_streams(scenario)]
    conns = [await asyncpg.connect(server.dsn(database)) for _ in streams]
    try:
        await asyncio.gather(*(_insert_all(c, w) for c, w in zip(conns, warm, strict=True)))
        seconds = await _timed([_insert_all(c, r) for c, r in zip(conns, rows, strict=True)])
        written = await conns[0].fetchval(
            f"SELECT count(*) FROM {RAW_TABLE} WHERE stream_id = ANY($1::text[])",
            [s.stream_id for s in streams],
        )
    finally:
        for conn in conns:
            await conn.close()
    _expect(written, scenario, "raw INSERT")
    return Outcome(scenario.events, seconds)


async def prepare_raw(server: Server, database: str) -> str:
    """The raw table, with the payload type our `events` table has (run `prepare_ours` first);
    returns that type (`json` or `jsonb`)."""
    conn = await asyncpg.connect(server.dsn(database))
    try:
        payload_type = str(
            await conn.fetchval(
                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                "WHERE attrelid = 'events'::regclass AND attname = 'payload'"
            )
        )
        await conn.execute(RAW_TABLE_DDL.format(payload_type=payload_type))
    finally:
        await conn.close()
    return payload_type


# -- eventsourcing ------------------------------------------------------------------------------


def _datastore(server: Server, database: str, pool_size: int) -> PostgresDatastore:
    return PostgresDatastore(
        dbname=database,
        host=server.host,
        port=server.port,
        user=server.user,
        password=server.password,
        pool_size=pool_size,
    )


def _record_all(
    recorder: PostgresApplicationRecorder,
    batches: list[list[StoredEvent]],
    start: threading.Barrier | None = None,
) -> None:
    if start is not None:
        start.wait()
    for batch in batches:
        recorder.insert_events(batch)


def _run_eventsourcing(
    server: Server, database: str, scenario: Scenario, streams: list[Stream]
) -> Outcome:
    stored = [workload.stored_events(s) for s in streams]
    warm = [workload.stored_events(s) for s in _warm_up_streams(scenario)]
    datastore = _datastore(server, database, scenario.writers)
    try:
        recorder = PostgresApplicationRecorder(datastore, events_table_name=ES_TABLE)
        with ThreadPoolExecutor(scenario.writers, thread_name_prefix="eventsourcing") as pool:
            for future in [pool.submit(_record_all, recorder, w) for w in warm]:
                future.result()
            start = threading.Barrier(scenario.writers + 1)
            futures = [pool.submit(_record_all, recorder, s, start) for s in stored]
            start.wait()
            began = perf_counter()
            for future in futures:
                future.result()
            seconds = perf_counter() - began
        with datastore.transaction() as cursor:
            cursor.execute(
                f"SELECT count(*) AS n FROM {ES_TABLE} WHERE originator_id = ANY(%s)",
                ([uuid.UUID(s.partner_id) for s in streams],),
            )
            row = cursor.fetchone()
            written = int(row["n"]) if row else 0
    finally:
        datastore.close()
    _expect(written, scenario, "eventsourcing")
    return Outcome(scenario.events, seconds)


async def run_eventsourcing(
    server: Server, database: str, scenario: Scenario, streams: list[Stream]
) -> Outcome:
    return await asyncio.to_thread(_run_eventsourcing, server, database, scenario, streams)


def _prepare_eventsourcing(server: Server, database: str) -> None:
    datastore = _datastore(server, database, 1)
    try:
        PostgresApplicationRecorder(datastore, events_table_name=ES_TABLE).create_table()
    finally:
        datastore.close()


async def prepare_eventsourcing(server: Server, database: str) -> None:
    await asyncio.to_thread(_prepare_eventsourcing, server, database)


# -- a scenario ---------------------------------------------------------------------------------


def _expect(written: int, scenario: Scenario, who: str) -> None:
    if written != scenario.events:
        raise RuntimeError(
            f"{who} wrote {written} events in scenario {scenario.key}, not {scenario.events}"
        )


Contender = Callable[[Server, str, Scenario, list[Stream]], Awaitable[Outcome]]
CONTENDERS: dict[str, Contender] = {
    "ours": run_ours,
    "raw": run_raw,
    "eventsourcing": run_eventsourcing,
}


async def _truncate(server: Server, database: str) -> None:
    conn = await asyncpg.connect(server.dsn(database))
    try:
        await conn.execute(f"TRUNCATE events, {RAW_TABLE}, {ES_TABLE} RESTART IDENTITY")
    finally:
        await conn.close()


async def run_scenario(
    server: Server, scenario: Scenario, rounds: int, progress: Callable[[str], None] = print
) -> ScenarioResult:
    """All three contenders in one fresh database, `rounds` times, in a rotating order (so that
    none always runs first or last), on emptied tables and after a checkpoint each time."""
    scenario.check()
    outcomes: dict[str, list[Outcome]] = {name: [] for name in CONTENDERS}
    names = list(CONTENDERS)
    async with server.database(f"tp_{scenario.key}") as database:
        await prepare_ours(server, database)
        payload_type = await prepare_raw(server, database)
        await prepare_eventsourcing(server, database)
        for round_ in range(rounds):
            streams = workload.streams(scenario)
            for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
                await _truncate(server, database)
                await server.checkpoint()
                outcome = await CONTENDERS[name](server, database, scenario, streams)
                outcomes[name].append(outcome)
                progress(
                    f"  {scenario.key} round {round_ + 1}/{rounds} {name:>13}: "
                    f"{outcome.per_second:9.0f} events/s ({outcome.seconds:.2f}s)"
                )
    return ScenarioResult(
        scenario,
        payload_type,
        Rates(outcomes["ours"]),
        Rates(outcomes["raw"]),
        Rates(outcomes["eventsourcing"]),
    )
