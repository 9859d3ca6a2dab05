"""A store and a broker on a stream of the test's own, on the real NATS JetStream server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from faststream.nats import NatsBroker

from coalition.shared.db import create_engine, migrate
from coalition.shared.eventstore.store import EventStore
from coalition.shared.messaging.bus import create_broker, ensure_stream
from coalition.shared.settings import Settings
from tests.support import delete_stream

pytestmark = pytest.mark.nats


@pytest.fixture
def settings(nats_url: str, unique_prefix: str) -> Settings:
    return Settings(
        nats_url=nats_url,
        stream_name=unique_prefix,
        subject_prefix=unique_prefix,
        duplicate_window_seconds=60,
    )


@pytest_asyncio.fixture
async def store(sqlite_database: str) -> AsyncIterator[EventStore]:
    engine = create_engine(sqlite_database)
    await migrate(engine)
    yield EventStore(engine)
    await engine.dispose()


@pytest_asyncio.fixture
async def broker(settings: Settings, nats_url: str) -> AsyncIterator[NatsBroker]:
    """A connected broker whose stream exists; subscribers may still be added before start."""
    broker = create_broker(settings, nats_url, name="test")
    await broker.connect()
    await ensure_stream(broker, settings)
    yield broker
    await broker.stop()
    await delete_stream(nats_url, settings.stream_name)
