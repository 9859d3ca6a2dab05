"""Duplicate candidates and merges over HTTP on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from .contract import DuplicatesContract

pytestmark = pytest.mark.nats


class TestSqliteDuplicates(DuplicatesContract):
    @pytest.fixture
    def url(self, tmp_path: Path) -> str:
        return f"sqlite+aiosqlite:///{tmp_path}/{{service}}.db"
