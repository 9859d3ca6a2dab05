"""What a service is (a `ServiceSpec`: its routes, reactions and migrations) and what it has
while running (a `ServiceRuntime`: its own store, broker connection, relay and consumers)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import structlog
from fastapi import APIRouter
from faststream.nats import NatsBroker

from coalition.shared.db import create_engine, migrate
from coalition.shared.eventstore.store import EventStore
from coalition.shared.messaging.bus import create_broker, ensure_stream
from coalition.shared.messaging.publisher import JetStreamPublisher
from coalition.shared.messaging.relay import Relay
from coalition.shared.messaging.subscriptions import (
    Inbox,
    RetryPolicy,
    Subscriptions,
    bind_subscriptions,
)
from coalition.shared.settings import Settings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ServiceSpec:
    """Everything the shared skeleton needs to run one service."""

    name: str
    title: str
    description: str
    routers: list[APIRouter]
    subscriptions: Subscriptions | None = None
    migrations: list[Path] = field(default_factory=list)
    workers: list[Worker] = field(default_factory=list)
    """Long-running tasks (a webhook dispatcher, say), started after the broker and cancelled
    first on stop. Each one copes with several instances of the service on its own (leadership
    by advisory lock, or row locks)."""
    version: str = "0.1.0"
    upload_paths: frozenset[str] = frozenset()
    public_paths: frozenset[str] = frozenset()
    """Pages and their static files that hold no data and ask for no credential, as `/docs`
    does: the page takes the key in the browser and sends it with each request for data."""
    """Routes that take a file as their body: they get `max_upload_bytes`, not `max_body_bytes`."""
    demo: Demo | None = None
    """`coalition demo`: sample data written into the service's store; says what it did."""


Worker = Callable[["ServiceRuntime"], Coroutine[Any, Any, None]]
Demo = Callable[[EventStore], Coroutine[Any, Any, str]]


class ServiceRuntime:
    """One running service: its own event store, broker connection, relay and subscriptions."""

    def __init__(self, spec: ServiceSpec, settings: Settings, nats_url: str) -> None:
        self.spec = spec
        self.settings = settings
        self.nats_url = nats_url
        self.engine = create_engine(settings.database_url_for(spec.name))
        self.store = EventStore(self.engine)
        self.broker: NatsBroker = create_broker(settings, nats_url, name=spec.name)
        self.inbox: Inbox | None = None
        if spec.subscriptions is not None:
            self.inbox = bind_subscriptions(
                self.broker,
                settings,
                self.store,
                spec.subscriptions,
                RetryPolicy.from_settings(settings),
            )
        self.publisher = JetStreamPublisher(
            self.broker,
            service=spec.name,
            stream=settings.stream_name,
            prefix=settings.subject_prefix,
        )
        self._workers: list[asyncio.Task[None]] = []
        self.relay = Relay(
            self.store,
            self.publisher,
            batch_size=settings.relay_batch_size,
            poll_seconds=settings.relay_poll_seconds,
        )

    async def start(self) -> None:
        await migrate(self.engine, self.spec.migrations)
        await self.broker.connect()
        await ensure_stream(self.broker, self.settings)
        await self.broker.start()
        self.relay.start()
        for worker in self.spec.workers:
            self._workers.append(asyncio.create_task(worker(self), name=f"{self.spec.name}-worker"))
        log.info("service.started", service=self.spec.name)

    async def stop(self) -> None:
        for task in self._workers:
            task.cancel()
        for task in self._workers:
            with suppress(asyncio.CancelledError):
                await task
        self._workers.clear()
        await self.relay.stop()
        try:
            await self.broker.stop()
        except Exception:  # a broker already gone must not keep the database open
            log.warning("service.broker_stop_failed", service=self.spec.name, exc_info=True)
        await self.engine.dispose()
        log.info("service.stopped", service=self.spec.name)

    async def readiness(self) -> dict[str, bool]:
        """Whether the database and the broker answer."""
        checks = {"database": False, "broker": False}
        try:
            async with self.engine.connect() as conn:
                await conn.execute(sa.text("SELECT 1"))
            checks["database"] = True
        except Exception:
            log.warning("readiness.database_failed", service=self.spec.name)
        try:
            checks["broker"] = bool(await self.broker.ping(timeout=2.0))
        except Exception:
            log.warning("readiness.broker_failed", service=self.spec.name)
        return checks
