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
from coalition.shared.access.control import ACCESS_MIGRATIONS, ACCESS_VERSION_TABLE
from coalition.shared.access.tables import metadata as access_metadata
from coalition.shared.db import create_engine, migrate, migrate_only
from coalition.shared.eventstore.schema import metadata as store_metadata


def combined(*sources: sa.MetaData) -> sa.MetaData:
    merged = sa.MetaData()
    for source in sources:
        for table in source.tables.values():
            table.to_metadata(merged)
    return merged


VERSION_TABLES = {"alembic_version", ACCESS_VERSION_TABLE}


def differences(connection: sa.Connection, expected: sa.MetaData) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": False})
    return [
        diff
        for diff in compare_metadata(context, expected)
        if not (diff[0] == "remove_table" and diff[1].name in VERSION_TABLES)
    ]


async def check(url: str) -> None:
    """A service's database, with the access tables beside its store (as when one database
    serves both): both migration branches, each run twice, build exactly the code's tables."""
    engine = create_engine(url)
    try:
        for _ in range(2):  # a second run changes nothing
            await migrate(engine, projections.migrations)
            await migrate_only(engine, [ACCESS_MIGRATIONS], ACCESS_VERSION_TABLE)
        expected = combined(store_metadata, projections_metadata, access_metadata)
        async with engine.connect() as conn:
            assert await conn.run_sync(differences, expected) == []
    finally:
        await engine.dispose()


async def test_sqlite_schema_matches_the_code(tmp_path: Path) -> None:
    await check(f"sqlite+aiosqlite:///{tmp_path / 'schema.db'}")


@pytest.mark.postgres
async def test_postgres_schema_matches_the_code(postgres_database: str) -> None:
    await check(postgres_database)
