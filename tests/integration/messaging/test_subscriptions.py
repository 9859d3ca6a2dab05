"""Subscriptions on a real NATS JetStream server: each event's effect happens once, a failing
handler is retried with nothing half-written, and a hopeless one ends as a dead letter."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from faststream.nats import NatsBroker

from coalition.shared.contracts.research import PartnerIdentified
from coalition.shared.contracts.scoring import PartnerScored
from coalition.shared.db import create_engine, migrate
from coalition.shared.events.envelope import Metadata, NewEvent, RecordedEvent
from coalition.shared.eventstore.schema import dead_letters, processed_events
from coalition.shared.eventstore.store import EventStore, StoreTransaction
from coalition.shared.messaging.cloudevents import (
    MESSAGE_ID_HEADER,
    event_subject,
    to_body,
    to_headers,
)
from coalition.shared.messaging.dead_letters import DeadLetter, list_dead_letters, redeliver
from coalition.shared.messaging.publisher import JetStreamPublisher
from coalition.shared.messaging.subscriptions import RetryPolicy, Subscriptions, bind_subscriptions
from coalition.shared.settings import Settings
from coalition.shared.web.problems import NotFoundError
from tests.support import eventually, stream_messages

pytestmark = pytest.mark.nats

FAST_RETRY = RetryPolicy(max_deliver=3, backoff_seconds=[0.1, 0.1], ack_wait_seconds=5.0)


async def source_event(source: EventStore) -> RecordedEvent:
    new = NewEvent(
        payload=PartnerIdentified(partner_id="p1", campaign_id="c1", name="Unite", kind="union"),
        metadata=Metadata(actor="alice", reason="big", campaign_id="c1"),
    )
    return (await source.append("partner-p1", "partner", [new], 0))[0]


async def score_it(event: RecordedEvent, tx: StoreTransaction) -> None:
    """A reaction with a real effect: append a PartnerScored caused by the event."""
    scored = PartnerScored(
        partner_id="p1",
        campaign_id="c1",
        score=0.5,
        components={},
        model="m",
        model_version=1,
        inputs=[str(event.event_id)],
    )
    meta = Metadata.reacting_to(event, actor="service:test", reason="test")
    await tx.append(
        f"score-{uuid.uuid4()}", "partner-score", [NewEvent(payload=scored, metadata=meta)], 0
    )


@asynccontextmanager
async def consuming(
    broker: NatsBroker,
    settings: Settings,
    consumer_store: EventStore,
    handler: Callable[[RecordedEvent, StoreTransaction], Awaitable[None]],
) -> AsyncIterator[None]:
    subscriptions = Subscriptions(f"consumer{uuid.uuid4().hex[:6]}")
    subscriptions.on("PartnerIdentified")(handler)
    bind_subscriptions(broker, settings, consumer_store, subscriptions, FAST_RETRY)
    await broker.start()
    yield


@pytest.fixture
async def source(sqlite_database: str) -> AsyncIterator[EventStore]:
    engine = create_engine(sqlite_database.replace("store.db", "source.db"))
    await migrate(engine)
    yield EventStore(engine)
    await engine.dispose()


async def count(store: EventStore, table: sa.Table) -> int:
    async with store.engine.connect() as conn:
        return int((await conn.execute(sa.select(sa.func.count()).select_from(table))).scalar_one())


async def test_a_redelivered_event_takes_effect_once(
    broker: NatsBroker, settings: Settings, store: EventStore, source: EventStore
) -> None:
    event = await source_event(source)
    publish = JetStreamPublisher(
        broker, service="research", stream=settings.stream_name, prefix=settings.subject_prefix
    )
    async with consuming(broker, settings, store, score_it):
        await publish(event)
        # The same event again under another message id: past the broker's de-duplication,
        # as after the duplicate window; only the consumer's own record can stop it.
        headers_id = str(uuid.uuid4())
        await broker.publish(
            to_body(event),
            event_subject(settings.subject_prefix, "research", event.event_type),
            headers={**to_headers(event, source_service="research"), MESSAGE_ID_HEADER: headers_id},
            stream=settings.stream_name,
        )

        async def processed() -> bool | None:
            return True if await count(store, processed_events) == 1 else None

        await eventually(processed)
        await asyncio.sleep(0.5)  # time for the duplicate to arrive and be ignored
    appended = await store.read_all()
    assert len(appended) == 1
    assert appended[0].metadata.causation_id == event.event_id
    assert appended[0].metadata.correlation_id == event.metadata.correlation_id


async def test_a_failed_attempt_writes_nothing_and_the_retry_succeeds(
    broker: NatsBroker, settings: Settings, store: EventStore, source: EventStore
) -> None:
    event = await source_event(source)
    attempts = 0

    async def fail_once_after_writing(event: RecordedEvent, tx: StoreTransaction) -> None:
        nonlocal attempts
        attempts += 1
        await score_it(event, tx)
        if attempts == 1:
            raise RuntimeError("the effect was written, then the handler failed")

    async with consuming(broker, settings, store, fail_once_after_writing):
        await JetStreamPublisher(
            broker, service="research", stream=settings.stream_name, prefix=settings.subject_prefix
        )(event)

        async def processed() -> bool | None:
            return True if await count(store, processed_events) == 1 else None

        await eventually(processed)
    assert attempts == 2
    assert len(await store.read_all()) == 1


async def test_an_event_that_always_fails_becomes_a_dead_letter(
    broker: NatsBroker, settings: Settings, store: EventStore, source: EventStore, nats_url: str
) -> None:
    event = await source_event(source)
    attempts = 0

    async def always_fail(event: RecordedEvent, tx: StoreTransaction) -> None:
        nonlocal attempts
        attempts += 1
        raise ValueError("this partner cannot be scored")

    async with consuming(broker, settings, store, always_fail):
        await JetStreamPublisher(
            broker, service="research", stream=settings.stream_name, prefix=settings.subject_prefix
        )(event)

        async def dead_lettered() -> Sequence[sa.Row[Any]] | None:
            async with store.engine.connect() as conn:
                rows = (await conn.execute(sa.select(dead_letters))).all()
            return rows or None

        rows = await eventually(dead_lettered)
    assert attempts == FAST_RETRY.max_deliver
    assert rows[0].event_id == event.event_id
    assert rows[0].deliveries == FAST_RETRY.max_deliver
    assert "this partner cannot be scored" in rows[0].error
    assert await count(store, processed_events) == 0
    subjects = [subject for subject, _, _ in await stream_messages(nats_url, settings.stream_name)]
    assert any(".deadletter." in subject for subject in subjects)


async def test_a_message_that_is_not_one_of_our_events_is_dead_lettered_at_once(
    broker: NatsBroker, settings: Settings, store: EventStore
) -> None:
    calls = 0

    async def never_called(event: RecordedEvent, tx: StoreTransaction) -> None:
        nonlocal calls
        calls += 1

    async with consuming(broker, settings, store, never_called):
        await broker.publish(
            b'{"not": "an event"}',
            event_subject(settings.subject_prefix, "research", "PartnerIdentified"),
            headers={"ce-specversion": "1.0", "ce-id": str(uuid.uuid4())},
            stream=settings.stream_name,
        )

        async def dead_lettered() -> Sequence[sa.Row[Any]] | None:
            async with store.engine.connect() as conn:
                rows = (await conn.execute(sa.select(dead_letters))).all()
            return rows or None

        rows = await eventually(dead_lettered)
    assert calls == 0
    assert rows[0].deliveries == 1  # no retries for a message that can never succeed
    assert "malformed event message" in rows[0].error
    assert rows[0].event_id is None


async def test_a_dead_letter_is_redelivered_once_its_cause_is_fixed(
    broker: NatsBroker, settings: Settings, store: EventStore, source: EventStore
) -> None:
    event = await source_event(source)
    broken = True

    async def score_unless_broken(event: RecordedEvent, tx: StoreTransaction) -> None:
        if broken:
            raise ValueError("the scoring model is missing")
        await score_it(event, tx)

    subscriptions = Subscriptions(f"consumer{uuid.uuid4().hex[:6]}")
    subscriptions.on("PartnerIdentified")(score_unless_broken)
    bind_subscriptions(broker, settings, store, subscriptions, FAST_RETRY)
    await broker.start()
    await JetStreamPublisher(
        broker, service="research", stream=settings.stream_name, prefix=settings.subject_prefix
    )(event)

    async def listed() -> list[DeadLetter] | None:
        return await list_dead_letters(store) or None

    [letter] = await eventually(listed)
    assert letter.event_id == str(event.event_id)
    assert "the scoring model is missing" in letter.error

    with pytest.raises(ValueError, match="the scoring model is missing"):
        await redeliver(store, subscriptions, letter.id)  # still broken: the letter stays
    assert len(await list_dead_letters(store)) == 1

    broken = False
    assert await redeliver(store, subscriptions, letter.id) is True
    assert await list_dead_letters(store) == []
    [scored] = await store.read_all()
    assert scored.metadata.causation_id == event.event_id
    with pytest.raises(NotFoundError):
        await redeliver(store, subscriptions, letter.id)
