"""Engagement over HTTP on PostgreSQL."""

from __future__ import annotations

import pytest

from .contract import EngagementContract

pytestmark = [pytest.mark.postgres, pytest.mark.nats]


class TestPostgresEngagement(EngagementContract):
    @pytest.fixture
    def url(self, postgres_database: str) -> str:
        return postgres_database
