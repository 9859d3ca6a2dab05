"""The migration to generations keeps the read models of a running deployment: its rows become
generation 1, the one served, on SQLite and PostgreSQL; and it can be undone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory

from coalition.projections.bootstrap import service as projections
from coalition.shared.db import EVENT_STORE_MIGRATIONS, _alembic_config, create_engine

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _to(connection: sa.Connection, target: str, *, down: bool = False) -> None:
    """Upgrade (or downgrade) the store and projections branches to `target`."""
    config = _alembic_config([EVENT_STORE_MIGRATIONS / "versions", *projections.migrations])
    script = ScriptDirectory.from_config(config)

    def step(revision: Any, _context: Any) -> Any:
        if down:
            return script._downgrade_revs(target, revision)
        return script._upgrade_revs(target, revision)

    with EnvironmentContext(config, script, fn=step, destination_rev=target) as env:
        env.configure(connection=connection, target_metadata=None)
        with env.begin_transaction():
            env.run_migrations()


TYPES = (
    sa.bindparam("now", type_=sa.DateTime(timezone=True)),
    sa.bindparam("event", type_=sa.Uuid()),
)


async def _check(url: str) -> None:
    engine = create_engine(url)
    partner = uuid.uuid4()
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_to, "pj0003")
            await conn.execute(
                sa.text(
                    "INSERT INTO partner_list (partner_id, campaign_id, name, status, updated_at, "
                    "last_event_id) VALUES ('p1', 'lw', 'Unite', 'active', :now, :event)"
                ).bindparams(*TYPES),
                {"now": NOW, "event": partner},
            )
            await conn.execute(
                sa.text(
                    "INSERT INTO timeline_entries (partner_id, received_position, event_id, "
                    "service, event_type, actor, summary, occurred_at, recorded_at, "
                    "correlation_id) VALUES ('p1', 1, :event, 'research', 'PartnerIdentified', "
                    "'key:maria', 'Unite identified', :now, :now, :event)"
                ).bindparams(*TYPES),
                {"now": NOW, "event": partner},
            )
        async with engine.begin() as conn:
            await conn.run_sync(_to, "heads")
            partners = (
                await conn.execute(sa.text("SELECT generation, partner_id FROM partner_list"))
            ).all()
            entries = (
                await conn.execute(sa.text("SELECT generation, partner_id FROM timeline_entries"))
            ).all()
            active = (
                await conn.execute(sa.text("SELECT generation, status FROM read_model_generations"))
            ).all()
        assert [tuple(r) for r in partners] == [(1, "p1")]
        assert [tuple(r) for r in entries] == [(1, "p1")]
        assert [tuple(r) for r in active] == [(1, "active")]
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: _to(c, "pj0003", down=True))
            back = (await conn.execute(sa.text("SELECT partner_id, name FROM partner_list"))).all()
            kept = (await conn.execute(sa.text("SELECT partner_id FROM timeline_entries"))).all()
        assert [tuple(r) for r in back] == [("p1", "Unite")]
        assert [tuple(r) for r in kept] == [("p1",)]
    finally:
        await engine.dispose()


async def test_sqlite_keeps_the_read_models_as_generation_one(tmp_path: Path) -> None:
    await _check(f"sqlite+aiosqlite:///{tmp_path / 'projections.db'}")


@pytest.mark.postgres
async def test_postgres_keeps_the_read_models_as_generation_one(postgres_database: str) -> None:
    await _check(postgres_database)
