"""Partner 360 and review metrics over HTTP and through the real broker on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from .contract import MetricsContract

pytestmark = pytest.mark.nats


class TestSQLiteMetrics(MetricsContract):
    @pytest.fixture
    def url(self, tmp_path: Path) -> str:
        return f"sqlite+aiosqlite:///{tmp_path}/{{service}}.db"
