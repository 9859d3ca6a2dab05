"""Rebuilding the read models from position zero while the old ones keep being served
(blue/green): a new generation is written beside the active one, page by page from our copy
of every event; once it has caught up with the head, the last page and the swap happen in one
transaction that holds back new events, and the old generation's rows are dropped after.

Live events keep going to the active generation only; the new one catches up from
`received_events` itself, so nothing is applied twice and no webhook is recorded again (a
rebuild calls `projector.project`, never `receive`)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from coalition.projections.adapters.tables import (
    READ_MODELS,
    read_model_generations,
    received_events,
)
from coalition.projections.service_layer import generations, projector
from coalition.projections.service_layer.writes import writing
from coalition.shared.events.envelope import utc_now
from coalition.shared.eventstore.store import as_utc, row_to_event
from coalition.shared.web.problems import DomainError, NotFoundError

log = structlog.get_logger(__name__)

PAGE = 1000
STALE = timedelta(seconds=120)
"""A building generation with no progress for this long was abandoned (its process died)."""

gens = read_model_generations


class RebuildRunningError(DomainError):
    kind = "rebuild-running"


class OutOfOrderError(Exception):
    """An event committed below the position the rebuild had reached (several consumers)."""


@dataclass(frozen=True)
class Progress:
    generation: int
    status: str
    started_by: str
    started_at: datetime
    updated_at: datetime
    events_total: int
    events_applied: int
    applied_position: int
    swapped_at: datetime | None
    finished_at: datetime | None
    error: str | None

    @property
    def events_per_second(self) -> float | None:
        """Events applied per second of the rebuild so far (none before the first page)."""
        seconds = ((self.swapped_at or self.updated_at) - self.started_at).total_seconds()
        return round(self.events_applied / seconds, 1) if seconds > 0 else None


def _progress(row: sa.Row[Any]) -> Progress:
    m = dict(row._mapping)
    for name in ("started_at", "updated_at", "swapped_at", "finished_at"):
        if m[name] is not None:
            m[name] = as_utc(m[name])
    return Progress(**m)


async def get(engine: AsyncEngine, generation: int) -> Progress:
    async with engine.connect() as conn:
        row = (await conn.execute(sa.select(gens).where(gens.c.generation == generation))).first()
    if row is None:
        raise NotFoundError(f"no rebuild {generation}", generation=generation)
    return _progress(row)


async def start(engine: AsyncEngine, *, actor: str) -> Progress:
    """Open a new generation to build (one at a time; an abandoned one is failed first)."""
    try:
        generation, stale = await _open(engine, actor)
    except sa.exc.IntegrityError:  # another instance opened the same generation just now
        raise RebuildRunningError("another rebuild has just started") from None
    for old in stale:
        await _drop_rows(engine, old)
    async with writing(engine) as conn:
        await conn.execute(
            gens.update()
            .where(gens.c.status == generations.RETIRED, gens.c.generation.in_(stale))
            .values(status=generations.DROPPED, updated_at=utc_now())
        )
    return await get(engine, generation)


async def _open(engine: AsyncEngine, actor: str) -> tuple[int, list[int]]:
    """The new generation's row, and the generations whose rows are left to drop."""
    now = utc_now()
    async with writing(engine) as conn:
        building = (await conn.execute(sa.select(gens).where(gens.c.status == "building"))).all()
        leftovers = (
            await conn.execute(sa.select(gens.c.generation).where(gens.c.status == "retired"))
        ).scalars()
        stale = [*leftovers]  # swapped out by a process that died before dropping them
        for row in building:
            if now - as_utc(row.updated_at) < STALE:
                raise RebuildRunningError(
                    f"rebuild {row.generation} is running; follow it at rebuilds/{row.generation}",
                    generation=row.generation,
                )
            await _fail(conn, row.generation, "abandoned: no progress for two minutes")
            stale.append(row.generation)
        latest = (await conn.execute(sa.select(sa.func.max(gens.c.generation)))).scalar()
        count = sa.select(sa.func.count()).select_from(received_events)
        total = (await conn.execute(count)).scalar()
        generation = int(latest or 0) + 1
        await conn.execute(
            gens.insert().values(
                generation=generation,
                status=generations.BUILDING,
                started_by=actor,
                started_at=now,
                updated_at=now,
                events_total=int(total or 0),
                events_applied=0,
                applied_position=0,
            )
        )
    return generation, stale


async def _fail(conn: AsyncConnection, generation: int, error: str) -> None:
    now = utc_now()
    await conn.execute(
        gens.update()
        .where(gens.c.generation == generation)
        .values(status=generations.FAILED, error=error[:500], updated_at=now, finished_at=now)
    )


async def _page(conn: AsyncConnection, after: int, limit: int | None) -> list[projector.Received]:
    query = (
        sa.select(received_events)
        .where(received_events.c.position > after)
        .order_by(received_events.c.position)
    )
    if limit is not None:
        query = query.limit(limit)
    rows = (await conn.execute(query)).all()
    return [(row_to_event(row, position="source_position"), int(row.position)) for row in rows]


async def _applied(
    conn: AsyncConnection, generation: int, page: list[projector.Received]
) -> tuple[int, int]:
    """Project a page into `generation` and record how far it got."""
    row = (
        await conn.execute(
            sa.select(gens.c.status, gens.c.events_applied, gens.c.applied_position)
            .where(gens.c.generation == generation)
            .with_for_update()
        )
    ).one()
    if row.status != generations.BUILDING:
        raise RuntimeError(f"generation {generation} is {row.status}, not building")
    await projector.project(conn, page, generation)
    applied = int(row.events_applied) + len(page)
    position = page[-1][1] if page else int(row.applied_position)
    await conn.execute(
        gens.update()
        .where(gens.c.generation == generation)
        .values(events_applied=applied, applied_position=position, updated_at=utc_now())
    )
    return applied, position


async def advance(engine: AsyncEngine, generation: int, page_size: int = PAGE) -> bool:
    """Apply the next page of events to a building generation, in a transaction of its own
    (live events go on between pages). False once a page comes back short: nearly caught up."""
    async with writing(engine) as conn:
        after = (
            await conn.execute(
                sa.select(gens.c.applied_position).where(gens.c.generation == generation)
            )
        ).scalar_one()
        page = await _page(conn, int(after), page_size)
        await _applied(conn, generation, page)
    return len(page) == page_size


async def swap(engine: AsyncEngine, generation: int) -> int | None:
    """Apply what is left and make `generation` the served one, in one transaction that holds
    back new events (PostgreSQL: an EXCLUSIVE lock on `received_events`, which readers pass;
    SQLite: the write lock every writer takes). Returns the generation swapped out."""
    async with writing(engine) as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(sa.text("LOCK TABLE received_events IN EXCLUSIVE MODE"))
        after = (
            await conn.execute(
                sa.select(gens.c.applied_position).where(gens.c.generation == generation)
            )
        ).scalar_one()
        applied, _ = await _applied(conn, generation, await _page(conn, int(after), None))
        received = (
            await conn.execute(sa.select(sa.func.count()).select_from(received_events))
        ).scalar_one()
        if int(received) != applied:
            raise OutOfOrderError(
                f"{received} events received but {applied} applied: an event committed below "
                "the position the rebuild had reached; start the rebuild again"
            )
        old = (
            await conn.execute(sa.select(gens.c.generation).where(gens.c.status == "active"))
        ).scalar()
        now = utc_now()
        await conn.execute(
            gens.update()
            .where(gens.c.status == generations.ACTIVE)
            .values(status=generations.RETIRED, updated_at=now)
        )
        await conn.execute(
            gens.update()
            .where(gens.c.generation == generation)
            .values(status=generations.ACTIVE, swapped_at=now, updated_at=now)
        )
    return None if old is None else int(old)


async def _analyze(engine: AsyncEngine) -> None:
    """Refresh PostgreSQL's statistics of the read models while a generation grows in them:
    planned from the numbers of an empty table, each lookup of a partner would scan them all
    (the rebuild slowed down with its size, ten times over a million events, before this)."""
    if engine.dialect.name != "postgresql":
        return
    async with engine.begin() as conn:
        for table in READ_MODELS:
            await conn.execute(sa.text(f"ANALYZE {table.name}"))


async def _drop_rows(engine: AsyncEngine, generation: int) -> None:
    """Delete a generation's rows, one read model per transaction (reads never see them)."""
    for table in reversed(READ_MODELS):
        async with writing(engine) as conn:
            await conn.execute(table.delete().where(table.c.generation == generation))


async def retire(engine: AsyncEngine, old: int, new: int) -> None:
    """Drop the swapped-out generation's rows; then the rebuild is finished."""
    await _drop_rows(engine, old)
    now = utc_now()
    async with writing(engine) as conn:
        await conn.execute(
            gens.update()
            .where(gens.c.generation == old)
            .values(status=generations.DROPPED, updated_at=now)
        )
        await conn.execute(
            gens.update().where(gens.c.generation == new).values(finished_at=now, updated_at=now)
        )


async def run(engine: AsyncEngine, generation: int, page_size: int = PAGE) -> Progress:
    """Build `generation` to the head, swap, drop the old one. A failure marks it failed and
    drops its rows; the served generation is untouched."""
    try:
        more, pages = True, 0
        while more:  # each page its own transaction: live events and readers go on between
            more = await advance(engine, generation, page_size)
            pages += 1
            if pages & (pages - 1) == 0:  # 1, 2, 4, 8... pages: as the new rows double
                await _analyze(engine)
        old = await swap(engine, generation)
    except Exception as error:
        log.exception("rebuild.failed", generation=generation)
        async with writing(engine) as conn:
            await _fail(conn, generation, f"{type(error).__name__}: {error}")
        await _drop_rows(engine, generation)
        return await get(engine, generation)
    if old is not None:
        await retire(engine, old, generation)
    return await get(engine, generation)


async def rebuild(engine: AsyncEngine, *, actor: str, page_size: int = PAGE) -> Progress:
    """Start and run a rebuild to its end (the CLI, benchmarks and tests)."""
    started = await start(engine, actor=actor)
    return await run(engine, started.generation, page_size)


_running: set[asyncio.Task[Progress]] = set()


def run_in_background(engine: AsyncEngine, generation: int) -> None:
    """Run a started rebuild in this process; its progress is in its row, for any instance."""
    task = asyncio.create_task(run(engine, generation), name=f"rebuild-{generation}")
    _running.add(task)
    task.add_done_callback(_running.discard)
