"""From research to the pipeline through the real broker, with the real scoring in between:
a partner research identifies is scored and recommended, and engagement opens its entry when
the campaign turned auto-open on; a deal-breaker declared later excludes it, and engagement
pauses the entry with the deal-breaker's explanation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from coalition.shared.registry import select
from tests.integration.inprocess import Running, running
from tests.support import eventually

pytestmark = pytest.mark.nats

CAMPAIGN = "living-wage"
WHY = {"reason": "agreed at the steering group"}


@pytest_asyncio.fixture
async def system(tmp_path: Path, nats_url: str, unique_prefix: str) -> AsyncIterator[Running]:
    async with running(
        f"sqlite+aiosqlite:///{tmp_path}/{{service}}.db",
        nats_url,
        unique_prefix,
        tmp_path,
        specs=select("research,scoring,engagement"),
        relay_poll_seconds=0.1,
    ) as system:
        yield system


async def test_a_recommended_partner_enters_the_pipeline_and_a_deal_breaker_pauses_it(
    system: Running,
) -> None:
    client = system.client
    launched = await client.post(
        "/research/campaigns", json={"campaign_id": CAMPAIGN, "name": "LW", **WHY}
    )
    assert launched.status_code == 201, launched.text
    auto = await client.put(
        f"/engagement/campaigns/{CAMPAIGN}/outreach/auto-open", json={"enabled": True, **WHY}
    )
    assert auto.status_code == 200, auto.text
    created = await client.post(
        "/research/partners",
        json={"campaign_id": CAMPAIGN, "name": "Labour North", "kind": "party", **WHY},
    )
    assert created.status_code == 201, created.text
    partner = created.json()["partner_id"]
    entry_path = f"/engagement/campaigns/{CAMPAIGN}/partners/{partner}/engagement"

    async def entry(**expected: Any) -> dict[str, Any] | None:
        answer = await client.get(entry_path)
        if answer.status_code != 200:
            return None
        body: dict[str, Any] = answer.json()
        return body if all(body.get(k) == v for k, v in expected.items()) else None

    opened = await eventually(lambda: entry(stage="prioritised"))
    score = (await client.get(f"/scoring/campaigns/{CAMPAIGN}/partners/{partner}/score")).json()
    assert score["recommended"] is True
    assert opened["score"] == score["score"]

    declared = await client.put(
        f"/research/campaigns/{CAMPAIGN}/deal-breakers/no-parties",
        json={"rule": {"rule": "is_kind", "kind": "party"}, "description": "no parties", **WHY},
    )
    assert declared.status_code == 200, declared.text
    paused = await eventually(lambda: entry(stage="paused"))
    last = paused["moves"][-1]
    assert last["actor"] == "service:engagement"
    assert "Labour North is a party (no parties)" in (last["reason"] or "")
