"""The projections service running in this process (its lifespan, a real store, the real NATS
JetStream, its webhook dispatcher) with an HTTP client over ASGI, events to feed it, and the
caller the routes see."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from coalition.projections.bootstrap import service as projections_spec
from coalition.projections.service_layer import projector
from coalition.shared.contracts.engagement import EngagementOpened
from coalition.shared.contracts.research import PartnerIdentified
from coalition.shared.db import create_engine, migrate
from coalition.shared.events.envelope import DomainEvent, Metadata, NewEvent, RecordedEvent
from coalition.shared.eventstore.store import EventStore
from coalition.shared.messaging.publisher import JetStreamPublisher
from coalition.shared.service import ServiceRuntime
from coalition.shared.settings import Settings
from coalition.shared.web.app import build_app
from tests.support import ADMIN_KEY, bearer, delete_stream

CALLER_KEY = "coal_webhooks-suite-caller-key-for-campaign-c1"
"""The API key the suite's requests send: campaign c1, projections:write."""


def caller_headers() -> dict[str, str]:
    return bearer(CALLER_KEY)


@dataclass
class Running:
    client: httpx.AsyncClient
    runtime: ServiceRuntime
    source: EventStore
    """A research-like store whose recorded events are fed to projections."""
    caller: str
    """The actor `CALLER_KEY` stands for (`key:<id>`)."""

    async def record(
        self, payload: DomainEvent, *, campaign_id: str, stream_id: str
    ) -> RecordedEvent:
        [event] = await self.source.append(
            stream_id,
            "partner",
            [
                NewEvent(
                    payload=payload,
                    metadata=Metadata(
                        actor="maria@campaign.example", reason="test", campaign_id=campaign_id
                    ),
                )
            ],
            None,
        )
        return event

    async def receive(self, event: RecordedEvent) -> bool:
        """Feed an event to projections as its consumer does (the inbox, once per event)."""
        assert self.runtime.inbox is not None
        return await self.runtime.inbox.process(event, projector.receive)

    async def publish(self, event: RecordedEvent, service: str) -> None:
        """Publish an event on the real stream, as the producing service's relay does."""
        settings = self.runtime.settings
        publisher = JetStreamPublisher(
            self.runtime.broker,
            service=service,
            stream=settings.stream_name,
            prefix=settings.subject_prefix,
        )
        await publisher(event)

    async def identified(self, partner_id: str, campaign_id: str = "c1") -> RecordedEvent:
        payload = PartnerIdentified(
            partner_id=partner_id,
            campaign_id=campaign_id,
            name=f"Organisation {uuid.uuid4().hex[:6]}",
            kind="union",
        )
        event = await self.record(payload, campaign_id=campaign_id, stream_id=partner_id)
        await self.receive(event)
        return event

    async def engaged(self, partner_id: str, campaign_id: str = "c1") -> RecordedEvent:
        payload = EngagementOpened(
            engagement_id=f"{campaign_id}.{partner_id}",
            partner_id=partner_id,
            campaign_id=campaign_id,
            stage="identified",
        )
        event = await self.record(
            payload, campaign_id=campaign_id, stream_id=f"{campaign_id}.{partner_id}"
        )
        await self.receive(event)
        return event

    async def subscribe(
        self, url: str, event_types: list[str], campaign_id: str = "c1"
    ) -> dict[str, Any]:
        response = await self.client.post(
            "/projections/webhooks",
            json={"campaign_id": campaign_id, "url": url, "event_types": event_types},
            headers=caller_headers(),
        )
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def deliveries(self, subscription_id: str, **params: str) -> list[dict[str, Any]]:
        response = await self.client.get(
            f"/projections/webhooks/{subscription_id}/deliveries",
            params=params,
            headers=caller_headers(),
        )
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items


@asynccontextmanager
async def running(
    database_url: str, nats_url: str, prefix: str, data_dir: Path, **settings: Any
) -> AsyncIterator[Running]:
    settings.setdefault("webhook_retry_seconds", [0.2, 0.2, 0.2])
    settings.setdefault("webhook_poll_seconds", 0.1)
    settings.setdefault("webhook_timeout_seconds", 2.0)
    app = build_app(
        [projections_spec],
        Settings(
            database_url=database_url,
            nats_url=nats_url,
            stream_name=prefix,
            subject_prefix=prefix,
            data_dir=data_dir,
            **{"admin_key": ADMIN_KEY, **settings},
        ),
    )
    source_engine = create_engine(f"sqlite+aiosqlite:///{data_dir / 'source.db'}")
    await migrate(source_engine)
    try:
        async with app.router.lifespan_context(app):
            issued = await app.state.access.keys.issue(
                name="webhooks suite",
                campaigns=frozenset({"c1"}),
                scopes=frozenset({"projections:write"}),
                created_by="test",
                key=CALLER_KEY,
            )
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                yield Running(
                    client,
                    app.state.runtimes["projections"],
                    EventStore(source_engine),
                    f"key:{issued.record.key_id}",
                )
    finally:
        await source_engine.dispose()
        await delete_stream(nats_url, prefix)
