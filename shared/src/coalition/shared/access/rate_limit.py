"""Requests per caller per minute, counted in the access database so that every instance of
every service counts against the same budget (a fixed window: simple, one upsert a request).

The answer is sent as the IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers:
`RateLimit-Policy` and `RateLimit`) and as the `RateLimit-Limit`, `RateLimit-Remaining` and
`RateLimit-Reset` fields of its earlier drafts, which most client libraries read today; a
refused request also gets `Retry-After`."""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.shared.access.tables import rate_limit_windows
from coalition.shared.db import writing

POLICY = "per-key"


@dataclass(frozen=True)
class RateLimitDecision:
    limit: int
    hits: int
    reset_seconds: int
    window_seconds: int

    @property
    def allowed(self) -> bool:
        return self.hits <= self.limit

    @property
    def remaining(self) -> int:
        return max(self.limit - self.hits, 0)

    def headers(self) -> dict[str, str]:
        headers = {
            "RateLimit-Policy": f'"{POLICY}";q={self.limit};w={self.window_seconds}',
            "RateLimit": f'"{POLICY}";r={self.remaining};t={self.reset_seconds}',
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.reset_seconds)
        return headers


def window_of(now: float, window_seconds: int) -> tuple[int, int]:
    """The start of the window `now` falls in, and the whole seconds until the next one (at
    least 1)."""
    start = int(now) - int(now) % window_seconds
    return start, max(start + window_seconds - int(now), 1)


class RateLimiter:
    def __init__(self, engine: AsyncEngine, *, window_seconds: int = 60) -> None:
        self.engine = engine
        self.window_seconds = window_seconds

    async def hit(self, subject: str, limit: int, now: float | None = None) -> RateLimitDecision:
        """Count one request of `subject` and say whether it is within `limit`."""
        start, reset = window_of(time.time() if now is None else now, self.window_seconds)
        insert = (
            postgresql.insert(rate_limit_windows)
            if self.engine.dialect.name == "postgresql"
            else sqlite.insert(rate_limit_windows)
        )
        statement = (
            insert.values(subject=subject, window_start=start, hits=1)
            .on_conflict_do_update(
                index_elements=["subject", "window_start"],
                set_={"hits": rate_limit_windows.c.hits + 1},
            )
            .returning(rate_limit_windows.c.hits)
        )
        async with writing(self.engine) as conn:
            hits = int((await conn.execute(statement)).scalar_one())
            if hits == 1:  # a new window: the caller's older ones are of no more use
                await conn.execute(
                    sa.delete(rate_limit_windows).where(
                        rate_limit_windows.c.subject == subject,
                        rate_limit_windows.c.window_start < start,
                    )
                )
        return RateLimitDecision(limit, hits, reset, self.window_seconds)
