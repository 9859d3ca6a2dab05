"""The Alembic migrations build exactly the tables the code queries, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from coalition.projections.adapters.tables import metadata as projections_metadata
from coalition.projections.bootstrap import service as projections
from coalition.shared.db import create_engine, migrate
from coalition.shared.eventstore.schema import metadata as store_metadata


def combined() -> sa.MetaData:
    merged = sa.MetaData()
    for source in (store_metadata, projections_metadata):
        for table in source.tables.values():
            table.to_metadata(merged)
    return merged


def differences(connection: sa.Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": False})
    return [
        diff
        for diff in compare_metadata(context, combined())
        if not (diff[0] == "remove_table" and diff[1].name == "alembic_version")
    ]


async def check(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrate(engine, projections.migrations)
        await migrate(engine, projections.migrations)  # a second run changes nothing
        async with engine.connect() as conn:
            assert await conn.run_sync(differences) == []
    finally:
        await engine.dispose()


async def test_sqlite_schema_matches_the_code(tmp_path: Path) -> None:
    await check(f"sqlite+aiosqlite:///{tmp_path / 'schema.db'}")


@pytest.mark.postgres
async def test_postgres_schema_matches_the_code(postgres_database: str) -> None:
    await check(postgres_database)
