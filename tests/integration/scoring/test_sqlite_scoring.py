"""Scoring through the real broker on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from .contract import ScoringContract

pytestmark = pytest.mark.nats


class TestSqliteScoring(ScoringContract):
    @pytest.fixture
    def url(self, tmp_path: Path) -> str:
        return f"sqlite+aiosqlite:///{tmp_path}/{{service}}.db"
