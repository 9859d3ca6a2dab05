"""The audit trail and the blue/green rebuild of the read models, the same on SQLite and
PostgreSQL: projections in this process (the real NATS), fed a scripted campaign of several
hundred events through its inbox as its consumer feeds it."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import sqlalchemy as sa
from benchmarks.campaign_events import Row, as_event, campaign_rows
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.projections.adapters.tables import (
    partner_list,
    read_model_generations,
    received_events,
    timeline_entries,
)
from coalition.projections.domain import views
from coalition.projections.domain.audit import CSV_COLUMNS, decision_types
from coalition.projections.service_layer import audit as trail
from coalition.projections.service_layer import projector, rebuilds
from coalition.projections.service_layer.generations import served
from coalition.shared.eventstore.store import event_row
from coalition.shared.registry import select
from tests.integration.inprocess import Running, running
from tests.support import ADMIN_KEY, bearer, eventually

CAMPAIGN = "living-wage"


async def feed(system: Running, rows: list[Row]) -> None:
    """Each event through the projections' inbox, as the consumer delivers it."""
    assert system.runtime.inbox is not None
    for row in rows:
        assert await system.runtime.inbox.process(as_event(row), projector.receive)


async def snapshot(engine: AsyncEngine) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The served read models, row by row, without the generation and surrogate ids."""
    async with engine.connect() as conn:
        partners = (
            await conn.execute(
                sa.select(partner_list)
                .where(served(partner_list))
                .order_by(partner_list.c.partner_id)
            )
        ).all()
        entries = (
            await conn.execute(
                sa.select(timeline_entries)
                .where(served(timeline_entries))
                .order_by(timeline_entries.c.partner_id, timeline_entries.c.received_position)
            )
        ).all()

    def plain(row: sa.Row[Any], *dropped: str) -> dict[str, Any]:
        return {k: v for k, v in row._mapping.items() if k not in dropped}

    return [plain(r, "generation") for r in partners], [
        plain(r, "generation", "id") for r in entries
    ]


async def rows_of(engine: AsyncEngine, generation: int) -> int:
    async with engine.connect() as conn:
        counts = [
            (
                await conn.execute(
                    sa.select(sa.func.count()).where(table.c.generation == generation)
                )
            ).scalar_one()
            for table in (partner_list, timeline_entries)
        ]
    return int(sum(counts))


class AuditContract:
    @pytest.fixture
    def url(self) -> str:
        raise NotImplementedError

    @pytest_asyncio.fixture
    async def system(
        self, url: str, nats_url: str, unique_prefix: str, tmp_path: Path
    ) -> AsyncIterator[Running]:
        async with running(
            url, nats_url, unique_prefix, tmp_path, specs=select("projections")
        ) as system:
            yield system

    # -- rebuilds ---------------------------------------------------------------------------

    async def test_a_rebuild_equals_live_processing_and_reads_keep_the_old_generation_meanwhile(
        self, system: Running
    ) -> None:
        engine, client = system.runtime.engine, system.client
        rows = list(campaign_rows(600))
        first, later = rows[:450], rows[450:]
        await feed(system, first)
        before = await snapshot(engine)
        listing: dict[str, str | int] = {"campaign_id": CAMPAIGN, "limit": 500}
        served_before = (await client.get("/projections/partners", params=listing)).json()
        assert len(served_before["items"]) > 20

        started = await rebuilds.start(engine, actor="test")
        assert started.generation == 2 and started.events_total == 450
        assert await rebuilds.advance(engine, started.generation, page_size=100)
        assert await rows_of(engine, started.generation) > 0  # written beside the old one
        assert (await client.get("/projections/partners", params=listing)).json() == served_before
        assert await snapshot(engine) == before

        await feed(system, later)  # live events go on during the rebuild, to the served one
        live = await snapshot(engine)
        assert live != before
        while await rebuilds.advance(engine, started.generation, page_size=100):
            assert await snapshot(engine) == live
        old = await rebuilds.swap(engine, started.generation)
        assert old == 1
        assert await snapshot(engine) == live  # row by row, every column
        await rebuilds.retire(engine, old, started.generation)
        assert await rows_of(engine, old) == 0
        done = await rebuilds.get(engine, started.generation)
        assert (done.status, done.events_applied) == ("active", 600)
        assert done.finished_at is not None and done.events_per_second is not None
        assert (await rebuilds.get(engine, old)).status == "dropped"
        partner = served_before["items"][0]["partner_id"]
        timeline = await client.get(f"/projections/partners/{partner}/timeline")
        assert timeline.status_code == 200 and timeline.json()["entries"]

    async def test_a_rebuild_over_http_answers_at_once_and_is_followed_to_the_swap(
        self, system: Running
    ) -> None:
        engine, client = system.runtime.engine, system.client
        await feed(system, list(campaign_rows(300)))
        live = await snapshot(engine)
        running_one = await rebuilds.start(engine, actor="test")
        refused = await client.post("/projections/rebuilds")
        assert refused.status_code == 409, refused.text  # one at a time
        await rebuilds.run(engine, running_one.generation)
        started = await client.post("/projections/rebuilds")
        assert started.status_code == 202, started.text
        assert started.json()["status"] == "building"
        location = "/projections/" + started.headers["Location"]

        async def finished() -> dict[str, Any] | None:
            body: dict[str, Any] = (await client.get(location)).json()
            return body if body["finished_at"] is not None else None

        done = await eventually(finished)
        assert (done["status"], done["events_applied"], done["events_total"]) == (
            "active",
            300,
            300,
        )
        assert done["started_by"] == await system.actor_of(ADMIN_KEY)
        assert await snapshot(engine) == live
        assert (await client.get("/projections/rebuilds/99")).status_code == 404

    async def test_a_rebuild_that_fails_leaves_the_served_generation_alone(
        self, system: Running
    ) -> None:
        engine = system.runtime.engine
        await feed(system, list(campaign_rows(120)))
        live = await snapshot(engine)
        broken = as_event(next(iter(campaign_rows(1))))
        async with engine.begin() as conn:  # a copy no projection can read (no name)
            row = event_row(broken)
            row["payload"] = {"partner_id": "p-broken", "campaign_id": CAMPAIGN}
            row["event_id"] = uuid.uuid4()
            await conn.execute(
                received_events.insert().values(**row, service="research", source_position=999)
            )
        result = await rebuilds.rebuild(engine, actor="test", page_size=50)
        assert result.status == "failed" and result.error is not None
        assert "KeyError" in result.error
        assert await snapshot(engine) == live
        assert await rows_of(engine, result.generation) == 0
        async with engine.connect() as conn:
            active = (
                await conn.execute(
                    sa.select(read_model_generations.c.generation).where(
                        read_model_generations.c.status == "active"
                    )
                )
            ).scalar_one()
        assert active == 1

    async def test_an_abandoned_rebuild_is_failed_by_the_next_one_and_its_rows_dropped(
        self, system: Running
    ) -> None:
        engine = system.runtime.engine
        await feed(system, list(campaign_rows(150)))
        live = await snapshot(engine)
        first = await rebuilds.start(engine, actor="test")
        await rebuilds.advance(engine, first.generation, page_size=50)
        assert await rows_of(engine, first.generation) > 0
        async with engine.begin() as conn:  # its process died three minutes ago
            await conn.execute(
                read_model_generations.update()
                .where(read_model_generations.c.generation == first.generation)
                .values(updated_at=first.updated_at - 3 * rebuilds.STALE)
            )
        second = await rebuilds.start(engine, actor="test")
        abandoned = await rebuilds.get(engine, first.generation)
        assert abandoned.status == "failed" and "abandoned" in (abandoned.error or "")
        assert await rows_of(engine, first.generation) == 0
        done = await rebuilds.run(engine, second.generation)
        assert done.status == "active"
        assert await snapshot(engine) == live

    # -- the audit trail --------------------------------------------------------------------

    async def test_the_campaign_trail_lists_its_decisions_in_order_with_who_why_and_the_cause(
        self, system: Running
    ) -> None:
        rows = list(campaign_rows(400))
        await feed(system, rows)
        decisions = set(decision_types())
        expected = [
            r for r in rows if r["campaign_id"] == CAMPAIGN and r["event_type"] in decisions
        ]
        items = await self._walk(system, f"/projections/campaigns/{CAMPAIGN}/audit", limit=37)
        assert [i["event_id"] for i in items] == [str(r["event_id"]) for r in expected]
        positions = [i["position"] for i in items]
        assert positions == sorted(positions)
        assert all(i["decision"] and i["campaign_id"] == CAMPAIGN for i in items)
        by_id = {str(r["event_id"]): r for r in rows}
        opened = next(i for i in items if i["event_type"] == "EngagementOpened")
        cause = by_id[opened["causation_id"]]
        assert opened["caused_by"] == {
            "event_type": "PartnerScored",
            "service": "scoring",
            "summary": views.summary(as_event(cause)),
        }
        assert opened["correlation_id"] == str(cause["correlation_id"])
        assert opened["reason"] == "recommended by the score"
        assert opened["actor"] == "service:engagement"
        assert opened["partners"] == [cause["payload"]["partner_id"]]
        assert opened["summary"] == "pipeline entry opened as prioritised"
        identified = next(i for i in items if i["event_type"] == "PartnerIdentified")
        assert identified["caused_by"] is None and identified["service"] == "research"

        everything = await self._walk(
            system, f"/projections/campaigns/{CAMPAIGN}/audit", limit=500, include="all"
        )
        assert len(everything) == len([r for r in rows if r["campaign_id"] == CAMPAIGN])
        assert any(i["event_type"] == "PartnerPositionRecorded" for i in everything)

    async def test_the_trail_filters_by_partner_actor_service_type_and_period(
        self, system: Running
    ) -> None:
        rows = list(campaign_rows(400))
        await feed(system, rows)
        events = [as_event(r) for r in rows if r["campaign_id"] == CAMPAIGN]
        base = f"/projections/campaigns/{CAMPAIGN}/audit"
        partner = next(e for e in events if e.event_type == "AgreementSigned").payload["parties"][0]

        async def ids(**params: Any) -> list[str]:
            return [i["event_id"] for i in await self._walk(system, base, include="all", **params)]

        assert await ids(partner_id=partner) == [
            str(e.event_id) for e in events if partner in views.partners_concerned(e)
        ]
        assert await ids(actor="key:maria") == [
            str(e.event_id) for e in events if e.metadata.actor == "key:maria"
        ]
        assert await ids(service="agreement") == [
            str(e.event_id) for e in events if e.stream_type == "agreement"
        ]
        assert await ids(event_type="PartySigned") == [
            str(e.event_id) for e in events if e.event_type == "PartySigned"
        ]
        since, until = events[50].metadata.occurred_at, events[120].metadata.occurred_at
        assert await ids(since=since.isoformat(), until=until.isoformat()) == [
            str(e.event_id) for e in events if since <= e.metadata.occurred_at < until
        ]

    async def test_the_trail_exports_as_csv_and_json_lines_with_the_same_entries(
        self, system: Running, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(trail, "EXPORT_PAGE", 50)  # an export reads the trail in pages
        await feed(system, list(campaign_rows(400)))
        base = f"/projections/campaigns/{CAMPAIGN}/audit"
        items = await self._walk(system, base, limit=500)
        assert len(items) > 3 * trail.EXPORT_PAGE
        exported = await system.client.get(base, params={"format": "csv"})
        assert exported.status_code == 200
        assert exported.headers["content-type"].startswith("text/csv")
        assert "attachment" in exported.headers["content-disposition"]
        table = list(csv.DictReader(io.StringIO(exported.text)))
        assert list(table[0]) == CSV_COLUMNS
        assert [r["event_id"] for r in table] == [i["event_id"] for i in items]
        assert [r["reason"] for r in table] == [i["reason"] for i in items]
        assert [r["caused_by_type"] or None for r in table] == [
            (i["caused_by"] or {}).get("event_type") for i in items
        ]
        lines = await system.client.get(base, params={"format": "jsonl"})
        assert lines.headers["content-type"].startswith("application/x-ndjson")
        assert [json.loads(line) for line in lines.text.splitlines()] == items
        later = await system.client.get(
            base, params={"format": "jsonl", "cursor": str(items[99]["position"])}
        )
        assert [json.loads(line) for line in later.text.splitlines()] == items[100:]
        empty = await system.client.get(base, params={"format": "csv", "actor": "key:nobody"})
        assert empty.text.strip() == ",".join(CSV_COLUMNS)
        # A campaign id no header can carry as it is still names a file (schemathesis found it).
        odd = await system.client.get(
            "/projections/campaigns/Caf\u00e9 \U0001f30d/audit?format=csv"
        )
        assert odd.status_code == 200, odd.text
        assert odd.headers["content-disposition"] == 'attachment; filename="audit-Caf.csv"'

    async def test_an_actor_trail_shows_only_the_campaigns_of_the_key(
        self, system: Running
    ) -> None:
        rows = list(campaign_rows(300))
        await feed(system, rows)
        clean_air = await system.key_for("clean-air", scopes=("projections:read",))
        mine = await self._walk(
            system, "/projections/audit", actor="user:sam", include="all", key=clean_air
        )
        expected = [
            str(r["event_id"])
            for r in rows
            if r["actor"] == "user:sam" and r["campaign_id"] == "clean-air"
        ]
        assert [i["event_id"] for i in mine] == expected and expected
        everyone = await self._walk(system, "/projections/audit", actor="user:sam", include="all")
        assert len(everyone) > len(mine)  # the admin key sees both campaigns
        refused = await system.client.get(
            "/projections/audit", params={"campaign_id": CAMPAIGN}, headers=bearer(clean_air)
        )
        assert refused.status_code == 403

    @staticmethod
    async def _walk(
        system: Running, path: str, *, limit: int = 100, key: str | None = None, **params: Any
    ) -> list[dict[str, Any]]:
        """Every page, following `next_cursor`."""
        items: list[dict[str, Any]] = []
        cursor = None
        headers = bearer(key) if key else {}
        while True:
            query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
            answer = await system.client.get(path, params=query, headers=headers)
            assert answer.status_code == 200, answer.text
            page = answer.json()
            items.extend(page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                return items
