"""Agreements over HTTP, one test class for every database: drafting, amending, sending and
signing (concurrently too), renewing, suspending, terminating, reviewing; the document each
signature's hash is of; bad input and stale versions, which write nothing; and, through the
real NATS JetStream, a commitment made in engagement that ends as an agreement in force.

Backends subclass `AgreementContract` and provide the `url` fixture (a `{service}` template:
agreement and engagement each keep their own store)."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest_asyncio

from coalition.agreement.bootstrap import service as agreement_spec
from coalition.agreement.service_layer import handlers
from coalition.engagement.bootstrap import service as engagement_spec
from coalition.projections.bootstrap import service as projections_spec
from coalition.shared.contracts.research.campaign import ObjectiveSet
from coalition.shared.messaging.publisher import JetStreamPublisher
from tests.integration.inprocess import Running, running
from tests.support import eventually
from tests.unit.domain.histories import recorded

CAMPAIGN = "clean-air"
WHY = {"reason": "agreed at the steering group"}


def draft_body(parties: list[str] | None = None, **changes: Any) -> dict[str, Any]:
    return {
        "campaign_id": CAMPAIGN,
        "title": "Clean air pact",
        "parties": parties or ["p1", "p2"],
        "terms": "1. We campaign together.\n2. We share our lists.",
        "goals": [{"goal_id": "g1", "statement": "Pass the clean air bill"}],
        "responsibilities": [
            {
                "responsibility_id": "r1",
                "party_id": "p1",
                "task": "Organise the rally",
                "deliverable": "A rally of 500 people",
                "due_on": "2026-06-01",
            },
            {
                "responsibility_id": "r2",
                "party_id": CAMPAIGN,
                "task": "Brief the press",
                "deliverable": "Three briefings",
            },
        ],
        "channels": [{"medium": "Steering call", "cadence": "monthly"}],
        "decision_rule": {"rule": "majority", "majority": 0.66},
        "starts_on": "2026-03-01",
        "ends_on": "2027-02-28",
        "review_every_days": 90,
        **WHY,
        **changes,
    }


def content_body() -> dict[str, Any]:
    """The draft's content, restated as an amendment does."""
    body = draft_body()
    del body["campaign_id"], body["reason"]
    return body


class AgreementContract:
    @pytest_asyncio.fixture
    async def system(
        self, url: str, nats_url: str, unique_prefix: str, tmp_path: Path
    ) -> AsyncIterator[Running]:
        async with running(
            url,
            nats_url,
            unique_prefix,
            tmp_path,
            specs=(agreement_spec, engagement_spec, projections_spec),
            relay_poll_seconds=0.1,
        ) as system:
            yield system

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    async def events(system: Running) -> list[str]:
        return [e.event_type for e in await system.runtime.store.read_all()]

    @staticmethod
    async def drafted(system: Running, **body: Any) -> dict[str, Any]:
        answer = await system.client.post("/agreement/agreements", json=draft_body(**body))
        assert answer.status_code == 201, answer.text
        agreement: dict[str, Any] = answer.json()
        assert answer.headers["Location"] == f"agreements/{agreement['agreement_id']}"
        return agreement

    @staticmethod
    async def act(
        system: Running, agreement_id: str, action: str, body: dict[str, Any], **headers: str
    ) -> httpx.Response:
        return await system.client.post(
            f"/agreement/agreements/{agreement_id}/{action}", json={**WHY, **body}, headers=headers
        )

    async def sign(
        self, system: Running, agreement: dict[str, Any], party: str, **extra: Any
    ) -> httpx.Response:
        body = {
            "partner_id": party,
            "signatory": f"Chair of {party}",
            "terms_hash": agreement["terms_hash"],
            **extra,
        }
        return await self.act(system, agreement["agreement_id"], "signatures", body)

    async def in_force(self, system: Running, parties: list[str] | None = None) -> dict[str, Any]:
        agreement = await self.drafted(system, parties=parties)
        sent = await self.act(system, agreement["agreement_id"], "signature-requests", {})
        assert sent.status_code == 200, sent.text
        for party in agreement["parties"]:
            signed = await self.sign(system, agreement, party)
            assert signed.status_code == 200, signed.text
        body: dict[str, Any] = signed.json()
        assert body["status"] == "in_force"
        return body

    @staticmethod
    def refused(answer: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
        assert answer.status_code == status, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        problem: dict[str, Any] = answer.json()
        if field is not None:
            named = [e["field"] for e in problem.get("errors", [])] + [problem.get("field")]
            assert field in named, problem
        return problem

    # -- the lifecycle -------------------------------------------------------------------

    async def test_drafted_sent_signed_by_each_party_then_in_force(self, system: Running) -> None:
        client = system.client
        agreement = await self.drafted(system)
        aid = agreement["agreement_id"]
        assert (agreement["status"], agreement["current_version"], agreement["version"]) == (
            "drafted",
            1,
            1,
        )
        early = self.refused(await self.sign(system, agreement, "p1"), 409)
        assert "not been sent" in early["detail"]
        sent = await self.act(system, aid, "signature-requests", {"sign_by": "2026-03-15"})
        assert sent.status_code == 200, sent.text
        assert (sent.json()["status"], sent.json()["awaiting"]) == (
            "sent_for_signature",
            ["p1", "p2"],
        )
        first = await self.sign(system, agreement, "p1")
        assert first.status_code == 200, first.text
        assert first.json()["awaiting"] == ["p2"]
        twice = self.refused(await self.sign(system, agreement, "p1"), 409)
        assert "already signed" in twice["detail"]
        outsider = self.refused(await self.sign(system, agreement, "p9"), 409)
        assert "not a party" in outsider["detail"]
        last = await self.sign(system, agreement, "p2")
        assert last.status_code == 200, last.text
        body = last.json()
        assert (body["status"], body["in_force_version"], body["in_force_until"]) == (
            "in_force",
            1,
            "2027-02-28",
        )
        assert body["signed_by"] == {"p1": "Chair of p1", "p2": "Chair of p2"}
        assert last.headers["ETag"] == f'"{body["version"]}"'
        assert await self.events(system) == [
            "AgreementDrafted",
            "AgreementSentForSignature",
            "PartySigned",
            "PartySigned",
            "AgreementSigned",
        ]
        signatures = (await client.get(f"/agreement/agreements/{aid}/signatures")).json()
        assert {s["partner_id"]: s["terms_hash"] for s in signatures} == {
            "p1": agreement["terms_hash"],
            "p2": agreement["terms_hash"],
        }

    async def test_the_document_signed_can_be_fetched_and_its_hash_checked(
        self, system: Running
    ) -> None:
        agreement = await self.in_force(system)
        aid = agreement["agreement_id"]
        fetched = await system.client.get(f"/agreement/agreements/{aid}/versions/1/document")
        assert fetched.status_code == 200, fetched.text
        assert fetched.headers["content-type"] == "application/json"
        digest = hashlib.sha256(fetched.content).hexdigest()
        assert digest == agreement["terms_hash"] == fetched.headers["X-Terms-Hash"]
        recorded = [
            e.payload["terms_hash"]
            for e in await system.runtime.store.read_all()
            if e.event_type == "PartySigned"
        ]
        assert recorded == [digest, digest]
        assert fetched.json()["content"]["terms"] == draft_body()["terms"]
        missing = await system.client.get(f"/agreement/agreements/{aid}/versions/2/document")
        self.refused(missing, 404)

    async def test_an_amendment_has_a_diff_and_supersedes_the_version_signed_before(
        self, system: Running
    ) -> None:
        client = system.client
        agreement = await self.drafted(system)
        aid = agreement["agreement_id"]
        await self.act(system, aid, "signature-requests", {})
        assert (await self.sign(system, agreement, "p1")).status_code == 200
        amended = await self.act(
            system,
            aid,
            "amendments",
            {**content_body(), "proposed_by": "p2", "terms": "1. We campaign together."},
        )
        assert amended.status_code == 201, amended.text
        version = amended.json()
        assert version["version"] == 2 and version["proposed_by"] == "p2"
        assert [c["path"] for c in version["changes"]] == ["terms"]
        assert "-2. We share our lists." in version["changes"][0]["unified_diff"]
        location = urljoin(str(amended.url), amended.headers["Location"])
        assert location.endswith(f"/agreement/agreements/{aid}/versions/2")
        assert (await client.get(location)).json() == version

        await self.act(system, aid, "signature-requests", {})
        stale = self.refused(await self.sign(system, agreement, "p2", version=1), 409)
        assert stale["version"] == 2 and stale["terms_hash"] == version["terms_hash"]
        now = (await client.get(f"/agreement/agreements/{aid}")).json()
        assert (now["status"], now["awaiting"]) == ("sent_for_signature", ["p1", "p2"])
        for party in ("p1", "p2"):
            signed = await self.sign(
                system, {**agreement, "terms_hash": version["terms_hash"]}, party
            )
            assert signed.status_code == 200, signed.text
        assert signed.json()["in_force_version"] == 2
        versions = (await client.get(f"/agreement/agreements/{aid}/versions?limit=1")).json()
        assert [v["version"] for v in versions["items"]] == [1] and versions["next_cursor"] == "1"
        rest = await client.get(f"/agreement/agreements/{aid}/versions?cursor=1")
        assert [v["signed_by"] for v in rest.json()["items"]] == [
            {"p1": "Chair of p1", "p2": "Chair of p2"}
        ]

    async def test_a_stale_if_match_or_a_broken_rule_writes_nothing(self, system: Running) -> None:
        agreement = await self.drafted(system)
        aid = agreement["agreement_id"]
        before = await self.events(system)
        stale = await self.act(system, aid, "signature-requests", {}, **{"If-Match": '"7"'})
        self.refused(stale, 412)
        self.refused(
            await self.act(
                system, aid, "termination", {"terminated_by": "p1", "effective_on": "2026-05-01"}
            ),
            409,
        )
        self.refused(await self.act(system, aid, "renewals", {"ends_on": "2028-01-01"}), 409)
        self.refused(await self.act(system, aid, "resumption", {}), 409)
        assert await self.events(system) == before
        fresh = await self.act(system, aid, "signature-requests", {}, **{"If-Match": '"1"'})
        assert fresh.status_code == 200, fresh.text

    async def test_bad_input_is_a_problem_naming_the_field(self, system: Running) -> None:
        """Against the schema: 422; against a rule of the content: 409; each names the field."""
        client = system.client
        cases = [
            (draft_body(parties=["p1", "p1"]), "body.parties"),
            (draft_body(parties=[CAMPAIGN]), "body.parties"),
            (
                draft_body(
                    responsibilities=[
                        {
                            "responsibility_id": "r1",
                            "party_id": "p7",
                            "task": "t",
                            "deliverable": "d",
                        }
                    ]
                ),
                "body.responsibilities[0].party_id",
            ),
            (
                draft_body(decision_rule={"rule": "lead_organisation"}),
                "body.decision_rule.lead_party_id",
            ),
            (draft_body(ends_on="2026-02-01"), "body.ends_on"),
            (draft_body(commitments=["p1/k404"]), "body.commitments[0]"),
        ]
        for body, field in cases:
            self.refused(await client.post("/agreement/agreements", json=body), 409, field)
        schema = await client.post("/agreement/agreements", json=draft_body(starts_on="soon"))
        self.refused(schema, 422, "body.starts_on")
        assert await self.events(system) == []
        self.refused(await client.get("/agreement/agreements/nope"), 404)

    async def test_concurrent_signatures_all_count_and_bring_it_into_force_once(
        self, system: Running
    ) -> None:
        parties = [f"p{i}" for i in range(1, 9)]
        agreement = await self.drafted(system, parties=parties)
        aid = agreement["agreement_id"]
        await self.act(system, aid, "signature-requests", {})
        answers = await asyncio.gather(*(self.sign(system, agreement, p) for p in parties))
        assert [a.status_code for a in answers] == [200] * len(parties), [a.text for a in answers]
        types = await self.events(system)
        assert types.count("PartySigned") == len(parties)
        assert types.count("AgreementSigned") == 1 and types[-1] == "AgreementSigned"
        final = (await system.client.get(f"/agreement/agreements/{aid}")).json()
        assert final["status"] == "in_force" and set(final["signed_by"]) == set(parties)

    async def test_one_party_signing_twice_at_once_signs_once(self, system: Running) -> None:
        agreement = await self.drafted(system, parties=["p1", "p2", "p3"])
        await self.act(system, agreement["agreement_id"], "signature-requests", {})
        answers = await asyncio.gather(*(self.sign(system, agreement, "p2") for _ in range(4)))
        assert sorted(a.status_code for a in answers) == [200, 409, 409, 409]
        assert (await self.events(system)).count("PartySigned") == 1

    async def test_renewed_suspended_resumed_terminated_and_withdrawn(
        self, system: Running
    ) -> None:
        agreement = await self.in_force(system)
        aid = agreement["agreement_id"]
        renewed = await self.act(system, aid, "renewals", {"ends_on": "2028-02-29"})
        assert renewed.json()["in_force_until"] == "2028-02-29", renewed.text
        earlier = await self.act(system, aid, "renewals", {"ends_on": "2027-01-01"})
        self.refused(earlier, 409, "body.ends_on")
        suspended = await self.act(system, aid, "suspension", {"requested_by": "p2"})
        assert suspended.json()["status"] == "suspended", suspended.text
        resumed = await self.act(system, aid, "resumption", {})
        assert resumed.json()["status"] == "in_force", resumed.text
        ended = await self.act(
            system,
            aid,
            "termination",
            {"terminated_by": CAMPAIGN, "effective_on": date.today().isoformat()},
        )
        assert (ended.json()["status"], ended.json()["closed_on"]) == (
            "terminated",
            date.today().isoformat(),
        )
        self.refused(await self.act(system, aid, "suspension", {"requested_by": "p2"}), 409)
        draft = await self.drafted(system)
        withdrawn = await self.act(system, draft["agreement_id"], "withdrawal", {})
        assert withdrawn.json()["status"] == "withdrawn", withdrawn.text
        listed = await system.client.get(f"/agreement/campaigns/{CAMPAIGN}/agreements")
        assert [a["status"] for a in listed.json()["items"]] == ["terminated", "withdrawn"]
        only = await system.client.get(
            f"/agreement/campaigns/{CAMPAIGN}/agreements?status=withdrawn"
        )
        assert [a["agreement_id"] for a in only.json()["items"]] == [draft["agreement_id"]]
        reasons = {e.event_type: e.metadata.reason for e in await system.runtime.store.read_all()}
        assert reasons["AgreementTerminated"] == WHY["reason"]

    async def test_an_agreement_past_its_end_expires_once(self, system: Running) -> None:
        agreement = await self.in_force(system)
        store = system.runtime.store
        assert await handlers.expire_due(store, date(2027, 2, 28)) == []
        assert await handlers.expire_due(store, date(2027, 3, 1)) == [agreement["agreement_id"]]
        assert await handlers.expire_due(store, date(2027, 3, 2)) == []
        expired = [e for e in await store.read_all() if e.event_type == "AgreementExpired"]
        assert len(expired) == 1
        assert expired[0].metadata.actor == "service:agreement"
        assert "2027-02-28" in (expired[0].metadata.reason or "")

    # -- reviews and attention -----------------------------------------------------------

    async def test_a_review_reports_delivered_against_promised_and_wilder_readings(
        self, system: Running
    ) -> None:
        client = system.client
        agreement = await self.in_force(system)
        aid = agreement["agreement_id"]
        review = {
            "period_from": "2026-03-01",
            "period_to": "2026-06-30",
            "deliverables": [
                {"responsibility_id": "r1", "status": "missed", "note": "Permit refused"},
                {"responsibility_id": "r2", "status": "delivered"},
            ],
            "feedback": [
                {"party_id": "p1", "ratings": {"clear_roles": 2, "shared_vision": 5.0}},
                {"party_id": CAMPAIGN, "ratings": {"clear_roles": 2}, "comment": "Roles unclear"},
            ],
            "impact": [{"objective_id": "o1", "value": 14, "note": "co-sponsors"}],
        }
        recorded = await self.act(system, aid, "reviews", review)
        assert recorded.status_code == 201, recorded.text
        body = recorded.json()
        assert (body["promised"], body["delivered"], body["missed"]) == (2, 1, ["r1"])
        assert {r["factor"]: r["reading"] for r in body["readings"]} == {
            "clear_roles": "concern",
            "shared_vision": "strength",
        }
        location = urljoin(str(recorded.url), recorded.headers["Location"])
        assert location.endswith(f"/agreement/agreements/{aid}/reviews/{body['review_id']}")
        again = await client.get(location)
        assert again.json() == body
        wrong = {**review, "deliverables": [{"responsibility_id": "r9", "status": "delivered"}]}
        self.refused(
            await self.act(system, aid, "reviews", wrong),
            409,
            "body.deliverables[0].responsibility_id",
        )
        rating = {**review, "feedback": [{"party_id": "p1", "ratings": {"clear_roles": 6}}]}
        self.refused(await self.act(system, aid, "reviews", rating), 422)
        flagged = await client.get(
            f"/agreement/campaigns/{CAMPAIGN}/agreements/attention?as_of=2026-07-01"
        )
        [entry] = flagged.json()
        assert {(a["flag"], a["subject"]) for a in entry["attention"]} >= {
            ("deliverable_missed", "r1"),
            ("collaboration_concern", "clear_roles"),
        }
        listed = await client.get(
            f"/agreement/campaigns/{CAMPAIGN}/agreements?needs_attention=true&as_of=2026-07-01"
        )
        assert [a["agreement_id"] for a in listed.json()["items"]] == [aid]

    # -- from engagement and research, through the broker ---------------------------------

    async def test_goals_and_impact_name_the_campaigns_objectives_once_known(
        self, system: Running
    ) -> None:
        client = system.client
        free = await self.drafted(system, goals=[{"goal_id": "g1", "statement": "s",
                                                  "objective_id": "anything"}])  # fmt: skip
        assert free["goals"][0]["objective_id"] == "anything"  # research has said nothing yet
        settings = system.runtime.settings
        publish = JetStreamPublisher(
            system.runtime.broker,
            service="research",
            stream=settings.stream_name,
            prefix=settings.subject_prefix,
        )
        objective = ObjectiveSet(
            campaign_id=CAMPAIGN,
            objective_id="pass-the-bill",
            title="Pass the clean air bill",
            priority="high",
            metric="votes",
            target=326,
        )
        await publish(recorded(objective, 1, stream_id=f"campaign-{CAMPAIGN}"))
        unknown = [{"goal_id": "g1", "statement": "s", "objective_id": "nope"}]

        async def refused() -> dict[str, Any] | None:
            answer = await client.post("/agreement/agreements", json=draft_body(goals=unknown))
            return answer.json() if answer.status_code == 409 else None

        problem = await eventually(refused)
        assert problem["field"] == "body.goals[0].objective_id"
        known = [{"goal_id": "g1", "statement": "s", "objective_id": "pass-the-bill"}]
        answer = await client.post("/agreement/agreements", json=draft_body(goals=known))
        assert answer.status_code == 201, answer.text

    # -- from engagement, through the broker ---------------------------------------------

    async def test_a_commitment_made_in_engagement_becomes_an_agreement_in_force(
        self, system: Running
    ) -> None:
        client = system.client
        entry = f"/engagement/campaigns/{CAMPAIGN}/partners/unite/engagement"
        assert (await client.post(entry, json={"stage": "prioritised", **WHY})).status_code == 201
        for stage in ("contacted", "in_dialogue"):
            moved = await client.post(f"{entry}/moves", json={"to_stage": stage, **WHY})
            assert moved.status_code == 200, moved.text
        made = await client.post(
            f"{entry}/commitments",
            json={"what": "Turn out members", "resources": ["500 members", "a bus"], **WHY},
        )
        assert made.status_code == 201, made.text
        commitments_url = f"/agreement/campaigns/{CAMPAIGN}/commitments?open=true"

        async def standing() -> list[dict[str, Any]] | None:
            found: list[dict[str, Any]] = (await client.get(commitments_url)).json()
            return found or None

        [commitment] = await eventually(standing)
        assert commitment["partner_id"] == "unite" and commitment["what"] == "Turn out members"

        agreement = await self.drafted(
            system, parties=["unite"], responsibilities=[], commitments=[commitment["ref"]]
        )
        assert agreement["resources"] == [
            {
                "party_id": "unite",
                "description": "Turn out members (500 members; a bus)",
                "commitment_id": commitment["commitment_id"],
            }
        ]
        assert (await client.get(commitments_url)).json() == []
        aid = agreement["agreement_id"]
        await self.act(system, aid, "signature-requests", {})
        signed = await self.sign(system, agreement, "unite")
        assert signed.json()["status"] == "in_force", signed.text
        # The whole story reached the projections through the broker, in order.

        async def projected() -> dict[str, Any] | None:
            row = await client.get("/projections/partners/unite")
            body: dict[str, Any] = row.json()
            done = row.status_code == 200 and body["agreement_status"] == "in_force"
            return body if done and body["stage"] == "committed" else None

        row = await eventually(projected)
        assert row["agreement_id"] == aid
        # Engagement committed the entry when the agreement came into force.
        moves = (await client.get(entry)).json()["moves"]
        assert (moves[-1]["to_stage"], moves[-1]["actor"]) == ("committed", "service:engagement")
        assert moves[-1]["skipped"] == ["interested"] and aid in moves[-1]["reason"]
        timeline = (await client.get("/projections/partners/unite/timeline")).json()
        types = [entry["event_type"] for entry in timeline["entries"]]
        wanted = ["CommitmentMade", "AgreementDrafted", "PartySigned", "AgreementSigned"]
        assert [t for t in types if t in wanted] == wanted
