"""Verification of logs that live in another process: research, scoring, engagement and
agreement run in a subprocess (as on other machines, behind one base URL), projections runs in
this process with `gateway_url` pointing at them. Projections asks each service over HTTP with
the caller's admin key; a row tampered with in research's own database is found there and named."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest

from coalition.shared.registry import select
from tests.integration.inprocess import running
from tests.support import ServerProcess, bearer

pytestmark = pytest.mark.nats

ELSEWHERE = ["research", "scoring", "engagement", "agreement"]


async def test_services_elsewhere_verify_their_own_logs_through_the_gateway(
    nats_url: str, unique_prefix: str, tmp_path: Path
) -> None:
    data = tmp_path / "elsewhere"
    server = ServerProcess(
        ",".join(ELSEWHERE),
        {
            "COALITION_DATA_DIR": str(data),
            "COALITION_NATS_URL": nats_url,
            "COALITION_STREAM_NAME": unique_prefix,
            "COALITION_SUBJECT_PREFIX": unique_prefix,
        },
        tmp_path / "server.log",
    )
    server.env.pop("COALITION_DATABASE_URL", None)
    server.start()
    try:
        await server.wait_ready(ELSEWHERE)
        async with server.client() as remote:
            created = await remote.post(
                "/research/partners",
                json={"campaign_id": "lw", "name": "Unite", "kind": "union", "reason": "met"},
            )
            assert created.status_code == 201, created.text
            event_id = created.json()["event_id"]
        async with running(
            f"sqlite+aiosqlite:///{tmp_path}/{{service}}.db",
            nats_url,
            unique_prefix,
            tmp_path,
            specs=select("projections"),
            gateway_url=server.base_url,
        ) as here:
            intact = await verification(here.client)
            assert intact["ok"] is True, intact
            assert {s["service"]: s["checked_via"] for s in intact["services"]} == {
                **dict.fromkeys(ELSEWHERE, "gateway"),
                "projections": "this process",
            }
            with sqlite3.connect(data / "research.db") as db:  # the log, edited behind its back
                edited = db.execute(
                    "UPDATE events SET reason = 'edited' WHERE event_id = ?",
                    (uuid.UUID(event_id).hex,),  # SQLAlchemy keeps a UUID as 32 hex digits
                )
                assert edited.rowcount == 1
            answer = await verification(here.client)
            research = next(s for s in answer["services"] if s["service"] == "research")
            assert answer["ok"] is False
            assert research["checked_via"] == "gateway" and research["ok"] is False
            assert research["first_failure"]["event_id"] == event_id
            reader = await here.key_for(scopes=("*:read",))
            refused = await here.client.get(
                "/projections/audit/verification", headers=bearer(reader)
            )
            assert refused.status_code == 403
    finally:
        server.stop()


async def verification(client: Any) -> dict[str, Any]:
    answer = await client.get("/projections/audit/verification")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body
