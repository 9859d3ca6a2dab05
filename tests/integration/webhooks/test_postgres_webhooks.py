"""Webhooks on PostgreSQL."""

from __future__ import annotations

import pytest

from .contract import WebhookContract

pytestmark = [pytest.mark.postgres, pytest.mark.nats]


class TestPostgresWebhooks(WebhookContract):
    @pytest.fixture
    def url(self, postgres_database: str) -> str:
        return postgres_database
