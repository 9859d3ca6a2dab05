"""Rebuilding every read model of projections from a log of received events (one million by
default) on PostgreSQL, beside the rate at which the same rows are merely read back in the
same run (the same paged query, with and without decoding them into events).

`python -m benchmarks.rebuild --events 100000` for a quicker run; part of `make bench`
(`--no-rebuild` skips it there, `--rebuild-events` sizes it)."""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import sqlalchemy as sa

from benchmarks.campaign_events import Row, campaign_rows
from benchmarks.postgres import Server
from benchmarks.workload import RAW_COLUMNS
from coalition.projections.adapters.tables import partner_list, received_events, timeline_entries
from coalition.projections.bootstrap import service as projections_service
from coalition.projections.service_layer import rebuilds
from coalition.shared.db import create_engine, migrate
from coalition.shared.eventstore.store import row_to_event

COPY_BATCH = 50_000
COLUMNS = [*RAW_COLUMNS, "service", "source_position"]
"""The events table's columns and what projections adds to its copy."""


@dataclass(frozen=True)
class RebuildResult:
    events: int
    load_seconds: float
    read_seconds: float
    decode_seconds: float
    rebuild_seconds: float
    partners: int
    timeline_entries: int

    def rate(self, seconds: float) -> float:
        return self.events / seconds if seconds else 0.0


def _records(rows: Iterator[Row]) -> Iterator[tuple[Any, ...]]:
    for row in rows:
        yield tuple(
            json.dumps(row[c], separators=(",", ":")) if c == "payload" else row[c] for c in COLUMNS
        )


async def _load(dsn: str, events: int) -> None:
    """COPY the scripted campaign into `received_events`, in batches."""
    connection = await asyncpg.connect(dsn)
    try:
        records = _records(campaign_rows(events))
        while batch := list(islice(records, COPY_BATCH)):
            await connection.copy_records_to_table(
                "received_events", records=batch, columns=COLUMNS
            )
        await connection.execute("ANALYZE received_events")
    finally:
        await connection.close()


async def _read(engine: Any, *, decode: bool) -> int:
    """Every row of `received_events` by the rebuild's own paged query."""
    read, after = 0, 0
    async with engine.connect() as conn:
        while True:
            rows = (
                await conn.execute(
                    sa.select(received_events)
                    .where(received_events.c.position > after)
                    .order_by(received_events.c.position)
                    .limit(rebuilds.PAGE)
                )
            ).all()
            if decode:
                [row_to_event(row, position="source_position") for row in rows]
            read += len(rows)
            if len(rows) < rebuilds.PAGE:
                return read
            after = rows[-1].position


async def measure(server: Server, events: int = 1_000_000) -> RebuildResult:
    async with server.database("rebuild") as name:
        engine = create_engine(server.sqlalchemy_url(name))
        try:
            await migrate(engine, projections_service.migrations)
            began = time.perf_counter()
            await _load(server.dsn(name), events)
            load = time.perf_counter() - began
            await server.checkpoint()
            began = time.perf_counter()
            read = await _read(engine, decode=False)
            read_seconds = time.perf_counter() - began
            began = time.perf_counter()
            await _read(engine, decode=True)
            decode_seconds = time.perf_counter() - began
            began = time.perf_counter()
            done = await rebuilds.rebuild(engine, actor="benchmark")
            rebuild_seconds = time.perf_counter() - began
            if done.status != "active" or done.events_applied != read:
                raise RuntimeError(f"the rebuild did not complete: {done}")
            async with engine.connect() as conn:
                counts = [
                    (await conn.execute(sa.select(sa.func.count()).select_from(t))).scalar_one()
                    for t in (partner_list, timeline_entries)
                ]
        finally:
            await engine.dispose()
    return RebuildResult(
        events=read,
        load_seconds=load,
        read_seconds=read_seconds,
        decode_seconds=decode_seconds,
        rebuild_seconds=rebuild_seconds,
        partners=int(counts[0]),
        timeline_entries=int(counts[1]),
    )


def section(result: RebuildResult) -> str:
    def line(step: str, seconds: float) -> str:
        return f"| {step} | {seconds:.1f} | {result.rate(seconds):,.0f} |"

    return "\n".join(
        [
            "## Rebuilding the read models",
            "",
            f"A scripted campaign (`benchmarks/campaign_events.py`, seeded) of {result.events:,} "
            "received events (partners identified, researched, scored, engaged, recommended, "
            "signed) copied into `received_events` on PostgreSQL; the rebuild writes a new "
            f"generation of {result.partners:,} partner-list rows and {result.timeline_entries:,} "
            "timeline entries beside the served one, swaps and drops the old one.",
            "",
            "| step | seconds | events/s |",
            "|---|---:|---:|",
            line("read the rows (the rebuild's paged query)", result.read_seconds),
            line("read and decode them into events", result.decode_seconds),
            line(
                "rebuild every read model (read, project, write, swap, drop)",
                result.rebuild_seconds,
            ),
            "",
            f"Loading the rows by COPY took {result.load_seconds:.1f} s (generating them "
            "included).",
        ]
    )


async def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.rebuild", description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    server = Server()
    try:
        print(section(await measure(server, args.events)), flush=True)
    finally:
        await server.drop_all()


if __name__ == "__main__":
    asyncio.run(main())
