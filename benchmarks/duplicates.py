"""Duplicate detection at campaign scale: the 13,787 Washington DC organisations of the IRS
file (`../shared/data/irs-eo-dc.csv` beside the checkout, or COALITION_BENCH_IRS_CSV) as the
partners of one campaign.

- matching: `duplicates.candidates` over the rebuilt partners, names only (no EINs: the
  worst case, every name is compared within its blocks) and with their EINs;
- reading: the service layer's `campaign_partners`, which rebuilds every partner of the
  campaign from a store on SQLite and on PostgreSQL (what `GET .../duplicate-candidates` does
  before matching).

`python -m benchmarks.duplicates` replaces its section of benchmarks/results.md;
`make bench` runs it with the rest.
"""

from __future__ import annotations

import asyncio
import csv
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.postgres import Server
from coalition.research.domain import duplicates
from coalition.research.domain import partner as model
from coalition.research.service_layer.duplicates import campaign_partners
from coalition.shared.contracts.research import PartnerIdentified
from coalition.shared.db import create_engine, migrate
from coalition.shared.events.envelope import Metadata, NewEvent
from coalition.shared.eventstore.store import EventStore

ROOT = Path(__file__).parents[1]
RESULTS = Path(__file__).with_name("results.md")
HEADING = "## Duplicate detection"
CAMPAIGN = "dc-bench"
BATCH = 500


def irs_file() -> Path:
    default = ROOT.parent / "shared" / "data" / "irs-eo-dc.csv"
    return Path(os.environ.get("COALITION_BENCH_IRS_CSV", default))


def organisations(path: Path) -> list[tuple[str, str]]:
    with path.open(newline="") as file:
        return [(row["EIN"], row["NAME"]) for row in csv.DictReader(file)]


def identified(ein: str, name: str, *, with_ein: bool) -> PartnerIdentified:
    return PartnerIdentified(
        partner_id=f"irs-{ein}",
        campaign_id=CAMPAIGN,
        name=name,
        kind="ngo",
        external_ids={"irs_ein": ein} if with_ein else {},
    )


def partners(rows: list[tuple[str, str]], *, with_ein: bool) -> list[model.Partner]:
    result = []
    for ein, name in rows:
        event = identified(ein, name, with_ein=with_ein)
        result.append(model.Partner(event.partner_id, CAMPAIGN, event.profile, 1))
    return result


@dataclass(frozen=True)
class Timing:
    what: str
    partners: int
    candidates: int
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


async def timed(what: str, count: int, run: Callable[[], Awaitable[int]], rounds: int) -> Timing:
    seconds, found = [], 0
    for _ in range(rounds):
        began = time.perf_counter()
        found = await run()
        seconds.append(time.perf_counter() - began)
    return Timing(what, count, found, seconds)


async def matching(rows: list[tuple[str, str]], rounds: int) -> list[Timing]:
    timings = []
    for with_ein in (False, True):
        everyone = partners(rows, with_ein=with_ein)

        async def run(everyone: list[model.Partner] = everyone) -> int:
            return len(duplicates.candidates(everyone))

        label = "with their EINs" if with_ein else "names only"
        timings.append(await timed(f"matching, {label}", len(everyone), run, rounds))
    return timings


async def fill(store: EventStore, rows: list[tuple[str, str]]) -> None:
    metadata = Metadata(actor="benchmark", reason="benchmark", campaign_id=CAMPAIGN)
    for start in range(0, len(rows), BATCH):
        async with store.transaction() as tx:
            for ein, name in rows[start : start + BATCH]:
                event = identified(ein, name, with_ein=False)
                new = [NewEvent(payload=event, metadata=metadata)]
                await tx.append(model.stream_id(event.partner_id), model.STREAM_TYPE, new, 0)


async def reading(url: str, label: str, rows: list[tuple[str, str]], rounds: int) -> Timing:
    engine = create_engine(url)
    try:
        await migrate(engine, [])
        store = EventStore(engine)
        await fill(store, rows)

        async def run() -> int:
            return len(await campaign_partners(store, CAMPAIGN))

        return await timed(f"reading the partners from the store, {label}", len(rows), run, rounds)
    finally:
        await engine.dispose()


def section(timings: list[Timing], rounds: int, source: Path) -> str:
    lines = [
        HEADING,
        "",
        f"The {timings[0].partners:,} organisations of `{source.name}` (IRS, Washington DC) as "
        f"the partners of one campaign; median of {rounds} rounds (range in brackets). "
        "Matching is the pure `duplicates.candidates` (minimum similarity "
        f"{duplicates.DEFAULT_MIN_SIMILARITY}); reading is `campaign_partners`, one query and "
        "`Partner.from_history` per stream, as `GET /research/campaigns/{id}/duplicate-"
        "candidates` does before matching.",
        "",
        "| step | partners | candidates | seconds |",
        "|---|---:|---:|---:|",
    ]
    for t in timings:
        spread = f"{min(t.seconds):.2f}-{max(t.seconds):.2f}"
        candidates = f"{t.candidates:,}" if t.what.startswith("matching") else "-"
        lines.append(f"| {t.what} | {t.partners:,} | {candidates} | {t.median:.2f} ({spread}) |")
    lines += [
        "",
        "Names only, every distinct name is scored by rapidfuzz against the names sharing one "
        "of its two rarest words; with EINs, organisations of one name but different EINs (the "
        "chapters of a national body) are not candidates, and every EIN in this file differs.",
        "",
    ]
    return "\n".join(lines)


async def measure(server: Server, rounds: int = 3) -> str | None:
    """The section for results.md, or None without the IRS file."""
    source = irs_file()
    if not source.exists():
        print(f"Duplicate detection: {source} not found, not measured", flush=True)
        return None
    rows = organisations(source)
    timings = await matching(rows, rounds)
    with tempfile.TemporaryDirectory(prefix="coalition-dupes-") as tmp:
        timings.append(
            await reading(f"sqlite+aiosqlite:///{tmp}/research.db", "SQLite", rows, rounds)
        )
    database = server.name("dupes")
    await server.create(database)
    try:
        timings.append(await reading(server.sqlalchemy_url(database), "PostgreSQL", rows, rounds))
    finally:
        await server.drop(database)
    return section(timings, rounds, source)


def replace_section(text: str, new: str) -> str:
    """`text` with its duplicate-detection section replaced (or added before the notes)."""
    if HEADING in text:
        before, rest = text.split(HEADING, 1)
        after = rest[rest.find("\n## ") + 1 :] if "\n## " in rest else ""
        return before + new + "\n" + after
    if "\n## Notes" in text:
        before, after = text.split("\n## Notes", 1)
        return before + "\n" + new + "\n## Notes" + after
    return text.rstrip("\n") + "\n\n" + new


async def main() -> None:
    from benchmarks.run import code_version  # run.py imports this module

    server = Server()
    try:
        new = await measure(server)
    finally:
        await server.drop_all()
    if new is not None:
        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
        new = new.replace(
            "\n\n",
            f"\n\nMeasured on its own (`python -m benchmarks.duplicates`), {when} UTC, code "
            f"{await code_version()}; the rest of this file comes from the run above.\n\n",
            1,
        )
        print(new, flush=True)
        RESULTS.write_text(replace_section(RESULTS.read_text(), new))
        print(f"Written to {RESULTS}", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
