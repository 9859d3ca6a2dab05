"""Engagement over HTTP on SQLite."""

from __future__ import annotations

import pytest

from .contract import EngagementContract

pytestmark = pytest.mark.nats


class TestSQLiteEngagement(EngagementContract):
    @pytest.fixture
    def url(self, sqlite_database: str) -> str:
        return sqlite_database
