"""The access commands against a running system's access database (PostgreSQL): a key issued by
`coalition keys issue` works at once, is listed without its secret, and stops working soon after
`coalition keys revoke`; a token minted by `coalition token` acts as the person."""

from __future__ import annotations

import asyncio
import json
import subprocess

import httpx
import pytest

from tests.e2e.test_walking_skeleton import issue_key
from tests.support import COALITION, ServerProcess, bearer, eventually

pytestmark = [pytest.mark.postgres, pytest.mark.nats]


def coalition(system: ServerProcess, *arguments: str) -> str:
    done = subprocess.run(
        [COALITION, *arguments], env=system.env, capture_output=True, text=True, check=True
    )
    return done.stdout


async def test_a_key_lives_from_issue_to_revocation(
    client: httpx.AsyncClient, system: ServerProcess
) -> None:
    key, key_id = issue_key(
        system, "--name", "civicrm", "--campaign", "living-wage", "--scope", "projections:read"
    )
    assert (await client.get("/projections/partners", headers=bearer(key))).status_code == 200
    listed = [json.loads(line) for line in coalition(system, "keys", "list").splitlines()]
    [mine] = [entry for entry in listed if entry["key_id"] == key_id]
    assert mine["campaigns"] == ["living-wage"] and mine["scopes"] == ["projections:read"]
    assert mine["hint"] == "…" + key[-4:] and key not in json.dumps(listed)

    coalition(system, "keys", "revoke", key_id)

    async def refused() -> bool | None:
        answer = await client.get("/projections/partners", headers=bearer(key))
        return True if answer.status_code == 401 else None

    await eventually(refused, timeout=5)
    everyone = coalition(system, "keys", "list", "--all")
    assert any(json.loads(line)["revoked_at"] for line in everyone.splitlines())


async def test_a_minted_token_acts_as_the_person(
    client: httpx.AsyncClient, system: ServerProcess
) -> None:
    token = coalition(
        system,
        "token",
        "--subject",
        "maria@campaign.example",
        "-c",
        "living-wage",
        "-s",
        "research:write",
    ).strip()
    created = await client.post(
        "/research/partners",
        json={
            "campaign_id": "living-wage",
            "name": "Citizens Advice",
            "kind": "ngo",
            "reason": "advises low-paid workers",
        },
        headers=bearer(token),
    )
    assert created.status_code == 201, created.text
    partner = created.json()["partner_id"]

    async def recorded() -> list[dict[str, str]] | None:
        answer = await client.get(f"/projections/partners/{partner}/timeline")
        entries: list[dict[str, str]] = answer.json().get("entries", [])
        return entries or None

    [first, *_] = await eventually(recorded)
    assert first["actor"] == "user:maria@campaign.example"
    bad = await asyncio.to_thread(
        subprocess.run,
        [COALITION, "keys", "issue", "--name", "x", "-c", "c", "-s", "research:delete"],
        env=system.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode != 0 and "research:delete" in bad.stderr
