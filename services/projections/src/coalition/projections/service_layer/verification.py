"""Verifying every service's log for the audit trail: each service's hash chains are checked
where its log lives. A service of this process is verified directly; one elsewhere is asked
over HTTP (`/<service>/log/verification` behind the gateway); one we cannot reach is said so,
never passed over in silence (ADR 15)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from coalition.shared.eventstore.store import EventStore
from coalition.shared.web.log_verification import LogVerification, verify_log

Remote = Callable[[str], Awaitable[LogVerification]]
"""Asks one service elsewhere to verify its log."""


@dataclass(frozen=True)
class ServiceCheck:
    service: str
    via: str | None
    """`this process`, `gateway`, or None when not reached."""
    result: LogVerification | None
    error: str | None = None


async def verify_every_log(
    services: Sequence[str], local: Mapping[str, EventStore], remote: Remote | None
) -> list[ServiceCheck]:
    checks = []
    for service in services:
        if service in local:
            checks.append(
                ServiceCheck(service, "this process", await verify_log(service, local[service]))
            )
        elif remote is not None:
            try:
                checks.append(ServiceCheck(service, "gateway", await remote(service)))
            except Exception as error:
                checks.append(ServiceCheck(service, None, None, f"{type(error).__name__}: {error}"))
        else:
            checks.append(
                ServiceCheck(
                    service,
                    None,
                    None,
                    "runs in another process and COALITION_GATEWAY_URL is not set",
                )
            )
    return checks
