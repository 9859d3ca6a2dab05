"""The network map over REST on PostgreSQL."""

from __future__ import annotations

import pytest

from .contract import NetworkMapContract

pytestmark = [pytest.mark.postgres, pytest.mark.nats]


class TestPostgresNetworkMap(NetworkMapContract):
    @pytest.fixture
    def url(self, postgres_databases: str) -> str:
        return postgres_databases
