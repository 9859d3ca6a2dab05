"""The access contract on SQLite."""

from __future__ import annotations

import pytest

from .contract import AccessContract


class TestSQLiteAccess(AccessContract):
    @pytest.fixture
    def url(self, sqlite_database: str) -> str:
        return sqlite_database
