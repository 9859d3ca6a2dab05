"""Webhooks on PostgreSQL."""

from __future__ import annotations

import pytest

from coalition.projections.adapters.webhook_sender import Outcome
from coalition.projections.bootstrap import service as projections_spec
from coalition.projections.service_layer.dispatcher import Dispatcher
from coalition.shared.db import create_engine, migrate

from .contract import WebhookContract

pytestmark = [pytest.mark.postgres, pytest.mark.nats]


class TestPostgresWebhooks(WebhookContract):
    @pytest.fixture
    def url(self, postgres_database: str) -> str:
        return postgres_database


async def test_one_dispatcher_leads_among_instances_on_one_database(
    postgres_database: str,
) -> None:
    """Two instances: one sends, the other stands by until the first lets go."""
    engine = create_engine(postgres_database)
    try:
        await migrate(engine, projections_spec.migrations)
        first, second = (Dispatcher(engine, _never_called, schedule=[1.0]) for _ in range(2))
        assert await first.try_lead()
        assert not await second.try_lead()
        await first.resign()
        assert await second.try_lead()
        await second.resign()
    finally:
        await engine.dispose()


async def _never_called(_url: str, _headers: dict[str, str], _body: bytes) -> Outcome:
    raise AssertionError("nothing is due")
