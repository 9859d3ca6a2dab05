"""`GET /<service>/log/verification` on every service: the hash chains of its own log checked
where the log lives, for an admin. The projections service's audit verification asks each
service through it when the service runs in another process (ADR 15)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from coalition.shared.eventstore.store import EventStore
from coalition.shared.web.auth import principal_of
from coalition.shared.web.problems import ForbiddenError


class FirstFailure(BaseModel):
    event_id: uuid.UUID
    position: int = Field(description="The event's position in the service's log.")
    problem: str


class LogVerification(BaseModel):
    service: str
    ok: bool
    events_checked: int = Field(description="Events checked, the failing one included.")
    first_failure: FirstFailure | None = Field(description="The first event that fails.")


async def verify_log(service: str, store: EventStore) -> LogVerification:
    result = await store.verify()
    failure = None
    if result.first_failure_event_id is not None:
        failure = FirstFailure(
            event_id=result.first_failure_event_id,
            position=result.first_failure_position or 0,
            problem=result.problem or "",
        )
    return LogVerification(
        service=service, ok=result.ok, events_checked=result.checked, first_failure=failure
    )


def log_router() -> APIRouter:
    router = APIRouter(tags=["log"])

    @router.get(
        "/log/verification",
        summary="Check the hash chains of this service's event log (admin keys only).",
    )
    async def log_verification(request: Request) -> LogVerification:
        """Reads the whole log: every stream's chain from its first event; names the first
        event that fails."""
        if not principal_of(request).is_admin:
            raise ForbiddenError("verifying a log spans every campaign: it needs an admin key")
        runtime = request.app.state.runtime
        return await verify_log(runtime.spec.name, runtime.store)

    return router
