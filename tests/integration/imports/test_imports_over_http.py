"""Bulk imports over HTTP, with every service in this process (SQLite, the real NATS): a file
is accepted at once and its progress and row report read after; rejected input is a problem
naming the field; the imported partners reach the projections' partner list."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from coalition.research.service_layer.bulk_import import jobs_of
from coalition.shared.registry import select
from tests.integration.inprocess import Running, running
from tests.support import eventually

pytestmark = pytest.mark.nats

DATA = Path(__file__).parents[2] / "data"
C = "living-wage"


@pytest_asyncio.fixture
async def system(tmp_path: Path, nats_url: str, unique_prefix: str) -> AsyncIterator[Running]:
    async with running(
        f"sqlite+aiosqlite:///{tmp_path}/{{service}}.db",
        nats_url,
        unique_prefix,
        tmp_path,
        specs=select("all"),
        relay_poll_seconds=0.2,
    ) as system:
        yield system


async def send(client: httpx.AsyncClient, body: bytes, media: str, **params: Any) -> httpx.Response:
    query = {"campaign_id": C, "reason": "the DC exempt organisations", **params}
    return await client.post(
        "/research/imports", params=query, content=body, headers={"Content-Type": media}
    )


async def finished(client: httpx.AsyncClient, import_id: str) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        body: dict[str, Any] = (await client.get(f"/research/imports/{import_id}")).json()
        return body if body["status"] != "running" else None

    return await eventually(probe)


async def test_a_file_imports_and_its_report_pages_by_cursor(system: Running) -> None:
    data = (DATA / "irs-eo-dc-sample.csv").read_bytes()
    accepted = await send(system.client, data, "text/csv", source="irs", layout="irs_eo_bmf")
    assert accepted.status_code == 202, accepted.text
    import_id = accepted.json()["import_id"]
    assert accepted.headers["Location"] == f"imports/{import_id}"
    done = await finished(system.client, import_id)
    assert done["status"] == "completed"
    assert done["created"] == done["rows_total"] == done["rows_processed"] > 200
    assert done["events"] == done["created"]

    rows: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 97, **({"cursor": cursor} if cursor else {})}
        page = (
            await system.client.get(f"/research/imports/{import_id}/rows", params=params)
        ).json()
        rows += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(rows) == done["rows_total"]
    assert [row["row"] for row in rows] == sorted(row["row"] for row in rows)

    async def listed() -> int | None:
        answer = await system.client.get(
            "/projections/partners", params={"campaign_id": C, "limit": 500}
        )
        items = answer.json()["items"]
        return len(items) if len(items) == 200 else None

    assert await eventually(listed, timeout=60) == 200


async def test_bad_rows_are_reported_and_nothing_is_written(system: Running) -> None:
    body = (
        b'{"id": "u1", "name": "Unite", "kind": "union"}\n'
        b'{"id": "u2", "name": "Guild", "kind": "guild"}\n'
        b'{"id": "u3", "name": "Unison", "kind": "union", "members": "lots"}\n'
    )
    before = await system.event_count()
    accepted = await send(system.client, body, "application/x-ndjson")
    done = await finished(system.client, accepted.json()["import_id"])
    assert (done["status"], done["rejected"], done["events"]) == ("rejected", 2, 0)
    report = await system.client.get(
        f"/research/imports/{done['import_id']}/rows", params={"outcome": "rejected"}
    )
    assert [(r["row"], r["field"]) for r in report.json()["items"]] == [(2, "kind"), (3, "members")]
    assert await system.event_count() == before


async def test_rejected_requests_are_problems_naming_the_field(system: Running) -> None:
    wrong_media = await send(system.client, b"{}", "application/json")
    assert wrong_media.status_code == 415
    assert wrong_media.headers["content-type"] == "application/problem+json"
    assert wrong_media.json()["field"] == "header.content-type"
    no_reason = await system.client.post(
        "/research/imports",
        params={"campaign_id": C},
        content=b"id,name,kind\n",
        headers={"Content-Type": "text/csv"},
    )
    assert no_reason.status_code == 422
    assert [e["field"] for e in no_reason.json()["errors"]] == ["query.reason"]
    bad_layout = await send(system.client, b"id\n", "text/csv", layout="excel")
    assert bad_layout.status_code == 422
    assert bad_layout.json()["errors"][0]["field"] == "query.layout"
    unknown = await system.client.get("/research/imports/00000000-0000-4000-8000-000000000000")
    assert unknown.status_code == 404


async def test_after_a_restart_the_outcome_is_read_from_its_event(system: Running) -> None:
    body = b'{"id": "u1", "name": "Unite", "kind": "union"}\n'
    accepted = await send(system.client, body, "application/x-ndjson", skip_bad_rows=True)
    import_id = accepted.json()["import_id"]
    assert (await finished(system.client, import_id))["status"] == "completed"
    jobs_of(system.runtime.store).jobs.clear()  # what a restart forgets
    answer = (await system.client.get(f"/research/imports/{import_id}")).json()
    assert (answer["status"], answer["created"], answer["events"]) == ("completed", 1, 1)
    assert (answer["report_available"], answer["skip_bad_rows"]) == (False, True)
    rows = await system.client.get(f"/research/imports/{import_id}/rows")
    assert rows.status_code == 404


async def test_a_file_may_be_larger_than_a_json_body_but_not_without_bound(
    tmp_path: Path, nats_url: str, unique_prefix: str
) -> None:
    """Uploads have their own limit: the 35 kB IRS extract passes where JSON bodies stop at
    4 kB, and a file over the upload limit is a 413 problem that writes nothing."""
    data = (DATA / "irs-eo-dc-sample.csv").read_bytes()
    async with running(
        f"sqlite+aiosqlite:///{tmp_path}/{{service}}.db",
        nats_url,
        unique_prefix,
        tmp_path,
        max_body_bytes=4096,
        max_upload_bytes=len(data) + 1,
    ) as system:
        client = system.client
        accepted = await send(client, data, "text/csv", source="irs", layout="irs_eo_bmf")
        assert accepted.status_code == 202, accepted.text
        assert (await finished(client, accepted.json()["import_id"]))["status"] == "completed"
        big_json = {"campaign_id": C, "name": "x" * 5000, "kind": "ngo", "reason": "r"}
        assert (await client.post("/research/partners", json=big_json)).status_code == 413
        before = len(await system.runtime.store.read_all())
        too_big = await send(client, data + b"\n" * 10, "text/csv", source="irs2")
        assert too_big.status_code == 413
        assert too_big.headers["content-type"] == "application/problem+json"
        assert len(await system.runtime.store.read_all()) == before
