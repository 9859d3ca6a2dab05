"""The audit trail and the blue/green rebuild on SQLite."""

from __future__ import annotations

import pytest

from .contract import AuditContract

pytestmark = pytest.mark.nats


class TestSQLiteAudit(AuditContract):
    @pytest.fixture
    def url(self, sqlite_database: str) -> str:
        return sqlite_database
