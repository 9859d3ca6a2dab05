"""The network map over REST with every service in this process, the real NATS and a real
database (SQLite or PostgreSQL: the concrete classes say which): what research, scoring and
engagement record reaches the map; filters, formats, ETag, "as of", access, errors; and a
rebuild gives the same map."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from coalition.shared.registry import select
from tests.integration.inprocess import Running, running
from tests.support import bearer, eventually, rebuild_read_models

CAMPAIGN = "living-wage"
WHY = {"reason": "agreed at the steering group"}
MAP = f"/projections/campaigns/{CAMPAIGN}/network-map"


async def partner(client: httpx.AsyncClient, name: str, kind: str) -> str:
    body = {"campaign_id": CAMPAIGN, "name": name, "kind": kind, **WHY}
    answer = await client.post("/research/partners", json=body)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["partner_id"])


async def tie(
    client: httpx.AsyncClient, source: tuple[str, str], target: tuple[str, str], kind: str
) -> str:
    body = {
        "campaign_id": CAMPAIGN,
        "source": {"type": source[0], "id": source[1]},
        "target": {"type": target[0], "id": target[1]},
        "relationship": kind,
        "weight": 0.9,
        **WHY,
    }
    answer = await client.post("/research/relationships", json=body)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["relationship_id"])


async def the_map(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    answer = await client.get(MAP, params=params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


class NetworkMapContract:
    @pytest.fixture
    def url(self) -> str:
        raise NotImplementedError  # a database URL template with `{service}`

    @pytest_asyncio.fixture
    async def system(
        self, url: str, tmp_path: Path, nats_url: str, unique_prefix: str
    ) -> AsyncIterator[Running]:
        async with running(
            url, nats_url, unique_prefix, tmp_path, specs=select("all"), relay_poll_seconds=0.2
        ) as system:
            yield system

    async def test_the_campaign_s_network_as_a_map_with_filters_formats_and_as_of(
        self, system: Running
    ) -> None:
        client = system.client
        launched = await client.post(
            "/research/campaigns", json={"campaign_id": CAMPAIGN, "name": "LW", **WHY}
        )
        assert launched.status_code == 201
        await client.put(
            f"/research/campaigns/{CAMPAIGN}/positions/living-wage",
            json={"stance": "strongly_support", "weight": 1, **WHY},
        )
        unite = await partner(client, "Unite the Union", "union")
        gmb = await partner(client, "GMB", "union")
        oxfam = await partner(client, "Oxfam", "ngo")
        for who in (unite, gmb):
            answer = await client.put(
                f"/research/partners/{who}/positions/living-wage",
                json={"stance": "support", "evidence": "https://example.org/vote", **WHY},
            )
            assert answer.status_code == 200, answer.text
        jane = await client.post(
            "/research/stakeholders",
            json={"campaign_id": CAMPAIGN, "name": "Jane Doe", "kind": "policymaker", **WHY},
        )
        jane_id = jane.json()["stakeholder_id"]

        async def partners_seen() -> dict[str, Any] | None:
            body = await the_map(client)
            return body if len(body["nodes"]) == 4 else None

        before_ties = await eventually(partners_seen, interval=0.25)
        await asyncio.sleep(0.05)
        moment = datetime.now(UTC)
        await asyncio.sleep(0.05)
        await tie(client, ("partner", unite), ("partner", gmb), "allied_with")
        await tie(client, ("partner", gmb), ("partner", oxfam), "allied_with")
        await tie(client, ("partner", unite), ("stakeholder", jane_id), "lobbies")
        await tie(client, ("partner", oxfam), ("stakeholder", jane_id), "lobbies")
        opened = await client.post(
            f"/engagement/campaigns/{CAMPAIGN}/partners/{unite}/engagement", json=WHY
        )
        assert opened.status_code == 201, opened.text

        async def complete() -> dict[str, Any] | None:
            body = await the_map(client)
            nodes = {node["id"]: node for node in body["nodes"]}
            unite_node = nodes.get(f"partner:{unite}", {})
            scored = all(n["score"] is not None for n in nodes.values() if n["type"] == "partner")
            ready = len(body["edges"]) == 4 and unite_node.get("stage") and scored
            return body if ready else None

        body = await eventually(complete, timeout=60, interval=0.25)
        nodes = {node["id"]: node for node in body["nodes"]}
        assert nodes[f"stakeholder:{jane_id}"]["shared_by"] == 2
        assert body["shared_stakeholders"] == [
            {
                "stakeholder": f"stakeholder:{jane_id}",
                "partners": sorted([f"partner:{unite}", f"partner:{oxfam}"]),
            }
        ]
        assert body["mutual_interests"] == [
            {
                "issue": "living-wage",
                "side": "support",
                "partners": sorted([f"partner:{unite}", f"partner:{gmb}"]),
                "campaign_stance": "strongly_support",
            }
        ]
        assert {node["community"] for node in body["nodes"]} <= {0, 1}
        assert sum(c["size"] for c in body["communities"]) == 4
        assert nodes[f"partner:{unite}"]["stage"] == "identified"
        assert body["events"] > 0 and body["last_position"] > 0

        unions = await the_map(client, kind="union")
        assert {n["id"] for n in unions["nodes"]} == {f"partner:{unite}", f"partner:{gmb}"}
        assert unions["filters"] == {"kind": ["union"], "stage": [], "min_score": None}
        staged = await the_map(client, stage="identified")
        assert {n["id"] for n in staged["nodes"]} == {f"partner:{unite}", f"stakeholder:{jane_id}"}
        several = await client.get(MAP, params=[("kind", "union"), ("kind", "policymaker")])
        assert len(several.json()["nodes"]) == 3
        top = max(n["score"] for n in body["nodes"] if n["score"] is not None)
        best = await the_map(client, min_score=top)
        assert all(n["score"] >= top for n in best["nodes"] if n["type"] == "partner")

        past = await the_map(client, as_of=moment.isoformat())
        assert (len(past["nodes"]), past["edges"]) == (4, [])
        assert past["as_of"] is not None
        assert [n["id"] for n in past["nodes"]] == [n["id"] for n in before_ties["nodes"]]

        graphml = await client.get(MAP, params={"format": "graphml"})
        assert graphml.headers["content-type"].startswith("application/graphml+xml")
        assert "living-wage-network-map.graphml" in graphml.headers["content-disposition"]
        root = ET.fromstring(graphml.content)
        ns = "{http://graphml.graphdrawing.org/xmlns}"
        assert len(root.findall(f"{ns}graph/{ns}node")) == 4
        assert len(root.findall(f"{ns}graph/{ns}edge")) == 4
        gexf = await client.get(MAP, params={"format": "gexf"})
        assert gexf.headers["content-type"].startswith("application/gexf+xml")
        assert len(list(ET.fromstring(gexf.content).iter("{http://gexf.net/1.3}node"))) == 4
        kumu = await client.get(MAP, params={"format": "kumu"})
        blueprint = kumu.json()
        assert {e["label"] for e in blueprint["elements"]} == {
            "Unite the Union",
            "GMB",
            "Oxfam",
            "Jane Doe",
        }
        assert ("Unite the Union", "Jane Doe", "lobbies") in {
            (c["from"], c["to"], c["type"]) for c in blueprint["connections"]
        }

        async def settled() -> httpx.Response | None:
            """The map once nothing new arrives for a second (scoring re-scores a moment after
            the facts change): then its ETag answers 304."""
            first = await client.get(MAP)
            await asyncio.sleep(1.0)
            again = await client.get(MAP, headers={"If-None-Match": first.headers["etag"]})
            return first if (again.status_code, again.content) == (304, b"") else None

        first = await eventually(settled, timeout=60, interval=0.25)
        etag = first.headers["etag"]
        other = await client.get(MAP, params={"format": "kumu"}, headers={"If-None-Match": etag})
        assert other.status_code == 200  # another representation, another tag

        pinned = {"as_of": datetime.now(UTC).isoformat()}
        before = (await client.get(MAP, params=pinned)).json()
        assert before["nodes"] == first.json()["nodes"]
        await rebuild_read_models(client)
        assert (await client.get(MAP, params=pinned)).json() == before
        await client.post(f"/research/partners/{oxfam}/archive", json=WHY)

        async def archived() -> dict[str, Any] | None:
            answer = await client.get(MAP, headers={"If-None-Match": etag})
            return answer.json() if answer.status_code == 200 else None

        after = await eventually(archived, interval=0.25)
        assert f"partner:{oxfam}" not in {n["id"] for n in after["nodes"]}

    async def test_access_and_bad_input(self, system: Running) -> None:
        client = system.client
        theirs = await system.key_for("clean-air")
        ours = await system.key_for(CAMPAIGN, scopes=("projections:read",))
        refused = await client.get(MAP, headers=bearer(theirs))
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
        assert (await client.get(MAP, headers=bearer(ours))).status_code == 200
        assert (await client.get(MAP, headers={"Authorization": ""})).status_code == 401
        for params, field in [
            ({"kind": "dragon"}, "kind"),
            ({"stage": "married"}, "stage"),
            ({"min_score": "2"}, "min_score"),
            ({"format": "pdf"}, "format"),
            ({"as_of": "yesterday"}, "as_of"),
        ]:
            answer = await client.get(MAP, params=params)
            assert answer.status_code == 422, params
            assert answer.headers["content-type"] == "application/problem+json"
            assert field in str(answer.json()["errors"]), answer.json()
        empty = await the_map(client)
        assert (empty["nodes"], empty["edges"], empty["events"]) == ([], [], 0)

    async def test_the_page_and_its_files_are_served_to_anyone_and_hold_no_data(
        self, system: Running
    ) -> None:
        client = system.client
        page = await client.get("/projections/network-map", headers={"Authorization": ""})
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert '<script src="network-map/cytoscape.min.js">' in page.text
        for name in ("cytoscape.min.js", "network-map.js", "network-map.css"):
            asset = await client.get(
                f"/projections/network-map/{name}", headers={"Authorization": ""}
            )
            assert asset.status_code == 200, name
            tagged = await client.get(
                f"/projections/network-map/{name}",
                headers={"Authorization": "", "If-None-Match": asset.headers["etag"]},
            )
            assert tagged.status_code == 304
        for text in (page.text, (await client.get("/projections/network-map/network-map.js")).text):
            assert "http://" not in text and "https://" not in text  # nothing from elsewhere
        data = await client.get(MAP, headers={"Authorization": ""})
        assert data.status_code == 401
