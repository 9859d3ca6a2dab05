"""The research service running in this process, with its lifespan, a real store and the real
NATS JetStream, and an HTTP client over ASGI: for tests of the HTTP layer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI

from coalition.research.bootstrap import service as research_service_spec
from coalition.shared.access.control import AccessControl
from coalition.shared.eventstore.schema import idempotency_keys
from coalition.shared.service import ServiceRuntime, ServiceSpec
from coalition.shared.settings import Settings
from coalition.shared.web.app import build_app
from tests.support import ADMIN_KEY, bearer, delete_stream


@dataclass
class Running:
    client: httpx.AsyncClient
    """Sends the admin key unless a request names another."""
    runtime: ServiceRuntime
    """The first service's."""
    access: AccessControl
    app: FastAPI

    @property
    def runtimes(self) -> dict[str, ServiceRuntime]:
        runtimes: dict[str, ServiceRuntime] = self.app.state.runtimes
        return runtimes

    async def key_for(self, *campaigns: str, scopes: tuple[str, ...] = ("*:write",)) -> str:
        """A new API key for `campaigns` (none: every campaign) with `scopes`."""
        issued = await self.access.keys.issue(
            name="test",
            campaigns=frozenset(campaigns) or None,
            scopes=frozenset(scopes),
            created_by="test",
        )
        return issued.key

    async def actor_of(self, key: str) -> str:
        principal = await self.access.authenticate(key)
        assert principal is not None
        return principal.actor

    async def event_count(self) -> int:
        return len(await self.runtime.store.read_all())

    async def key_rows(self) -> list[sa.Row[Any]]:
        async with self.runtime.engine.connect() as conn:
            return list((await conn.execute(sa.select(idempotency_keys))).all())


@asynccontextmanager
async def running(
    database_url: str,
    nats_url: str,
    prefix: str,
    data_dir: Path,
    specs: Sequence[ServiceSpec] = (research_service_spec,),
    **settings: Any,
) -> AsyncIterator[Running]:
    """Services (research unless told) in this process, with their lifespan, and a client over
    ASGI. A `{service}` in `database_url` gives each service its own database."""
    app = build_app(
        specs,
        Settings(
            database_url=database_url,
            nats_url=nats_url,
            stream_name=prefix,
            subject_prefix=prefix,
            data_dir=data_dir,
            **{"admin_key": ADMIN_KEY, **settings},
        ),
    )
    try:
        async with app.router.lifespan_context(app):
            # Unhandled exceptions become 500 problems, as behind a server, not test errors.
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://test", headers=bearer()
            ) as client:
                runtime = app.state.runtimes[specs[0].name]
                yield Running(client, runtime, app.state.access, app)
    finally:
        await delete_stream(nats_url, prefix)
