"""Research over HTTP on PostgreSQL."""

from __future__ import annotations

import pytest

from .contract import ResearchContract

pytestmark = [pytest.mark.postgres, pytest.mark.nats]


class TestPostgresResearch(ResearchContract):
    @pytest.fixture
    def url(self, postgres_database: str) -> str:
        return postgres_database
