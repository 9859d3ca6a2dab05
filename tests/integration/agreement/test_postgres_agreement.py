"""Agreements over HTTP and through the real broker on PostgreSQL."""

from __future__ import annotations

import pytest

from .contract import AgreementContract

pytestmark = [pytest.mark.postgres, pytest.mark.nats]


class TestPostgresAgreement(AgreementContract):
    @pytest.fixture
    def url(self, postgres_databases: str) -> str:
        return postgres_databases
