"""The thin slice through all five services, over HTTP and the real broker, on PostgreSQL:
research identifies, scoring scores, staff open the pipeline entry, agreement drafts and signs,
projections shows the partner list and the audit timeline, and a rebuild from zero equals live."""

from __future__ import annotations

import asyncio
import hashlib
import subprocess
from datetime import UTC, datetime
from functools import partial
from typing import Any

import httpx
import pytest

from tests.support import COALITION, ServerProcess, bearer, eventually, rebuild_read_models

pytestmark = [pytest.mark.postgres, pytest.mark.nats]

TERMS = "The parties campaign together for a living wage in 2027."


def issue_key(system: ServerProcess, *arguments: str) -> tuple[str, str]:
    """`coalition keys issue ...` against the system's access database: (key, key id)."""
    done = subprocess.run(
        [COALITION, "keys", "issue", *arguments],
        env=system.env,
        capture_output=True,
        text=True,
        check=True,
    )
    key_id = done.stderr.split("key_id: ", 1)[1].split()[0]
    return done.stdout.strip(), key_id


async def identify(
    client: httpx.AsyncClient,
    name: str,
    kind: str,
    members: int,
    headers: dict[str, str] | None = None,
) -> str:
    response = await client.post(
        "/research/partners",
        json={
            "campaign_id": "living-wage",
            "name": name,
            "kind": kind,
            "members": members,
            "reason": f"{name} organises low-paid workers",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["partner_id"])


async def engage(client: httpx.AsyncClient, partner_id: str) -> None:
    """Open the partner's pipeline entry as staff do (auto-open is for recommended partners)."""
    await eventually(partial(_has_score, client, partner_id))
    response = await client.post(
        f"/engagement/campaigns/living-wage/partners/{partner_id}/engagement",
        json={"stage": "prioritised", "reason": "scored well"},
    )
    assert response.status_code == 201, response.text


async def partner_row(
    client: httpx.AsyncClient, partner_id: str, **expected: Any
) -> dict[str, Any] | None:
    response = await client.get(f"/projections/partners/{partner_id}")
    if response.status_code != 200:
        return None
    row: dict[str, Any] = response.json()
    return row if all(row.get(key) == value for key, value in expected.items()) else None


async def test_a_partner_goes_from_identified_to_signed_through_every_service(
    client: httpx.AsyncClient, system: ServerProcess
) -> None:
    maria, maria_id = issue_key(
        system, "--name", "maria", "--campaign", "living-wage", "--scope", "research:write"
    )
    union = await identify(client, "Unite the Union", "union", 1_200_000, bearer(maria))
    ngo = await identify(client, "Citizens Advice", "ngo", 20_000)
    for partner in (union, ngo):
        await engage(client, partner)

    row = await eventually(lambda: partner_row(client, union, stage="prioritised"))
    assert row["score"] is not None and row["score_model"] == "coalition-default v0"
    assert row["name"] == "Unite the Union"
    await eventually(lambda: partner_row(client, ngo, stage="prioritised"))

    score = (await client.get(f"/scoring/campaigns/living-wage/partners/{union}/score")).json()
    assert set(score["components"]) == {
        "influence",
        "alignment",
        "capacity",
        "complementarity",
        "risk",
    }
    assert score["explanation"].startswith("coalition-default v0: (0.3xinfluence")
    assert score["recommended"] is True  # two candidates, room for seven

    drafted = await client.post(
        "/agreement/agreements",
        json={
            "campaign_id": "living-wage",
            "title": "Living wage coalition",
            "parties": [union, ngo],
            "terms": TERMS,
            "reason": "both committed at the March meeting",
        },
    )
    assert drafted.status_code == 201, drafted.text
    agreement = drafted.json()
    aid = agreement["agreement_id"]
    document = await client.get(f"/agreement/agreements/{aid}/versions/1/document")
    assert agreement["terms_hash"] == hashlib.sha256(document.content).hexdigest()
    assert document.json()["content"]["terms"] == TERMS
    sent = await client.post(
        f"/agreement/agreements/{aid}/signature-requests", json={"reason": "both approved"}
    )
    assert sent.status_code == 200, sent.text
    signed = None
    for party, signatory in ((union, "Sharon Graham"), (ngo, "Clare Moriarty")):
        signed = await client.post(
            f"/agreement/agreements/{agreement['agreement_id']}/signatures",
            json={
                "partner_id": party,
                "signatory": signatory,
                "terms_hash": agreement["terms_hash"],
                "reason": "signed at the coalition launch",
            },
        )
        assert signed.status_code == 200, signed.text
    assert signed is not None and signed.json()["status"] == "in_force"

    # Engagement commits the entry when the agreement comes into force.
    await eventually(
        lambda: partner_row(client, union, agreement_status="in_force", stage="committed")
    )
    everything = (await client.get(f"/projections/partners/{union}/timeline")).json()["entries"]
    # The recommended coalition joins the timeline of each member whenever it changes.
    coalition = [e for e in everything if e["event_type"] == "CoalitionRecommended"]
    assert coalition and all(e["actor"] == "service:scoring" for e in coalition)
    timeline = [e for e in everything if e["event_type"] != "CoalitionRecommended"]
    assert [entry["event_type"] for entry in timeline] == [
        "PartnerIdentified",
        "PartnerScored",
        "EngagementOpened",
        "AgreementDrafted",
        "AgreementSentForSignature",
        "PartySigned",
        "AgreementSigned",
        "EngagementStageChanged",
    ]
    assert [entry["service"] for entry in timeline] == [
        "research",
        "scoring",
        "engagement",
        "agreement",
        "agreement",
        "agreement",
        "agreement",
        "engagement",
    ]
    assert timeline[-1]["actor"] == "service:engagement"
    assert timeline[-1]["causation_id"] == timeline[-2]["event_id"]  # the signature
    assert all(entry["actor"] and entry["reason"] for entry in timeline)
    assert timeline[0]["actor"] == f"key:{maria_id}"  # the key that made the request
    assert timeline[1]["actor"] == "service:scoring"
    assert timeline[2]["actor"] == "key:admin" or timeline[2]["actor"].startswith("key:")
    # What caused what: the score was caused by the identification.
    assert timeline[1]["causation_id"] == timeline[0]["event_id"]
    assert len({entry["correlation_id"] for entry in timeline[:2]}) == 1
    times = [entry["occurred_at"] for entry in timeline]
    assert times == sorted(times)

    # Every service's log verifies.
    for service in ("research", "scoring", "engagement", "agreement"):
        result = await asyncio.to_thread(
            subprocess.run,
            [COALITION, "verify", service],
            env=system.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert '"ok": true' in result.stdout


async def test_a_rebuilt_projection_equals_the_live_one(client: httpx.AsyncClient) -> None:
    partners = [
        await identify(client, f"Organisation {index}", kind, 10**index)
        for index, kind in enumerate(["union", "ngo", "party", "media", "think_tank"])
    ]
    for partner in partners:
        await engage(client, partner)
        await eventually(partial(_has_stage, client, partner))

    async def snapshot() -> tuple[Any, ...]:
        listing = (
            await client.get("/projections/partners", params={"campaign_id": "living-wage"})
        ).json()
        timelines = [
            (await client.get(f"/projections/partners/{p}/timeline")).json() for p in partners
        ]
        return listing, timelines

    live = await snapshot()
    rebuilt = await rebuild_read_models(client)
    # identified, scored and opened per partner, and the recommended coalition as it grew
    assert rebuilt["events_applied"] >= 3 * len(partners)
    assert await snapshot() == live


async def _has_score(client: httpx.AsyncClient, partner: str) -> bool | None:
    row = await partner_row(client, partner)
    return True if row is not None and row["score"] is not None else None


async def _has_stage(client: httpx.AsyncClient, partner: str) -> bool | None:
    row = await partner_row(client, partner)
    return True if row is not None and row["stage"] is not None else None


async def test_bad_input_is_a_problem_naming_the_field_and_writes_nothing(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/research/partners",
        json={"campaign_id": "living-wage", "name": "", "kind": "guild", "reason": "x"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert {error["field"] for error in problem["errors"]} == {"body.name", "body.kind"}
    listing = (await client.get("/projections/partners")).json()
    assert listing["items"] == []

    missing = await client.get("/agreement/agreements/nope")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


async def test_a_stale_signature_is_a_conflict_with_the_current_version(
    client: httpx.AsyncClient,
) -> None:
    drafted = (
        await client.post(
            "/agreement/agreements",
            json={
                "campaign_id": "living-wage",
                "title": "Pact",
                "parties": ["a", "b"],
                "terms": TERMS,
                "reason": "agreed",
            },
        )
    ).json()
    url = f"/agreement/agreements/{drafted['agreement_id']}/signatures"
    sent = await client.post(
        f"/agreement/agreements/{drafted['agreement_id']}/signature-requests",
        json={"reason": "approved"},
        headers={"If-Match": '"1"'},
    )
    assert sent.status_code == 200, sent.text

    def signature(party: str) -> dict[str, str]:
        return {
            "partner_id": party,
            "signatory": party.upper(),
            "terms_hash": drafted["terms_hash"],
            "reason": "signed",
        }

    first = await client.post(url, json=signature("a"), headers={"If-Match": '"2"'})
    assert first.status_code == 200
    stale = await client.post(url, json=signature("b"), headers={"If-Match": '"2"'})
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 3
    assert stale.headers["ETag"] == '"3"'
    twice = await client.post(url, json=signature("a"))
    assert twice.status_code == 409
    assert "already signed" in twice.json()["detail"]
    wrong_terms = await client.post(url, json={**signature("b"), "terms_hash": "0" * 64})
    assert wrong_terms.status_code == 409
    state = (await client.get(f"/agreement/agreements/{drafted['agreement_id']}")).json()
    assert state["signed_by"] == {"a": "A"}
    assert state["version"] == 3


async def test_the_partner_list_pages_with_a_cursor_and_filters_by_update_time(
    client: httpx.AsyncClient,
) -> None:
    started = datetime.now(UTC)
    partners = {await identify(client, f"Group {index}", "ngo", 100) for index in range(5)}
    for partner in partners:
        await engage(client, partner)
        await eventually(partial(_has_stage, client, partner))

    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"campaign_id": "living-wage", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/projections/partners", params=params)).json()
        assert len(page["items"]) <= 2
        seen += [item["partner_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen)
    assert set(seen) >= partners and len(seen) == len(set(seen))

    since = {"campaign_id": "living-wage", "updated_since": started.isoformat()}
    recent = (await client.get("/projections/partners", params=since)).json()["items"]
    assert {item["partner_id"] for item in recent} == partners
    later = {"updated_since": datetime.now(UTC).isoformat()}
    assert (await client.get("/projections/partners", params=later)).json()["items"] == []
    naive = await client.get("/projections/partners", params={"updated_since": "2026-01-01T00:00"})
    assert naive.status_code == 422


async def test_read_models_carry_an_etag_and_answer_304_when_unchanged(
    client: httpx.AsyncClient,
) -> None:
    partner = await identify(client, "Shelter", "ngo", 5000)
    await eventually(partial(_has_score, client, partner))  # nothing follows the score
    for path in (f"/projections/partners/{partner}", f"/projections/partners/{partner}/timeline"):
        first = await client.get(path)
        etag = first.headers["ETag"]
        assert etag.startswith('W/"')
        again = await client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.headers["ETag"] == etag
        assert again.content == b""
        other = await client.get(path, headers={"If-None-Match": 'W/"something-else"'})
        assert other.status_code == 200
        assert other.json() == first.json()
