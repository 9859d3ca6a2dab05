"""The network map over REST on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from .contract import NetworkMapContract

pytestmark = pytest.mark.nats


class TestSQLiteNetworkMap(NetworkMapContract):
    @pytest.fixture
    def url(self, tmp_path: Path) -> str:
        return f"sqlite+aiosqlite:///{tmp_path}/{{service}}.db"
