"""One way to open a write transaction outside the consumer: on SQLite it takes the write lock
up front (BEGIN IMMEDIATE), so a read followed by a write never fails on a lock upgrade."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


@asynccontextmanager
async def writing(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as raw:
        conn = await raw.execution_options(sqlite_immediate=True)
        async with conn.begin():
            yield conn
