"""The European Social Forum network through research's import (`layout=esf`) and onto the
network map, on PostgreSQL with the real NATS: research keeps the 895 organisations and their
242 "Is Part Of" ties (docs/imports.md: seminars and other forum events are not
organisations), and the map shows exactly those, in communities. The whole 1,080-node graph is
drawn by the page test (tests/browser), from tests/esf_network.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from coalition.shared.registry import select
from tests.esf_network import ESF_FILE
from tests.integration.inprocess import Running, running
from tests.support import eventually

pytestmark = [pytest.mark.postgres, pytest.mark.nats]

CAMPAIGN = "esf"


@pytest_asyncio.fixture
async def system(
    postgres_databases: str, tmp_path: Path, nats_url: str, unique_prefix: str
) -> AsyncIterator[Running]:
    async with running(
        postgres_databases,
        nats_url,
        unique_prefix,
        tmp_path,
        specs=select("research,projections"),
        relay_poll_seconds=0.2,
    ) as system:
        yield system


async def test_the_imported_forum_network_is_on_the_map(system: Running) -> None:
    client = system.client
    accepted = await client.post(
        "/research/imports",
        params={"campaign_id": CAMPAIGN, "source": "esf", "layout": "esf", "reason": "the ESF"},
        content=ESF_FILE.read_bytes(),
        headers={"Content-Type": "application/graphml+xml"},
    )
    assert accepted.status_code == 202, accepted.text

    async def on_the_map() -> dict[str, Any] | None:
        answer = await client.get(f"/projections/campaigns/{CAMPAIGN}/network-map")
        body: dict[str, Any] = answer.json()
        return body if len(body["nodes"]) == 895 and len(body["edges"]) == 242 else None

    body = await eventually(on_the_map, timeout=120, interval=1.0)
    assert {node["type"] for node in body["nodes"]} == {"partner"}
    kinds = {node["kind"] for node in body["nodes"]}
    assert {"ngo", "union", "party", "advocacy_group"} <= kinds
    assert {edge["relationship"] for edge in body["edges"]} == {"member_of"}
    tied = {edge["source"] for edge in body["edges"]} | {edge["target"] for edge in body["edges"]}
    in_communities = sum(c["size"] for c in body["communities"])
    assert (
        in_communities == len(tied) == sum(1 for n in body["nodes"] if n["community"] is not None)
    )
    assert len(body["communities"]) > 10
    unions = await client.get(
        f"/projections/campaigns/{CAMPAIGN}/network-map", params={"kind": "union"}
    )
    assert len(unions.json()["nodes"]) == sum(1 for n in body["nodes"] if n["kind"] == "union")
    gexf = await client.get(
        f"/projections/campaigns/{CAMPAIGN}/network-map", params={"format": "gexf"}
    )
    assert gexf.status_code == 200 and gexf.content.count(b"<node ") == 895
