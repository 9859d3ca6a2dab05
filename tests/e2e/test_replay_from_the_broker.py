"""A projections database that is lost entirely is rebuilt from the broker: delete the durable
consumers, start again, and every event is read from the first one on."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import SERVICES
from tests.support import COALITION, ServerProcess, bearer, delete_stream, eventually

pytestmark = pytest.mark.nats


async def test_projections_rebuilt_from_the_stream_after_losing_their_database(
    tmp_path: Path, nats_url: str, unique_prefix: str
) -> None:
    env = {
        "COALITION_DATA_DIR": str(tmp_path / "data"),
        "COALITION_NATS_URL": nats_url,
        "COALITION_STREAM_NAME": unique_prefix,
        "COALITION_SUBJECT_PREFIX": unique_prefix,
    }
    first = ServerProcess("all", env, tmp_path / "first.log")
    second = ServerProcess("all", env, tmp_path / "second.log")
    try:
        first.start()
        await first.wait_ready(SERVICES)
        async with httpx.AsyncClient(
            base_url=first.base_url, timeout=10, headers=bearer()
        ) as client:
            created = await client.post(
                "/research/partners",
                json={"campaign_id": "c1", "name": "Oxfam", "kind": "ngo", "reason": "r"},
            )
            partner = created.json()["partner_id"]

            async def scored(client: httpx.AsyncClient) -> dict[str, Any] | None:
                row = await client.get(f"/projections/partners/{partner}")
                body: dict[str, Any] = row.json()
                return body if row.status_code == 200 and body["score"] is not None else None

            await eventually(lambda: scored(client))
            opened = await client.post(
                f"/engagement/campaigns/c1/partners/{partner}/engagement", json={"reason": "r"}
            )
            assert opened.status_code == 201, opened.text

            async def staged(client: httpx.AsyncClient) -> dict[str, Any] | None:
                row = await client.get(f"/projections/partners/{partner}")
                body: dict[str, Any] = row.json()
                return body if row.status_code == 200 and body["stage"] else None

            before = await eventually(lambda: staged(client))
            timeline_before = (await client.get(f"/projections/partners/{partner}/timeline")).json()
        first.stop()

        (tmp_path / "data" / "projections.db").unlink()
        reset = await asyncio.to_thread(
            subprocess.run,
            [COALITION, "reset-consumers", "projections"],
            env=first.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert reset.returncode == 0, reset.stderr
        assert "deleted consumer projections-all" in reset.stdout

        second.start()
        await second.wait_ready(SERVICES)
        async with httpx.AsyncClient(
            base_url=second.base_url, timeout=10, headers=bearer()
        ) as client:
            after = await eventually(lambda: staged(client))
            timeline_after = (await client.get(f"/projections/partners/{partner}/timeline")).json()
        assert after == before
        assert timeline_after == timeline_before
    finally:
        first.stop()
        second.stop()
        await delete_stream(nats_url, unique_prefix)
