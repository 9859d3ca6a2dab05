"""Verifying every service's log from the projections service: all five services in this
process (SQLite, the real NATS). Tampering one row of one service's log is found and the event
named; every other log is reported intact; only admin keys may ask. And the verification of
services elsewhere, through the gateway, is asked of each one and reported per service."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import sqlalchemy as sa

from coalition.projections.service_layer.verification import verify_every_log
from coalition.shared.contracts.research import PartnerIdentified, PartnerProfileUpdated
from coalition.shared.events.envelope import Metadata, NewEvent
from coalition.shared.eventstore.schema import events
from coalition.shared.eventstore.store import EventStore
from coalition.shared.registry import select
from coalition.shared.web.log_verification import LogVerification
from tests.integration.inprocess import Running, running
from tests.support import bearer

pytestmark = pytest.mark.nats

SERVICES = ["research", "scoring", "engagement", "agreement", "projections"]


@pytest_asyncio.fixture
async def system(tmp_path: Path, nats_url: str, unique_prefix: str) -> AsyncIterator[Running]:
    async with running(
        f"sqlite+aiosqlite:///{tmp_path}/{{service}}.db",
        nats_url,
        unique_prefix,
        tmp_path,
        specs=select("all"),
    ) as system:
        yield system


def _new(payload: Any) -> NewEvent:
    return NewEvent(
        payload=payload,
        metadata=Metadata(actor="key:maria", reason="seen at the fair", campaign_id="lw"),
    )


async def test_a_tampered_row_in_one_service_log_is_found_and_named(system: Running) -> None:
    research = system.runtimes["research"].store
    profile = {"campaign_id": "lw", "name": "Unite", "kind": "union"}
    recorded = []
    for partner in ("p1", "p2"):
        recorded += await research.append(
            partner,
            "partner",
            [
                _new(PartnerIdentified(partner_id=partner, **profile)),
                _new(PartnerProfileUpdated(partner_id=partner, changed=["name"], **profile)),
            ],
            0,
        )
    intact = await system.client.get("/projections/audit/verification")
    assert intact.status_code == 200, intact.text
    assert intact.json()["ok"] is True
    checks = {s["service"]: s for s in intact.json()["services"]}
    assert list(checks) == SERVICES
    assert all(s["checked_via"] == "this process" and s["ok"] for s in checks.values())
    assert checks["research"]["events_checked"] >= 4

    victim = recorded[1]  # p1's second event: the reason rewritten after the fact
    async with system.runtimes["research"].engine.begin() as conn:
        await conn.execute(
            events.update().where(events.c.event_id == victim.event_id).values(reason="edited")
        )
    answer = (await system.client.get("/projections/audit/verification")).json()
    assert answer["ok"] is False
    checks = {s["service"]: s for s in answer["services"]}
    assert checks["research"]["ok"] is False
    assert checks["research"]["first_failure"] == {
        "event_id": str(victim.event_id),
        "position": victim.position,
        "problem": "content does not match its hash",
    }
    assert all(checks[s]["ok"] for s in SERVICES if s != "research")
    own = (await system.client.get("/research/log/verification")).json()
    assert own["first_failure"]["event_id"] == str(victim.event_id)

    reader = await system.key_for(scopes=("*:read",))
    for path in ("/projections/audit/verification", "/research/log/verification"):
        refused = await system.client.get(path, headers=bearer(reader))
        assert refused.status_code == 403


async def test_services_elsewhere_are_asked_and_the_unreachable_are_named(
    sqlite_database: str,
) -> None:
    from coalition.shared.db import create_engine, migrate

    engine = create_engine(sqlite_database)
    try:
        await migrate(engine)
        local = {"projections": EventStore(engine)}
        broken = LogVerification(
            service="agreement",
            ok=False,
            events_checked=3,
            first_failure={"event_id": uuid.uuid4(), "position": 3, "problem": "tampered"},
        )

        async def remote(service: str) -> LogVerification:
            if service == "agreement":
                return broken
            raise ConnectionError(f"{service} does not answer")

        checks = await verify_every_log(["agreement", "scoring", "projections"], local, remote)
        assert [(c.service, c.via) for c in checks] == [
            ("agreement", "gateway"),
            ("scoring", None),
            ("projections", "this process"),
        ]
        assert checks[0].result == broken
        assert checks[1].result is None and "does not answer" in (checks[1].error or "")
        assert checks[2].result is not None and checks[2].result.ok
        alone = await verify_every_log(["research"], local, None)
        assert alone[0].result is None and "COALITION_GATEWAY_URL" in (alone[0].error or "")
    finally:
        await engine.dispose()


async def test_every_log_is_checked_whole(system: Running) -> None:
    """The check reads every event of a log, not a first page."""
    research = system.runtimes["research"].store
    for number in range(700):
        await research.append(
            f"q{number}",
            "partner",
            [
                _new(
                    PartnerIdentified(
                        partner_id=f"q{number}", campaign_id="lw", name="X", kind="ngo"
                    )
                )
            ],
            0,
        )
    async with system.runtimes["research"].engine.connect() as conn:
        total = (await conn.execute(sa.select(sa.func.count()).select_from(events))).scalar_one()
    answer = (await system.client.get("/research/log/verification")).json()
    assert answer == {
        "service": "research",
        "ok": True,
        "events_checked": total,
        "first_failure": None,
    }
