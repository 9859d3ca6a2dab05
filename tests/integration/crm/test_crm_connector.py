"""The CRM connector against the stand-in over real HTTP, with research, scoring and engagement
running in this process (SQLite, the real NATS): imports are incremental and idempotent, each of
the three mappings reads real organisations, a refusal writes nothing, and the score and stage
that scoring and engagement decide are written back to the CRM record."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from coalition.shared.registry import select
from tests.crm_standin.app import Crm
from tests.crm_standin.server import serving
from tests.integration.inprocess import Running, running
from tests.support import eventually

pytestmark = pytest.mark.nats

KEY = "crm-standin-api-key-0123456789"
START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
CONNECTORS: list[dict[str, Any]] = [
    {
        "name": "civicrm",
        "kind": "civicrm",
        "secret_env": "TEST_CRM_KEY",
        "campaign_id": "living-wage",
        "fields": {"name": "organization_name", "kind": "Coalition.org_type"},
        "contact_fields": {
            "name": "display_name",
            "role": "job_title",
            "organisation": "employer_id",
        },
        "write_back": {"score": "Coalition.score", "stage": "Coalition.stage"},
    },
    {
        "name": "action-network",
        "kind": "action_network",
        "secret_env": "TEST_CRM_KEY",
        "campaign_id": "living-wage",
        "fields": {"name": "custom_fields.organization", "kind": "custom_fields.org_type"},
        "contact_fields": {"name": "given_name"},
        "write_back": {"score": "custom_fields.coalition_score", "stage": "coalition_stage"},
    },
    {
        "name": "generic",
        "kind": "generic",
        "secret_env": "TEST_CRM_KEY",
        "campaign_id": "clean-air",
        "fields": {"name": "profile.legal_name", "kind": "profile.type"},
        "write_back": {"score": "coalition.score"},
        "generic": {"list_path": "/api/orgs", "record_path": "/api/orgs/{id}"},
    },
]


@pytest.fixture
def crm() -> Iterator[tuple[Crm, str]]:
    standin = Crm(KEY)
    standin.seed(5, START)
    with serving(standin) as url:
        yield standin, url


@pytest_asyncio.fixture
async def system(
    crm: tuple[Crm, str],
    tmp_path: Path,
    nats_url: str,
    unique_prefix: str,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Running]:
    config = tmp_path / "crm.json"
    connectors = [{**c, "base_url": crm[1]} for c in CONNECTORS]
    config.write_text(json.dumps({"connectors": connectors}))
    monkeypatch.setenv("COALITION_CRM_CONFIG", str(config))
    monkeypatch.setenv("TEST_CRM_KEY", KEY)
    async with running(
        f"sqlite+aiosqlite:///{tmp_path}/{{service}}.db",
        nats_url,
        unique_prefix,
        tmp_path,
        specs=select("research,scoring,engagement"),
        relay_poll_seconds=0.2,
    ) as started:
        yield started


async def run_import(system: Running, connector: str) -> dict[str, Any]:
    answer = await system.client.post(f"/research/crm/connectors/{connector}/imports")
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def partner_names(system: Running) -> dict[str, str]:
    events = await system.runtimes["research"].store.read_all()
    names: dict[str, str] = {}
    for event in events:
        if event.event_type in ("PartnerIdentified", "PartnerProfileUpdated"):
            names[str(event.payload["partner_id"])] = str(event.payload["name"])
    return names


async def open_entries(system: Running, campaign_id: str) -> None:
    """A pipeline entry for every partner of the campaign: staff open them (auto-open is off)."""
    for event in await system.runtimes["research"].store.read_all():
        if event.event_type == "PartnerIdentified" and event.payload["campaign_id"] == campaign_id:
            partner_id = event.payload["partner_id"]
            opened = await system.client.post(
                f"/engagement/campaigns/{campaign_id}/partners/{partner_id}/engagement",
                json={"reason": "imported from the CRM"},
            )
            assert opened.status_code == 201, opened.text


@pytest.mark.parametrize("connector", ["civicrm", "action-network", "generic"])
async def test_an_import_is_incremental_and_idempotent_on_external_ids(
    system: Running, crm: tuple[Crm, str], connector: str
) -> None:
    standin, _ = crm
    first = await run_import(system, connector)
    assert (first["identified"], first["updated"], first["unchanged"]) == (5, 0, 0)
    assert first["people"] == (0 if connector == "generic" else 5)
    names = await partner_names(system)
    assert sorted(names.values()) == sorted(o.name for o in standin.organisations.values())

    again = await run_import(system, connector)
    assert again["identified"] == again["updated"] == 0  # nothing new: nothing recorded
    events = len(await system.runtimes["research"].store.read_all())

    # Later than anything so far (write-backs touch records too), as an edit in the CRM would be.
    edited = datetime.now(UTC) + timedelta(seconds=2)
    standin.touch(3, edited, name="Renamed Coalition Partner")
    third = await run_import(system, connector)
    assert (third["identified"], third["updated"]) == (0, 1)
    # Only records modified since the last import are read: the edited one, and those the
    # write-back of score and stage touched meanwhile (unchanged, so nothing is recorded).
    assert third["unchanged"] <= 4
    assert "Renamed Coalition Partner" in (await partner_names(system)).values()
    assert len(await system.runtimes["research"].store.read_all()) > events

    history = await system.client.get(f"/research/crm/connectors/{connector}/imports")
    assert [item["identified"] for item in history.json()["items"]][:1] == [5]


async def test_a_partner_shows_its_crm_record_and_the_people_who_speak_for_it(
    system: Running, crm: tuple[Crm, str]
) -> None:
    standin, _ = crm
    first = await run_import(system, "civicrm")
    assert first["people"] == 5  # one contact per organisation, by employer_id
    for partner_id, name in (await partner_names(system)).items():
        partner = (await system.client.get(f"/research/partners/{partner_id}")).json()
        org = next(o for o in standin.organisations.values() if o.name == name)
        assert partner["crm_records"] == {"civicrm": str(org.id)}
        assert partner["kind"] == org.kind
        assert partner["key_people"] == [
            {
                "person_id": f"civicrm:{1000 + org.id}",
                "name": " ".join(org.contact),
                "role": "Campaigns lead",
                "contact": None,  # an import records who and in what role, not how to reach them
            }
        ]
    again = await run_import(system, "civicrm")
    assert again["people"] == 0  # the same people: nothing recorded twice


async def test_a_refusing_crm_is_a_502_and_nothing_is_written(
    system: Running, crm: tuple[Crm, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_CRM_KEY", "a-wrong-key")
    answer = await system.client.post("/research/crm/connectors/civicrm/imports")
    assert answer.status_code == 502
    assert answer.headers["content-type"] == "application/problem+json"
    assert "401" in answer.json()["detail"] and "a-wrong-key" not in answer.text
    assert await system.runtimes["research"].store.read_all() == []
    unknown = await system.client.post("/research/crm/connectors/nope/imports")
    assert unknown.status_code == 404


@pytest.mark.parametrize(
    ("connector", "score_field", "stage_field"),
    [
        ("civicrm", "Coalition.score", "Coalition.stage"),
        ("action-network", "custom_fields", None),
    ],
)
async def test_score_and_stage_are_written_back_to_the_record(
    system: Running, crm: tuple[Crm, str], connector: str, score_field: str, stage_field: str | None
) -> None:
    standin, _ = crm
    await run_import(system, connector)
    await open_entries(system, "living-wage")

    def written() -> dict[str, Any] | None:
        custom = standin.organisations[1].custom
        return custom if {"score", "stage"} <= {k.split("_")[-1] for k in custom} else None

    custom = await eventually(lambda: _async(written()), timeout=20)
    score = next(v for k, v in custom.items() if k.endswith("score"))
    stage = next(v for k, v in custom.items() if k.endswith("stage"))
    assert 0.0 <= score <= 1.0 and stage in {"identified", "prioritised"}
    assert any(kind == connector.replace("-", "_") for kind, _, _ in standin.writes)


async def test_the_generic_mapping_writes_back_nested_fields(
    system: Running, crm: tuple[Crm, str]
) -> None:
    standin, _ = crm
    await run_import(system, "generic")

    def written() -> float | None:
        value = standin.organisations[2].custom.get("score")
        return value if isinstance(value, float) else None

    assert 0.0 <= await eventually(lambda: _async(written()), timeout=20) <= 1.0


async def _async(value: Any) -> Any:
    return value
