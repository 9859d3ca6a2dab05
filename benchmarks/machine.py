"""What the numbers were measured on: CPUs, CPU model, memory, PostgreSQL version, date."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class Machine:
    cpus: int
    cpu_model: str
    ram_gib: float
    postgres_version: str
    python_version: str
    date: datetime

    def header(self) -> str:
        return (
            f"{self.cpus} CPUs (nproc), {self.cpu_model}, {self.ram_gib:.1f} GiB RAM, "
            f"PostgreSQL {self.postgres_version}, Python {self.python_version}, "
            f"{self.date:%Y-%m-%d %H:%M} UTC"
        )


def nproc() -> int:
    """What `nproc` prints: the CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / (1024 * 1024)
    except OSError:
        pass
    return 0.0


def describe(postgres_version: str) -> Machine:
    return Machine(
        cpus=nproc(),
        cpu_model=cpu_model(),
        ram_gib=ram_gib(),
        postgres_version=postgres_version,
        python_version=platform.python_version(),
        date=datetime.now(UTC),
    )
