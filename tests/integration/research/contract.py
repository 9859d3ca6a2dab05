"""Research over HTTP, one test class for every database: campaigns, partner profiles, key
people, positions, collaborations, archiving, stakeholders and ties; and bad input, which
writes nothing and names the field at fault.

Backends subclass `ResearchContract` and provide the `url` fixture."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio

from tests.integration.inprocess import Running, running

CAMPAIGN = "living-wage"
WHY = {"reason": "agreed at the steering group"}


class ResearchContract:
    @pytest_asyncio.fixture
    async def research(
        self, url: str, nats_url: str, unique_prefix: str, tmp_path: Path
    ) -> AsyncIterator[Running]:
        async with running(url, nats_url, unique_prefix, tmp_path) as system:
            launched = await system.client.post(
                "/research/campaigns",
                json={"campaign_id": CAMPAIGN, "name": "Living wage DC", **WHY},
            )
            assert launched.status_code == 201, launched.text
            yield system

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    async def events(system: Running) -> int:
        return len(await system.runtime.store.read_all())

    @staticmethod
    async def partner(system: Running, **profile: Any) -> str:
        body = {"campaign_id": CAMPAIGN, "name": "Unite the Union", "kind": "union", **WHY}
        created = await system.client.post("/research/partners", json={**body, **profile})
        assert created.status_code == 201, created.text
        return str(created.json()["partner_id"])

    @staticmethod
    def refused(answer: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
        assert answer.status_code == status, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        problem: dict[str, Any] = answer.json()
        if field is not None:
            named = [e["field"] for e in problem.get("errors", [])] + [problem.get("field")]
            assert field in named, problem
        return problem

    # -- the campaign --------------------------------------------------------------------

    async def test_a_campaign_states_what_it_wants_and_rejects(self, research: Running) -> None:
        client = research.client
        base = f"/research/campaigns/{CAMPAIGN}"
        objective = {"title": "Pass the ordinance", "priority": "critical", "metric": "votes"}
        steps: list[tuple[str, str, dict[str, Any]]] = [
            ("PUT", f"{base}/values", {"values": ["fairness", "dignity"]}),
            ("PUT", f"{base}/objectives/ordinance", {**objective, "target": 7, "unit": "votes"}),
            ("PUT", f"{base}/positions/Minimum Wage", {"stance": "strongly_support", "weight": 1}),
            ("PUT", f"{base}/positions/payday-lending", {"stance": "oppose", "weight": 0.5}),
            (
                "PUT",
                f"{base}/deal-breakers/no-lenders",
                {"rule": {"rule": "funded_by", "funder": "Payday Lenders Association"}},
            ),
            (
                "PUT",
                f"{base}/deal-breakers/wage-opponents",
                {"rule": {"rule": "opposes_issue", "issue": "minimum-wage"}},
            ),
            (
                "PUT",
                f"{base}/needs",
                {"constituencies": ["low-wage workers"], "regions": ["Ward 7", "Ward 8"]},
            ),
        ]
        for method, path, body in steps:
            answer = await client.request(method, path, json={**body, **WHY})
            assert answer.status_code == 200, (path, answer.text)
        withdrawn = await client.delete(f"{base}/positions/payday-lending", params=WHY)
        assert withdrawn.status_code == 200
        campaign = (await client.get(base)).json()
        assert campaign["values"] == ["fairness", "dignity"]
        assert campaign["objectives"][0]["target"] == 7
        assert campaign["positions"] == [
            {"issue": "minimum-wage", "stance": "strongly_support", "weight": 1.0}
        ]
        assert [d["deal_breaker_id"] for d in campaign["deal_breakers"]] == [
            "no-lenders",
            "wage-opponents",
        ]
        assert campaign["deal_breakers"][1]["rule"]["stance_at_most"] == "oppose"
        assert campaign["needs"]["regions"] == ["Ward 7", "Ward 8"]
        assert campaign["version"] == 1 + len(steps) + 1
        history = await research.runtime.store.read_stream(f"campaign-{CAMPAIGN}")
        assert all(event.metadata.reason == WHY["reason"] for event in history)

    async def test_a_campaign_is_launched_once_and_changed_only_at_the_version_seen(
        self, research: Running
    ) -> None:
        client = research.client
        again = await client.post(
            "/research/campaigns", json={"campaign_id": CAMPAIGN, "name": "Again", **WHY}
        )
        self.refused(again, 409)
        current = await client.get(f"/research/campaigns/{CAMPAIGN}")
        etag = current.headers["ETag"]
        first = await client.put(
            f"/research/campaigns/{CAMPAIGN}/values",
            json={"values": ["fairness"], **WHY},
            headers={"If-Match": etag},
        )
        assert first.status_code == 200
        before = await self.events(research)
        stale = await client.put(
            f"/research/campaigns/{CAMPAIGN}/values",
            json={"values": ["speed"], **WHY},
            headers={"If-Match": etag},
        )
        self.refused(stale, 412)
        assert await self.events(research) == before
        unknown = await client.get("/research/campaigns/no-such-campaign")
        self.refused(unknown, 404)

    async def test_bad_campaign_input_writes_nothing_and_names_the_field(
        self, research: Running
    ) -> None:
        client = research.client
        base = f"/research/campaigns/{CAMPAIGN}"
        before = await self.events(research)
        position = {"stance": "somewhat_for", "weight": 1, **WHY}
        self.refused(await client.put(f"{base}/positions/x", json=position), 422, "body.stance")
        heavy = {"stance": "support", "weight": "high", **WHY}
        self.refused(await client.put(f"{base}/positions/x", json=heavy), 422, "body.weight")
        weightless = {"stance": "support", "weight": 0, **WHY}
        self.refused(await client.put(f"{base}/positions/x", json=weightless), 422, "body.weight")
        rule = {"rule": {"rule": "dislikes", "issue": "x"}, **WHY}
        self.refused(await client.put(f"{base}/deal-breakers/d", json=rule), 422)
        objective = {"title": "t", "priority": "urgent", "metric": "m", "target": 1, **WHY}
        self.refused(await client.put(f"{base}/objectives/o", json=objective), 422, "body.priority")
        dated = {**objective, "priority": "high", "due_on": "next spring"}
        self.refused(await client.put(f"{base}/objectives/o", json=dated), 422, "body.due_on")
        unsaid = {"values": ["fairness"]}
        self.refused(await client.put(f"{base}/values", json=unsaid), 422, "body.reason")
        self.refused(await client.delete(f"{base}/objectives/none", params=WHY), 404)
        assert await self.events(research) == before

    # -- prospective partners ------------------------------------------------------------

    async def test_a_partner_profile_people_positions_and_history(self, research: Running) -> None:
        client = research.client
        partner_id = await self.partner(
            research,
            aliases=["Unite"],
            regions=["London"],
            website="https://www.unitetheunion.org",
            resources={"budget_band": "over_100m", "staff": 1300, "logistics": ["venues"]},
            external_ids=[{"registry": "certification-officer", "id": "717T"}],
        )
        base = f"/research/partners/{partner_id}"
        profile = (await client.get(base)).json()
        assert profile["resources"]["staff"] == 1300 and profile["status"] == "active"
        updated = await client.put(
            f"{base}/profile",
            json={
                "name": "Unite the Union",
                "kind": "union",
                "mission": "Organise workers for better pay",
                "expertise": ["collective bargaining"],
                **WHY,
            },
            headers={"If-Match": profile_etag(profile)},
        )
        assert updated.status_code == 200, updated.text
        assert updated.json()["aliases"] == []  # a profile is replaced whole
        person = await client.post(
            f"{base}/key-people",
            json={"name": "Sharon Graham", "role": "General secretary", **WHY},
        )
        assert person.status_code == 201
        [sharon] = person.json()["key_people"]
        position = await client.put(
            f"{base}/positions/Living Wage",
            json={"stance": "support", "evidence": "https://unite.example/lw", **WHY},
        )
        assert position.json()["positions"][0]["issue"] == "living-wage"
        collaboration = await client.put(
            f"{base}/collaborations/nhs-pay-2023",
            json={
                "with_whom": ["GMB", "Unison"],
                "on_what": "NHS pay",
                "started_on": "2023-01-01",
                "ended_on": "2023-12-01",
                "outcome": "partly_succeeded",
                **WHY,
            },
        )
        assert collaboration.json()["collaborations"][0]["ended_on"] == "2023-12-01"
        removed = await client.delete(f"{base}/key-people/{sharon['person_id']}", params=WHY)
        assert removed.json()["key_people"] == []
        archived = await client.post(f"{base}/archive", json=WHY)
        assert archived.json()["status"] == "archived"
        late = await client.put(
            f"{base}/positions/climate", json={"stance": "support", "evidence": "x", **WHY}
        )
        self.refused(late, 409)
        history = await research.runtime.store.read_stream(f"partner-{partner_id}")
        assert [e.event_type for e in history] == [
            "PartnerIdentified",
            "PartnerProfileUpdated",
            "KeyPersonRecorded",
            "PartnerPositionRecorded",
            "CollaborationRecorded",
            "KeyPersonRemoved",
            "PartnerArchived",
        ]
        assert {e.metadata.reason for e in history} == {WHY["reason"]}

    async def test_bad_partner_input_writes_nothing_and_names_the_field(
        self, research: Running
    ) -> None:
        client = research.client
        partner_id = await self.partner(research)
        before = await self.events(research)
        good = {"campaign_id": CAMPAIGN, "name": "GMB", "kind": "union", **WHY}
        cases = [
            ({**good, "kind": "guild"}, "body.kind"),
            ({**good, "members": "12"}, "body.members"),
            ({**good, "members": -1}, "body.members"),
            ({**good, "website": "not a url"}, "body.website"),
            ({**good, "resources": {"budget_band": "huge"}}, "body.resources.budget_band"),
            ({**good, "aliases": "GMB"}, "body.aliases"),
            ({**good, "motto": "x"}, "body.motto"),
        ]
        for body, field in cases:
            self.refused(await client.post("/research/partners", json=body), 422, field)
        base = f"/research/partners/{partner_id}"
        wrong_stance = {"stance": "maybe", "evidence": "x", **WHY}
        self.refused(await client.put(f"{base}/positions/x", json=wrong_stance), 422, "body.stance")
        backwards = {
            "with_whom": ["GMB"],
            "on_what": "x",
            "started_on": "2024-01-01",
            "ended_on": "2023-01-01",
            "outcome": "failed",
            **WHY,
        }
        self.refused(
            await client.put(f"{base}/collaborations/k1", json=backwards), 422, "body.ended_on"
        )
        self.refused(await client.delete(f"{base}/key-people/nobody", params=WHY), 404)
        assert await self.events(research) == before

    # -- the stakeholder network -------------------------------------------------------

    async def test_stakeholders_and_ties_between_records_of_the_campaign(
        self, research: Running
    ) -> None:
        client = research.client
        partner_id = await self.partner(research)
        created = await client.post(
            "/research/stakeholders",
            json={"campaign_id": CAMPAIGN, "name": "Jane Doe", "kind": "policymaker", **WHY},
        )
        assert created.status_code == 201, created.text
        stakeholder_id = created.json()["stakeholder_id"]
        corrected = await client.put(
            f"/research/stakeholders/{stakeholder_id}",
            json={"name": "Jane Doe", "kind": "policymaker", "role": "Council chair", **WHY},
        )
        assert corrected.json()["role"] == "Council chair"
        tie = {
            "campaign_id": CAMPAIGN,
            "source": {"type": "partner", "id": partner_id},
            "target": {"type": "stakeholder", "id": stakeholder_id},
            "relationship": "lobbies",
            "weight": 0.7,
            **WHY,
        }
        recorded = await client.post("/research/relationships", json=tie)
        assert recorded.status_code == 200, recorded.text
        relationship_id = recorded.json()["relationship_id"]
        before = await self.events(research)
        again = await client.post("/research/relationships", json=tie)
        assert again.json()["relationship_id"] == relationship_id
        assert await self.events(research) == before  # the same tie again records nothing
        stronger = await client.post("/research/relationships", json={**tie, "weight": 0.9})
        assert stronger.json()["weight"] == 0.9
        ended = await client.post(
            f"/research/relationships/{relationship_id}/end",
            json={"ended_on": "2026-11-01", **WHY},
        )
        assert ended.json()["status"] == "ended"
        self.refused(
            await client.post(f"/research/relationships/{relationship_id}/end", json=WHY), 409
        )

    async def test_a_tie_to_a_record_that_is_not_the_campaigns_is_refused(
        self, research: Running
    ) -> None:
        client = research.client
        ours = await self.partner(research)
        elsewhere = await client.post(
            "/research/partners",
            json={"campaign_id": "clean-air", "name": "ClientEarth", "kind": "ngo", **WHY},
        )
        theirs = elsewhere.json()["partner_id"]
        before = await self.events(research)
        tie = {
            "campaign_id": CAMPAIGN,
            "source": {"type": "partner", "id": ours},
            "target": {"type": "partner", "id": theirs},
            "relationship": "allied_with",
            **WHY,
        }
        answer = await client.post("/research/relationships", json=tie)
        # Another campaign's partner is answered as an unknown one is: it does not exist here.
        self.refused(answer, 404, "body.target.id")
        unknown = {**tie, "target": {"type": "stakeholder", "id": "nobody"}}
        self.refused(await client.post("/research/relationships", json=unknown), 404)
        itself = {**tie, "target": tie["source"]}
        self.refused(await client.post("/research/relationships", json=itself), 409)
        wrong_type = {**tie, "relationship": "likes"}
        self.refused(
            await client.post("/research/relationships", json=wrong_type), 422, "body.relationship"
        )
        heavy = {**tie, "weight": 2}
        self.refused(await client.post("/research/relationships", json=heavy), 422, "body.weight")
        assert await self.events(research) == before


def profile_etag(profile: dict[str, Any]) -> str:
    return f'"{profile["version"]}"'
