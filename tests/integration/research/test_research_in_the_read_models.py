"""What research records reaches the projections service over the real broker: the partner
list shows an archived partner as archived, a partner's audit timeline reads every research
event of it as a sentence with who and why, and the campaign audit lists the campaign's own
decisions (objectives, positions, deal-breakers) that belong to no partner. A rebuild from the
received events gives the same answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from coalition.shared.registry import select
from tests.integration.inprocess import Running, running
from tests.support import eventually, rebuild_read_models

pytestmark = pytest.mark.nats

CAMPAIGN = "living-wage"
WHY = {"reason": "agreed at the steering group"}


@pytest_asyncio.fixture
async def system(tmp_path: Path, nats_url: str, unique_prefix: str) -> AsyncIterator[Running]:
    async with running(
        f"sqlite+aiosqlite:///{tmp_path}/{{service}}.db",
        nats_url,
        unique_prefix,
        tmp_path,
        specs=select("research,projections"),
        relay_poll_seconds=0.2,
    ) as system:
        yield system


async def test_research_shows_in_the_partner_list_the_timelines_and_the_campaign_audit(
    system: Running,
) -> None:
    client = system.client
    base = f"/research/campaigns/{CAMPAIGN}"
    assert (
        await client.post(
            "/research/campaigns", json={"campaign_id": CAMPAIGN, "name": "LW", **WHY}
        )
    ).status_code == 201
    await client.put(
        f"{base}/positions/minimum-wage", json={"stance": "support", "weight": 1, **WHY}
    )
    await client.put(
        f"{base}/deal-breakers/no-parties",
        json={"rule": {"rule": "is_kind", "kind": "party"}, **WHY},
    )
    partner = {"campaign_id": CAMPAIGN, "name": "Unite the Union", "kind": "union", **WHY}
    unite = (await client.post("/research/partners", json=partner)).json()["partner_id"]
    spare = (await client.post("/research/partners", json=partner)).json()["partner_id"]
    await client.put(
        f"/research/partners/{unite}/positions/minimum-wage",
        json={"stance": "strongly_support", "evidence": "https://unite.example/lw", **WHY},
    )
    jane = await client.post(
        "/research/stakeholders",
        json={"campaign_id": CAMPAIGN, "name": "Jane Doe", "kind": "policymaker", **WHY},
    )
    tie = {
        "campaign_id": CAMPAIGN,
        "source": {"type": "partner", "id": unite},
        "target": {"type": "stakeholder", "id": jane.json()["stakeholder_id"]},
        "relationship": "lobbies",
        **WHY,
    }
    assert (await client.post("/research/relationships", json=tie)).status_code == 200
    await client.post(f"/research/partners/{spare}/archive", json=WHY)

    async def archived() -> dict[str, Any] | None:
        row = await client.get(f"/projections/partners/{spare}")
        body: dict[str, Any] = row.json()
        return body if row.status_code == 200 and body["status"] == "archived" else None

    assert (await eventually(archived))["merged_into"] is None

    async def timeline() -> list[dict[str, Any]] | None:
        answer = await client.get(f"/projections/partners/{unite}/timeline")
        entries: list[dict[str, Any]] = answer.json().get("entries", [])
        return entries if len(entries) >= 3 else None

    entries = await eventually(timeline)
    summaries = [entry["summary"] for entry in entries]
    assert "strongly supports minimum-wage (source: https://unite.example/lw)" in summaries
    assert any(s.startswith(f"partner {unite} lobbies stakeholder") for s in summaries)
    assert {entry["reason"] for entry in entries} == {WHY["reason"]}

    active = await client.get(
        "/projections/partners", params={"campaign_id": CAMPAIGN, "status": "active"}
    )
    assert [item["partner_id"] for item in active.json()["items"]] == [unite]

    every = {"include": "all"}
    audit = await client.get(
        f"/projections/campaigns/{CAMPAIGN}/audit", params={"limit": 2, **every}
    )
    page = audit.json()
    assert [e["event_type"] for e in page["items"]] == ["CampaignLaunched", "PolicyPositionTaken"]
    rest = await client.get(
        f"/projections/campaigns/{CAMPAIGN}/audit", params={"cursor": page["next_cursor"], **every}
    )
    types = [e["event_type"] for e in rest.json()["items"]]
    assert types[0] == "DealBreakerDeclared"
    assert "StakeholderRecorded" in types and "PartnerArchived" in types
    assert rest.json()["items"][0]["summary"] == (
        "deal-breaker no-parties: rules out a partner of kind party"
    )

    before = (await client.get(f"/projections/partners/{unite}/timeline")).json()
    await rebuild_read_models(client)
    after = (await client.get(f"/projections/partners/{unite}/timeline")).json()
    assert after == before
