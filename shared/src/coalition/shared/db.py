"""Database engines and migrations: one place that knows SQLite from PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from coalition.shared.eventstore.store import DEFAULT_LOCK_TIMEOUT_SECONDS

EVENT_STORE_MIGRATIONS = Path(__file__).parent / "eventstore" / "migrations"


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; for SQLite: WAL, a busy timeout, and BEGIN IMMEDIATE for writers."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    # Bounded waits for locks (the event store's append lock above all), set once per
    # connection rather than per transaction.
    kwargs.setdefault(
        "connect_args",
        {"server_settings": {"lock_timeout": str(int(DEFAULT_LOCK_TIMEOUT_SECONDS * 1000))}},
    )
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    # No pre-ping: with asyncpg it costs three round trips per checkout (BEGIN; ROLLBACK), a
    # third of an append. Connections are recycled instead, and a broken one fails one request.
    kwargs.setdefault("pool_recycle", 1800)
    return create_async_engine(url, **kwargs)


@asynccontextmanager
async def writing(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A write transaction; on SQLite it takes the write lock at BEGIN, like the event store,
    so that two writers never deadlock upgrading their locks."""
    async with engine.connect() as raw:
        conn = await raw.execution_options(sqlite_immediate=True)
        async with conn.begin():
            yield conn


def _configure_sqlite(engine: AsyncEngine) -> None:
    @sa.event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, issue BEGIN, so that we can choose IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Connection) -> None:
        # Writers take the write lock up front: no deadlock-prone lock upgrades later.
        if connection.get_execution_options().get("sqlite_immediate"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def _alembic_config(locations: list[Path]) -> Config:
    config = Config()
    config.set_main_option("script_location", str(EVENT_STORE_MIGRATIONS))
    config.set_main_option("version_locations", " ".join(str(location) for location in locations))
    config.set_main_option("path_separator", "space")
    return config


def _upgrade(
    connection: Connection, locations: list[Path], version_table: str = "alembic_version"
) -> None:
    config = _alembic_config(locations)
    script = ScriptDirectory.from_config(config)

    def upgrade(revision: Any, _context: Any) -> Any:
        return script._upgrade_revs("heads", revision)

    with EnvironmentContext(config, script, fn=upgrade, destination_rev="heads") as env:
        env.configure(connection=connection, target_metadata=None, version_table=version_table)
        with env.begin_transaction():
            env.run_migrations()


async def migrate(engine: AsyncEngine, extra_locations: list[Path] | None = None) -> None:
    """Bring the database to the newest revision of the event store and of the service's own
    migration branch (each service may add tables beside the log: read models, for example)."""
    locations = [EVENT_STORE_MIGRATIONS / "versions", *(extra_locations or [])]
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade, locations)


async def migrate_only(engine: AsyncEngine, locations: list[Path], version_table: str) -> None:
    """Bring a database that holds no event store (the access database) to the newest revision
    of `locations`, recorded in a version table of its own so that it can share a database with
    a service's store."""
    async with engine.begin() as conn:
        await conn.run_sync(_upgrade, locations, version_table)
