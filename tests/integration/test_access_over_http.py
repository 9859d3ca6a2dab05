"""Access control over HTTP on every endpoint, with all five services in this process (SQLite,
the real NATS): a key of one campaign can neither read nor change another's data; a read key
cannot write; no key, a wrong key or a revoked key gets 401; a key over its rate limit gets
429 with the RateLimit headers; a person's bearer token acts as that person; no credential
ever reaches a log or the event log.

The table of cases must name every operation of the OpenAPI document, so an endpoint added
later without a cross-campaign case fails here."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from coalition.agreement.domain.document import content_hash
from coalition.shared.access.tokens import BearerTokens
from coalition.shared.contracts.agreement import AgreementContent
from coalition.shared.registry import select
from tests.crm_standin.app import Crm
from tests.crm_standin.server import serving
from tests.integration.inprocess import Running, running
from tests.support import ADMIN_KEY, bearer, eventually, rebuild_read_models

pytestmark = [pytest.mark.nats, pytest.mark.asyncio(loop_scope="module")]

OURS, THEIRS = "living-wage", "clean-air"
TERMS = "The parties campaign together for a living wage in 2027."
JWT_SECRET = "a-shared-secret-for-people-s-bearer-tokens"
PUBLIC = {"/research/healthz", "/research/readyz"}
CRM_KEY = "access-suite-crm-standin-key-0001"


@dataclass
class World:
    system: Running
    insider: str  # a key of our campaign, writing everywhere
    outsider: str  # a key of another campaign, writing everywhere
    reader: str  # a key of our campaign, reading only
    partner_id: str
    agreement_id: str
    webhook_id: str
    spare_webhook_id: str  # the one the insider may delete
    delivery_id: str
    spare_partner_id: str  # the one the insider may archive
    stakeholder_id: str
    relationship_id: str
    duplicate_id: str  # a second record of our partner, which the insider merges into it
    import_id: str
    follow_up_id: str
    commitment_id: str
    interaction_id: str

    async def events(self) -> int:
        counts = [
            len(await runtime.store.read_all(limit=100_000))
            for runtime in self.system.runtimes.values()
        ]
        return sum(counts)

    async def quiet(self) -> None:
        """Wait until the services stop writing on their own (scoring re-scores a campaign a
        moment after its facts change; engagement and projections react to that)."""
        last, still = -1, 0
        for _ in range(200):
            count = await self.events()
            pending = [
                (await self.system.client.get(f"/scoring/campaigns/{c}/scores")).json()
                for c in (OURS, THEIRS)
            ]
            busy = any(page.get("rescore_pending", True) for page in pending)
            still = still + 1 if count == last and not busy else 0
            if still >= 5:
                return
            last = count
            await asyncio.sleep(0.2)
        raise AssertionError("the services kept writing")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(
    tmp_path_factory: pytest.TempPathFactory, nats_url: str, module_prefix: str
) -> AsyncIterator[World]:
    data: Path = tmp_path_factory.mktemp("access")
    crm = Crm(CRM_KEY)
    crm.seed(2, datetime(2026, 11, 1, tzinfo=UTC))
    with serving(crm) as crm_url, pytest.MonkeyPatch.context() as env:
        config = data / "crm.json"
        config.write_text(json.dumps({"connectors": [crm_connector(crm_url)]}))
        env.setenv("COALITION_CRM_CONFIG", str(config))
        env.setenv("ACCESS_TEST_CRM_KEY", CRM_KEY)
        async for world in _world(data, nats_url, module_prefix):
            yield world


def crm_connector(url: str) -> dict[str, Any]:
    return {
        "name": "civicrm",
        "kind": "civicrm",
        "base_url": url,
        "secret_env": "ACCESS_TEST_CRM_KEY",
        "campaign_id": OURS,
        "fields": {"name": "organization_name"},
    }


async def _world(data: Path, nats_url: str, module_prefix: str) -> AsyncIterator[World]:
    async with running(
        f"sqlite+aiosqlite:///{data}/{{service}}.db",
        nats_url,
        module_prefix,
        data,
        specs=select("all"),
        jwt_secret=JWT_SECRET,
        relay_poll_seconds=0.2,
        webhook_retry_seconds=[0.05],
        webhook_poll_seconds=0.1,
    ) as system:
        insider = await system.key_for(OURS)
        outsider = await system.key_for(THEIRS)
        reader = await system.key_for(OURS, scopes=("*:read",))
        launched = await system.client.post(
            "/research/campaigns", json=campaign_body(), headers=bearer(insider)
        )
        assert launched.status_code == 201, launched.text
        webhook_id, spare_webhook_id = [
            await subscribe(system.client, insider, name) for name in ("crm", "spare")
        ]
        created = await system.client.post(
            "/research/partners", json=partner_body(OURS), headers=bearer(insider)
        )
        assert created.status_code == 201, created.text
        partner_id = created.json()["partner_id"]
        await eventually(lambda: staged(system.client, partner_id))
        delivery_id = await eventually(lambda: dead_delivery(system.client, webhook_id))
        drafted = await system.client.post(
            "/agreement/agreements", json=agreement_body(partner_id), headers=bearer(insider)
        )
        assert drafted.status_code == 201, drafted.text
        theirs = await system.client.post(
            "/research/partners", json=partner_body(THEIRS), headers=bearer(outsider)
        )
        assert theirs.status_code == 201
        await eventually(lambda: staged(system.client, theirs.json()["partner_id"]))
        spare = await system.client.post(
            "/research/partners", json=partner_body(OURS), headers=bearer(insider)
        )
        stakeholder = await system.client.post(
            "/research/stakeholders", json=stakeholder_body(), headers=bearer(insider)
        )
        assert stakeholder.status_code == 201, stakeholder.text
        stakeholder_id = stakeholder.json()["stakeholder_id"]
        tie = await system.client.post(
            "/research/relationships",
            json=relationship_body(partner_id, stakeholder_id),
            headers=bearer(insider),
        )
        assert tie.status_code == 200, tie.text
        duplicate = await system.client.post(
            "/research/partners", json=partner_body(OURS), headers=bearer(insider)
        )
        assert duplicate.status_code == 201
        await eventually(lambda: staged(system.client, duplicate.json()["partner_id"]))
        upload = import_request()
        upload["headers"].update(bearer(insider))
        imported = await system.client.post("/research/imports", **upload)
        assert imported.status_code == 202, imported.text
        follow_up_id, commitment_id, interaction_id = await engage(system.client, partner_id)
        yield World(
            system,
            insider,
            outsider,
            reader,
            partner_id,
            drafted.json()["agreement_id"],
            webhook_id,
            spare_webhook_id,
            delivery_id,
            spare.json()["partner_id"],
            stakeholder_id,
            tie.json()["relationship_id"],
            duplicate.json()["partner_id"],
            imported.json()["import_id"],
            follow_up_id,
            commitment_id,
            interaction_id,
        )


ENTRY = "/engagement/campaigns/{campaign_id}/partners/{partner_id}/engagement"


async def engage(client: httpx.AsyncClient, partner_id: str) -> tuple[str, str, str]:
    """Our partner's pipeline entry (the admin key skips it to `interested`), with an
    interaction, a follow-up and a commitment: their ids."""
    base = ENTRY.format(campaign_id=OURS, partner_id=partner_id)
    opened = await client.post(base, json={"reason": "on the shortlist"})
    assert opened.status_code == 201, opened.text
    moved = await client.post(
        f"{base}/moves", json={"to_stage": "interested", "reason": "they called us"}
    )
    assert moved.status_code == 200, moved.text
    met = await client.post(f"{base}/interactions", json=interaction_body())
    assert met.status_code == 201, met.text
    committed = await client.post(
        f"{base}/commitments", json={"what": "Lend the hall", "reason": "said so"}
    )
    assert committed.status_code == 201, committed.text
    entry = committed.json()
    return (
        entry["follow_ups"][0]["follow_up_id"],
        entry["commitments"][0]["commitment_id"],
        entry["interactions"][0]["interaction_id"],
    )


def interaction_body(_: World | None = None) -> dict[str, Any]:
    return {
        "kind": "call",
        "occurred_on": "2026-11-20",
        "summary": "A first call.",
        "follow_ups": [{"what": "Send the brief", "due_on": "2026-11-22", "owner_id": "staff:li"}],
        "reason": "notes of the call",
    }


def trust_body(world: World) -> dict[str, Any]:
    return {
        "interaction_id": world.interaction_id,
        "openness": 3,
        "reliability": 3,
        "mission_support": 4,
        "reason": "after the call",
    }


@pytest.fixture(scope="module")
def module_prefix() -> str:
    import uuid

    return f"a{uuid.uuid4().hex[:10]}"


async def subscribe(client: httpx.AsyncClient, key: str, name: str) -> str:
    """A webhook of our campaign to a port nobody listens on: its deliveries die at once."""
    answer = await client.post(
        "/projections/webhooks", json=webhook_body(name), headers=bearer(key)
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def dead_delivery(client: httpx.AsyncClient, webhook_id: str) -> str | None:
    answer = await client.get(
        f"/projections/webhooks/{webhook_id}/deliveries", params={"status": "dead"}
    )
    items = answer.json()["items"]
    return str(items[0]["id"]) if items else None


def import_request(dry_run: bool = True) -> dict[str, Any]:
    """A one-organisation CSV file for our campaign (a dry run unless told)."""
    return {
        "params": {"campaign_id": OURS, "reason": "the union list", "dry_run": dry_run},
        "content": b"id,name,kind\nu1,Unite the Union,union\n",
        "headers": {"Content-Type": "text/csv"},
    }


def webhook_body(name: str) -> dict[str, Any]:
    return {"campaign_id": OURS, "url": f"http://127.0.0.1:9/{name}", "event_types": ["*"]}


async def staged(client: httpx.AsyncClient, partner_id: str) -> dict[str, Any] | None:
    row = await client.get(f"/projections/partners/{partner_id}")
    body: dict[str, Any] = row.json()
    # Scored: the chain research -> scoring -> projections has run (engagement opens entries
    # only when asked to, or for recommended partners with auto-open on).
    return body if row.status_code == 200 and body.get("score") is not None else None


def partner_body(campaign: str) -> dict[str, Any]:
    return {
        "campaign_id": campaign,
        "name": "Unite the Union",
        "kind": "union",
        "members": 1_200_000,
        "reason": "organises low-paid workers",
    }


def campaign_body() -> dict[str, Any]:
    return {"campaign_id": OURS, "name": "Living wage", "reason": "the union asked us to"}


def stakeholder_body() -> dict[str, Any]:
    return {
        "campaign_id": OURS,
        "name": "Jane Doe",
        "kind": "policymaker",
        "role": "Chair, labor committee",
        "reason": "decides on the ordinance",
    }


def relationship_body(partner_id: str, stakeholder_id: str) -> dict[str, Any]:
    return {
        "campaign_id": OURS,
        "source": {"type": "partner", "id": partner_id},
        "target": {"type": "stakeholder", "id": stakeholder_id},
        "relationship": "lobbies",
        "weight": 0.7,
        "reason": "seen in the lobbying register",
    }


def because(**body: Any) -> Callable[[World], dict[str, Any]]:
    return lambda _: {"json": {**body, "reason": "decided at the steering group"}}


def reason_only(_: World) -> dict[str, Any]:
    return {"params": {"reason": "decided at the steering group"}}


def agreement_body(partner_id: str, campaign: str = OURS) -> dict[str, Any]:
    return {
        "campaign_id": campaign,
        "title": "Living wage coalition",
        "parties": [partner_id],
        "terms": TERMS,
        "reason": "committed at the March meeting",
    }


@dataclass(frozen=True)
class Case:
    """One operation, asked for our campaign's data; what a key of another campaign gets."""

    method: str
    path: str
    request: Callable[[World], dict[str, Any]]
    outsider_gets: int
    insider_gets: int = 200
    spare: bool = False  # acts on the spare webhook (deleting the main one would end the tests)
    admin_only: bool = False  # spans every campaign: a read key of one campaign gets 403 too


OUR_CAMPAIGN = {"campaign_id": OURS}
ENABLED = {"enabled": True}


def nothing(_: World) -> dict[str, Any]:
    return {}


RESEARCH_CASES = [
    Case("POST", "/research/campaigns", lambda w: {"json": campaign_body()}, 403, 409),
    Case("GET", "/research/campaigns/{campaign_id}", nothing, 404),
    Case("PUT", "/research/campaigns/{campaign_id}/values", because(values=["fairness"]), 404),
    Case(
        "PUT",
        "/research/campaigns/{campaign_id}/objectives/{objective_id}",
        because(title="Pass the ordinance", priority="high", metric="votes", target=7),
        404,
    ),
    Case("DELETE", "/research/campaigns/{campaign_id}/objectives/{objective_id}", reason_only, 404),
    Case(
        "PUT",
        "/research/campaigns/{campaign_id}/positions/{issue}",
        because(stance="strongly_support", weight=1.0),
        404,
    ),
    Case("DELETE", "/research/campaigns/{campaign_id}/positions/{issue}", reason_only, 404),
    Case(
        "PUT",
        "/research/campaigns/{campaign_id}/deal-breakers/{deal_breaker_id}",
        because(rule={"rule": "is_kind", "kind": "party"}),
        404,
    ),
    Case(
        "DELETE",
        "/research/campaigns/{campaign_id}/deal-breakers/{deal_breaker_id}",
        reason_only,
        404,
    ),
    Case("PUT", "/research/campaigns/{campaign_id}/needs", because(regions=["Ward 7"]), 404),
    Case("POST", "/research/partners", lambda w: {"json": partner_body(OURS)}, 403, 201),
    Case("GET", "/research/partners/{partner_id}", nothing, 404),
    Case(
        "PUT",
        "/research/partners/{partner_id}/profile",
        because(name="Unite the Union", kind="union", aliases=["Unite"]),
        404,
    ),
    Case(
        "POST",
        "/research/partners/{partner_id}/key-people",
        because(name="Sharon Graham", role="General secretary"),
        404,
        201,
    ),
    Case(
        "PUT",
        "/research/partners/{partner_id}/key-people/{person_id}",
        because(name="Maria Lopez", contact="maria@unite.example"),
        404,
    ),
    Case("DELETE", "/research/partners/{partner_id}/key-people/{person_id}", reason_only, 404),
    Case(
        "PUT",
        "/research/partners/{partner_id}/positions/{issue}",
        because(stance="support", evidence="https://unite.example/living-wage"),
        404,
    ),
    Case(
        "PUT",
        "/research/partners/{partner_id}/collaborations/{collaboration_id}",
        because(with_whom=["GMB"], on_what="NHS pay", outcome="partly_succeeded"),
        404,
    ),
    Case("POST", "/research/partners/{partner_id}/archive", because(), 404, spare=True),
    Case("POST", "/research/stakeholders", lambda w: {"json": stakeholder_body()}, 403, 201),
    Case("GET", "/research/stakeholders/{stakeholder_id}", nothing, 404),
    Case(
        "PUT",
        "/research/stakeholders/{stakeholder_id}",
        because(name="Jane Doe", kind="policymaker", role="Council chair"),
        404,
    ),
    Case(
        "POST",
        "/research/relationships",
        lambda w: {"json": relationship_body(w.partner_id, w.stakeholder_id)},
        403,
    ),
    Case("GET", "/research/relationships/{relationship_id}", nothing, 404),
    Case("POST", "/research/relationships/{relationship_id}/end", because(), 404),
]

SCORING_CASES = [
    Case("GET", "/scoring/campaigns/{campaign_id}/partners/{partner_id}/score", nothing, 404),
    Case("GET", "/scoring/campaigns/{campaign_id}/partners/{partner_id}/scores", nothing, 404),
    Case("GET", "/scoring/campaigns/{campaign_id}/scores", nothing, 404),
    Case("GET", "/scoring/campaigns/{campaign_id}/coalition", nothing, 404),
    Case("POST", "/scoring/campaigns/{campaign_id}/rescore", because(), 404, 202),
    Case("POST", "/scoring/campaigns/{campaign_id}/models", because(name="crm-model"), 404, 201),
    Case("GET", "/scoring/campaigns/{campaign_id}/models", nothing, 404),
    Case("GET", "/scoring/campaigns/{campaign_id}/models/{version}", nothing, 404),
    Case("POST", "/scoring/campaigns/{campaign_id}/what-if", lambda _: {"json": {}}, 404),
    Case(
        "POST",
        "/scoring/campaigns/{campaign_id}/re-evaluations",
        lambda _: {"json": {"as_of": "2026-01-01T00:00:00Z"}},
        404,
    ),
]

ENGAGEMENT_CASES = [
    Case("POST", ENTRY, because(), 403, 409),  # opened already
    Case("GET", ENTRY, nothing, 403),
    Case("POST", f"{ENTRY}/moves", because(to_stage="in_dialogue"), 403),
    Case("PUT", f"{ENTRY}/owner", because(owner_id="staff:maria"), 403),
    Case("POST", f"{ENTRY}/interactions", lambda w: {"json": interaction_body(w)}, 403, 201),
    Case("POST", f"{ENTRY}/follow-ups/{{follow_up_id}}/completion", because(), 403),
    Case("POST", f"{ENTRY}/trust-assessments", lambda w: {"json": trust_body(w)}, 403, 201),
    Case("GET", f"{ENTRY}/trust", nothing, 403),
    Case("POST", f"{ENTRY}/ideas", because(kind="joint_action", title="A rally"), 403, 201),
    Case("POST", f"{ENTRY}/commitments", because(what="Print leaflets"), 403, 201),
    Case("POST", f"{ENTRY}/commitments/{{commitment_id}}/withdrawal", because(), 403),
    Case("GET", "/engagement/campaigns/{campaign_id}/outreach", nothing, 403),
    Case(
        "PUT", "/engagement/campaigns/{campaign_id}/outreach/auto-open", because(enabled=True), 403
    ),
    Case(
        "PUT",
        "/engagement/campaigns/{campaign_id}/outreach/staff/{staff_id}/capacity",
        because(max_partners=5),
        403,
    ),
    Case("GET", "/engagement/campaigns/{campaign_id}/outreach/staff", nothing, 403),
    Case("GET", "/engagement/campaigns/{campaign_id}/follow-ups", nothing, 403),
]

AGREEMENT = "/agreement/agreements/{agreement_id}"


def amendment(partner_id: str) -> dict[str, Any]:
    """The world's agreement restated with new terms and an end (so it can be renewed)."""
    body = agreement_body(partner_id)
    del body["campaign_id"], body["reason"]
    return {**body, "terms": TERMS + " Amended.", "ends_on": "2027-12-31"}


def amended_hash(w: World) -> str:
    content = AgreementContent.model_validate(amendment(w.partner_id))
    return content_hash(w.agreement_id, OURS, 2, content)


# In order: the insider amends the world's agreement, sends it, signs it (in force), renews,
# suspends, resumes, reviews and terminates it; a withdrawal of it is then refused (409).
AGREEMENT_CASES = [
    Case(
        "POST", "/agreement/agreements", lambda w: {"json": agreement_body(w.partner_id)}, 403, 201
    ),
    Case("GET", AGREEMENT, nothing, 404),
    Case("GET", "/agreement/campaigns/{campaign_id}/agreements", nothing, 403),
    Case("GET", "/agreement/campaigns/{campaign_id}/agreements/attention", nothing, 403),
    Case("GET", "/agreement/campaigns/{campaign_id}/commitments", nothing, 403),
    Case(
        "POST",
        f"{AGREEMENT}/amendments",
        lambda w: {"json": {**amendment(w.partner_id), "proposed_by": OURS, "reason": "redrafted"}},
        404,
        201,
    ),
    Case("GET", f"{AGREEMENT}/versions", nothing, 404),
    Case("GET", f"{AGREEMENT}/versions/{{number}}", nothing, 404),
    Case("GET", f"{AGREEMENT}/versions/{{number}}/document", nothing, 404),
    Case("POST", f"{AGREEMENT}/signature-requests", because(), 404),
    Case(
        "POST",
        f"{AGREEMENT}/signatures",
        lambda w: {
            "json": {
                "partner_id": w.partner_id,
                "signatory": "Sharon Graham",
                "terms_hash": amended_hash(w),
                "reason": "approved by the executive",
            }
        },
        404,
    ),
    Case("GET", f"{AGREEMENT}/signatures", nothing, 404),
    Case("POST", f"{AGREEMENT}/renewals", because(ends_on="2028-12-31"), 404),
    Case("POST", f"{AGREEMENT}/suspension", because(requested_by=OURS), 404),
    Case("POST", f"{AGREEMENT}/resumption", because(), 404),
    Case(
        "POST",
        f"{AGREEMENT}/reviews",
        because(
            review_id="q1-2027",
            period_from="2027-01-01",
            period_to="2027-03-31",
            deliverables=[],
            feedback=[{"party_id": OURS, "ratings": {"shared_vision": 4}}],
        ),
        404,
        201,
    ),
    Case("GET", f"{AGREEMENT}/reviews", nothing, 404),
    Case("GET", f"{AGREEMENT}/reviews/{{review_id}}", nothing, 404),
    Case("POST", f"{AGREEMENT}/termination", because(terminated_by=OURS), 404),
    Case("POST", f"{AGREEMENT}/withdrawal", because(), 404, 409),
]

CASES = [
    *RESEARCH_CASES,
    *SCORING_CASES,
    *ENGAGEMENT_CASES,
    *AGREEMENT_CASES,
    Case("GET", "/projections/partners", lambda w: {"params": {"campaign_id": OURS}}, 403),
    Case("GET", "/projections/partners/{partner_id}", nothing, 404),
    Case("GET", "/projections/partners/{partner_id}/timeline", nothing, 404),
    Case("GET", "/projections/campaigns/{campaign_id}/audit", nothing, 403),
    Case("GET", "/projections/partners/{partner_id}/360", nothing, 404),
    Case("GET", "/projections/campaigns/{campaign_id}/metrics", nothing, 403),
    Case("GET", "/projections/campaigns/{campaign_id}/metrics/{figure}/events", nothing, 403),
    Case("GET", "/projections/campaigns/{campaign_id}/network-map", nothing, 403),
    Case("GET", "/projections/network-map", nothing, 200),  # the page: public, holds no data
    Case("GET", "/projections/audit", lambda w: {"params": {"partner_id": w.partner_id}}, 200),
    Case("GET", "/projections/audit/verification", nothing, 403, 403, admin_only=True),
    Case("POST", "/projections/rebuilds", nothing, 403, 403),  # admins only
    Case("GET", "/projections/rebuilds/{generation}", nothing, 403, 403, admin_only=True),
    *[
        Case("GET", f"/{service}/log/verification", nothing, 403, 403, admin_only=True)
        for service in ("research", "scoring", "engagement", "agreement", "projections")
    ],
    Case("POST", "/projections/webhooks", lambda w: {"json": webhook_body("more")}, 403, 201),
    Case("GET", "/projections/webhooks", lambda w: {"params": {"campaign_id": OURS}}, 403),
    Case(
        "GET",
        "/projections/webhooks/dead-letters",
        lambda w: {"params": {"campaign_id": OURS}},
        403,
    ),
    Case("POST", "/projections/webhooks/deliveries/{delivery_id}/redeliver", nothing, 404, 202),
    Case("GET", "/projections/webhooks/{subscription_id}", nothing, 404),
    Case(
        "PATCH",
        "/projections/webhooks/{subscription_id}",
        lambda w: {"json": {"enabled": True}},
        404,
    ),
    Case("DELETE", "/projections/webhooks/{subscription_id}", nothing, 404, 204, spare=True),
    Case("POST", "/projections/webhooks/{subscription_id}/secret", nothing, 404),
    Case("GET", "/projections/webhooks/{subscription_id}/deliveries", nothing, 404),
    Case("POST", "/research/crm/connectors/{name}/imports", nothing, 403, 201),
    Case("GET", "/research/crm/connectors/{name}/imports", nothing, 404),
    Case("GET", "/research/crm/connectors", nothing, 200),  # lists only the caller's (tested)
    Case("GET", "/research/campaigns/{campaign_id}/duplicate-candidates", nothing, 403),
    Case(
        "POST",
        "/research/partners/{partner_id}/merges",
        lambda w: {"json": {"duplicate_id": w.duplicate_id, "reason": "one union, two records"}},
        404,
    ),
    Case("POST", "/research/imports", lambda w: import_request(), 403, 202),
    Case("GET", "/research/imports/{import_id}", nothing, 404),
    Case("GET", "/research/imports/{import_id}/rows", nothing, 404),
]


def url(case: Case, world: World) -> str:
    return case.path.format(
        campaign_id=OURS,
        partner_id=world.spare_partner_id if case.spare else world.partner_id,
        objective_id="pass-the-ordinance",
        issue="living-wage",
        deal_breaker_id="no-parties",
        person_id="staff:maria",
        collaboration_id="nhs-pay-2023",
        stakeholder_id=world.stakeholder_id,
        relationship_id=world.relationship_id,
        agreement_id=world.agreement_id,
        subscription_id=world.spare_webhook_id if case.spare else world.webhook_id,
        delivery_id=world.delivery_id,
        name="civicrm",
        import_id=world.import_id,
        version="current",
        follow_up_id=world.follow_up_id,
        commitment_id=world.commitment_id,
        staff_id="staff:maria",
        number=1,
        review_id="q1-2027",
        figure="funnel.identified",
        generation=1,
    )


def key(case: Case) -> str:
    return f"{case.method} {case.path}"


async def ask(world: World, case: Case, key: str) -> httpx.Response:
    request = case.request(world)
    headers = {**request.pop("headers", {}), **bearer(key)}
    return await world.system.client.request(
        case.method, url(case, world), headers=headers, **request
    )


async def test_the_cases_name_every_operation(world: World) -> None:
    document = world.system.app.openapi()
    operations = {
        (method.upper(), path)
        for path, methods in document["paths"].items()
        for method in methods
        if path.removeprefix("/").split("/", 1)[1] not in {"healthz", "readyz"}
    }
    assert operations == {(case.method, case.path) for case in CASES}


async def test_a_key_of_another_campaign_can_neither_read_nor_change_its_data(
    world: World,
) -> None:
    await world.quiet()
    before = await world.events()
    answers = {key(case): (await ask(world, case, world.outsider)).status_code for case in CASES}
    assert answers == {key(case): case.outsider_gets for case in CASES}
    assert await world.events() == before  # nothing written by any refused request
    connectors = await world.system.client.get(
        "/research/crm/connectors", headers=bearer(world.outsider)
    )
    assert connectors.json() == []
    listing = await world.system.client.get("/projections/partners", headers=bearer(world.outsider))
    assert listing.status_code == 200
    assert {item["campaign_id"] for item in listing.json()["items"]} <= {THEIRS}
    # The audit of our partner, or of what our insider did, shows another campaign's key nothing
    insider = await world.system.actor_of(world.insider)
    for params in ({"partner_id": world.partner_id}, {"actor": insider}):
        ours = await world.system.client.get(
            "/projections/audit", params={**params, "include": "all"}, headers=bearer(world.insider)
        )
        assert ours.json()["items"], params
        theirs = await world.system.client.get(
            "/projections/audit",
            params={**params, "include": "all"},
            headers=bearer(world.outsider),
        )
        assert theirs.status_code == 200 and theirs.json()["items"] == [], params


async def test_a_key_of_the_campaign_gets_through_on_every_endpoint(world: World) -> None:
    answers = {key(case): (await ask(world, case, world.insider)).status_code for case in CASES}
    assert answers == {key(case): case.insider_gets for case in CASES}
    rebuilt = await rebuild_read_models(world.system.client)
    assert rebuilt["status"] == "active"


async def test_a_read_key_reads_but_cannot_write(world: World) -> None:
    for case in CASES:
        answer = await ask(world, case, world.reader)
        if case.method in ("GET", "HEAD") and not case.admin_only:
            assert answer.status_code == 200, (case.path, answer.text)
        else:
            assert answer.status_code == 403, case.path
            assert answer.json()["type"].endswith("/forbidden")


async def test_no_key_a_wrong_key_and_a_revoked_key_are_unauthorized(world: World) -> None:
    client = world.system.client
    path = f"/research/partners/{world.partner_id}"
    missing = await client.get(path, headers={"Authorization": ""})
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="coalition"'
    assert missing.headers["content-type"] == "application/problem+json"
    wrong = await client.get(path, headers=bearer("coal_" + "x" * 43))
    assert wrong.status_code == 401
    assert 'error="invalid_token"' in wrong.headers["WWW-Authenticate"]
    doomed = await world.system.key_for(OURS)
    assert (await client.get(path, headers={"X-API-Key": doomed})).status_code == 200
    key_id = (await world.system.actor_of(doomed)).removeprefix("key:")
    await world.system.access.keys.revoke(key_id, by="test")
    assert (await client.get(path, headers=bearer(doomed))).status_code == 401
    health = await client.get("/research/healthz", headers={"Authorization": ""})
    assert health.status_code == 200  # health checks need no key


async def test_a_key_over_its_rate_limit_is_told_when_to_come_back(world: World) -> None:
    issued = await world.system.access.keys.issue(
        name="busy crm",
        campaigns=frozenset({OURS}),
        scopes=frozenset({"*:read"}),
        created_by="test",
        rate_limit_per_minute=3,
    )
    path = f"/research/partners/{world.partner_id}"
    answers = [await world.system.client.get(path, headers=bearer(issued.key)) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert [answer.headers["RateLimit-Remaining"] for answer in answers] == ["2", "1", "0", "0"]
    assert answers[0].headers["RateLimit-Policy"] == '"per-key";q=3;w=60'
    refused = answers[-1]
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    other = await world.system.client.get(path, headers=bearer(world.insider))
    assert other.status_code == 200  # another key keeps its own budget


async def test_a_person_with_a_bearer_token_acts_as_themselves(world: World) -> None:
    token = BearerTokens(secret=JWT_SECRET).mint(
        "maria@campaign.example",
        campaigns=frozenset({OURS}),
        scopes=frozenset({"research:write", "projections:read"}),
    )
    created = await world.system.client.post(
        "/research/partners", json=partner_body(OURS), headers=bearer(token)
    )
    assert created.status_code == 201, created.text
    [event] = await world.system.runtimes["research"].store.read_stream(
        f"partner-{created.json()['partner_id']}"
    )
    assert event.metadata.actor == "user:maria@campaign.example"
    elsewhere = await world.system.client.post(
        "/research/partners", json=partner_body(THEIRS), headers=bearer(token)
    )
    assert elsewhere.status_code == 403
    no_scope = await world.system.client.get(
        f"/agreement/agreements/{world.agreement_id}", headers=bearer(token)
    )
    assert no_scope.status_code == 403


async def test_every_write_records_the_key_as_its_actor_and_no_credential_is_kept(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    created = await world.system.client.post(
        "/research/partners", json=partner_body(OURS), headers=bearer(world.insider)
    )
    partner_id = created.json()["partner_id"]
    [event] = await world.system.runtimes["research"].store.read_stream(f"partner-{partner_id}")
    assert event.metadata.actor == await world.system.actor_of(world.insider)
    logged = capsys.readouterr()
    assert "http.request" in logged.out + logged.err  # the request was logged...
    for secret in (world.insider, world.outsider, world.reader, ADMIN_KEY, JWT_SECRET):
        assert secret not in logged.out + logged.err  # ...without any credential
    everything = [e for r in world.system.runtimes.values() for e in await r.store.read_all()]
    assert not any(world.insider in str(e.metadata) + str(e.payload) for e in everything)


async def test_a_path_no_service_matches_is_a_problem_too(world: World) -> None:
    # A newline in an id escapes every service's mount: the root app answers, as a problem.
    answer = await world.system.client.get("/projections/webhooks/a%0Ab")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    wrong_method = await world.system.client.request("OPTIONS", "/projections/webhooks")
    assert wrong_method.status_code == 405
    assert wrong_method.headers["Allow"] == "GET, POST"  # every route at the path
