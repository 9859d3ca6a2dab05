"""The relay on a real NATS JetStream server: order, CloudEvents headers, and no loss across a
crash between commit and publish or between publish and checkpoint."""

from __future__ import annotations

import json

import pytest
from faststream.nats import NatsBroker

from coalition.shared.contracts.research import PartnerIdentified
from coalition.shared.db import create_engine, migrate
from coalition.shared.events.envelope import Metadata, NewEvent, RecordedEvent
from coalition.shared.eventstore.store import EventStore
from coalition.shared.messaging.cloudevents import from_message
from coalition.shared.messaging.publisher import JetStreamPublisher
from coalition.shared.messaging.relay import Relay
from coalition.shared.settings import Settings
from tests.support import eventually, stream_messages

pytestmark = pytest.mark.nats


def identified(name: str) -> NewEvent:
    return NewEvent(
        payload=PartnerIdentified(partner_id=name, campaign_id="c1", name=name, kind="ngo"),
        metadata=Metadata(
            actor="alice", reason='ünïcode reason, with %, "quotes"', campaign_id="c1"
        ),
    )


async def append_partners(store: EventStore, count: int) -> list[RecordedEvent]:
    recorded = []
    for index in range(count):
        recorded += await store.append(f"partner-p{index}", "partner", [identified(f"p{index}")], 0)
    return recorded


def publisher(broker: NatsBroker, settings: Settings) -> JetStreamPublisher:
    return JetStreamPublisher(
        broker, service="research", stream=settings.stream_name, prefix=settings.subject_prefix
    )


async def test_relay_publishes_the_log_in_order_as_cloudevents(
    store: EventStore, broker: NatsBroker, settings: Settings, nats_url: str
) -> None:
    recorded = await append_partners(store, 3)

    published = await Relay(store, publisher(broker, settings)).drain()

    assert published == 3
    messages = await stream_messages(nats_url, settings.stream_name)
    assert [subject for subject, _, _ in messages] == [
        f"{settings.subject_prefix}.research.PartnerIdentified"
    ] * 3
    for (_, headers, body), original in zip(messages, recorded, strict=True):
        assert headers["ce-specversion"] == "1.0"
        assert headers["ce-id"] == str(original.event_id)
        assert headers["ce-source"] == "/coalition/research"
        assert headers["Nats-Msg-Id"] == str(original.event_id)
        assert json.loads(body) == original.payload
        assert from_message(headers, body) == original


async def test_relay_resumes_from_its_checkpoint_after_a_crash_before_publishing(
    store: EventStore, broker: NatsBroker, settings: Settings, nats_url: str
) -> None:
    recorded = await append_partners(store, 5)
    real = publisher(broker, settings)
    calls = 0

    async def crash_on_third(event: RecordedEvent) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise ConnectionError("the process died here")
        await real(event)

    crashed = Relay(store, crash_on_third)
    with pytest.raises(ConnectionError):
        await crashed.run_once()
    assert await crashed.checkpoint() == recorded[1].position

    await Relay(store, publisher(broker, settings)).drain()

    messages = await stream_messages(nats_url, settings.stream_name)
    assert [headers["ce-id"] for _, headers, _ in messages] == [
        str(event.event_id) for event in recorded
    ]


async def test_a_crash_between_publish_and_checkpoint_is_deduplicated_by_the_broker(
    store: EventStore, broker: NatsBroker, settings: Settings, nats_url: str
) -> None:
    recorded = await append_partners(store, 4)
    await Relay(store, publisher(broker, settings)).drain()
    # The checkpoint write was lost: a new relay publishes everything again.
    again = publisher(broker, settings)
    await Relay(store, again, name="restarted").drain()

    assert again.duplicates == 4
    messages = await stream_messages(nats_url, settings.stream_name)
    assert [headers["ce-id"] for _, headers, _ in messages] == [
        str(event.event_id) for event in recorded
    ]


async def test_the_running_relay_publishes_new_appends_promptly(
    store: EventStore, broker: NatsBroker, settings: Settings, nats_url: str
) -> None:
    relay = Relay(store, publisher(broker, settings), poll_seconds=30.0)
    relay.start()
    try:
        recorded = await append_partners(store, 2)

        async def both_published() -> bool | None:
            return True if len(await stream_messages(nats_url, settings.stream_name)) == 2 else None

        # Far below the 30 s poll: the append itself wakes the relay.
        await eventually(both_published, timeout=5.0)
    finally:
        await relay.stop()
    assert await relay.checkpoint() == recorded[-1].position


@pytest.mark.postgres
async def test_one_relay_per_postgres_database_publishes_and_a_standby_takes_over(
    postgres_database: str, broker: NatsBroker, settings: Settings, nats_url: str
) -> None:
    engine = create_engine(postgres_database)
    await migrate(engine)
    store = EventStore(engine)
    leader = Relay(store, publisher(broker, settings), poll_seconds=0.1)
    standby = Relay(store, publisher(broker, settings), poll_seconds=0.1)
    try:
        leader.start()
        await eventually(lambda: _true_if(leader.is_leader))
        standby.start()
        recorded = await append_partners(store, 2)

        async def published(count: int) -> bool | None:
            return await _true_if(
                len(await stream_messages(nats_url, settings.stream_name)) == count
            )

        await eventually(lambda: published(2))
        assert not standby.is_leader

        await leader.stop()
        await eventually(lambda: _true_if(standby.is_leader))
        recorded += await store.append("partner-late", "partner", [identified("late")], 0)
        await eventually(lambda: published(3))
        messages = await stream_messages(nats_url, settings.stream_name)
        assert [h["ce-id"] for _, h, _ in messages] == [str(e.event_id) for e in recorded]
    finally:
        await leader.stop()
        await standby.stop()
        await engine.dispose()


async def _true_if(condition: bool) -> bool | None:
    return True if condition else None
