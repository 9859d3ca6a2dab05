"""Sending one webhook request over HTTP. Whatever happens comes back as an `Outcome` (status
or error, duration, a short excerpt of the answer), never as an exception, and nothing of the
request (its signature above all) is logged."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

EXCERPT_CHARS = 200
EXCERPT_BYTES = 4 * EXCERPT_CHARS


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None
    duration_ms: int
    response_excerpt: str | None

    @property
    def succeeded(self) -> bool:
        """Any 2xx answer; redirects are not followed and count as failures."""
        return self.status_code is not None and 200 <= self.status_code < 300


class HttpSender:
    """One connection pool for every delivery of a dispatcher."""

    def __init__(self, timeout_seconds: float) -> None:
        self._client = httpx.AsyncClient(timeout=timeout_seconds, follow_redirects=False)

    async def send(self, url: str, headers: dict[str, str], body: bytes) -> Outcome:
        started = time.monotonic()
        try:
            async with self._client.stream(
                "POST", url, content=body, headers={**headers, "content-type": "application/json"}
            ) as response:
                excerpt = await _excerpt(response)
        except httpx.HTTPError as error:
            return Outcome(
                status_code=None,
                error=f"{type(error).__name__}: {error}"[:500],
                duration_ms=_since(started),
                response_excerpt=None,
            )
        return Outcome(
            status_code=response.status_code,
            error=None,
            duration_ms=_since(started),
            response_excerpt=excerpt,
        )

    async def close(self) -> None:
        await self._client.aclose()


async def _excerpt(response: httpx.Response) -> str | None:
    """The start of the answer only: a receiver cannot make us read a huge body."""
    received = b""
    async for chunk in response.aiter_bytes():
        received += chunk
        if len(received) >= EXCERPT_BYTES:
            break
    text = received[:EXCERPT_BYTES].decode(errors="replace")[:EXCERPT_CHARS]
    return text or None


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
