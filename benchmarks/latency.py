"""End-to-end latency: from `POST /research/partners` until `GET /projections/partners/{id}`
shows the partner with its `score`, i.e. until research, scoring (its re-scoring worker and
its settle time included) and projections have all processed their part. Engagement opens an
entry only for a partner scoring recommends with the campaign's auto-open on (at most a
coalition's worth), so the pipeline stage is not on this path.

The whole system runs as a subprocess (`coalition serve all`), configured only through its
environment, as an operator would run it. Requests are sequential: one partner at a time.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from statistics import median
from typing import Any

import httpx
import nats

SERVICES = ("research", "scoring", "engagement", "agreement", "projections")
NATS_URL_ENV = "COALITION_BENCH_NATS_URL"
BENCH_KEY = "coal_benchmark-admin-key-not-a-secret-0001"
NATS_URL_DEFAULT = "nats://127.0.0.1:4222"
HOPS = ("PartnerIdentified", "PartnerScored")
"""The events on the way, each recorded by the next service in the chain."""


def percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = fraction * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class LatencyResult:
    backend: str
    end_to_end: list[float] = field(default_factory=list)
    """Seconds from sending the POST to the projection showing the score."""
    post: list[float] = field(default_factory=list)
    """Seconds until the POST answered (the event is committed in research)."""
    hops: dict[str, list[float]] = field(default_factory=dict)
    """Seconds from sending the POST until each event on the way was recorded."""
    polls: list[int] = field(default_factory=list)

    def ms(self, fraction: float) -> float:
        return percentile(self.end_to_end, fraction) * 1000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def nats_url() -> str:
    return os.environ.get(NATS_URL_ENV) or NATS_URL_DEFAULT


def system_env(settings: dict[str, str]) -> dict[str, str]:
    """Our environment without any COALITION_ setting of the caller's, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COALITION_")}
    env["PYTHONUNBUFFERED"] = "1"
    env["COALITION_ADMIN_KEY"] = BENCH_KEY
    env["COALITION_RATE_LIMIT_PER_MINUTE"] = "1000000"
    env.update(settings)
    return env


@asynccontextmanager
async def running_system(env: dict[str, str], log_path: Path) -> AsyncIterator[str]:
    """`coalition serve all` on a free port until the block ends; yields its base URL."""
    port = free_port()
    command = str(Path(sys.executable).parent / "coalition")
    base = f"http://127.0.0.1:{port}"
    await asyncio.to_thread(log_path.parent.mkdir, parents=True, exist_ok=True)
    log = await asyncio.to_thread(log_path.open, "wb")
    try:
        process = await asyncio.create_subprocess_exec(
            command,
            *("serve", "all", "--port", str(port)),
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            await _wait_ready(base, process, log_path)
            yield base
        finally:
            await _stop(process)
    finally:
        log.close()


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGINT)  # uvicorn shuts down gracefully: relays, brokers, NATS
    try:
        await asyncio.wait_for(process.wait(), timeout=30)
    except TimeoutError:
        process.kill()
        await process.wait()


async def _wait_ready(
    base: str, process: asyncio.subprocess.Process, log_path: Path, timeout: float = 90.0
) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=base, timeout=5.0) as client:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                log = await asyncio.to_thread(log_path.read_text, errors="replace")
                raise RuntimeError(
                    f"coalition serve exited with {process.returncode}:\n{log[-3000:]}"
                )
            try:
                answers = [await client.get(f"/{service}/readyz") for service in SERVICES]
                if all(answer.status_code == 200 for answer in answers):
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise TimeoutError(f"coalition serve was not ready after {timeout:.0f}s (log: {log_path})")


async def _one(
    client: httpx.AsyncClient, index: int, poll_seconds: float, timeout: float
) -> tuple[float, float, int, str, float]:
    """One partner through the whole chain: (end to end, POST, polls, partner id, wall start)."""
    body = {
        "campaign_id": "benchmark",
        "name": f"Organisation number {index}",
        "kind": "community_group",
        "country": "Germany",
        "members": 1_000 + index,
        "reason": "benchmark: considered as a prospective partner",
    }
    wall = time.time()
    start = time.perf_counter()
    created = await client.post("/research/partners", json=body)
    posted = time.perf_counter() - start
    created.raise_for_status()
    partner_id = str(created.json()["partner_id"])
    polls = 0
    while True:
        polls += 1
        answer = await client.get(f"/projections/partners/{partner_id}")
        elapsed = time.perf_counter() - start
        if answer.status_code == 200 and answer.json().get("score") is not None:
            return elapsed, posted, polls, partner_id, wall
        if answer.status_code not in (200, 404):
            answer.raise_for_status()
        if elapsed > timeout:
            raise TimeoutError(f"partner {partner_id} not projected after {timeout:.0f}s")
        await asyncio.sleep(poll_seconds)


async def _hops(client: httpx.AsyncClient, partner_id: str, wall: float) -> dict[str, float]:
    """When each event on the way was recorded, relative to sending the POST (same clock)."""
    answer = await client.get(f"/projections/partners/{partner_id}/timeline")
    answer.raise_for_status()
    entries: list[dict[str, Any]] = answer.json()["entries"]
    recorded = {
        entry["event_type"]: datetime.fromisoformat(entry["recorded_at"]).timestamp() - wall
        for entry in entries
    }
    return {hop: recorded[hop] for hop in HOPS if hop in recorded}


async def measure(
    base: str, backend: str, *, samples: int, warm_up: int, poll_seconds: float = 0.005
) -> LatencyResult:
    result = LatencyResult(backend, hops={hop: [] for hop in HOPS})
    headers = {"Authorization": f"Bearer {BENCH_KEY}"}
    async with httpx.AsyncClient(base_url=base, timeout=30.0, headers=headers) as client:
        for index in range(warm_up):
            await _one(client, index, poll_seconds, timeout=60.0)
        timed: list[tuple[str, float]] = []
        for index in range(samples):
            total, posted, polls, partner_id, wall = await _one(
                client, warm_up + index, poll_seconds, timeout=60.0
            )
            result.end_to_end.append(total)
            result.post.append(posted)
            result.polls.append(polls)
            timed.append((partner_id, wall))
        for partner_id, wall in timed:  # after the clock: the audit timelines
            for hop, seconds in (await _hops(client, partner_id, wall)).items():
                result.hops[hop].append(seconds)
    return result


async def delete_stream(url: str, stream: str) -> None:
    connection = await nats.connect(url, connect_timeout=5, max_reconnect_attempts=1)
    try:
        await connection.jetstream().delete_stream(stream)
    except Exception as error:  # nats.js.errors.NotFoundError: nothing to clean up
        if "not found" not in str(error).lower():
            raise
    finally:
        await connection.close()


def median_ms(values: list[float]) -> float:
    return median(values) * 1000 if values else float("nan")


def unique_name() -> str:
    return f"bench{uuid.uuid4().hex[:10]}"
