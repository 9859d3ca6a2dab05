"""Partner 360 and review metrics over HTTP and through the real broker on PostgreSQL."""

from __future__ import annotations

import pytest

from .contract import MetricsContract

pytestmark = [pytest.mark.postgres, pytest.mark.nats]


class TestPostgresMetrics(MetricsContract):
    @pytest.fixture
    def url(self, postgres_databases: str) -> str:
        return postgres_databases
