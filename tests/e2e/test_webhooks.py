"""The whole system in a subprocess on PostgreSQL and the real NATS, and a CRM's receiver in
the test: a partner identified over HTTP reaches the CRM as its three events (identified,
scored, then its pipeline entry opened by staff), signed, in order."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from tests.integration.webhooks.receiver import Received, Receiver
from tests.support import ServerProcess, eventually

pytestmark = [pytest.mark.postgres, pytest.mark.nats]

CHAIN = ["PartnerIdentified", "PartnerScored", "EngagementOpened"]


@pytest_asyncio.fixture
async def receiver() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    await receiver.start()
    yield receiver
    await receiver.stop()


async def test_a_crm_gets_a_partners_events_signed_and_in_order(
    client: httpx.AsyncClient,
    system: ServerProcess,
    postgres_databases: str,
    receiver: Receiver,
) -> None:
    subscribed = await client.post(
        "/projections/webhooks",
        json={
            "campaign_id": "living-wage",
            "url": receiver.url("crm"),
            "event_types": ["*"],
            "description": "end to end",
        },
    )
    assert subscribed.status_code == 201, subscribed.text
    secret = subscribed.json()["secret"]
    receiver.secrets["crm"] = secret

    response = await client.post(
        "/research/partners",
        json={
            "campaign_id": "living-wage",
            "name": "Unite the Union",
            "kind": "union",
            "members": 1_200_000,
            "reason": "organises low-paid workers",
        },
    )
    assert response.status_code == 201, response.text
    partner = response.json()["partner_id"]

    def about_partner() -> list[Received]:
        return [
            r
            for r in receiver.delivered("crm")
            if r.document["data"]["payload"].get("partner_id") == partner
        ]

    async def scored() -> list[Received] | None:
        return about_partner() if len(about_partner()) >= 2 else None

    await eventually(scored, timeout=60)
    opened = await client.post(
        f"/engagement/campaigns/living-wage/partners/{partner}/engagement",
        json={"reason": "scored well"},
    )
    assert opened.status_code == 201, opened.text

    async def chain_arrived() -> list[Received] | None:
        return about_partner() if len(about_partner()) >= len(CHAIN) else None

    requests = await eventually(chain_arrived, timeout=60)
    assert [r.document["type"] for r in requests] == CHAIN
    assert all(r.verified for r in requests)
    assert [r.document["data"]["source"] for r in requests] == [
        "research",
        "scoring",
        "engagement",
    ]
    identified, score, _opened = (r.document["data"] for r in requests)
    assert score["causation_id"] == identified["id"]
    assert identified["actor"].startswith("key:")  # the admin key of the client
