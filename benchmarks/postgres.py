"""The PostgreSQL server the benchmarks use: URLs, and databases created and dropped per run."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg  # type: ignore[import-untyped, unused-ignore]
from sqlalchemy.engine import URL, make_url

URL_ENV = "COALITION_BENCH_POSTGRES_URL"
URL_DEFAULT = "postgresql://postgres@127.0.0.1:5432/postgres"


class Server:
    """A server on which the benchmark may create and drop databases (trust auth or a password
    in the URL)."""

    def __init__(self, url: str | None = None) -> None:
        self.admin_url: URL = make_url(url or os.environ.get(URL_ENV) or URL_DEFAULT).set(
            drivername="postgresql"
        )
        self.run_id = uuid.uuid4().hex[:8]
        self.created: list[str] = []

    @property
    def host(self) -> str:
        return self.admin_url.host or "127.0.0.1"

    @property
    def port(self) -> int:
        return self.admin_url.port or 5432

    @property
    def user(self) -> str:
        return self.admin_url.username or "postgres"

    @property
    def password(self) -> str:
        return self.admin_url.password or ""

    def name(self, suffix: str) -> str:
        """A database name unique to this run."""
        return f"coalition_bench_{self.run_id}_{suffix}"

    def dsn(self, database: str) -> str:
        """A plain libpq URL (asyncpg, psycopg)."""
        return self.admin_url.set(database=database).render_as_string(hide_password=False)

    def sqlalchemy_url(self, database: str) -> str:
        """An async SQLAlchemy URL for `coalition.shared.db.create_engine`."""
        return self.admin_url.set(
            drivername="postgresql+asyncpg", database=database
        ).render_as_string(hide_password=False)

    async def _admin(self) -> asyncpg.Connection:
        return await asyncpg.connect(self.dsn(self.admin_url.database or "postgres"), timeout=10)

    async def version(self) -> str:
        admin = await self._admin()
        try:
            return str(await admin.fetchval("SHOW server_version"))
        finally:
            await admin.close()

    async def create(self, *databases: str) -> None:
        admin = await self._admin()
        try:
            for database in databases:
                await admin.execute(f'CREATE DATABASE "{database}"')
                self.created.append(database)
        finally:
            await admin.close()

    async def drop(self, *databases: str) -> None:
        admin = await self._admin()
        try:
            for database in databases:
                await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
                if database in self.created:
                    self.created.remove(database)
        finally:
            await admin.close()

    async def drop_all(self) -> None:
        """Drop every database this run created and has not dropped yet."""
        if self.created:
            await self.drop(*list(self.created))

    async def checkpoint(self) -> None:
        """Flush dirty pages, so that no contender pays for its predecessor's writes."""
        admin = await self._admin()
        try:
            await admin.execute("CHECKPOINT")
        except asyncpg.PostgresError:  # not a superuser: carry on without
            pass
        finally:
            await admin.close()

    @asynccontextmanager
    async def database(self, suffix: str) -> AsyncIterator[str]:
        """A fresh database for the duration of the block; yields its name."""
        name = self.name(suffix)
        await self.create(name)
        try:
            yield name
        finally:
            await self.drop(name)
