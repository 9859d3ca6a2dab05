"""The audit trail and the blue/green rebuild on PostgreSQL."""

from __future__ import annotations

import pytest

from .contract import AuditContract

pytestmark = [pytest.mark.postgres, pytest.mark.nats]


class TestPostgresAudit(AuditContract):
    @pytest.fixture
    def url(self, postgres_database: str) -> str:
        return postgres_database
