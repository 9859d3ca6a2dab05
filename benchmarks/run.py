"""`make bench`: append throughput on PostgreSQL (ours, raw INSERT, eventsourcing),
end-to-end latency (PostgreSQL + NATS, then SQLite + embedded NATS), duplicate detection, the
scoring network measures, re-scoring a whole campaign, rebuilding the read models from a million
received events and bulk import; prints the tables and
writes benchmarks/results.md.

Environment: COALITION_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres)
and COALITION_BENCH_NATS_URL (default nats://127.0.0.1:4222). Every database and JetStream
stream the run creates is removed at the end, also when it fails.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

from benchmarks import (
    bulk_import,
    duplicates,
    latency,
    rebuild,
    report,
    scoring_network,
    scoring_rescore,
)
from benchmarks.latency import LatencyResult
from benchmarks.machine import describe
from benchmarks.postgres import Server
from benchmarks.throughput import ScenarioResult, run_scenario
from benchmarks.workload import Scenario

RESULTS = Path(__file__).with_name("results.md")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument(
        "--single-events", type=int, default=2_000, help="events per single-event scenario"
    )
    parser.add_argument(
        "--batch-events", type=int, default=20_000, help="events per batch scenario"
    )
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--writers", type=int, default=8, help="concurrent writers in (b) and (d)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per throughput scenario")
    parser.add_argument("--samples", type=int, default=200, help="end-to-end latency samples")
    parser.add_argument("--warm-up", type=int, default=10, help="latency warm-up requests")
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--no-latency", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite latency run")
    parser.add_argument("--no-duplicates", action="store_true", help="skip duplicate detection")
    parser.add_argument("--no-import", action="store_true", help="skip the bulk import run")
    parser.add_argument("--no-network", action="store_true", help="skip the network measures")
    parser.add_argument(
        "--no-rescore", action="store_true", help="skip re-scoring a whole campaign"
    )
    parser.add_argument("--no-rebuild", action="store_true", help="skip rebuilding the read models")
    parser.add_argument(
        "--rebuild-events",
        type=int,
        default=1_000_000,
        help="received events the read models are rebuilt from",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    return parser.parse_args()


def scenarios(args: argparse.Namespace) -> list[Scenario]:
    return [
        Scenario("a", 1, 1, args.single_events),
        Scenario("b", 1, args.writers, args.single_events),
        Scenario("c", args.batch_size, 1, args.batch_events),
        Scenario("d", args.batch_size, args.writers, args.batch_events),
    ]


async def latency_postgres(
    server: Server, args: argparse.Namespace, data_dir: Path
) -> LatencyResult:
    """The system on PostgreSQL (one fresh database per service) and the shared NATS server,
    with a stream and subject prefix of its own."""
    databases = {
        service: server.name(f"e2e_{service}") for service in (*latency.SERVICES, "access")
    }
    stream = latency.unique_name()
    nats_url = latency.nats_url()
    await server.create(*databases.values())
    try:
        env = latency.system_env(
            {
                "COALITION_DATA_DIR": str(data_dir),
                # `{service}` stays literal: each service fills in its own name.
                "COALITION_DATABASE_URL": server.sqlalchemy_url(server.name("e2e_SERVICE")).replace(
                    "SERVICE", "{service}"
                ),
                "COALITION_NATS_URL": nats_url,
                "COALITION_STREAM_NAME": stream,
                "COALITION_SUBJECT_PREFIX": stream,
            }
        )
        try:
            async with latency.running_system(env, data_dir / "coalition.log") as base:
                return await latency.measure(
                    base, "PostgreSQL + NATS", samples=args.samples, warm_up=args.warm_up
                )
        finally:
            await latency.delete_stream(nats_url, stream)
    finally:
        await server.drop(*databases.values())


async def latency_sqlite(args: argparse.Namespace, data_dir: Path) -> LatencyResult:
    """The zero-setup default: SQLite files and an embedded NATS server under the data folder."""
    env = latency.system_env({"COALITION_DATA_DIR": str(data_dir)})
    async with latency.running_system(env, data_dir / "coalition.log") as base:
        return await latency.measure(
            base, "SQLite + embedded NATS", samples=args.samples, warm_up=args.warm_up
        )


async def code_version() -> str:
    """The commit measured, and whether files outside benchmarks/ differed from it."""

    async def git(*args: str) -> str:
        process = await asyncio.create_subprocess_exec(
            "git",
            *args,
            cwd=RESULTS.parent.parent,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        out, _ = await process.communicate()
        return out.decode().rstrip() if process.returncode == 0 else ""

    commit = await git("rev-parse", "--short", "HEAD")
    if not commit:
        return "unknown (not a git checkout)"
    changed = [
        line[3:]
        for line in (await git("status", "--porcelain", "--untracked-files=no")).splitlines()
        if not line[3:].startswith("benchmarks/")
    ]
    return f"{commit}" + (f" with uncommitted changes to {', '.join(changed)}" if changed else "")


def say(message: str) -> None:
    print(message, flush=True)


async def main() -> None:
    args = arguments()
    server = Server()
    began = time.monotonic()
    load_before = os.getloadavg()
    machine = describe(await server.version())
    code = await code_version()
    say(f"Machine: {machine.header()}\nCode: {code}")
    throughput: list[ScenarioResult] = []
    latencies: list[LatencyResult] = []
    sections: list[str] = []
    imported: bulk_import.ImportResult | None = None
    try:
        if not args.no_throughput:
            for scenario in scenarios(args):
                say(f"Throughput {scenario.title}: {scenario.events} events, {args.rounds} rounds")
                throughput.append(await run_scenario(server, scenario, args.rounds, say))
        if not args.no_latency:
            with tempfile.TemporaryDirectory(prefix="coalition-bench-") as tmp:
                say(f"Latency on PostgreSQL + NATS: {args.samples} samples")
                latencies.append(await latency_postgres(server, args, Path(tmp) / "postgres"))
                if not args.no_sqlite:
                    say(f"Latency on SQLite + embedded NATS: {args.samples} samples")
                    latencies.append(await latency_sqlite(args, Path(tmp) / "sqlite"))
        if not args.no_duplicates:
            say("Duplicate detection over the IRS Washington DC organisations")
            sections += [section] if (section := await duplicates.measure(server)) else []
        if not args.no_network:
            say("Network measures: 10,000 nodes and 100,000 ties")
            sections.append(scoring_network.section(scoring_network.measure()))
        if not args.no_rescore:
            say("Re-scoring a campaign: 10,000 organisations and 100,000 ties")
            sections.append(scoring_rescore.section(await scoring_rescore.measure(server)))
        if not args.no_rebuild:
            say(f"Rebuilding the read models from {args.rebuild_events:,} received events")
            sections.append(rebuild.section(await rebuild.measure(server, args.rebuild_events)))
        if not args.no_import:
            say("Bulk import: 10,000 organisations and 50,000 relationships")
            imported = await bulk_import.measure(server, 10_000, 50_000)
    finally:
        await server.drop_all()
    minutes = (time.monotonic() - began) / 60
    load_after = os.getloadavg()
    notes = [
        f"The run took {minutes:.1f} minutes; 1-minute load average {load_before[0]:.2f} "
        f"before and {load_after[0]:.2f} after (anything else running on the machine shows "
        "here and in the ranges).",
        f"PostgreSQL at {server.host}:{server.port} with its own settings "
        "(synchronous_commit as configured: every commit waits for its WAL flush).",
    ]
    text = report.markdown(
        machine,
        throughput,
        latencies,
        rounds=args.rounds,
        samples=args.samples,
        warm_up=args.warm_up,
        code=code,
        notes=notes,
        sections=sections,
    )
    if imported is not None:
        text = text.rstrip("\n") + "\n\n" + bulk_import.section(imported) + "\n"
    args.output.write_text(text)
    say("")
    say(text)
    say(f"Written to {args.output}")


if __name__ == "__main__":
    asyncio.run(main())
