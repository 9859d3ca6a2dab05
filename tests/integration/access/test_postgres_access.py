"""The access contract on PostgreSQL."""

from __future__ import annotations

import pytest

from .contract import AccessContract

pytestmark = pytest.mark.postgres


class TestPostgresAccess(AccessContract):
    @pytest.fixture
    def url(self, postgres_database: str) -> str:
        return postgres_database
