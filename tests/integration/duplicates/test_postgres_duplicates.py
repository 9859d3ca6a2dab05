"""Duplicate candidates and merges over HTTP on PostgreSQL."""

from __future__ import annotations

import pytest

from .contract import DuplicatesContract

pytestmark = [pytest.mark.postgres, pytest.mark.nats]


class TestPostgresDuplicates(DuplicatesContract):
    @pytest.fixture
    def url(self, postgres_database: str) -> str:
        return postgres_database
