"""Importing a file of organisations, positions and relationships into a campaign.

A dry run decides every row against the streams as stored and reports what each would do
(created, updated, unchanged, rejected and why); it writes nothing. An import decides the same
way, then appends everything in one transaction, with the `FileImported` event: a file with a
rejected row writes nothing at all unless the caller asked to skip bad rows. Rows are decided
outside the transaction and appended with the stream versions they were decided on, so the
append lock is held only for the writes; a stream another writer changed meanwhile makes the
whole file be decided again.

Each import is an `ImportJob` whose status, counts and row report can be read while it runs
(from the process that runs it; its outcome is also the durable `FileImported` event).
"""

from __future__ import annotations

import asyncio
import uuid
import weakref
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import structlog

from coalition.research.adapters.imports import Format, Layout, UnreadableFileError, read_rows
from coalition.research.domain.imports import (
    Plan,
    Record,
    Rejected,
    RowResult,
    parse,
    streams_of,
)
from coalition.shared.contracts.research import FileImported
from coalition.shared.events.envelope import Metadata, NewEvent, utc_now
from coalition.shared.eventstore import ConcurrencyError, EventStore, StreamAppend

log = structlog.get_logger(__name__)

Status = Literal["running", "completed", "rejected", "failed"]
IMPORT_STREAM_TYPE = "import"
ROWS_PER_STEP = 500
"""Rows decided between two yields to the event loop, so progress can be read meanwhile."""
ATTEMPTS = 3
ANALYZE_AFTER = 1000
"""Events written by one import after which the database's statistics are refreshed."""
ORDER = {"organisation": 0, "position": 1, "relationship": 2}


def import_stream(import_id: str) -> str:
    return f"import-{import_id}"


@dataclass
class ImportJob:
    """One import (or dry run) of one file, as it runs."""

    campaign_id: str
    source: str
    file_format: Format
    layout: Layout
    dry_run: bool
    skip_bad_rows: bool
    import_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    status: Status = "running"
    phase: str = "reading"
    total: int = 0
    processed: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    rows: list[RowResult] = field(default_factory=list)
    events: int = 0
    error: str | None = None
    started_at: datetime = field(default_factory=utc_now)
    finished_at: datetime | None = None

    @property
    def written(self) -> bool:
        return self.status == "completed" and not self.dry_run


class ImportJobs:
    """The imports this process runs or ran (the newest `KEEP`), by id."""

    KEEP = 100

    def __init__(self) -> None:
        self.jobs: dict[str, ImportJob] = {}
        self._tasks: set[asyncio.Task[ImportJob]] = set()

    def get(self, import_id: str) -> ImportJob | None:
        return self.jobs.get(import_id)

    def start(self, store: EventStore, job: ImportJob, data: bytes, metadata: Metadata) -> None:
        """Run the import in the background; its job answers for it meanwhile."""
        self.jobs[job.import_id] = job
        while len(self.jobs) > self.KEEP:
            oldest = next(iter(self.jobs))
            if self.jobs[oldest].status == "running":
                break
            del self.jobs[oldest]
        task = asyncio.create_task(run_import(store, job, data, metadata))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


_jobs: weakref.WeakKeyDictionary[EventStore, ImportJobs] = weakref.WeakKeyDictionary()


def jobs_of(store: EventStore) -> ImportJobs:
    """The imports run against this store (one registry per service database)."""
    return _jobs.setdefault(store, ImportJobs())


async def run_import(
    store: EventStore, job: ImportJob, data: bytes, metadata: Metadata
) -> ImportJob:
    """Read, decide and (unless a dry run) write one file; the job says how it went."""
    try:
        rows = read_rows(data, job.file_format, job.layout)
        parsed = sorted(
            ((row.number, parse(row)) for row in rows),
            key=lambda item: (ORDER.get(item[1].record, 0), item[0]),
        )
        job.total = len(parsed)
        for attempt in range(1, ATTEMPTS + 1):
            plan = await decide(store, job, parsed)
            if job.dry_run:
                job.status = "completed"
                break
            if job.counts["rejected"] and not job.skip_bad_rows:
                job.status = "rejected"
                break
            try:
                await write(store, job, plan, metadata)
                job.status = "completed"
                break
            except ConcurrencyError:
                if attempt == ATTEMPTS:
                    raise
                log.info("import.retry", import_id=job.import_id, attempt=attempt)
    except UnreadableFileError as error:
        job.status, job.error = "failed", str(error)
    except Exception as error:
        log.exception("import.failed", import_id=job.import_id)
        job.status, job.error = "failed", f"{type(error).__name__}: {error}"
    job.phase = "done"
    job.finished_at = utc_now()
    log.info(
        "import.finished",
        import_id=job.import_id,
        status=job.status,
        rows=job.total,
        events=job.events,
        **job.counts,
    )
    return job


async def decide(
    store: EventStore, job: ImportJob, parsed: Sequence[tuple[int, Record | Rejected]]
) -> Plan:
    """Every row against the streams as stored now, the job's report kept up to date."""
    job.phase, job.processed, job.counts, job.rows = "deciding", 0, Counter(), []
    records = [record for _, record in parsed]
    stored = await store.read_streams(streams_of(records, job.campaign_id, job.source))
    plan = Plan(job.campaign_id, job.source, stored)
    for start in range(0, len(parsed), ROWS_PER_STEP):
        for number, record in parsed[start : start + ROWS_PER_STEP]:
            result = plan.decide(number, record)
            job.rows.append(result)
            job.counts[result.outcome] += 1
        job.processed = min(start + ROWS_PER_STEP, len(parsed))
        await asyncio.sleep(0)
    job.rows.sort(key=lambda result: result.number)
    return plan


async def write(store: EventStore, job: ImportJob, plan: Plan, metadata: Metadata) -> None:
    """Everything the plan decided and the `FileImported` event, in one transaction."""
    job.phase = "writing"
    appends = [
        StreamAppend(
            stream,
            pending.stream_type,
            [NewEvent(payload=event, metadata=metadata) for event in pending.events],
            pending.expected_version,
        )
        for stream, pending in plan.pending.items()
    ]
    events = sum(len(append.events) for append in appends)
    done = FileImported(
        import_id=job.import_id,
        campaign_id=job.campaign_id,
        source=job.source,
        file_format=job.file_format,
        layout=job.layout,
        rows=job.total,
        created=job.counts["created"],
        updated=job.counts["updated"],
        unchanged=job.counts["unchanged"],
        rejected=job.counts["rejected"],
        skip_bad_rows=job.skip_bad_rows,
        events=events,
    )
    record = NewEvent(payload=done, metadata=metadata)
    appends.append(StreamAppend(import_stream(job.import_id), IMPORT_STREAM_TYPE, [record], 0))
    async with store.transaction() as tx:
        await tx.append_many(appends)
    job.events = events
    if events >= ANALYZE_AFTER:
        await store.analyze()


async def completed(store: EventStore, import_id: str) -> FileImported | None:
    """The durable record of an import that wrote, from any process."""
    history = await store.read_stream(import_stream(import_id))
    return FileImported.model_validate(history[0].payload) if history else None
