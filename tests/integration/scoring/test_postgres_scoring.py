"""Scoring through the real broker on PostgreSQL."""

from __future__ import annotations

import pytest

from .contract import ScoringContract

pytestmark = [pytest.mark.postgres, pytest.mark.nats]


class TestPostgresScoring(ScoringContract):
    @pytest.fixture
    def url(self, postgres_databases: str) -> str:
        return postgres_databases
