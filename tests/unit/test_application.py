"""The service-layer step `execute` / `execute_in` against a real SQLite event store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from coalition.shared.application import execute, execute_in
from coalition.shared.db import create_engine, migrate
from coalition.shared.events.envelope import (
    DomainEvent,
    Metadata,
    NewEvent,
    ReasonRequiredError,
    RecordedEvent,
)
from coalition.shared.eventstore.errors import ConcurrencyError, PreconditionFailedError
from coalition.shared.eventstore.store import EventStore
from coalition.shared.web.problems import DomainError

STREAM = "counter-1"
STREAM_TYPE = "counter"


class CounterIncremented(DomainEvent):
    service = "unit"
    is_decision = True

    by: int


class BoomError(Exception):
    pass


def meta(reason: str | None = "because") -> Metadata:
    return Metadata(actor="alice", reason=reason)


def increments(*amounts: int) -> list[DomainEvent]:
    return [CounterIncremented(by=amount) for amount in amounts]


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/s.db"


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[EventStore]:
    engine = create_engine(db_url)
    await migrate(engine)
    try:
        yield EventStore(engine)
    finally:
        await engine.dispose()


def append_from_another_writer(db_url: str, amount: int) -> None:
    """Append to STREAM through a separate engine, as another process would, and wait for it.

    `decide` is synchronous, so the other writer runs on its own loop in a thread."""

    async def write() -> None:
        engine = create_engine(db_url)
        try:
            other = EventStore(engine)
            version = await other.stream_version(STREAM)
            await other.append(
                STREAM,
                STREAM_TYPE,
                [NewEvent(payload=CounterIncremented(by=amount), metadata=meta("other"))],
                version,
            )
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, write()).result()


async def seed(store: EventStore, *amounts: int) -> list[RecordedEvent]:
    new = [NewEvent(payload=payload, metadata=meta("seed")) for payload in increments(*amounts)]
    return await store.append(STREAM, STREAM_TYPE, new, None)


def amounts(history: Sequence[RecordedEvent]) -> list[int]:
    return [int(event.payload["by"]) for event in history]


# -- execute --------------------------------------------------------------------------------------


async def test_execute_appends_the_decided_events(store: EventStore) -> None:
    seen: list[list[int]] = []

    def decide(history: Sequence[RecordedEvent]) -> Sequence[DomainEvent]:
        seen.append(amounts(history))
        return increments(1, 2)

    result = await execute(store, STREAM, STREAM_TYPE, decide, meta())

    assert seen == [[]]
    assert [(event.stream_version, event.payload) for event in result] == [
        (1, {"by": 1}),
        (2, {"by": 2}),
    ]
    assert all(event.event_type == "CounterIncremented" for event in result)
    assert all(event.stream_type == STREAM_TYPE for event in result)
    assert all(event.metadata.reason == "because" for event in result)
    assert await store.read_stream(STREAM) == result
    assert (await store.verify(STREAM)).ok


async def test_execute_decides_on_the_current_stream(store: EventStore) -> None:
    await seed(store, 5, 7)
    seen: list[list[int]] = []

    def decide(history: Sequence[RecordedEvent]) -> Sequence[DomainEvent]:
        seen.append(amounts(history))
        return increments(sum(amounts(history)))

    result = await execute(store, STREAM, STREAM_TYPE, decide, meta(), expected_version=2)

    assert seen == [[5, 7]]
    assert [(event.stream_version, event.payload["by"]) for event in result] == [(3, 12)]


async def test_execute_with_nothing_decided_writes_nothing(store: EventStore) -> None:
    result = await execute(store, STREAM, STREAM_TYPE, lambda history: [], meta())

    assert result == []
    assert await store.head_position() == 0


async def test_a_stale_expected_version_is_a_conflict_and_writes_nothing(
    store: EventStore,
) -> None:
    await seed(store, 1, 1)
    calls: list[int] = []

    def decide(history: Sequence[RecordedEvent]) -> Sequence[DomainEvent]:
        calls.append(len(history))
        return increments(1)

    with pytest.raises(PreconditionFailedError) as raised:
        await execute(store, STREAM, STREAM_TYPE, decide, meta(), expected_version=1)

    assert (raised.value.stream_id, raised.value.expected_version) == (STREAM, 1)
    assert raised.value.current_version == 2
    assert calls == []
    assert await store.stream_version(STREAM) == 2
    assert await store.head_position() == 2


async def test_expected_version_zero_on_an_existing_stream_is_a_conflict(
    store: EventStore,
) -> None:
    await seed(store, 1)

    with pytest.raises(ConcurrencyError):
        await execute(
            store, STREAM, STREAM_TYPE, lambda history: increments(1), meta(), expected_version=0
        )

    assert await store.stream_version(STREAM) == 1


async def test_without_expected_version_a_command_is_re_decided_after_another_writer(
    store: EventStore, db_url: str
) -> None:
    seen: list[list[int]] = []

    def decide(history: Sequence[RecordedEvent]) -> Sequence[DomainEvent]:
        seen.append(amounts(history))
        if len(seen) == 1:
            append_from_another_writer(db_url, 100)
        return increments(len(history) + 1)

    result = await execute(store, STREAM, STREAM_TYPE, decide, meta())

    assert seen == [[], [100]]
    assert [(event.stream_version, event.payload["by"]) for event in result] == [(2, 2)]
    stream = await store.read_stream(STREAM)
    assert amounts(stream) == [100, 2]
    assert [event.metadata.reason for event in stream] == ["other", "because"]
    assert (await store.verify(STREAM)).ok


async def test_with_expected_version_another_writer_is_a_conflict_at_once(
    store: EventStore, db_url: str
) -> None:
    calls: list[int] = []

    def decide(history: Sequence[RecordedEvent]) -> Sequence[DomainEvent]:
        calls.append(len(history))
        append_from_another_writer(db_url, 100)
        return increments(1)

    with pytest.raises(ConcurrencyError) as raised:
        await execute(store, STREAM, STREAM_TYPE, decide, meta(), expected_version=0)

    assert calls == [0]
    assert (raised.value.expected_version, raised.value.current_version) == (0, 1)
    assert amounts(await store.read_stream(STREAM)) == [100]


async def test_execute_gives_up_after_its_attempts(store: EventStore, db_url: str) -> None:
    calls: list[int] = []

    def decide(history: Sequence[RecordedEvent]) -> Sequence[DomainEvent]:
        calls.append(len(history))
        append_from_another_writer(db_url, 100)
        return increments(1)

    with pytest.raises(ConcurrencyError):
        await execute(store, STREAM, STREAM_TYPE, decide, meta(), attempts=3)

    assert calls == [0, 1, 2]
    assert amounts(await store.read_stream(STREAM)) == [100, 100, 100]


async def test_a_domain_error_writes_nothing(store: EventStore) -> None:
    await seed(store, 1)

    def decide(history: Sequence[RecordedEvent]) -> Sequence[DomainEvent]:
        raise DomainError("refused", stream=STREAM)

    with pytest.raises(DomainError) as raised:
        await execute(store, STREAM, STREAM_TYPE, decide, meta())

    assert raised.value.extra == {"stream": STREAM}
    assert await store.stream_version(STREAM) == 1
    assert await store.head_position() == 1


async def test_a_decision_without_a_reason_writes_nothing(store: EventStore) -> None:
    with pytest.raises(
        ReasonRequiredError, match="CounterIncremented is a decision and needs a reason"
    ):
        await execute(store, STREAM, STREAM_TYPE, lambda history: increments(1), meta(None))

    assert await store.head_position() == 0


# -- execute_in -----------------------------------------------------------------------------------


async def test_execute_in_appends_inside_the_callers_transaction(store: EventStore) -> None:
    await seed(store, 3)
    seen: list[list[int]] = []

    def decide(history: Sequence[RecordedEvent]) -> Sequence[DomainEvent]:
        seen.append(amounts(history))
        return increments(4)

    async with store.transaction() as tx:
        result = await execute_in(tx, STREAM, STREAM_TYPE, decide, meta())
        assert tx.appended == result

    assert seen == [[3]]
    assert [(event.stream_version, event.payload["by"]) for event in result] == [(2, 4)]
    assert amounts(await store.read_stream(STREAM)) == [3, 4]


async def test_execute_in_twice_in_one_transaction_sees_its_own_appends(
    store: EventStore,
) -> None:
    seen: list[list[int]] = []

    def decide(history: Sequence[RecordedEvent]) -> Sequence[DomainEvent]:
        seen.append(amounts(history))
        return increments(len(history) + 1)

    async with store.transaction() as tx:
        await execute_in(tx, STREAM, STREAM_TYPE, decide, meta())
        await execute_in(tx, STREAM, STREAM_TYPE, decide, meta())

    assert seen == [[], [1]]
    assert amounts(await store.read_stream(STREAM)) == [1, 2]


async def test_execute_in_is_rolled_back_with_the_transaction(store: EventStore) -> None:
    with pytest.raises(BoomError):
        async with store.transaction() as tx:
            await execute_in(tx, STREAM, STREAM_TYPE, lambda history: increments(1), meta())
            raise BoomError

    assert await store.head_position() == 0


async def test_execute_in_with_a_domain_error_writes_nothing(store: EventStore) -> None:
    def decide(history: Sequence[RecordedEvent]) -> Sequence[DomainEvent]:
        raise DomainError("refused")

    with pytest.raises(DomainError):
        async with store.transaction() as tx:
            await execute_in(tx, STREAM, STREAM_TYPE, decide, meta())

    assert await store.head_position() == 0
