"""`coalition demo` (research's part) on SQLite: it launches the demo campaign and imports the
real extracts kept in tests/data; running it again records nothing new."""

from __future__ import annotations

from pathlib import Path

from coalition.research.bootstrap import service
from coalition.research.entrypoints.demo import CAMPAIGN_ID
from coalition.shared.db import create_engine, migrate
from coalition.shared.eventstore import EventStore


async def test_the_demo_loads_real_data_once(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'research.db'}")
    try:
        await migrate(engine)
        store = EventStore(engine)
        assert service.demo is not None
        said = await service.demo(store)
        assert f"campaign {CAMPAIGN_ID}: launched" in said
        assert "irs-eo-dc-sample.csv: completed" in said
        assert "esf-network.graphml: completed" in said
        written = len(await store.read_all(limit=100_000))
        assert written > 1_300  # the campaign, 1,095 organisations, their ties, two imports
        again = await service.demo(store)
        assert "already there" in again and "0 events" in again
        assert len(await store.read_all(limit=100_000)) == written + 2  # two FileImported
    finally:
        await engine.dispose()
