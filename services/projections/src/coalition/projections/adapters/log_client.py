"""Asks a service in another process to verify its own log, through the edge proxy."""

from __future__ import annotations

import httpx

from coalition.shared.web.log_verification import LogVerification

TIMEOUT_SECONDS = 600.0
"""A whole log is read: minutes for millions of events."""


async def remote_verification(
    gateway_url: str, service: str, authorization: str
) -> LogVerification:
    """`GET <gateway>/<service>/log/verification` with the caller's own credentials (an admin's:
    the check spans every campaign)."""
    url = f"{gateway_url.rstrip('/')}/{service}/log/verification"
    async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
        answer = await client.get(url, headers={"Authorization": authorization})
    answer.raise_for_status()
    return LogVerification.model_validate(answer.json())
