"""Webhooks on SQLite (one projections instance)."""

from __future__ import annotations

import pytest

from .contract import WebhookContract

pytestmark = pytest.mark.nats


class TestSQLiteWebhooks(WebhookContract):
    @pytest.fixture
    def url(self, sqlite_database: str) -> str:
        return sqlite_database
