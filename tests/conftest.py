"""Fixtures shared by the whole suite: PostgreSQL and NATS servers, fresh databases, unique names.

PostgreSQL and NATS come from the environment (`COALITION_TEST_POSTGRES_URL`,
`COALITION_TEST_NATS_URL`). When a variable is not set and a Docker engine answers, a
testcontainer is started instead; otherwise the default local address is used. A server that
cannot be reached fails the tests that need it, loudly: nothing here ever skips.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import pytest
import pytest_asyncio
from sqlalchemy.engine import make_url

POSTGRES_URL_ENV = "COALITION_TEST_POSTGRES_URL"
POSTGRES_URL_DEFAULT = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_IMAGE = "postgres:16"
NATS_URL_ENV = "COALITION_TEST_NATS_URL"
NATS_URL_DEFAULT = "nats://127.0.0.1:4222"
NATS_IMAGE = "nats:2.10"
CONNECT_TIMEOUT = 5.0


def docker_available() -> bool:
    """Whether a Docker engine answers (testcontainers needs one)."""
    try:
        import docker

        client = docker.from_env()
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        return False


def _host_and_port(url: str, default_port: int) -> tuple[str, int]:
    parsed = urlsplit(url.split(",", 1)[0])
    return parsed.hostname or "127.0.0.1", parsed.port or default_port


def _require_tcp(service: str, url: str, default_port: int, env_var: str) -> socket.socket:
    host, port = _host_and_port(url, default_port)
    try:
        return socket.create_connection((host, port), timeout=CONNECT_TIMEOUT)
    except OSError as error:
        pytest.fail(
            f"{service} is not reachable at {url} ({error}). Start one, point {env_var} at one, "
            "or make a Docker engine available for testcontainers.",
            pytrace=False,
        )


# -- PostgreSQL ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A plain ``postgresql://`` URL of a server on which the tests may create databases."""
    url = os.environ.get(POSTGRES_URL_ENV)
    if url is None and docker_available():
        try:
            from testcontainers.community.postgres import PostgresContainer
        except ImportError:  # testcontainers before 4.14
            from testcontainers.postgres import PostgresContainer

        with PostgresContainer(POSTGRES_IMAGE, dbname="postgres", driver=None) as container:
            yield container.get_connection_url()
        return
    url = url or POSTGRES_URL_DEFAULT
    _require_tcp("PostgreSQL", url, 5432, POSTGRES_URL_ENV).close()
    yield url


ALL_SERVICES = ["research", "scoring", "engagement", "agreement", "projections"]


@pytest_asyncio.fixture
async def postgres_database(postgres_admin_url: str) -> AsyncIterator[str]:
    """A fresh, empty database; yields its SQLAlchemy URL (asyncpg driver), drops it after."""
    name = f"coalition_t_{uuid.uuid4().hex[:16]}"
    admin_dsn = make_url(postgres_admin_url).set(drivername="postgresql")
    dsn = admin_dsn.render_as_string(hide_password=False)
    try:
        admin = await asyncpg.connect(dsn, timeout=CONNECT_TIMEOUT)
    except (OSError, asyncpg.PostgresError) as error:
        pytest.fail(f"cannot connect to PostgreSQL at {postgres_admin_url}: {error}", pytrace=False)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield admin_dsn.set(drivername="postgresql+asyncpg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest_asyncio.fixture
async def postgres_databases(postgres_admin_url: str, unique_prefix: str) -> AsyncIterator[str]:
    """One fresh database per service; yields the URL template with `{service}`."""
    admin_url = make_url(postgres_admin_url).set(drivername="postgresql")
    admin = await asyncpg.connect(admin_url.render_as_string(hide_password=False))
    names = [f"{unique_prefix}_{service}" for service in [*ALL_SERVICES, "access"]]
    try:
        for name in names:
            await admin.execute(f'CREATE DATABASE "{name}"')
        template = admin_url.set(
            drivername="postgresql+asyncpg", database=f"{unique_prefix}_SERVICE"
        )
        yield template.render_as_string(hide_password=False).replace("SERVICE", "{service}")
    finally:
        for name in names:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


# -- SQLite -------------------------------------------------------------------------------------


@pytest.fixture
def sqlite_database(tmp_path: Path) -> str:
    """The SQLAlchemy URL (aiosqlite driver) of a new SQLite file in the test's directory."""
    return f"sqlite+aiosqlite:///{tmp_path / 'store.db'}"


# -- NATS ---------------------------------------------------------------------------------------


def _require_jetstream(url: str) -> None:
    """Fail unless a NATS server answers at `url` and has JetStream enabled."""
    with _require_tcp("NATS", url, 4222, NATS_URL_ENV) as connection:
        reader = connection.makefile("rb")
        line = reader.readline(1 << 16).decode(errors="replace").strip()
    if not line.startswith("INFO "):
        pytest.fail(f"{url} does not speak the NATS protocol (got {line[:80]!r})", pytrace=False)
    info: dict[str, Any] = json.loads(line[len("INFO ") :])
    if not info.get("jetstream"):
        pytest.fail(
            f"the NATS server at {url} runs without JetStream; start it with `nats-server -js`",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def nats_url() -> Iterator[str]:
    """The URL of a NATS server with JetStream enabled."""
    url = os.environ.get(NATS_URL_ENV)
    if url is None and docker_available():
        try:
            from testcontainers.community.nats import NatsContainer
        except ImportError:  # testcontainers before 4.14
            from testcontainers.nats import NatsContainer

        with NatsContainer(NATS_IMAGE).with_command("-js") as container:
            yield container.nats_uri()
        return
    url = url or NATS_URL_DEFAULT
    _require_jetstream(url)
    yield url


@pytest.fixture
def unique_prefix() -> str:
    """A short unique name (``t`` + 10 hex digits) for NATS streams and subject prefixes."""
    return f"t{uuid.uuid4().hex[:10]}"


# -- CI: nothing may be skipped -----------------------------------------------------------------


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """In CI (`CI` set) a skipped test is a failure: a suite that quietly skips its PostgreSQL or
    NATS tests would pass while proving nothing."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which is not allowed: {report.longrepr}"
