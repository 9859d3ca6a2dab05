"""Processes that die, and the zero-setup default.

- A service killed (SIGKILL) after committing events it could not publish loses nothing: the
  restarted service's relay publishes them from its checkpoint.
- `coalition serve all` with no configuration runs on SQLite files and an embedded NATS server
  (what `make run` does) and answers on every service's health and OpenAPI URL.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from coalition.shared.messaging.embedded_nats import EmbeddedNats
from tests.e2e.conftest import SERVICES
from tests.support import ServerProcess, bearer, eventually, stream_messages

pytestmark = pytest.mark.nats


async def test_events_committed_before_a_crash_are_published_after_restart(tmp_path: Path) -> None:
    broker = EmbeddedNats(tmp_path / "broker")
    nats_url = broker.start()
    env = {
        "COALITION_DATA_DIR": str(tmp_path / "data"),
        "COALITION_NATS_URL": nats_url,
        "COALITION_RELAY_POLL_SECONDS": "0.2",
    }
    research = ServerProcess("research", env, tmp_path / "research.log")
    restarted = ServerProcess("research", env, tmp_path / "research-2.log")
    try:
        research.start()
        await research.wait_ready(["research"])
        async with httpx.AsyncClient(
            base_url=research.base_url, timeout=10, headers=bearer()
        ) as client:
            first = await client.post(
                "/research/partners",
                json={"campaign_id": "c1", "name": "Before", "kind": "ngo", "reason": "r"},
            )
            assert first.status_code == 201

            async def published(count: int) -> bool | None:
                return True if len(await stream_messages(nats_url, "coalition")) == count else None

            await eventually(lambda: published(1))

            broker.stop()  # the broker goes away: commits go on, publishing cannot
            ids = []
            for index in range(3):
                response = await client.post(
                    "/research/partners",
                    json={
                        "campaign_id": "c1",
                        "name": f"During {index}",
                        "kind": "union",
                        "reason": "r",
                    },
                )
                assert response.status_code == 201, response.text
                ids.append(response.json()["event_id"])
        research.kill()  # and the service dies with three events unpublished

        broker.start()  # same data folder: the stream and its first message survive
        restarted.start()
        await restarted.wait_ready(["research"])
        await eventually(lambda: published(4))
        messages = await stream_messages(nats_url, "coalition")
        assert [headers["ce-id"] for _, headers, _ in messages][1:] == ids
    finally:
        research.stop()
        restarted.stop()
        broker.stop()


async def test_the_zero_setup_default_serves_every_service(tmp_path: Path) -> None:
    server = ServerProcess(
        "all", {"COALITION_DATA_DIR": str(tmp_path / "data")}, tmp_path / "all.log"
    )
    for variable in ("COALITION_DATABASE_URL", "COALITION_NATS_URL", "COALITION_ADMIN_KEY"):
        server.env.pop(variable, None)
    server.start()
    try:
        await server.wait_ready(SERVICES)
        printed = re.search(r"COALITION_KEY=(coal_\S+)", server.log_path.read_text())
        assert printed, "a first admin key is printed on the first start"
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as client:
            for service in SERVICES:
                health = await client.get(f"/{service}/healthz")
                assert health.json() == {"status": "ok", "service": service}
                spec = await client.get(f"/{service}/openapi.json")
                assert spec.status_code == 200
                assert spec.json()["info"]["title"] == f"Coalition {service.capitalize()}"
            assert (await client.get("/projections/partners")).status_code == 401
            listing = await client.get("/projections/partners", headers=bearer(printed[1]))
            assert listing.status_code == 200
        assert {path.name for path in (tmp_path / "data").glob("*.db")} == {
            f"{service}.db" for service in [*SERVICES, "access"]
        }
        assert (tmp_path / "data" / "nats" / "jetstream").is_dir()
    finally:
        server.stop()


def broker_processes(data_dir: Path) -> list[int]:
    """Pids of nats-server processes whose command line names `data_dir`."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "nats-server" in command and str(data_dir) in command:
            pids.append(int(entry.name))
    return pids


async def test_the_embedded_broker_dies_with_a_killed_server(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = ServerProcess("research", {"COALITION_DATA_DIR": str(data)}, tmp_path / "r.log")
    for variable in ("COALITION_DATABASE_URL", "COALITION_NATS_URL"):
        server.env.pop(variable, None)
    server.start()
    try:
        await server.wait_ready(["research"])
        assert len(broker_processes(data)) == 1
        server.kill()

        async def gone() -> bool | None:
            return True if not broker_processes(data) else None

        await eventually(gone, timeout=10)
    finally:
        server.stop()
