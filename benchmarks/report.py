"""The results as Markdown: the machine, the throughput table, the latency table, the method."""

from __future__ import annotations

from collections.abc import Sequence

from benchmarks.latency import HOPS, LatencyResult, median_ms
from benchmarks.machine import Machine
from benchmarks.throughput import Rates, ScenarioResult


def _rate(rates: Rates) -> str:
    values = rates.all
    if len(values) == 1:
        return f"{values[0]:,.0f}"
    return f"{rates.median:,.0f} ({min(values):,.0f}-{max(values):,.0f})"


def throughput_table(results: Sequence[ScenarioResult]) -> str:
    lines = [
        "| scenario | ours (events/s) | raw INSERT (rows/s) | ours as % of raw "
        "| eventsourcing (events/s) | ours ÷ eventsourcing |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        ours, raw, es = result.ours.median, result.raw.median, result.eventsourcing.median
        lines.append(
            f"| {result.scenario.title} | {_rate(result.ours)} | {_rate(result.raw)} "
            f"| {ours / raw:.0%} | {_rate(result.eventsourcing)} | {ours / es:.2f}x |"
        )
    return "\n".join(lines)


def latency_table(results: Sequence[LatencyResult]) -> str:
    lines = [
        "| system | samples | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | POST p50 (ms) "
        "| median polls |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        polls = sorted(r.polls)[len(r.polls) // 2] if r.polls else 0
        lines.append(
            f"| {r.backend} | {len(r.end_to_end)} | {r.ms(0.50):.1f} | {r.ms(0.95):.1f} "
            f"| {r.ms(0.99):.1f} | {max(r.end_to_end) * 1000:.1f} | {median_ms(r.post):.1f} "
            f"| {polls} |"
        )
    return "\n".join(lines)


def hops_table(results: Sequence[LatencyResult]) -> str:
    """Median time from sending the POST until each event on the way was recorded."""
    header = " | ".join(f"{hop} recorded" for hop in HOPS)
    lines = [
        f"| system | {header} | projection shows the score |",
        "|---|" + "---:|" * (len(HOPS) + 1),
    ]
    for r in results:
        cells = " | ".join(f"{median_ms(r.hops.get(hop, [])):.1f}" for hop in HOPS)
        lines.append(f"| {r.backend} | {cells} | {r.ms(0.50):.1f} |")
    return "\n".join(lines)


def markdown(
    machine: Machine,
    throughput: Sequence[ScenarioResult],
    latency: Sequence[LatencyResult],
    *,
    rounds: int,
    samples: int,
    warm_up: int,
    code: str,
    notes: Sequence[str] = (),
    sections: Sequence[str] = (),
) -> str:
    parts = [
        "# Benchmark results",
        "",
        f"**Machine:** {machine.header()}.",
        "",
        f"**Code:** {code}.",
        "",
        "Produced by `make bench` (`python -m benchmarks.run`); this file is overwritten on "
        "every run.",
        "",
    ]
    if throughput:
        payload_types = "/".join(sorted({result.payload_type for result in throughput}))
        parts += [
            "## Append throughput on PostgreSQL",
            "",
            f"Median of {rounds} rounds (range in brackets). Per scenario one fresh database "
            "holds all three tables; before each contender the tables are emptied and a "
            "`CHECKPOINT` is taken, and the order of the contenders rotates between rounds.",
            "",
            throughput_table(throughput),
            "",
            "- **ours**: `EventStore.append` (our store through `coalition.shared.db."
            "create_engine`, asyncpg), one stream per writer, `expected_version` tracked per "
            "stream; concurrent writers are asyncio tasks sharing the engine's pool.",
            "- **raw INSERT**: asyncpg `INSERT` of the same row (the columns and types of "
            f"`events`, payload `{payload_types}` like `events.payload`, "
            "`bigserial` key, no other index or constraint) into a plain table: one autocommit "
            "statement per row, or `executemany` of 100 rows (one transaction); one connection "
            "per writer. No lock, no stream-head read, no hashing: the floor.",
            "- **eventsourcing**: `eventsourcing` "
            "`PostgresApplicationRecorder.insert_events` (psycopg 3, `LOCK TABLE ... IN "
            "EXCLUSIVE MODE` per insert, like ours), `StoredEvent` state = JSON of the same "
            "payload and metadata; concurrent writers are threads on a pool of that size.",
            "- Events are built before the clock starts; each contender warms up (connections, "
            "prepared statements) on streams of its own first.",
            "",
        ]
    if latency:
        parts += [
            "## End-to-end latency",
            "",
            f"`POST /research/partners` until `GET /projections/partners/{{id}}` shows a "
            f"`score` (research → scoring → projections), polled every 5 ms; "
            f"{samples} sequential samples after {warm_up} warm-up requests; the whole system "
            "as a subprocess (`coalition serve all`, default log level).",
            "",
            latency_table(latency),
            "",
            "Median milliseconds from sending the POST until each event on the way was "
            "recorded (its `recorded_at`, same clock):",
            "",
            hops_table(latency),
            "",
        ]
    parts += list(sections)
    if notes:
        parts += ["## Notes", "", *[f"- {note}" for note in notes], ""]
    return "\n".join(parts)
