"""The event store contract: one test class that every database backend must pass.

Backends subclass `EventStoreContract` and provide the `url` fixture (see
`test_sqlite_store.py` and `test_postgres_store.py`), in the manner of FastStream's
broker-agnostic test suites.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, ClassVar

import pytest
import pytest_asyncio
import sqlalchemy as sa
from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.shared.db import create_engine, migrate
from coalition.shared.events import Catalogue, DomainEvent, Metadata, NewEvent, RecordedEvent
from coalition.shared.events.envelope import utc_now
from coalition.shared.eventstore import (
    ConcurrencyError,
    DuplicateEventError,
    EventStore,
    EventStoreError,
    StreamAppend,
)
from coalition.shared.eventstore.hashing import GENESIS, recorded_event_hash
from coalition.shared.eventstore.schema import events, relay_checkpoints

STREAM_TYPE = "item"


class ItemAdded(DomainEvent):
    service = "store-contract"

    item: str
    n: int = 0
    tags: list[str] = Field(default_factory=list)
    details: dict[str, Any] = Field(default_factory=dict)


class ItemChosen(DomainEvent):
    service = "store-contract"
    is_decision = True
    schema_version = 3

    item: str


class Measured(DomainEvent):
    service = "store-contract"

    values: list[float]


contract_catalogue = Catalogue()
for _event_class in (ItemAdded, ItemChosen, Measured):
    contract_catalogue.register(_event_class)


def new(item: str = "x", n: int = 0, **metadata: Any) -> NewEvent:
    values: dict[str, Any] = {"actor": "tester", **metadata}
    return NewEvent(payload=ItemAdded(item=item, n=n), metadata=Metadata(**values))


def stream_name() -> str:
    return f"item-{uuid.uuid4().hex[:12]}"


async def tamper(engine: AsyncEngine, event_id: uuid.UUID, **values: Any) -> None:
    """Change a stored event behind the store's back, as an attacker with SQL access could."""
    async with engine.begin() as conn:
        result = await conn.execute(
            events.update().where(events.c.event_id == event_id).values(**values)
        )
        assert result.rowcount == 1


async def delete(engine: AsyncEngine, event_id: uuid.UUID) -> None:
    async with engine.begin() as conn:
        result = await conn.execute(events.delete().where(events.c.event_id == event_id))
        assert result.rowcount == 1


async def whole_log(store: EventStore) -> list[RecordedEvent]:
    return await store.read_all(limit=1_000_000)


def assert_strictly_increasing(values: list[int]) -> None:
    assert all(a < b for a, b in itertools.pairwise(values)), values


class EventStoreContract:
    """What every event store backend guarantees. Subclasses provide `url`."""

    concurrent_writers: ClassVar[int] = 50
    appends_per_writer: ClassVar[int] = 3

    @pytest.fixture
    def url(self) -> str:
        raise NotImplementedError("a backend's test class provides the database URL")

    def concurrent_engine_options(self) -> dict[str, Any]:
        """Engine options for the tests with `concurrent_writers` simultaneous connections."""
        return {}

    @pytest_asyncio.fixture
    async def engine(self, url: str) -> AsyncIterator[AsyncEngine]:
        engine = create_engine(url)
        await migrate(engine)
        yield engine
        await engine.dispose()

    @pytest.fixture
    def store(self, engine: AsyncEngine) -> EventStore:
        return EventStore(engine)

    @asynccontextmanager
    async def concurrent_store(self, url: str) -> AsyncIterator[EventStore]:
        engine = create_engine(url, **self.concurrent_engine_options())
        try:
            await migrate(engine)
            yield EventStore(engine)
        finally:
            await engine.dispose()

    # -- appending ------------------------------------------------------------------------------

    async def test_append_to_a_new_stream_with_expected_version_0(self, store: EventStore) -> None:
        stream = stream_name()
        event = new("first")
        assert await store.stream_version(stream) == 0
        assert await store.head_position() == 0

        [stored] = await store.append(stream, STREAM_TYPE, [event], 0)

        assert stored.event_id == event.event_id
        assert stored.stream_id == stream
        assert stored.stream_type == STREAM_TYPE
        assert stored.stream_version == 1
        assert stored.position >= 1
        assert stored.event_type == "ItemAdded"
        assert stored.schema_version == 1
        assert stored.previous_hash == GENESIS
        assert stored.hash == recorded_event_hash(stored)
        assert await store.stream_version(stream) == 1
        assert await store.head_position() == stored.position
        assert await store.read_stream(stream) == [stored]

    async def test_append_to_a_missing_stream_expecting_events_conflicts(
        self, store: EventStore
    ) -> None:
        stream = stream_name()
        with pytest.raises(ConcurrencyError) as caught:
            await store.append(stream, STREAM_TYPE, [new()], 1)
        assert (caught.value.stream_id, caught.value.expected_version) == (stream, 1)
        assert caught.value.current_version == 0
        assert await store.head_position() == 0

    async def test_append_nothing_returns_nothing(self, store: EventStore) -> None:
        assert await store.append(stream_name(), STREAM_TYPE, [], 0) == []
        assert await store.head_position() == 0

    async def test_batch_gets_consecutive_versions_and_increasing_positions(
        self, store: EventStore
    ) -> None:
        stream = stream_name()
        first = await store.append(stream, STREAM_TYPE, [new(f"a{i}") for i in range(3)], 0)
        other = await store.append(stream_name(), STREAM_TYPE, [new("other")], 0)
        second = await store.append(stream, STREAM_TYPE, [new(f"b{i}") for i in range(2)], 3)

        batch = first + second
        assert [e.stream_version for e in batch] == [1, 2, 3, 4, 5]
        assert_strictly_increasing([e.position for e in first + other + second])
        assert [e.payload["item"] for e in batch] == ["a0", "a1", "a2", "b0", "b1"]
        assert batch[0].previous_hash == GENESIS
        for previous, event in itertools.pairwise(batch):
            assert event.previous_hash == previous.hash
        assert len({e.recorded_at for e in first}) == 1
        assert await store.read_stream(stream) == batch
        assert await store.stream_version(stream) == 5
        assert await store.head_position() == second[-1].position

    async def test_conflicting_append_raises_and_writes_nothing(self, store: EventStore) -> None:
        stream = stream_name()
        existing = await store.append(stream, STREAM_TYPE, [new("a"), new("b")], 0)
        head = await store.head_position()

        with pytest.raises(ConcurrencyError) as caught:
            await store.append(stream, STREAM_TYPE, [new("c"), new("d")], 1)

        error = caught.value
        assert (error.stream_id, error.expected_version, error.current_version) == (stream, 1, 2)
        assert isinstance(error, EventStoreError)
        assert await store.head_position() == head
        assert await store.read_stream(stream) == existing
        assert await whole_log(store) == existing
        assert await store.stream_version(stream) == 2

    async def test_conflict_rolls_back_the_whole_transaction(self, store: EventStore) -> None:
        busy, fresh = stream_name(), stream_name()
        await store.append(busy, STREAM_TYPE, [new()], 0)
        head = await store.head_position()

        with pytest.raises(ConcurrencyError):
            async with store.transaction() as tx:
                await tx.append(fresh, STREAM_TYPE, [new("would be lost")], 0)
                await tx.append(busy, STREAM_TYPE, [new("conflict")], 0)

        assert await store.read_stream(fresh) == []
        assert await store.head_position() == head

    async def test_expected_version_none_appends_anyway(self, store: EventStore) -> None:
        stream = stream_name()
        [first] = await store.append(stream, STREAM_TYPE, [new("a")], None)
        await store.append(stream, STREAM_TYPE, [new("b")], 1)
        [third] = await store.append(stream, STREAM_TYPE, [new("c")], None)
        assert first.stream_version == 1
        assert third.stream_version == 3
        assert [e.payload["item"] for e in await store.read_stream(stream)] == ["a", "b", "c"]
        assert (await store.verify(stream)).ok

    async def test_transaction_reads_the_stream_it_appends_to(self, store: EventStore) -> None:
        stream = stream_name()
        existing = await store.append(stream, STREAM_TYPE, [new("a"), new("b")], 0)
        async with store.transaction() as tx:
            seen = await tx.read_stream(stream)
            assert seen == existing
            assert await tx.read_stream(stream_name()) == []
            appended = await tx.append(stream, STREAM_TYPE, [new("c")], len(seen))
            assert await tx.read_stream(stream) == existing + appended
        assert await store.read_stream(stream) == existing + appended

    async def test_decisions_on_a_stream_read_in_the_transaction_never_conflict(
        self, url: str
    ) -> None:
        """Reading through the transaction takes the append lock first, so the version read is
        still current when the append comes: concurrent deciders queue instead of conflicting."""
        writers = 20
        stream = stream_name()
        async with self.concurrent_store(url) as store:
            start = asyncio.Event()

            async def decider(index: int) -> None:
                await start.wait()
                async with store.transaction() as tx:
                    history = await tx.read_stream(stream)
                    await asyncio.sleep(0.001)
                    await tx.append(stream, STREAM_TYPE, [new(f"d{index}")], len(history))

            tasks = [asyncio.create_task(decider(i)) for i in range(writers)]
            start.set()
            await asyncio.gather(*tasks)

            stored = await store.read_stream(stream)
            assert [e.stream_version for e in stored] == list(range(1, writers + 1))
            assert sorted(e.payload["item"] for e in stored) == sorted(
                f"d{i}" for i in range(writers)
            )
            assert (await store.verify(stream)).ok

    async def test_failure_later_in_the_transaction_rolls_back_the_append(
        self, store: EventStore
    ) -> None:
        stream = stream_name()
        listener = store.listen()

        with pytest.raises(RuntimeError, match="projection failed"):
            async with store.transaction() as tx:
                appended = await tx.append(stream, STREAM_TYPE, [new("a"), new("b")], 0)
                assert [e.stream_version for e in appended] == [1, 2]
                assert tx.appended == appended
                raise RuntimeError("projection failed")

        assert await store.read_stream(stream) == []
        assert await store.head_position() == 0
        assert await store.stream_version(stream) == 0
        assert not listener.is_set()
        # The stream is still new: the rolled-back version numbers are free again.
        [stored] = await store.append(stream, STREAM_TYPE, [new("c")], 0)
        assert stored.stream_version == 1

    async def test_transaction_commits_other_writes_with_the_events(
        self, store: EventStore, engine: AsyncEngine
    ) -> None:
        stream = stream_name()

        async def checkpoint(name: str) -> int | None:
            async with engine.connect() as conn:
                query = sa.select(relay_checkpoints.c.position).where(
                    relay_checkpoints.c.name == name
                )
                return (await conn.execute(query)).scalar()

        with pytest.raises(RuntimeError):
            async with store.transaction() as tx:
                await tx.append(stream, STREAM_TYPE, [new()], 0)
                await tx.connection.execute(
                    relay_checkpoints.insert().values(name="lost", position=1, updated_at=utc_now())
                )
                raise RuntimeError
        assert await checkpoint("lost") is None

        async with store.transaction() as tx:
            [stored] = await tx.append(stream, STREAM_TYPE, [new()], 0)
            await tx.connection.execute(
                relay_checkpoints.insert().values(
                    name="kept", position=stored.position, updated_at=utc_now()
                )
            )
        assert await checkpoint("kept") == stored.position
        assert await store.read_stream(stream) == [stored]

    async def test_listeners_are_woken_after_a_commit_only(self, store: EventStore) -> None:
        stream = stream_name()
        listener = store.listen()
        await store.append(stream, STREAM_TYPE, [new()], 0)
        assert listener.is_set()

        listener.clear()
        with pytest.raises(ConcurrencyError):
            await store.append(stream, STREAM_TYPE, [new()], 0)
        async with store.transaction():
            pass
        assert not listener.is_set()

    async def test_duplicate_event_id_is_rejected_and_nothing_written(
        self, store: EventStore
    ) -> None:
        event = new("once")
        first, second = stream_name(), stream_name()
        await store.append(first, STREAM_TYPE, [event], 0)
        head = await store.head_position()

        with pytest.raises(DuplicateEventError) as duplicate:
            await store.append(second, STREAM_TYPE, [new("fine"), event], 0)
        assert str(event.event_id) in duplicate.value.event_ids
        with pytest.raises(DuplicateEventError):
            await store.append(first, STREAM_TYPE, [event], None)

        assert await store.head_position() == head
        assert await store.read_stream(second) == []
        assert [e.event_id for e in await whole_log(store)] == [event.event_id]

    # -- reading --------------------------------------------------------------------------------

    async def test_append_many_writes_many_streams_chained_in_one_go(
        self, store: EventStore
    ) -> None:
        known = stream_name()
        await store.append(known, STREAM_TYPE, [new("a")], 0)
        fresh = [stream_name() for _ in range(3)]
        async with store.transaction() as tx:
            before = await tx.read_streams([known, *fresh])
            assert [len(before[s]) for s in (known, *fresh)] == [1, 0, 0, 0]
            recorded = await tx.append_many(
                [
                    StreamAppend(known, STREAM_TYPE, [new("b"), new("c")], 1),
                    *(StreamAppend(s, STREAM_TYPE, [new(s)], 0) for s in fresh),
                    StreamAppend(stream_name(), STREAM_TYPE, [], 0),  # nothing to write
                ]
            )
        assert [(e.stream_id, e.stream_version) for e in recorded] == [
            (known, 2),
            (known, 3),
            *((s, 1) for s in fresh),
        ]
        assert_strictly_increasing([e.position for e in recorded])
        after = await store.read_streams([known, *fresh])
        assert [e.payload["item"] for e in after[known]] == ["a", "b", "c"]
        assert (await store.verify()).ok

    async def test_append_many_with_one_stale_stream_writes_nothing(
        self, store: EventStore
    ) -> None:
        known = stream_name()
        await store.append(known, STREAM_TYPE, [new("a")], 0)
        before = len(await whole_log(store))
        with pytest.raises(ConcurrencyError):
            async with store.transaction() as tx:
                await tx.append_many(
                    [
                        StreamAppend(stream_name(), STREAM_TYPE, [new("x")], 0),
                        StreamAppend(known, STREAM_TYPE, [new("b")], 0),  # it is at 1
                    ]
                )
        assert len(await whole_log(store)) == before

    async def test_read_stream_from_version(self, store: EventStore) -> None:
        stream = stream_name()
        stored = await store.append(stream, STREAM_TYPE, [new(str(i)) for i in range(5)], 0)
        await store.append(stream_name(), STREAM_TYPE, [new("elsewhere")], 0)

        assert await store.read_stream(stream) == stored
        assert await store.read_stream(stream, from_version=1) == stored
        assert await store.read_stream(stream, from_version=3) == stored[2:]
        assert await store.read_stream(stream, from_version=5) == stored[4:]
        assert await store.read_stream(stream, from_version=6) == []
        assert await store.read_stream(stream_name()) == []

    async def test_read_all_pages(self, store: EventStore) -> None:
        streams = [stream_name() for _ in range(3)]
        stored: list[RecordedEvent] = []
        for round_ in range(3):
            for stream in streams:
                stored += await store.append(stream, STREAM_TYPE, [new(f"{round_}")], round_)
        assert len(stored) == 9
        assert_strictly_increasing([e.position for e in stored])

        assert await whole_log(store) == stored
        assert await store.read_all(limit=4) == stored[:4]
        assert await store.read_all(after=stored[3].position, limit=4) == stored[4:8]
        assert await store.read_all(after=stored[7].position, limit=4) == stored[8:]
        assert await store.read_all(after=stored[8].position) == []
        assert await store.read_all(after=stored[2].position) == stored[3:]
        # `after` need not be an existing position.
        assert await store.read_all(after=stored[4].position - 1, limit=1) == [stored[4]]

    async def test_read_all_by_campaign(self, store: EventStore) -> None:
        stream = stream_name()
        stored = await store.append(
            stream,
            STREAM_TYPE,
            [new("a", campaign_id="c-1"), new("b", campaign_id="c-2"), new("c", campaign_id="c-1")],
            0,
        )
        assert await store.read_all(campaign_id="c-1") == [stored[0], stored[2]]
        assert await store.read_all(campaign_id="c-1", after=stored[0].position) == [stored[2]]
        assert await store.read_all(campaign_id="nope") == []

    @pytest.mark.parametrize(("count", "page_size"), [(23, 5), (20, 5), (3, 500), (1, 1)])
    async def test_iter_all_returns_every_event_once_in_order(
        self, store: EventStore, count: int, page_size: int
    ) -> None:
        streams = [stream_name() for _ in range(4)]
        stored: list[RecordedEvent] = []
        for i in range(count):
            stored += await store.append(streams[i % 4], STREAM_TYPE, [new(str(i))], None)

        seen = [event async for event in store.iter_all(page_size=page_size)]

        assert seen == stored
        assert len({e.event_id for e in seen}) == count
        assert_strictly_increasing([e.position for e in seen])
        after = stored[count // 2].position
        assert [e async for e in store.iter_all(after=after, page_size=page_size)] == stored[
            count // 2 + 1 :
        ]

    async def test_iter_all_of_an_empty_log(self, store: EventStore) -> None:
        assert [e async for e in store.iter_all(page_size=2)] == []

    async def test_as_of_returns_only_what_was_recorded_by_then(self, store: EventStore) -> None:
        stream, other = stream_name(), stream_name()
        early = await store.append(stream, STREAM_TYPE, [new("a1"), new("a2")], 0)
        await asyncio.sleep(0.01)
        between = utc_now()
        await asyncio.sleep(0.01)
        late = await store.append(stream, STREAM_TYPE, [new("b1")], 2)
        late += await store.append(other, STREAM_TYPE, [new("c1")], 0)
        assert early[-1].recorded_at < between < late[0].recorded_at

        assert await store.read_all(as_of=between) == early
        assert await store.read_stream(stream, as_of=between) == early
        assert await store.read_stream(other, as_of=between) == []
        assert [e async for e in store.iter_all(as_of=between, page_size=1)] == early
        # The same instant in another time zone, and a naive datetime meaning UTC.
        elsewhere = between.astimezone(timezone(timedelta(hours=-5)))
        assert await store.read_all(as_of=elsewhere) == early
        assert await store.read_all(as_of=between.replace(tzinfo=None)) == early
        # Inclusive bound, before everything, after everything.
        assert await store.read_all(as_of=early[0].recorded_at) == early
        assert await store.read_all(as_of=early[0].recorded_at - timedelta(microseconds=1)) == []
        assert await store.read_all(as_of=utc_now()) == early + late
        assert await store.read_stream(stream, as_of=utc_now()) == early + late[:1]

    async def test_payload_and_metadata_round_trip_exactly(self, store: EventStore) -> None:
        stream = stream_name()
        occurred = datetime(2026, 5, 17, 14, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
        correlation, causation = uuid.uuid4(), uuid.uuid4()
        payload = ItemAdded(
            item="Grüße, 世界 \"quoted\" \\ 'single' \n newline",
            n=2**53 + 1,
            tags=["b", "a", ""],
            details={
                "z": None,
                "a": [1, 2.5, True, False, {"deep": {"deeper": []}}],
                "empty": {},
                "ratio": 0.1,
            },
        )
        chosen = ItemChosen(item="x")
        metadata = Metadata(
            actor="api-key:7f3a",
            reason="the board agreed on 2026-05-17",
            correlation_id=correlation,
            causation_id=causation,
            campaign_id="campaign-42",
            occurred_at=occurred,
        )
        events_in = [
            NewEvent(payload=payload, metadata=metadata),
            NewEvent(payload=chosen, metadata=metadata),
            new("minimal"),
        ]
        before = utc_now()
        appended = await store.append(stream, STREAM_TYPE, events_in, 0)
        after = utc_now()

        assert appended == await store.read_stream(stream)
        assert appended == await whole_log(store)
        for event in appended:
            assert await store.get_event(event.event_id) == event

        first, second, third = appended
        assert first.payload == payload.model_dump(mode="json")
        assert contract_catalogue.decode(first) == payload
        assert contract_catalogue.decode(second) == chosen
        assert (second.event_type, second.schema_version) == ("ItemChosen", 3)
        meta = first.metadata
        assert meta.actor == "api-key:7f3a"
        assert meta.reason == "the board agreed on 2026-05-17"
        assert meta.correlation_id == correlation
        assert meta.causation_id == causation
        assert meta.campaign_id == "campaign-42"
        assert meta.occurred_at == occurred
        assert meta.occurred_at.utcoffset() == timedelta(0)
        assert meta.occurred_at == datetime(2026, 5, 17, 12, 30, 15, 123456, tzinfo=UTC)
        assert second.metadata == meta
        assert third.metadata == events_in[2].metadata
        assert third.metadata.reason is None
        assert third.metadata.causation_id is None
        assert third.metadata.campaign_id is None
        assert third.metadata.occurred_at.utcoffset() == timedelta(0)
        for event in appended:
            assert event.recorded_at.utcoffset() == timedelta(0)
            assert before <= event.recorded_at <= after
            assert event.hash == recorded_event_hash(event)
        assert (await store.verify()).ok

    async def test_verify_accepts_any_json_number(self, store: EventStore) -> None:
        """The hash must survive the database's JSON storage for every number a payload holds."""
        stream = stream_name()
        values = [0.0, -0.0, 1.0, 0.1, 1e-7, 1e16, 1.5e300, -2.5e-300, 123456789.123456789]
        await store.append(
            stream,
            STREAM_TYPE,
            [NewEvent(payload=Measured(values=values), metadata=Metadata(actor="t"))],
            0,
        )
        assert (await store.verify()).ok
        assert (await store.verify(stream)).ok

    async def test_get_event(self, store: EventStore) -> None:
        [stored] = await store.append(stream_name(), STREAM_TYPE, [new()], 0)
        assert await store.get_event(stored.event_id) == stored
        assert await store.get_event(uuid.uuid4()) is None

    # -- verifying ------------------------------------------------------------------------------

    async def _interleaved(self, store: EventStore) -> dict[str, list[RecordedEvent]]:
        streams: dict[str, list[RecordedEvent]] = {"a": [], "b": [], "c": []}
        for stream_id, count in [("a", 2), ("b", 2), ("c", 1), ("a", 2), ("b", 2), ("c", 1)]:
            streams[stream_id] += await store.append(
                stream_id,
                STREAM_TYPE,
                [new(stream_id) for _ in range(count)],
                len(streams[stream_id]),
            )
        return streams

    async def test_verify_a_clean_log(self, store: EventStore) -> None:
        empty = await store.verify()
        assert (empty.ok, empty.checked) == (True, 0)
        streams = await self._interleaved(store)
        result = await store.verify()
        assert result.ok
        assert result.checked == 10
        assert result.first_failure_event_id is None
        for stream_id, stored in streams.items():
            one = await store.verify(stream_id)
            assert (one.ok, one.checked) == (True, len(stored))
        assert (await store.verify("missing")).checked == 0

    async def test_verify_names_an_event_whose_payload_was_changed(
        self, store: EventStore, engine: AsyncEngine
    ) -> None:
        streams = await self._interleaved(store)
        victim = streams["b"][2]
        await tamper(engine, victim.event_id, payload={"item": "b", "n": 1000})

        for result in (await store.verify(), await store.verify("b")):
            assert not result.ok
            assert result.first_failure_event_id == victim.event_id
            assert result.first_failure_position == victim.position
            assert result.problem == "content does not match its hash"
        assert (await store.verify("a")).ok
        assert (await store.verify("c")).ok

    async def test_verify_names_an_event_whose_hash_or_link_was_changed(
        self, store: EventStore, engine: AsyncEngine
    ) -> None:
        streams = await self._interleaved(store)
        rehashed, relinked = streams["c"][0], streams["a"][3]
        await tamper(engine, rehashed.event_id, hash="f" * 64)
        await tamper(engine, relinked.event_id, previous_hash="e" * 64)

        whole = await store.verify()
        assert rehashed.position < relinked.position
        assert whole.first_failure_event_id == rehashed.event_id
        assert whole.problem == "content does not match its hash"
        in_a = await store.verify("a")
        assert in_a.first_failure_event_id == relinked.event_id
        assert in_a.first_failure_position == relinked.position
        assert in_a.problem == "previous_hash does not match the preceding event's hash"
        assert in_a.checked == 4

    async def test_verify_names_the_first_of_several_failures(
        self, store: EventStore, engine: AsyncEngine
    ) -> None:
        streams = await self._interleaved(store)
        later, earlier = streams["a"][2], streams["b"][1]
        assert earlier.position < later.position
        await tamper(engine, later.event_id, actor="mallory")
        await tamper(engine, earlier.event_id, reason="rewritten history")

        whole = await store.verify()
        assert whole.first_failure_event_id == earlier.event_id
        assert (
            whole.checked
            == [e.position for e in await whole_log(store)].index(earlier.position) + 1
        )
        assert (await store.verify("a")).first_failure_event_id == later.event_id
        assert (await store.verify("b")).first_failure_event_id == earlier.event_id

    async def test_verify_names_the_event_after_a_deleted_one(
        self, store: EventStore, engine: AsyncEngine
    ) -> None:
        streams = await self._interleaved(store)
        await delete(engine, streams["a"][1].event_id)
        successor = streams["a"][2]
        for result in (await store.verify(), await store.verify("a")):
            assert result.first_failure_event_id == successor.event_id
            assert result.problem == "stream version 3 follows 1"

    # -- schema ---------------------------------------------------------------------------------

    async def test_migrate_twice_is_a_no_op(self, store: EventStore, engine: AsyncEngine) -> None:
        stored = await store.append(stream_name(), STREAM_TYPE, [new(), new()], 0)
        await migrate(engine)
        await migrate(engine)
        async with engine.connect() as conn:
            versions = (
                await conn.execute(sa.text("SELECT version_num FROM alembic_version"))
            ).all()
            tables = await conn.run_sync(lambda sync: set(sa.inspect(sync).get_table_names()))
        assert [row[0] for row in versions] == ["es0002"]
        assert {
            "events",
            "relay_checkpoints",
            "processed_events",
            "dead_letters",
            "idempotency_keys",
        } <= tables
        assert await whole_log(store) == stored

    # -- concurrency ----------------------------------------------------------------------------

    async def test_concurrent_creators_of_one_stream_have_exactly_one_winner(
        self, url: str
    ) -> None:
        writers = self.concurrent_writers
        stream = stream_name()
        async with self.concurrent_store(url) as store:
            start = asyncio.Event()

            async def writer(index: int) -> list[RecordedEvent]:
                await start.wait()
                async with store.transaction() as tx:
                    return await tx.append(stream, STREAM_TYPE, [new(f"w{index}")], 0)

            tasks = [asyncio.create_task(writer(i)) for i in range(writers)]
            await asyncio.sleep(0)
            start.set()
            outcomes = await asyncio.gather(*tasks, return_exceptions=True)

            winners = [o for o in outcomes if isinstance(o, list)]
            conflicts = [o for o in outcomes if isinstance(o, ConcurrencyError)]
            unexpected = [o for o in outcomes if not isinstance(o, list | ConcurrencyError)]
            assert unexpected == []
            assert len(winners) == 1
            assert len(conflicts) == writers - 1
            for conflict in conflicts:
                assert (conflict.expected_version, conflict.current_version) == (0, 1)
            [[won]] = winners
            assert await store.read_stream(stream) == [won]
            assert await whole_log(store) == [won]
            assert await store.head_position() == won.position

    async def test_optimistic_writers_racing_on_one_stream_lose_nothing(self, url: str) -> None:
        writers, appends = self.concurrent_writers, self.appends_per_writer
        stream = stream_name()
        conflicts = 0
        async with self.concurrent_store(url) as store:
            start = asyncio.Event()

            async def writer(index: int) -> None:
                nonlocal conflicts
                await start.wait()
                done = failures = 0
                while done < appends:
                    version = await store.stream_version(stream)
                    try:
                        async with store.transaction() as tx:
                            await tx.append(stream, STREAM_TYPE, [new(f"w{index}", done)], version)
                    except ConcurrencyError as error:
                        assert error.current_version > version
                        conflicts += 1
                        failures += 1
                        # Exponential backoff with full jitter, as a real client would do.
                        await asyncio.sleep(random.uniform(0, min(0.2, 0.005 * 2**failures)))
                    else:
                        done, failures = done + 1, 0

            tasks = [asyncio.create_task(writer(i)) for i in range(writers)]
            await asyncio.sleep(0)
            start.set()
            await asyncio.gather(*tasks)

            stored = await store.read_stream(stream)
            total = writers * appends
            assert len(stored) == total
            assert [e.stream_version for e in stored] == list(range(1, total + 1))
            assert_strictly_increasing([e.position for e in stored])
            assert len({e.event_id for e in stored}) == total
            written = sorted((e.payload["item"], e.payload["n"]) for e in stored)
            assert written == sorted((f"w{w}", n) for w in range(writers) for n in range(appends))
            for writer_index in range(writers):
                mine = [e.payload["n"] for e in stored if e.payload["item"] == f"w{writer_index}"]
                assert mine == list(range(appends))
            assert conflicts > 0
            assert await store.stream_version(stream) == total
            result = await store.verify(stream)
            assert (result.ok, result.checked) == (True, total)
            assert (await store.verify()).ok
