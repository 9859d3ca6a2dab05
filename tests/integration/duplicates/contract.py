"""Duplicates over HTTP with research running in this process (a real store, the real NATS),
one test class for every database: candidates of a campaign with their reasons and pages, and
the merge, which keeps both histories, records who and why, and writes nothing when refused.

Backends subclass `DuplicatesContract` and provide the `url` fixture."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from coalition.research.service_layer import duplicates
from coalition.shared.application import execute_in
from tests.integration.inprocess import Running, running
from tests.support import bearer

OURS, THEIRS = "living-wage", "clean-air"


async def identify(
    client: httpx.AsyncClient, name: str, campaign: str = OURS, key: str | None = None
) -> str:
    body = {"campaign_id": campaign, "name": name, "kind": "union", "reason": "researched"}
    headers = bearer(key) if key else {}
    created = await client.post("/research/partners", json=body, headers=headers)
    assert created.status_code == 201, created.text
    return str(created.json()["partner_id"])


async def merge(
    client: httpx.AsyncClient,
    survivor: str,
    duplicate: str,
    headers: dict[str, str] | None = None,
    **body: Any,
) -> httpx.Response:
    return await client.post(
        f"/research/partners/{survivor}/merges",
        json={"duplicate_id": duplicate, "reason": "same organisation, checked by phone", **body},
        headers=headers or {},
    )


async def history(system: Running, partner_id: str) -> list[str]:
    stream = await system.runtime.store.read_stream(f"partner-{partner_id}")
    return [event.event_type for event in stream]


class DuplicatesContract:
    @pytest_asyncio.fixture
    async def system(
        self, url: str, nats_url: str, unique_prefix: str, tmp_path: Path
    ) -> AsyncIterator[Running]:
        async with running(url, nats_url, unique_prefix, tmp_path) as system:
            yield system

    async def test_candidates_of_a_campaign_with_similarity_and_reasons(
        self, system: Running
    ) -> None:
        client = system.client
        unite = await identify(client, "Unite the Union")
        again = await identify(client, "UNITE THE UNION, Inc.")
        watch = await identify(client, "Freedoms Watch")
        watch_again = await identify(client, "Freedom Watch Inc")
        await identify(client, "Unison")
        await identify(client, "Unite the Union", campaign=THEIRS)

        answer = await client.get(f"/research/campaigns/{OURS}/duplicate-candidates")

        assert answer.status_code == 200, answer.text
        items = answer.json()["items"]
        assert [
            ({i["partner_id"], i["duplicate_id"]}, i["similarity"], i["reasons"]) for i in items
        ] == [
            ({unite, again}, 1.0, ["same name once normalised"]),
            ({watch, watch_again}, 0.96, ["name 0.96 token_sort_ratio"]),
        ]
        assert {items[0]["partner_name"], items[0]["duplicate_name"]} == {
            "Unite the Union",
            "UNITE THE UNION, Inc.",
        }
        assert answer.json()["next_cursor"] is None
        strict = await client.get(
            f"/research/campaigns/{OURS}/duplicate-candidates", params={"min_similarity": 0.97}
        )
        assert len(strict.json()["items"]) == 1

    async def test_candidates_come_in_pages(self, system: Running) -> None:
        client = system.client
        for name in ("Unite", "Unite Inc", "Unison", "UNISON", "GMB", "G.M.B."):
            await identify(client, name)
        path = f"/research/campaigns/{OURS}/duplicate-candidates"

        seen: list[tuple[str, str]] = []
        cursor: str | None = None
        for _ in range(3):
            params: dict[str, Any] = {"limit": 1} | ({"cursor": cursor} if cursor else {})
            page = (await client.get(path, params=params)).json()
            seen += [(i["partner_id"], i["duplicate_id"]) for i in page["items"]]
            cursor = page["next_cursor"]
        everything = (await client.get(path)).json()["items"]
        assert cursor is None
        assert seen == [(i["partner_id"], i["duplicate_id"]) for i in everything]
        assert len(seen) == 3

        past_the_end = await client.get(path, params={"cursor": "9999"})
        assert past_the_end.json() == {"items": [], "next_cursor": None}

    async def test_a_merge_keeps_both_histories_and_records_who_and_why(
        self, system: Running
    ) -> None:
        client = system.client
        survivor = await identify(client, "Unite the Union")
        duplicate = await identify(client, "UNITE")

        merged = await merge(client, survivor, duplicate, similarity=0.93)

        assert merged.status_code == 200, merged.text
        body = merged.json()
        assert merged.headers["ETag"] == f'"{body["version"]}"'
        assert (body["partner_id"], body["merged_from"], body["aliases"]) == (
            survivor,
            [duplicate],
            ["UNITE"],
        )
        gone = await client.get(f"/research/partners/{duplicate}")
        assert (gone.json()["status"], gone.json()["merged_into"]) == ("archived", survivor)
        assert await history(system, survivor) == [
            "PartnerIdentified",
            "PartnersMerged",
            "PartnerProfileUpdated",
        ]
        assert await history(system, duplicate) == ["PartnerIdentified", "PartnerArchived"]
        new = [
            event
            for stream in (survivor, duplicate)
            for event in await system.runtime.store.read_stream(f"partner-{stream}")
            if event.event_type != "PartnerIdentified"
        ]
        actor = await system.actor_of(system.client.headers["Authorization"].split()[1])
        assert {(e.metadata.actor, e.metadata.reason) for e in new} == {
            (actor, "same organisation, checked by phone")
        }
        assert len({e.metadata.correlation_id for e in new}) == 1
        assert new[0].payload["similarity"] == 0.93
        assert (await system.runtime.store.verify()).ok
        after = await client.get(f"/research/campaigns/{OURS}/duplicate-candidates")
        assert after.json()["items"] == []  # the archived partner is no candidate any more

    async def test_merging_an_already_merged_partner_writes_nothing_and_says_why(
        self, system: Running
    ) -> None:
        client = system.client
        survivor = await identify(client, "Unite the Union")
        duplicate = await identify(client, "UNITE")
        other = await identify(client, "Unite (UK)")
        assert (await merge(client, survivor, duplicate)).status_code == 200
        before = await system.event_count()

        again = await merge(client, other, duplicate)
        into_merged = await merge(client, duplicate, other)

        for refused in (again, into_merged):
            assert refused.status_code == 409
            assert refused.headers["content-type"] == "application/problem+json"
            problem = refused.json()
            assert problem["type"].endswith("/rule-violated")
            assert problem["detail"] == f"partner {duplicate} is archived: merged into {survivor}"
            assert problem["merged_into"] == survivor
        assert await system.event_count() == before
        assert await history(system, other) == ["PartnerIdentified"]

    async def test_a_partner_is_not_merged_with_itself_nor_across_campaigns(
        self, system: Running
    ) -> None:
        client = system.client
        ours = await identify(client, "Unite the Union")
        ours_key = await system.key_for(OURS)
        theirs = await identify(client, "Unite the Union", campaign=THEIRS)
        before = await system.event_count()

        itself = await merge(client, ours, ours)
        assert itself.status_code == 422
        assert itself.json()["field"] == "body.duplicate_id"
        across = await merge(client, ours, theirs)  # the admin key sees both campaigns
        assert across.status_code == 409
        assert "different campaigns" in across.json()["detail"]
        hidden = await merge(client, ours, theirs, headers=bearer(ours_key))
        assert hidden.status_code == 404  # another campaign's partner does not exist for us
        hidden_survivor = await merge(client, theirs, ours, headers=bearer(ours_key))
        assert hidden_survivor.status_code == 404
        unknown = await merge(client, ours, "no-such-partner")
        assert unknown.status_code == 404
        assert await system.event_count() == before

    async def test_a_merge_needs_a_reason_and_honours_if_match(self, system: Running) -> None:
        client = system.client
        survivor = await identify(client, "Unite the Union")
        duplicate = await identify(client, "UNITE")
        before = await system.event_count()

        no_reason = await client.post(
            f"/research/partners/{survivor}/merges", json={"duplicate_id": duplicate}
        )
        assert no_reason.status_code == 422
        assert [e["field"] for e in no_reason.json()["errors"]] == ["body.reason"]
        stale = await merge(client, survivor, duplicate, headers={"If-Match": '"7"'})
        assert stale.status_code == 412
        assert stale.headers["ETag"] == '"1"'
        assert await system.event_count() == before

        current = await merge(client, survivor, duplicate, headers={"If-Match": '"1"'})
        assert current.status_code == 200, current.text

    async def test_a_merge_that_fails_halfway_writes_nothing(
        self, system: Running, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        client = system.client
        survivor = await identify(client, "Unite the Union")
        duplicate = await identify(client, "UNITE")
        before = await system.event_count()
        calls: list[str] = []

        async def failing_second(*args: Any, **kwargs: Any) -> Any:
            calls.append(args[1])
            if len(calls) == 2:
                raise RuntimeError("the database went away")
            return await execute_in(*args, **kwargs)

        monkeypatch.setattr(duplicates, "execute_in", failing_second)
        failed = await merge(client, survivor, duplicate)

        assert failed.status_code == 500
        assert calls == [f"partner-{survivor}", f"partner-{duplicate}"]
        assert await system.event_count() == before
        assert await history(system, survivor) == ["PartnerIdentified"]
