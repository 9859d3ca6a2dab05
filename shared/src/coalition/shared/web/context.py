"""Who is asking and in which conversation: the request context that becomes event metadata."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar

import structlog
from fastapi import Request, Response

from coalition.shared.events.envelope import Metadata
from coalition.shared.web.auth import PrincipalDep
from coalition.shared.web.authn import principal_in

CORRELATION_HEADER = "X-Correlation-ID"

log = structlog.get_logger(__name__)

correlation_id_var: ContextVar[uuid.UUID | None] = ContextVar("correlation_id", default=None)


async def correlation_middleware(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Take the caller's correlation id (or make one), log with it, and echo it back."""
    supplied = request.headers.get(CORRELATION_HEADER)
    try:
        correlation = uuid.UUID(supplied) if supplied else uuid.uuid4()
    except ValueError:
        correlation = uuid.uuid5(uuid.NAMESPACE_URL, supplied or "")
    token = correlation_id_var.set(correlation)
    structlog.contextvars.bind_contextvars(correlation_id=str(correlation))
    started = time.perf_counter()
    try:
        response = await call_next(request)
        log.info(
            "http.request",
            method=request.method,
            path=request.url.path,
            status=response.status_code,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
            actor=getattr(principal_in(request.scope), "actor", None),
        )
    finally:
        structlog.contextvars.unbind_contextvars("correlation_id")
        correlation_id_var.reset(token)
    response.headers[CORRELATION_HEADER] = str(correlation)
    return response


class RequestContext:
    """The actor and correlation of one request; makes event metadata from them."""

    def __init__(self, actor: str, correlation_id: uuid.UUID) -> None:
        self.actor = actor
        self.correlation_id = correlation_id

    def metadata(self, *, reason: str | None, campaign_id: str | None) -> Metadata:
        return Metadata(
            actor=self.actor,
            reason=reason,
            correlation_id=self.correlation_id,
            campaign_id=campaign_id,
        )


def request_context(principal: PrincipalDep) -> RequestContext:
    """The authenticated caller is the actor of every event the request records."""
    return RequestContext(principal.actor, correlation_id_var.get() or uuid.uuid4())
