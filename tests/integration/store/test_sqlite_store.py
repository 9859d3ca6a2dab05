"""The event store contract on SQLite (aiosqlite, WAL, BEGIN IMMEDIATE writers)."""

from __future__ import annotations

import pytest

from .contract import EventStoreContract


class TestSQLiteEventStore(EventStoreContract):
    @pytest.fixture
    def url(self, sqlite_database: str) -> str:
        return sqlite_database
