"""The whole system in a subprocess, over HTTP, against real PostgreSQL and NATS JetStream."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from tests.support import ServerProcess, bearer, delete_stream

SERVICES = ["research", "scoring", "engagement", "agreement", "projections"]
JWT_SECRET = "the-e2e-system-s-secret-for-people-s-tokens"


@pytest_asyncio.fixture
async def system(
    postgres_databases: str, nats_url: str, unique_prefix: str, tmp_path: Path
) -> AsyncIterator[ServerProcess]:
    """`coalition serve all` on PostgreSQL and the real NATS, on a stream of its own."""
    server = ServerProcess(
        "all",
        {
            "COALITION_DATA_DIR": str(tmp_path / "data"),
            "COALITION_DATABASE_URL": postgres_databases,
            "COALITION_NATS_URL": nats_url,
            "COALITION_STREAM_NAME": unique_prefix,
            "COALITION_SUBJECT_PREFIX": unique_prefix,
            "COALITION_RELAY_POLL_SECONDS": "0.5",
            "COALITION_LOG_FORMAT": "json",
            "COALITION_JWT_SECRET": JWT_SECRET,
            "COALITION_AUTH_CACHE_SECONDS": "0.5",
        },
        tmp_path / "server.log",
    )
    server.start()
    try:
        await server.wait_ready(SERVICES)
        yield server
    finally:
        server.stop()
        await delete_stream(nats_url, unique_prefix)


@pytest_asyncio.fixture
async def client(system: ServerProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=system.base_url, timeout=10.0, headers=bearer()
    ) as client:
        yield client


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
