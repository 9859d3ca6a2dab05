"""Bulk import throughput: a CSV file of 10,000 organisations and 50,000 relationships imported
into a fresh PostgreSQL database through the service layer (read, decide, one transaction),
then imported again (everything unchanged, nothing written). Issue 4 asks for under a minute.

`python -m benchmarks.bulk_import` runs it alone; `make bench` runs it too (`--no-import` not).
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass

from benchmarks.postgres import Server
from coalition.research.service_layer.bulk_import import ImportJob, run_import
from coalition.shared.db import create_engine, migrate
from coalition.shared.events.envelope import Metadata
from coalition.shared.eventstore import EventStore

KINDS = ("ngo", "union", "advocacy_group", "business_association", "party", "faith_group")
TIES = ("member_of", "allied_with", "funds", "advises", "opposed_to")
META = Metadata(actor="benchmark", reason="bulk import benchmark", campaign_id="bench")


def workload(organisations: int, relationships: int, seed: int = 4) -> bytes:
    """A CSV file in the import's own layout: organisations, then distinct ties among them."""
    rng = random.Random(seed)
    lines = ["record,id,name,kind,country,members,regions,source,target,type,weight"]
    for i in range(organisations):
        kind, members = rng.choice(KINDS), rng.randint(0, 500_000)
        lines.append(f"organisation,o{i},Organisation {i},{kind},US,{members},DC|MD,,,,")
    seen: set[tuple[int, int, str]] = set()
    while len(seen) < relationships:
        a, b, tie = rng.randrange(organisations), rng.randrange(organisations), rng.choice(TIES)
        if a != b and (a, b, tie) not in seen:
            seen.add((a, b, tie))
            lines.append(f"relationship,,,,,,,o{a},o{b},{tie},{rng.randint(1, 100) / 100}")
    return "\n".join(lines).encode()


@dataclass(frozen=True)
class ImportResult:
    organisations: int
    relationships: int
    megabytes: float
    seconds: float
    events: int
    again_seconds: float
    again_events: int

    @property
    def rows_per_second(self) -> float:
        return (self.organisations + self.relationships) / self.seconds


async def measure(server: Server, organisations: int, relationships: int) -> ImportResult:
    data = workload(organisations, relationships)
    async with server.database("bulk_import") as name:
        engine = create_engine(server.sqlalchemy_url(name))
        try:
            await migrate(engine)
            store = EventStore(engine)
            timings: list[tuple[float, ImportJob]] = []
            for _ in range(2):
                job = ImportJob("bench", "bench", "csv", "coalition", False, False)
                began = time.perf_counter()
                await run_import(store, job, data, META)
                timings.append((time.perf_counter() - began, job))
                if job.status != "completed":
                    raise RuntimeError(f"the import did not complete: {job.status} {job.error}")
        finally:
            await engine.dispose()
    (first, job), (again, job_again) = timings
    return ImportResult(
        organisations, relationships, len(data) / 1e6, first, job.events, again, job_again.events
    )


def section(result: ImportResult) -> str:
    return "\n".join(
        [
            "## Bulk import on PostgreSQL",
            "",
            "| file | rows | first import (s) | rows/s | events written | same file again (s) "
            "| events written again |",
            "|---|---:|---:|---:|---:|---:|---:|",
            f"| {result.organisations:,} organisations + {result.relationships:,} relationships,"
            f" CSV, {result.megabytes:.1f} MB | {result.organisations + result.relationships:,} "
            f"| {result.seconds:.1f} | {result.rows_per_second:,.0f} | {result.events:,} "
            f"| {result.again_seconds:.1f} | {result.again_events} |",
            "",
            "- `run_import` of the service layer on a fresh database: read and check every row, "
            "decide it with the partner and network domain against the streams as stored (read "
            "a thousand streams per query), then append every stream and `FileImported` in one "
            "transaction (`StoreTransaction.append_many`: one read of the heads, inserts of a "
            "thousand rows). One run each; not through HTTP (the body limit is 1 MiB).",
            "- Issue 4's goal: under a minute for this file on this machine.",
        ]
    )


async def main() -> None:
    server = Server()
    try:
        result = await measure(server, 10_000, 50_000)
    finally:
        await server.drop_all()
    print(section(result))


if __name__ == "__main__":
    asyncio.run(main())
