"""Research over HTTP on SQLite."""

from __future__ import annotations

import pytest

from .contract import ResearchContract

pytestmark = pytest.mark.nats


class TestSQLiteResearch(ResearchContract):
    @pytest.fixture
    def url(self, sqlite_database: str) -> str:
        return sqlite_database
