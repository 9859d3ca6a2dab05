"""Scoring through the real broker, one test class for every database: research records a
campaign and its partners over REST; scoring takes the facts in from NATS JetStream, re-scores,
and answers over REST. A research change leads to a re-score; a model publishes and re-scores;
a what-if records nothing; replaying the logs reproduces every recorded score.

Backends subclass `ScoringContract` and provide the `url` fixture: a database URL template
with `{service}` (each service its own database)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio

from coalition.scoring.domain import facts as facts_model
from coalition.scoring.domain import model as models
from coalition.scoring.domain.rescore import rescore
from coalition.shared.contracts import catalogue
from coalition.shared.registry import select
from tests.integration.inprocess import Running, running
from tests.support import eventually

CAMPAIGN = "living-wage"
WHY = {"reason": "agreed at the steering group"}
BASE = f"/scoring/campaigns/{CAMPAIGN}"


class ScoringContract:
    @pytest_asyncio.fixture
    async def system(
        self, url: str, nats_url: str, unique_prefix: str, tmp_path: Path
    ) -> AsyncIterator[Running]:
        async with running(
            url,
            nats_url,
            unique_prefix,
            tmp_path,
            specs=select("research,scoring"),
            relay_poll_seconds=0.1,
        ) as system:
            client = system.client
            launched = await client.post(
                "/research/campaigns", json={"campaign_id": CAMPAIGN, "name": "LW", **WHY}
            )
            assert launched.status_code == 201, launched.text
            campaign = f"/research/campaigns/{CAMPAIGN}"
            for issue, stance in (("living-wage", "strongly_support"), ("housing", "support")):
                answer = await client.put(
                    f"{campaign}/positions/{issue}", json={"stance": stance, "weight": 1, **WHY}
                )
                assert answer.status_code == 200, answer.text
            needs = {"constituencies": [], "regions": ["North", "South"], "capabilities": ["legal"]}
            answer = await client.put(f"{campaign}/needs", json={**needs, **WHY})
            assert answer.status_code == 200, answer.text
            yield system

    @pytest_asyncio.fixture
    async def with_agreements(
        self, url: str, nats_url: str, unique_prefix: str, tmp_path: Path
    ) -> AsyncIterator[Running]:
        """Research, scoring and agreement: a campaign's history with signatures in it."""
        async with running(
            url,
            nats_url,
            unique_prefix,
            tmp_path,
            specs=select("research,scoring,agreement"),
            relay_poll_seconds=0.1,
        ) as system:
            client = system.client
            launched = await client.post(
                "/research/campaigns", json={"campaign_id": CAMPAIGN, "name": "LW", **WHY}
            )
            assert launched.status_code == 201, launched.text
            answer = await client.put(
                f"/research/campaigns/{CAMPAIGN}/positions/living-wage",
                json={"stance": "strongly_support", "weight": 1, **WHY},
            )
            assert answer.status_code == 200, answer.text
            answer = await client.put(
                f"/research/campaigns/{CAMPAIGN}/needs",
                json={"constituencies": [], "regions": ["North"], "capabilities": [], **WHY},
            )
            assert answer.status_code == 200, answer.text
            yield system

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    async def partner(client: httpx.AsyncClient, name: str, kind: str = "ngo", **more: Any) -> str:
        body = {"campaign_id": CAMPAIGN, "name": name, "kind": kind, **WHY, **more}
        created = await client.post("/research/partners", json=body)
        assert created.status_code == 201, created.text
        return str(created.json()["partner_id"])

    @staticmethod
    async def score(
        client: httpx.AsyncClient, partner_id: str, **expected: Any
    ) -> dict[str, Any] | None:
        answer = await client.get(f"{BASE}/partners/{partner_id}/score")
        if answer.status_code != 200:
            return None
        body: dict[str, Any] = answer.json()
        return body if all(body.get(k) == v for k, v in expected.items()) else None

    @classmethod
    async def alignment_is(
        cls, client: httpx.AsyncClient, partner_id: str, value: float
    ) -> dict[str, Any] | None:
        body = await cls.score(client, partner_id)
        return body if body and body["components"]["alignment"] == value else None

    @staticmethod
    async def settled(client: httpx.AsyncClient) -> dict[str, Any] | None:
        ranking: dict[str, Any] = (await client.get(f"{BASE}/scores", params={"limit": 500})).json()
        return None if ranking["rescore_pending"] else ranking

    # -- tests ---------------------------------------------------------------------------

    async def test_a_research_change_leads_to_a_rescore(self, system: Running) -> None:
        client = system.client
        unite = await self.partner(client, "Unite", "union", members=1_200_000, regions=["North"])
        first = await eventually(lambda: self.score(client, unite))
        assert first["version"] == 1
        assert first["components"]["alignment"] == 0.0  # nothing known yet: uncertainty
        assert first["model"] == "coalition-default" and first["model_version"] == 0
        names = [part["name"] for part in first["breakdown"]]
        assert names == ["influence", "alignment", "capacity", "complementarity", "risk"]
        assert first["quadrants"]["mendelow"] in {
            "manage closely",
            "keep satisfied",
            "keep informed",
            "monitor",
        }
        assert "coalition-default v0" in first["explanation"]

        stated = await client.put(
            f"/research/partners/{unite}/positions/living-wage",
            json={"stance": "strongly_support", "evidence": "TUC motion 2026", **WHY},
        )
        assert stated.status_code == 200, stated.text
        second = await eventually(lambda: self.score(client, unite, version=2))
        # weight 1 of 2 known and agreed: 0.5
        assert second["components"]["alignment"] == 0.5
        alignment = next(p for p in second["breakdown"] if p["name"] == "alignment")
        assert "TUC motion 2026" in alignment["evidence"][0]["fact"]
        assert second["score"] > first["score"]

        history = (await client.get(f"{BASE}/partners/{unite}/scores")).json()
        assert [item["version"] for item in history["items"]] == [1, 2]
        # the audit: who (the scoring service), why (the formula), what caused it
        scored = await system.runtimes["scoring"].store.read_stream(
            models.score_stream(CAMPAIGN, unite)
        )
        research = system.runtimes["research"].store
        cause = await research.get_event(scored[1].metadata.causation_id)  # type: ignore[arg-type]
        assert cause is not None and cause.event_type == "PartnerPositionRecorded"
        first_cause = await research.get_event(scored[0].metadata.causation_id)  # type: ignore[arg-type]
        assert first_cause is not None and first_cause.event_type == "PartnerIdentified"
        assert scored[0].metadata.correlation_id == first_cause.metadata.correlation_id

    async def test_a_deal_breaker_excludes_and_the_coalition_leaves_it_out(
        self, system: Running
    ) -> None:
        client = system.client
        party = await self.partner(client, "Labour", "party", regions=["North", "South"])
        lawyers = await self.partner(client, "Law Centre", expertise=["legal"])
        await eventually(lambda: self.score(client, lawyers))
        declared = await client.put(
            f"/research/campaigns/{CAMPAIGN}/deal-breakers/no-parties",
            json={"rule": {"rule": "is_kind", "kind": "party"}, **WHY},
        )
        assert declared.status_code == 200, declared.text
        excluded = await eventually(lambda: self.score(client, party, excluded=True))
        assert excluded["score"] == 0.0
        assert excluded["exclusions"][0]["deal_breaker_id"] == "no-parties"
        await eventually(lambda: self.settled(client))
        coalition = (await client.get(f"{BASE}/coalition")).json()
        members = [m["partner_id"] for m in coalition["members"]]
        assert lawyers in members and party not in members
        assert "region:north" in coalition["uncovered"]
        ranking = (await client.get(f"{BASE}/scores")).json()
        assert ranking["items"][-1]["partner_id"] == party  # the excluded come last
        only = (await client.get(f"{BASE}/scores", params={"excluded": "true"})).json()
        assert [item["partner_id"] for item in only["items"]] == [party]

    async def test_a_new_model_rescore_the_campaign_and_what_if_records_nothing(
        self, system: Running
    ) -> None:
        client = system.client
        ids = [await self.partner(client, f"Group {n}", members=10**n) for n in range(1, 4)]
        await eventually(lambda: self.score(client, ids[-1]))
        current = (await client.get(f"{BASE}/models/current")).json()
        assert current["version"] == 0 and not current["published"]

        store = system.runtimes["scoring"].store
        before = len(await store.read_all(limit=10_000))
        draft = {"rules": {"weights": {"influence": 1, "alignment": 0, "capacity": 0,
                                       "complementarity": 0}}}  # fmt: skip
        what_if = await client.post(f"{BASE}/what-if", json=draft)
        assert what_if.status_code == 200, what_if.text
        answer = what_if.json()
        assert answer["recorded"] is False and answer["candidates"] == 3
        assert answer["partners"][0]["partner_id"] == ids[-1]  # the most members
        assert all(p["current_score"] is not None for p in answer["partners"])
        assert len(await store.read_all(limit=10_000)) == before

        published = await client.post(
            f"{BASE}/models", json={"name": "reach-first", **draft, **WHY}
        )
        assert published.status_code == 201, published.text
        assert published.json()["version"] == 1 and published.headers["etag"] == '"1"'
        for partner_id in ids:
            rescored = await eventually(
                lambda pid=partner_id: self.score(client, pid, model="reach-first")  # type: ignore[misc]
            )
            assert rescored["score"] == rescored["components"]["influence"]
        stale = await client.post(
            f"{BASE}/models",
            json={"name": "again", **WHY},
            headers={"If-Match": '"0"'},
        )
        assert stale.status_code == 412, stale.text
        listed = (await client.get(f"{BASE}/models")).json()
        assert [m["version"] for m in listed["items"]] == [1]
        assert (await client.get(f"{BASE}/models/1")).json()["name"] == "reach-first"
        assert (await client.get(f"{BASE}/models/7")).status_code == 404

        zero = {"name": "nothing", "rules": {"weights": {"influence": 0, "alignment": 0,
                "capacity": 0, "complementarity": 0}}, **WHY}  # fmt: skip
        refused = await client.post(f"{BASE}/models", json=zero)
        assert refused.status_code == 422 and refused.json()["field"] == "body.rules.weights"
        unknown = await client.post(
            f"{BASE}/models",
            json={"name": "x", "rules": {"tie_weights": {"hates": 1}}, **WHY},
        )
        assert unknown.status_code == 422
        assert len(await store.read_all(limit=10_000)) == before + len(ids) + 2

    async def test_a_past_coalition_is_re_evaluated_beside_what_was_recorded_and_signed(
        self, with_agreements: Running
    ) -> None:
        """The story, by hand: a model choosing one partner; Alpha (strongly for the living
        wage) and Beta (for it) both cover the North, Alpha scores higher, so at T1 Alpha is
        recommended. Then a deal-breaker rules Alpha out and Beta is recommended (T2); then the
        campaign signs with Beta (T3)."""
        client = with_agreements.client
        one = {"name": "one-partner", "rules": {"coalition_size": 1}, **WHY}
        assert (await client.post(f"{BASE}/models", json=one)).status_code == 201
        alpha = await self.partner(client, "Alpha", regions=["North"])
        beta = await self.partner(client, "Beta", regions=["North"])
        for partner_id, stance in ((alpha, "strongly_support"), (beta, "support")):
            stated = await client.put(
                f"/research/partners/{partner_id}/positions/living-wage",
                json={"stance": stance, "evidence": "their manifesto", **WHY},
            )
            assert stated.status_code == 200, stated.text

        async def recommended(partner_id: str) -> dict[str, Any] | None:
            coalition = (await client.get(f"{BASE}/coalition")).json()
            members = [m["partner_id"] for m in coalition.get("members", [])]
            return coalition if members == [partner_id] and await self.settled(client) else None

        await eventually(lambda: recommended(alpha))
        t1 = datetime.now(UTC)
        score_at_t1 = (await client.get(f"{BASE}/partners/{alpha}/score")).json()["score"]

        await client.put(
            f"/research/campaigns/{CAMPAIGN}/deal-breakers/no-housing-opponents",
            json={"rule": {"rule": "opposes_issue", "issue": "housing", "stance_at_most": "oppose"},
                  **WHY},
        )  # fmt: skip
        opposed = await client.put(
            f"/research/partners/{alpha}/positions/housing",
            json={"stance": "strongly_oppose", "evidence": "their 2026 statement", **WHY},
        )
        assert opposed.status_code == 200, opposed.text
        await eventually(lambda: recommended(beta))
        t2 = datetime.now(UTC)

        drafted = await client.post(
            "/agreement/agreements",
            json={"campaign_id": CAMPAIGN, "title": "Pact", "parties": [beta],
                  "terms": "Together.", **WHY},
        )  # fmt: skip
        agreement = drafted.json()
        aid = agreement["agreement_id"]
        await client.post(f"/agreement/agreements/{aid}/signature-requests", json=WHY)
        signed = await client.post(
            f"/agreement/agreements/{aid}/signatures",
            json={"partner_id": beta, "signatory": "Chair", "terms_hash": agreement["terms_hash"],
                  **WHY},
        )  # fmt: skip
        assert signed.json()["status"] == "in_force", signed.text

        async def re_evaluated(**body: Any) -> dict[str, Any] | None:
            answer = await client.post(f"{BASE}/re-evaluations", json=body)
            assert answer.status_code == 200, answer.text
            found: dict[str, Any] = answer.json()
            return found if found["signed"] else None  # wait for the signature to arrive

        then = await eventually(lambda: re_evaluated(as_of=t1.isoformat(), model_version=1))
        assert then["model"] == "one-partner v1" and then["recorded"] is False
        assert then["would_recommend"] == [alpha]
        assert then["recorded_recommendation"] == [alpha]
        assert then["signed"] == [beta]
        assert (then["agreed"], then["signed_not_chosen"], then["missed"]) == ([], [beta], [alpha])
        by_id = {p["partner_id"]: p for p in then["partners"]}
        assert by_id[alpha]["recorded_score"] == score_at_t1 == by_id[alpha]["score"]
        assert by_id[alpha]["excluded"] is False and by_id[beta]["signed"] is True

        later = await re_evaluated(as_of=t2.isoformat(), model_version=1)
        assert later is not None
        assert later["would_recommend"] == [beta] and later["recorded_recommendation"] == [beta]
        assert (later["agreed"], later["missed"]) == ([beta], [])
        assert {p["partner_id"]: p["excluded"] for p in later["partners"]} == {
            alpha: True,
            beta: False,
        }

        draft = await re_evaluated(
            as_of=t1.isoformat(),
            rules={"coalition_size": 2},
            signed_until=datetime.now(UTC).isoformat(),
        )
        assert draft is not None and draft["model"] == "draft"
        assert draft["would_recommend"] == [alpha, beta]
        assert draft["newly_recommended"] == [beta] and draft["agreed"] == [beta]
        before_signing = await client.post(
            f"{BASE}/re-evaluations",
            json={"as_of": t1.isoformat(), "model_version": 1, "signed_until": t2.isoformat()},
        )
        assert before_signing.json()["signed"] == [] and before_signing.json()["missed"] == [alpha]
        both = await client.post(
            f"{BASE}/re-evaluations",
            json={"as_of": t1.isoformat(), "model_version": 1, "rules": {}},
        )
        assert both.status_code == 409 and both.json()["field"] == "body.rules"
        missing = await client.post(
            f"{BASE}/re-evaluations", json={"as_of": t1.isoformat(), "model_version": 9}
        )
        assert missing.status_code == 404

    async def test_replaying_the_logs_reproduces_every_recorded_score(
        self, system: Running
    ) -> None:
        client = system.client
        unite = await self.partner(client, "Unite", "union", members=900_000, regions=["North"])
        law = await self.partner(client, "Law Centre", expertise=["legal"], regions=["South"])
        mp = await client.post(
            "/research/stakeholders",
            json={"campaign_id": CAMPAIGN, "name": "A. Member", "kind": "policymaker", **WHY},
        )
        assert mp.status_code == 201, mp.text
        tie = {
            "campaign_id": CAMPAIGN,
            "source": {"type": "stakeholder", "id": mp.json()["stakeholder_id"]},
            "target": {"type": "partner", "id": unite},
            "relationship": "advises",
            "weight": 0.8,
            **WHY,
        }
        recorded_tie = await client.post("/research/relationships", json=tie)
        assert recorded_tie.status_code in (200, 201), recorded_tie.text
        await client.put(
            f"/research/partners/{law}/positions/housing",
            json={"stance": "oppose", "evidence": "a blog post", **WHY},
        )
        # opposes housing, which the campaign supports: 1 - 2/4 on one of two issues
        await eventually(lambda: self.alignment_is(client, law, 0.25))
        await client.post(f"{BASE}/models", json={"name": "v1", **WHY})
        await eventually(lambda: self.score(client, unite, model="v1"))
        await eventually(lambda: self.settled(client))

        research_log = await system.runtimes["research"].store.read_all(limit=10_000)
        scoring_store = system.runtimes["scoring"].store
        scoring_log = await scoring_store.read_all(limit=10_000)
        model_history = await scoring_store.read_stream(models.model_stream(CAMPAIGN))
        scores = [e for e in scoring_log if e.event_type == "PartnerScored"]
        # at least a first score of each under the default, and a re-score under v1
        assert {(e.payload["partner_id"], e.payload["model_version"]) for e in scores} == {
            (unite, 0),
            (law, 0),
            (unite, 1),
            (law, 1),
        }
        for recorded in scores:
            through = recorded.payload["inputs_through"]["research"]
            rows: dict[tuple[str, str], facts_model.FactRow] = {}
            for event in research_log:
                if event.position <= through:
                    service = catalogue.get(event.event_type).service
                    facts_model.fold(rows, event, service)
            assert facts_model.digest(rows.values()) == recorded.payload["facts_digest"]
            facts = facts_model.CampaignFacts.from_rows(CAMPAIGN, rows.values())
            chosen = models.version(model_history, recorded.payload["model_version"])
            again = rescore(facts, chosen, {}, None, inputs_through={}, facts_digest="")
            (same,) = [s for s in again.scores if s.partner_id == recorded.payload["partner_id"]]
            assert same.score == recorded.payload["score"]
            assert same.components == recorded.payload["components"]
            assert same.excluded == recorded.payload["excluded"]
            assert same.recommended == recorded.payload["recommended"]

    async def test_bad_input_is_refused_and_writes_nothing(self, system: Running) -> None:
        client = system.client
        store = system.runtimes["scoring"].store
        before = len(await store.read_all(limit=10_000))
        for answer, field in (
            (await client.post(f"{BASE}/models", json={"name": "x"}), "body.reason"),
            (
                await client.post(f"{BASE}/models", json={"name": "x", "bogus": 1, **WHY}),
                "body.bogus",
            ),
            (
                await client.post(f"{BASE}/what-if", json={"rules": {"risk_penalty": 2}}),
                "body.rules.risk_penalty",
            ),
            (await client.post(f"{BASE}/rescore", json={}), "body.reason"),
            (await client.get(f"{BASE}/scores", params={"cursor": "nonsense"}), "query.cursor"),
        ):
            assert answer.status_code == 422, answer.text
            assert answer.headers["content-type"] == "application/problem+json"
            problem = answer.json()
            named = [e["field"] for e in problem.get("errors", [])] + [problem.get("field")]
            assert field in named, problem
        missing = await client.get(f"{BASE}/partners/nobody/score")
        assert missing.status_code == 404
        assert len(await store.read_all(limit=10_000)) == before

    async def test_the_ranking_pages_through_every_candidate(self, system: Running) -> None:
        client = system.client
        ids = {await self.partner(client, f"Org {n}", members=n * 1000) for n in range(1, 8)}
        ranking = await eventually(lambda: self._complete(client, len(ids)))
        seen: list[str] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 3}
            if cursor:
                params["cursor"] = cursor
            page = (await client.get(f"{BASE}/scores", params=params)).json()
            seen += [item["partner_id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == [item["partner_id"] for item in ranking["items"]]
        assert set(seen) == ids
        scores = [item["score"] for item in ranking["items"]]
        assert scores == sorted(scores, reverse=True)

    async def _complete(self, client: httpx.AsyncClient, count: int) -> dict[str, Any] | None:
        ranking = await self.settled(client)
        return ranking if ranking and len(ranking["items"]) == count else None
