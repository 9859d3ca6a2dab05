"""Engagement over HTTP, one test class for every database: the pipeline and its moves,
interactions and follow-ups, trust, ideas, commitments, capacity; bad input and stale
versions, which write nothing; and the reactions to scores through the real NATS JetStream.

Backends subclass `EngagementContract` and provide the `url` fixture."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio

from coalition.engagement.bootstrap import service as engagement_spec
from coalition.shared.contracts.scoring import Exclusion, PartnerScored
from coalition.shared.messaging.publisher import JetStreamPublisher
from tests.integration.inprocess import Running, running
from tests.support import bearer, eventually
from tests.unit.domain.histories import recorded

CAMPAIGN = "living-wage"
WHY = {"reason": "agreed at the outreach meeting"}


def entry_path(partner_id: str, campaign_id: str = CAMPAIGN) -> str:
    return f"/engagement/campaigns/{campaign_id}/partners/{partner_id}/engagement"


OUTREACH = f"/engagement/campaigns/{CAMPAIGN}/outreach"


class EngagementContract:
    @pytest_asyncio.fixture
    async def engagement(
        self, url: str, nats_url: str, unique_prefix: str, tmp_path: Path
    ) -> AsyncIterator[Running]:
        async with running(
            url, nats_url, unique_prefix, tmp_path, specs=(engagement_spec,)
        ) as system:
            yield system

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    async def events(system: Running) -> int:
        return len(await system.runtime.store.read_all())

    @staticmethod
    async def open_entry(system: Running, partner_id: str, **body: Any) -> dict[str, Any]:
        opened = await system.client.post(entry_path(partner_id), json={**WHY, **body})
        assert opened.status_code == 201, opened.text
        entry: dict[str, Any] = opened.json()
        return entry

    @staticmethod
    async def move(system: Running, partner_id: str, to: str, **headers: str) -> httpx.Response:
        return await system.client.post(
            f"{entry_path(partner_id)}/moves", json={"to_stage": to, **WHY}, headers=headers
        )

    @staticmethod
    def refused(answer: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
        assert answer.status_code == status, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        problem: dict[str, Any] = answer.json()
        if field is not None:
            named = [e["field"] for e in problem.get("errors", [])] + [problem.get("field")]
            assert field in named, problem
        return problem

    # -- the pipeline --------------------------------------------------------------------

    async def test_an_entry_opens_once_and_moves_as_the_table_allows(
        self, engagement: Running
    ) -> None:
        client = engagement.client
        entry = await self.open_entry(engagement, "unite", owner_id="staff:maria")
        assert (entry["stage"], entry["owner_id"], entry["version"]) == (
            "identified",
            "staff:maria",
            1,
        )
        again = await client.post(entry_path("unite"), json=WHY)
        self.refused(again, 409, "partner_id")
        got = await client.get(entry_path("unite"))
        assert got.headers["ETag"] == '"1"'
        for stage in ("prioritised", "contacted", "in_dialogue"):
            moved = await self.move(engagement, "unite", stage)
            assert moved.status_code == 200, moved.text
            assert moved.headers["ETag"] == f'"{moved.json()["version"]}"'
        before = await self.events(engagement)
        backwards = self.refused(await self.move(engagement, "unite", "identified"), 409)
        assert backwards["field"] == "body.to_stage"
        assert "allowed" in backwards
        self.refused(await self.move(engagement, "unite", "in_dialogue"), 409, "body.to_stage")
        assert await self.events(engagement) == before
        entry = (await client.get(entry_path("unite"))).json()
        assert entry["stage"] == "in_dialogue"
        assert [m["to_stage"] for m in entry["moves"]] == [
            "prioritised",
            "contacted",
            "in_dialogue",
        ]
        assert all(m["reason"] == WHY["reason"] and m["actor"] for m in entry["moves"])
        self.refused(await client.get(entry_path("nobody")), 404)

    async def test_skipping_stages_takes_a_lead_and_a_reason(self, engagement: Running) -> None:
        await self.open_entry(engagement, "gmb")
        staff = await engagement.key_for(CAMPAIGN)
        before = await self.events(engagement)
        skip = self.refused(
            await self.move(engagement, "gmb", "committed", **bearer(staff)), 403, "body.to_stage"
        )
        assert "skips" in skip["detail"]
        unsaid = await engagement.client.post(
            f"{entry_path('gmb')}/moves", json={"to_stage": "committed"}
        )
        self.refused(unsaid, 422, "body.reason")
        assert await self.events(engagement) == before
        lead = await engagement.key_for(CAMPAIGN, scopes=("*:write", "engagement:lead"))
        skipped = await self.move(engagement, "gmb", "committed", **bearer(lead))
        assert skipped.status_code == 200, skipped.text
        [move] = skipped.json()["moves"]
        assert move["skipped"] == ["prioritised", "contacted", "in_dialogue", "interested"]
        assert move["actor"] == await engagement.actor_of(lead)

    async def test_another_campaigns_key_sees_nothing(self, engagement: Running) -> None:
        await self.open_entry(engagement, "unison")
        outsider = await engagement.key_for("clean-air")
        before = await self.events(engagement)
        self.refused(
            await engagement.client.get(entry_path("unison"), headers=bearer(outsider)), 403
        )
        moved = await self.move(engagement, "unison", "prioritised", **bearer(outsider))
        self.refused(moved, 403)
        assert await self.events(engagement) == before

    # -- dialogue ------------------------------------------------------------------------

    async def test_interactions_follow_ups_trust_ideas_and_commitments(
        self, engagement: Running
    ) -> None:
        client = engagement.client
        base = entry_path("unite")
        await self.open_entry(engagement, "unite")
        meeting = {
            "kind": "meeting",
            "occurred_on": "2026-11-01",
            "our_participants": ["staff:maria"],
            "their_participants": ["civicrm:1001"],
            "summary": "Met the general secretary.",
            "interests": ["pay"],
            "concerns": ["timing"],
            "follow_ups": [
                {"what": "Send the brief", "due_on": "2026-11-05", "owner_id": "staff:maria"},
                {"what": "Call back", "due_on": "2026-11-10", "owner_id": "staff:li"},
                {"what": "Invite to rally", "due_on": "2099-01-01", "owner_id": "staff:li"},
            ],
            **WHY,
        }
        recorded_meeting = await client.post(f"{base}/interactions", json=meeting)
        assert recorded_meeting.status_code == 201, recorded_meeting.text
        entry = recorded_meeting.json()
        [interaction] = entry["interactions"]
        assert interaction["their_participants"] == ["civicrm:1001"]
        follow_ups = {f["what"]: f for f in entry["follow_ups"]}
        done = await client.post(
            f"{base}/follow-ups/{follow_ups['Send the brief']['follow_up_id']}/completion",
            json={"completed_on": "2026-11-04", **WHY},
        )
        assert done.status_code == 200, done.text
        listing = f"/engagement/campaigns/{CAMPAIGN}/follow-ups"
        overdue = (await client.get(listing, params={"as_of": "2026-11-25"})).json()
        assert [d["follow_up"]["what"] for d in overdue["items"]] == ["Call back"]
        assert overdue["items"][0]["overdue"] is True
        pages, cursor = [], None
        while True:
            params: dict[str, Any] = {"status": "all", "limit": 1}
            if cursor:
                params["cursor"] = cursor
            page = (await client.get(listing, params=params)).json()
            pages += [d["follow_up"]["what"] for d in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert pages == ["Send the brief", "Call back", "Invite to rally"]
        mine = await client.get(listing, params={"status": "open", "owner_id": "staff:li"})
        assert len(mine.json()["items"]) == 2

        for day, scores in (("2026-11-01", (2, 3, 3)), ("2026-11-20", (3, 2, 4))):
            openness, reliability, support = scores
            assessed = await client.post(
                f"{base}/trust-assessments",
                json={
                    "interaction_id": interaction["interaction_id"],
                    "assessed_on": day,
                    "openness": openness,
                    "reliability": reliability,
                    "mission_support": support,
                    "note": "frank",
                    **WHY,
                },
            )
            assert assessed.status_code == 201, assessed.text
        trend = (await client.get(f"{base}/trust")).json()
        by = {t["dimension"]: t for t in trend["trend"]}
        assert by["openness"]["direction"] == "rising"
        assert by["reliability"]["change"] == -1
        assert [a["assessed_on"] for a in trend["assessments"]] == ["2026-11-01", "2026-11-20"]

        idea = await client.post(
            f"{base}/ideas",
            json={
                "kind": "joint_action",
                "title": "A joint rally",
                "interaction_id": interaction["interaction_id"],
                "with_partners": ["gmb"],
                "synergy": "members+venue",
                **WHY,
            },
        )
        assert idea.status_code == 201, idea.text
        assert idea.json()["ideas"][0]["synergy"] == "members+venue"

        commitment = {"what": "Turn out 200 members", "resources": ["members"], **WHY}
        early = await client.post(f"{base}/commitments", json=commitment)
        self.refused(early, 409, "stage")
        for stage in ("prioritised", "contacted", "in_dialogue"):
            assert (await self.move(engagement, "unite", stage)).status_code == 200
        made = await client.post(f"{base}/commitments", json=commitment)
        assert made.status_code == 201, made.text
        [standing] = made.json()["commitments"]
        assert standing["status"] == "standing"
        history = await engagement.runtime.store.read_stream("engagement-living-wage.unite")
        [event] = [e for e in history if e.event_type == "CommitmentMade"]
        assert {k: event.payload[k] for k in ("partner_id", "campaign_id", "resources")} == {
            "partner_id": "unite",
            "campaign_id": CAMPAIGN,
            "resources": ["members"],
        }
        withdrawn = await client.post(
            f"{base}/commitments/{standing['commitment_id']}/withdrawal", json=WHY
        )
        assert withdrawn.json()["commitments"][0]["status"] == "withdrawn"
        again = await client.post(
            f"{base}/commitments/{standing['commitment_id']}/withdrawal", json=WHY
        )
        self.refused(again, 409)

    # -- outreach capacity and settings ----------------------------------------------------

    async def test_capacity_is_set_per_staff_member_and_bounds_their_entries(
        self, engagement: Running
    ) -> None:
        client = engagement.client
        capacity = await client.put(
            f"{OUTREACH}/staff/staff:maria/capacity", json={"max_partners": 1, **WHY}
        )
        assert capacity.status_code == 200, capacity.text
        assert capacity.json()["total_capacity"] == 1
        await client.put(f"{OUTREACH}/staff/staff:li/capacity", json={"max_partners": 3, **WHY})
        await self.open_entry(engagement, "unite", owner_id="staff:maria")
        await self.open_entry(engagement, "gmb")
        before = await self.events(engagement)
        full = await client.put(
            f"{entry_path('gmb')}/owner", json={"owner_id": "staff:maria", **WHY}
        )
        self.refused(full, 409, "body.owner_id")
        assert await self.events(engagement) == before
        owned = await client.put(f"{entry_path('gmb')}/owner", json={"owner_id": "staff:li", **WHY})
        assert owned.json()["owner_id"] == "staff:li"
        loads = (await client.get(f"{OUTREACH}/staff")).json()
        assert [
            (s["staff_id"], s["max_partners"], s["active"], s["spare"]) for s in loads["items"]
        ] == [
            ("staff:li", 3, 1, 2),
            ("staff:maria", 1, 1, 0),
        ]
        first = (await client.get(f"{OUTREACH}/staff", params={"limit": 1})).json()
        assert first["next_cursor"] == "staff:li"
        rest = await client.get(f"{OUTREACH}/staff", params={"cursor": first["next_cursor"]})
        assert [s["staff_id"] for s in rest.json()["items"]] == ["staff:maria"]
        settings = (await client.get(OUTREACH)).json()
        assert (settings["auto_open"], settings["total_capacity"]) == (False, 4)
        history = await engagement.runtime.store.read_stream(f"outreach-{CAMPAIGN}")
        assert [e.payload["max_partners"] for e in history] == [1, 3]

    # -- bad input and stale versions --------------------------------------------------------

    async def test_bad_input_writes_nothing_and_names_the_field(self, engagement: Running) -> None:
        client = engagement.client
        await self.open_entry(engagement, "unite")
        base = entry_path("unite")
        before = await self.events(engagement)
        self.refused(await self.move(engagement, "unite", "won"), 422, "body.to_stage")
        self.refused(
            await client.post(base.replace("unite", "gmb"), json={"stage": "committed", **WHY}),
            422,
            "body.stage",
        )
        call = {"kind": "call", "occurred_on": "2026-11-01", "summary": "Hello", **WHY}
        self.refused(
            await client.post(f"{base}/interactions", json={**call, "kind": "fax"}),
            422,
            "body.kind",
        )
        self.refused(
            await client.post(f"{base}/interactions", json={**call, "occurred_on": "yesterday"}),
            422,
            "body.occurred_on",
        )
        self.refused(
            await client.post(f"{base}/interactions", json={**call, "summary": " "}),
            422,
            "body.summary",
        )
        self.refused(
            await client.post(f"{base}/interactions", json={**call, "mood": "good"}),
            422,
            "body.mood",
        )
        trust = {
            "interaction_id": "nope",
            "openness": 5,
            "reliability": 1,
            "mission_support": 1,
            **WHY,
        }
        self.refused(
            await client.post(f"{base}/trust-assessments", json=trust), 422, "body.openness"
        )
        self.refused(
            await client.post(f"{base}/trust-assessments", json={**trust, "openness": 2}),
            409,
            "body.interaction_id",
        )
        self.refused(
            await client.put(
                f"{OUTREACH}/staff/staff:li/capacity", json={"max_partners": -1, **WHY}
            ),
            422,
            "body.max_partners",
        )
        self.refused(
            await client.put(f"{OUTREACH}/auto-open", json={"enabled": "yes", **WHY}),
            422,
            "body.enabled",
        )
        self.refused(await client.post(f"{base}/follow-ups/none/completion", json=WHY), 404)
        assert await self.events(engagement) == before

    async def test_a_stale_version_gets_409_with_the_entry_as_it_now_is(
        self, engagement: Running
    ) -> None:
        await self.open_entry(engagement, "unite")
        moved = await self.move(engagement, "unite", "prioritised", **{"If-Match": '"1"'})
        assert moved.status_code == 200
        before = await self.events(engagement)
        stale = await self.move(engagement, "unite", "contacted", **{"If-Match": '"1"'})
        problem = self.refused(stale, 409)
        assert problem["type"].endswith("/version-conflict")
        assert (problem["expected_version"], problem["current_version"]) == (1, 2)
        assert problem["current"]["stage"] == "prioritised"
        assert problem["current"]["version"] == 2
        assert await self.events(engagement) == before

    async def test_stale_settings_get_409_with_the_settings_as_they_now_are(
        self, engagement: Running
    ) -> None:
        client = engagement.client
        first = await client.put(
            f"{OUTREACH}/auto-open", json={"enabled": True, **WHY}, headers={"If-Match": '"0"'}
        )
        assert first.status_code == 200, first.text
        assert first.headers["ETag"] == '"1"'
        stale = await client.put(
            f"{OUTREACH}/staff/staff:li/capacity",
            json={"max_partners": 2, **WHY},
            headers={"If-Match": '"0"'},
        )
        problem = self.refused(stale, 409)
        assert problem["current"]["auto_open"] is True
        assert problem["current_version"] == 1

    async def test_a_retried_post_with_its_idempotency_key_records_once(
        self, engagement: Running
    ) -> None:
        await self.open_entry(engagement, "unite")
        call = {"kind": "call", "occurred_on": "2026-11-01", "summary": "Hello", **WHY}
        headers = {"Idempotency-Key": "call-2026-11-01-unite"}
        url = f"{entry_path('unite')}/interactions"
        first = await engagement.client.post(url, json=call, headers=headers)
        again = await engagement.client.post(url, json=call, headers=headers)
        assert (first.status_code, again.status_code) == (201, 201)
        assert again.json() == first.json()
        assert len(again.json()["interactions"]) == 1

    async def test_two_writers_at_one_version_one_wins_one_gets_the_current_entry(
        self, engagement: Running
    ) -> None:
        await self.open_entry(engagement, "unite")
        client = engagement.client
        answers = await asyncio.gather(
            self.move(engagement, "unite", "prioritised", **{"If-Match": '"1"'}),
            client.put(
                f"{entry_path('unite')}/owner",
                json={"owner_id": "staff:li", **WHY},
                headers={"If-Match": '"1"'},
            ),
        )
        assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
        [won] = [a for a in answers if a.status_code == 200]
        [lost] = [a for a in answers if a.status_code == 409]
        assert lost.json()["current"] == won.json()
        assert (await client.get(entry_path("unite"))).json()["version"] == 2

    # -- reactions to scores, through the broker ----------------------------------------------

    @staticmethod
    async def publish_score(system: Running, **fields: Any) -> None:
        """A `PartnerScored` on the real stream, as scoring's relay would publish it."""
        values: dict[str, Any] = {
            "campaign_id": CAMPAIGN,
            "score": 0.8,
            "components": {},
            "model": "m",
            "model_version": 1,
            "inputs": [],
            **fields,
        }
        event = recorded(PartnerScored.model_validate(values), 1, stream_id="score-x")
        settings = system.runtime.settings
        publisher = JetStreamPublisher(
            system.runtime.broker,
            service="scoring",
            stream=settings.stream_name,
            prefix=settings.subject_prefix,
        )
        await publisher(event)

    @staticmethod
    async def stage_of(system: Running, partner_id: str) -> str | None:
        answer = await system.client.get(entry_path(partner_id))
        return str(answer.json()["stage"]) if answer.status_code == 200 else None

    async def test_a_recommended_partner_enters_the_pipeline_only_with_auto_open_on(
        self, engagement: Running
    ) -> None:
        await self.publish_score(engagement, partner_id="off", recommended=True)
        turned_on = await engagement.client.put(
            f"{OUTREACH}/auto-open", json={"enabled": True, **WHY}
        )
        assert turned_on.json()["auto_open"] is True
        await self.publish_score(engagement, partner_id="not-recommended")
        await self.publish_score(engagement, partner_id="on", recommended=True, score=0.83)
        assert await eventually(lambda: self.stage_of(engagement, "on")) == "prioritised"
        entry = (await engagement.client.get(entry_path("on"))).json()
        assert entry["score"] == 0.83
        assert await self.stage_of(engagement, "off") is None
        assert await self.stage_of(engagement, "not-recommended") is None
        [opened] = await engagement.runtime.store.read_stream("engagement-living-wage.on")
        assert opened.metadata.actor == "service:engagement"
        assert opened.metadata.causation_id is not None
        # Scored again: the entry stays as it is.
        await self.publish_score(engagement, partner_id="on", recommended=True, score=0.9)
        await self.publish_score(engagement, partner_id="later", recommended=True)
        await eventually(lambda: self.stage_of(engagement, "later"))
        assert len(await engagement.runtime.store.read_stream("engagement-living-wage.on")) == 1

    async def test_a_deal_breaker_found_later_pauses_the_entry_with_its_explanation(
        self, engagement: Running
    ) -> None:
        await self.open_entry(engagement, "lender")
        await self.move(engagement, "lender", "prioritised")
        exclusion = Exclusion(
            deal_breaker_id="no-lenders",
            rule="funded_by",
            explanation="funded by the Payday Lenders Association",
        )
        await self.publish_score(
            engagement,
            partner_id="lender",
            score=0.0,
            excluded=True,
            exclusions=[exclusion.model_dump()],
        )

        async def paused() -> dict[str, Any] | None:
            entry: dict[str, Any] = (await engagement.client.get(entry_path("lender"))).json()
            return entry if entry["stage"] == "paused" else None

        entry = await eventually(paused)
        move = entry["moves"][-1]
        assert move["actor"] == "service:engagement"
        assert "funded by the Payday Lenders Association" in move["reason"]
        assert entry["paused_from"] == "prioritised"
        resumed = await self.move(engagement, "lender", "prioritised")
        assert resumed.json()["stage"] == "prioritised"
