"""Helpers for tests that run real processes and a real broker."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
import nats

T = TypeVar("T")

COALITION = str(Path(sys.executable).parent / "coalition")

ADMIN_KEY = "coal_test-admin-key-for-the-suite-only-0001"
"""Registered as COALITION_ADMIN_KEY by every server the tests start."""


def bearer(key: str = ADMIN_KEY) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def eventually(
    probe: Callable[[], Awaitable[T | None]], *, timeout: float = 20.0, interval: float = 0.05
) -> T:
    """Poll until `probe` returns something other than None (or fail after `timeout`)."""
    deadline = time.monotonic() + timeout
    last: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            value = await probe()
            if value is not None:
                return value
        except (httpx.HTTPError, AssertionError, KeyError) as error:
            last = error
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s (last error: {last!r})")


class ServerProcess:
    """`coalition serve ...` in a subprocess, with its output kept in a log file."""

    def __init__(self, service: str, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.service = service
        self.env = {"COALITION_ADMIN_KEY": ADMIN_KEY, **os.environ, **env}
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [COALITION, "serve", self.service, "--port", str(self.port)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    async def wait_ready(self, services: list[str], timeout: float = 60.0) -> None:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=5.0) as client:

            async def ready() -> bool | None:
                assert self.process is not None
                if self.process.poll() is not None:
                    raise RuntimeError(f"server exited; log:\n{self.log_path.read_text()[-4000:]}")
                for name in services:
                    response = await client.get(f"/{name}/readyz")
                    if response.status_code != 200:
                        return None
                return True

            await eventually(ready, timeout=timeout, interval=0.2)

    def client(self, key: str = ADMIN_KEY) -> httpx.AsyncClient:
        """An HTTP client of this server that sends `key`."""
        return httpx.AsyncClient(base_url=self.base_url, timeout=10.0, headers=bearer(key))

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a crash."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


async def delete_stream(nats_url: str, name: str) -> None:
    connection = await nats.connect(nats_url)
    try:
        await connection.jetstream().delete_stream(name)
    except Exception:  # already gone is fine
        pass
    finally:
        await connection.close()


async def stream_messages(nats_url: str, stream: str) -> list[tuple[str, dict[str, str], bytes]]:
    """Every message stored in a JetStream stream: (subject, headers, body), in order."""
    connection = await nats.connect(nats_url)
    try:
        js = connection.jetstream()
        info = await js.stream_info(stream)
        messages = []
        for sequence in range(info.state.first_seq, info.state.last_seq + 1):
            if info.state.messages == 0:
                break
            raw = await js.get_msg(stream, sequence)
            messages.append((str(raw.subject), dict(raw.headers or {}), raw.data or b""))
        return messages
    finally:
        await connection.close()


async def rebuild_read_models(
    client: httpx.AsyncClient, key: str = ADMIN_KEY, timeout: float = 60.0
) -> dict[str, Any]:
    """Start a rebuild of the projections' read models with an admin key, follow its
    `Location` until the new generation serves and the old one is dropped; its final
    progress."""
    started = await client.post("/projections/rebuilds", headers=bearer(key))
    assert started.status_code == 202, started.text
    location = "/projections/" + started.headers["Location"]

    async def finished() -> dict[str, Any] | None:
        body: dict[str, Any] = (await client.get(location, headers=bearer(key))).json()
        assert body["status"] != "failed", body
        return body if body["finished_at"] is not None else None

    return await eventually(finished, timeout=timeout)
