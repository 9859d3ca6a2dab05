"""The event store contract on PostgreSQL (asyncpg), plus what only PostgreSQL can get wrong:
a position taken by a transaction that commits late must never be skipped by a reader."""

from __future__ import annotations

import asyncio
import os
import random
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.shared.db import create_engine, migrate
from coalition.shared.events import RecordedEvent
from coalition.shared.eventstore import EventStore, StoreBusyError

from .contract import STREAM_TYPE, EventStoreContract, new, stream_name, whole_log

pytestmark = pytest.mark.postgres


async def waiting_for_events_lock(engine: AsyncEngine) -> int:
    """How many sessions wait for a lock on the events table."""
    async with engine.connect() as conn:
        query = sa.text(
            "SELECT count(*) FROM pg_locks WHERE relation = 'events'::regclass AND NOT granted"
        )
        return int((await conn.execute(query)).scalar_one())


class Tail:
    """A reader that follows the log by checkpoint, as the relay does, and keeps what it saw."""

    def __init__(
        self, store: EventStore, *, limit: int, pause: float = 0.002, seed: int | None = None
    ) -> None:
        self.store = store
        self.limit = limit
        self.pause = pause
        self.random = random.Random(seed)
        self.checkpoint = 0
        self.seen: list[RecordedEvent] = []
        self.polled = asyncio.Event()
        self.stopping = asyncio.Event()

    async def run(self) -> None:
        while True:
            final = self.stopping.is_set()
            page = await self.store.read_all(after=self.checkpoint, limit=self.limit)
            self.polled.set()
            self.seen.extend(page)
            if page:
                self.checkpoint = page[-1].position
            elif final:
                return  # Caught up after every writer had committed.
            else:
                await asyncio.sleep(self.random.uniform(0, self.pause))


class TestPostgresEventStore(EventStoreContract):
    @pytest.fixture
    def url(self, postgres_database: str) -> str:
        return postgres_database

    def concurrent_engine_options(self) -> dict[str, Any]:
        return {"pool_size": self.concurrent_writers + 10, "max_overflow": 0}

    async def test_a_reader_never_skips_an_event_that_commits_late(
        self, store: EventStore, engine: AsyncEngine
    ) -> None:
        [before] = await store.append(stream_name(), STREAM_TYPE, [new("before")], 0)
        slow_stream, fast_stream = stream_name(), stream_name()
        appended, release = asyncio.Event(), asyncio.Event()

        async def slow_writer() -> list[RecordedEvent]:
            async with store.transaction() as tx:
                stored = await tx.append(slow_stream, STREAM_TYPE, [new("a1"), new("a2")], 0)
                appended.set()
                await release.wait()
            return stored

        tail = Tail(store, limit=1)
        slow = asyncio.create_task(slow_writer())
        tasks: list[asyncio.Task[Any]] = [slow]
        try:
            await asyncio.wait_for(appended.wait(), 5)
            tasks.append(reader := asyncio.create_task(tail.run()))
            fast = asyncio.create_task(store.append(fast_stream, STREAM_TYPE, [new("b1")], 0))
            tasks.append(fast)

            # The fast writer must queue behind the slow one's table lock (without it, it
            # would commit the later position first and the tail would move past the earlier
            # ones). Plain reads are not blocked.
            fast_waited = False
            async with asyncio.timeout(5):
                while not (fast_waited or fast.done()):
                    fast_waited = await waiting_for_events_lock(engine) > 0
                    await asyncio.sleep(0 if fast_waited else 0.005)
            visible = await asyncio.wait_for(whole_log(store), 5)
            assert before in visible
            assert all(e.stream_id != slow_stream for e in visible)
            for _ in range(3):  # Let the tail poll a few times while the slow writer holds on.
                tail.polled.clear()
                await asyncio.wait_for(tail.polled.wait(), 5)
            fast_finished_early = fast.done()

            release.set()
            slow_events = await asyncio.wait_for(slow, 10)
            [fast_event] = await asyncio.wait_for(fast, 10)
            tail.stopping.set()
            await asyncio.wait_for(reader, 10)
        finally:
            release.set()
            tail.stopping.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        log = await whole_log(store)
        assert sorted(log, key=lambda e: e.position) == log
        expected = [before, *slow_events, fast_event]
        assert {e.event_id for e in log} == {e.event_id for e in expected}
        assert tail.seen == log, "the tail skipped or repeated an event"
        assert fast_waited, "the second writer did not wait for the first one's table lock"
        assert not fast_finished_early
        assert log == expected

    @pytest.mark.parametrize("round_", range(2))
    async def test_a_tailing_reader_sees_every_event_of_racing_writers(
        self, store: EventStore, round_: int
    ) -> None:
        seed = int.from_bytes(os.urandom(4), "big")
        rng = random.Random(seed)
        writers, transactions = 8, 8
        streams = [stream_name() for _ in range(writers)]
        start = asyncio.Event()

        async def writer(index: int, pauses: list[tuple[float, float, int]]) -> None:
            await start.wait()
            for before_append, before_commit, count in pauses:
                async with store.transaction() as tx:
                    await asyncio.sleep(before_append)
                    await tx.append(
                        streams[index],
                        STREAM_TYPE,
                        [new(f"w{index}", n) for n in range(count)],
                        None,
                    )
                    await asyncio.sleep(before_commit)

        plans = [
            [
                (rng.uniform(0, 0.004), rng.uniform(0, 0.01), rng.randint(1, 3))
                for _ in range(transactions)
            ]
            for _ in range(writers)
        ]
        # A tail that pages slowly and one that keeps up with the head: the latter is the one
        # that would run past a position that commits late.
        tails = [
            Tail(store, limit=rng.randint(1, 4), pause=0.0005, seed=seed),
            Tail(store, limit=1000, pause=0.0005, seed=seed + 1),
        ]
        readers = [asyncio.create_task(tail.run()) for tail in tails]
        tasks = [asyncio.create_task(writer(i, plan)) for i, plan in enumerate(plans)]
        start.set()
        try:
            await asyncio.wait_for(asyncio.gather(*tasks), 60)
        finally:
            for tail in tails:
                tail.stopping.set()
            await asyncio.wait_for(asyncio.gather(*readers), 10)

        log = await whole_log(store)
        expected = sum(count for plan in plans for _, _, count in plan)
        assert len(log) == expected, f"seed {seed}"
        for tail in tails:
            positions = [e.position for e in tail.seen]
            assert positions == [e.position for e in log], f"seed {seed}, limit {tail.limit}"
            assert tail.seen == log, f"seed {seed}"
        assert (await store.verify()).ok


async def test_a_writer_that_cannot_get_the_lock_in_time_gives_up_and_writes_nothing(
    postgres_database: str,
) -> None:
    engine = create_engine(postgres_database)
    await migrate(engine)
    holder, impatient = EventStore(engine), EventStore(engine, lock_timeout_seconds=0.2)
    release = asyncio.Event()
    locked = asyncio.Event()

    async def hold_the_lock() -> None:
        async with holder.transaction() as tx:
            await tx.append(stream_name(), STREAM_TYPE, [new("held")], 0)
            locked.set()
            await release.wait()

    holding = asyncio.create_task(hold_the_lock())
    try:
        await locked.wait()
        with pytest.raises(StoreBusyError):
            await impatient.append(stream_name(), STREAM_TYPE, [new("late")], 0)
    finally:
        release.set()
        await holding
    assert [event.payload["item"] for event in await whole_log(holder)] == ["held"]
    await engine.dispose()
