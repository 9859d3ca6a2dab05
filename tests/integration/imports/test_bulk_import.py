"""Bulk imports through the service layer on real PostgreSQL and SQLite: the real IRS and ESF
extracts import, a second import of the same file records nothing, a dry run writes nothing, a
file with bad rows writes nothing and says why per row (unless told to skip them), and the
job's progress can be read while it runs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from coalition.research.domain import partner as model
from coalition.research.domain.imports import partner_id_for
from coalition.research.service_layer.bulk_import import ImportJob, import_stream, run_import
from coalition.shared.db import create_engine, migrate
from coalition.shared.events.envelope import Metadata
from coalition.shared.eventstore import EventStore

DATA = Path(__file__).parents[2] / "data"
C = "living-wage"
META = Metadata(actor="key:test", reason="the DC exempt organisations", campaign_id=C)


def job(
    source: str, file_format: str = "csv", layout: str = "coalition", **options: bool
) -> ImportJob:
    return ImportJob(
        campaign_id=C,
        source=source,
        file_format=file_format,  # type: ignore[arg-type]
        layout=layout,  # type: ignore[arg-type]
        dry_run=options.get("dry_run", False),
        skip_bad_rows=options.get("skip_bad_rows", False),
    )


async def count(store: EventStore) -> int:
    return len(await store.read_all(limit=1_000_000))


BAD = (
    b"record,id,name,kind,members,source,target,type\n"
    b"organisation,u1,Unite,union,1200000,,,\n"
    b"organisation,u2,Guild,guild,,,,\n"
    b"organisation,u3,Unison,union,lots,,,\n"
    b"relationship,,,,,u1,nobody,member_of\n"
    b"organisation,u4,GMB,union,,,,\n"
)


class BulkImportContract:
    """What a bulk import guarantees on every database; subclasses provide `url`."""

    @pytest.fixture
    def url(self) -> str:
        raise NotImplementedError

    @pytest_asyncio.fixture
    async def store(self, url: str) -> AsyncIterator[EventStore]:
        engine = create_engine(url)
        await migrate(engine)
        yield EventStore(engine)
        await engine.dispose()

    async def test_the_irs_extract_imports_once_and_again_records_nothing(
        self, store: EventStore
    ) -> None:
        data = (DATA / "irs-eo-dc-sample.csv").read_bytes()
        first = await run_import(store, job("irs", layout="irs_eo_bmf"), data, META)
        assert (first.status, first.error) == ("completed", None)
        assert first.counts["created"] == first.total > 200  # 200 organisations and their ties
        assert first.counts["rejected"] == 0
        written = await count(store)
        assert written == first.events + 1  # and FileImported
        partner = model.Partner.from_history(
            await store.read_stream(model.stream_id(partner_id_for(C, "irs", "010466768")))
        )
        assert partner is not None
        assert partner.profile.external_ids["irs_ein"] == "010466768"
        assert partner.profile.kind == "ngo"
        [recorded] = await store.read_stream(model.stream_id(partner.partner_id))
        assert (recorded.metadata.actor, recorded.metadata.reason) == ("key:test", META.reason)
        done = await store.read_stream(import_stream(first.import_id))
        assert done[0].payload["created"] == first.counts["created"]

        again = await run_import(store, job("irs", layout="irs_eo_bmf"), data, META)
        assert again.status == "completed"
        assert again.counts["unchanged"] == again.total
        assert again.events == 0
        assert await count(store) == written + 1  # only the second FileImported
        assert (await store.verify()).ok

    async def test_the_esf_network_imports_with_its_membership_ties(
        self, store: EventStore
    ) -> None:
        data = (DATA / "esf-network.graphml").read_bytes()
        done = await run_import(store, job("esf", "graphml", "esf"), data, META)
        assert done.status == "completed", done.error
        ties = [r for r in done.rows if r.record == "relationship"]
        assert ties and all(r.outcome == "created" for r in ties)
        assert done.counts["created"] == done.total == 895 + len(ties)

    async def test_a_file_with_bad_rows_writes_nothing_and_says_why_per_row(
        self, store: EventStore
    ) -> None:
        before = await count(store)
        done = await run_import(store, job("bad"), BAD, META)
        assert done.status == "rejected"
        assert await count(store) == before
        rejected = {(r.number, r.field) for r in done.rows if r.outcome == "rejected"}
        assert rejected == {(3, "kind"), (4, "members"), (5, "target")}
        assert {r.number for r in done.rows if r.outcome == "created"} == {2, 6}
        assert done.events == 0

    async def test_skipping_bad_rows_writes_the_good_ones(self, store: EventStore) -> None:
        done = await run_import(store, job("bad", skip_bad_rows=True), BAD, META)
        assert done.status == "completed"
        assert (done.counts["created"], done.counts["rejected"]) == (2, 3)
        assert await count(store) == 3  # two partners and FileImported

    async def test_a_dry_run_reports_and_writes_nothing(self, store: EventStore) -> None:
        data = (DATA / "irs-eo-dc-sample.csv").read_bytes()
        dry = await run_import(store, job("irs", layout="irs_eo_bmf", dry_run=True), data, META)
        assert dry.status == "completed"
        assert dry.counts["created"] == dry.total
        assert await count(store) == 0

    async def test_an_unreadable_file_fails_the_job_and_writes_nothing(
        self, store: EventStore
    ) -> None:
        done = await run_import(store, job("x", "graphml"), b"<graphml><graph>", META)
        assert done.status == "failed"
        assert "XML" in (done.error or "")
        assert await count(store) == 0

    async def test_progress_can_be_read_while_the_import_runs(self, store: EventStore) -> None:
        lines = ["id,name,kind"] + [f"o{i},Organisation {i},ngo" for i in range(3000)]
        running = job("many")
        task = asyncio.create_task(run_import(store, running, "\n".join(lines).encode(), META))
        seen: set[int] = set()
        while not task.done():
            seen.add(running.processed)
            await asyncio.sleep(0)
        await task
        assert running.status == "completed"
        assert len(seen - {0, 3000}) >= 1  # counts moved while it ran
        assert running.counts["created"] == 3000


class TestOnSQLite(BulkImportContract):
    @pytest.fixture
    def url(self, sqlite_database: str) -> str:
        return sqlite_database


class TestOnPostgres(BulkImportContract):
    @pytest.fixture
    def url(self, postgres_database: str) -> str:
        return postgres_database
