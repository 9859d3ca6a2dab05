"""Authentication, service-level authorisation and the rate limit, before any route runs.

Every request except health checks and API documents must present an API key or a person's
bearer token, as `Authorization: Bearer <credential>` (or `X-API-Key: <key>`). A missing or bad
credential is a 401 with `WWW-Authenticate`; a credential without the scope for this service
(read for GET and HEAD, write otherwise) is a 403; a caller over its rate limit is a 429. The
caller then travels with the request (`request.state.principal`) to the routes, which check
campaigns, and to the event metadata, as the actor. Credentials are never logged."""

from __future__ import annotations

import structlog
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from coalition.shared.access.control import AccessControl
from coalition.shared.access.principal import Access, Principal
from coalition.shared.web.auth import PRINCIPAL_STATE
from coalition.shared.web.problems import problem, route_path

PUBLIC_PATHS = frozenset(
    {"/healthz", "/readyz", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_KEY_HEADER = "X-API-Key"
CHALLENGE = 'Bearer realm="coalition"'


def credential_of(headers: Headers) -> str | None:
    authorization = headers.get("authorization")
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
        return None
    return headers.get(API_KEY_HEADER.lower()) or None


class AuthMiddleware:
    def __init__(
        self, app: ASGIApp, *, service: str, public_paths: frozenset[str] = frozenset()
    ) -> None:
        self.app = app
        self.service = service
        self.public_paths = PUBLIC_PATHS | public_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or route_path(scope) in self.public_paths:
            await self.app(scope, receive, send)
            return
        access: AccessControl = scope["app"].state.access
        request = Request(scope)
        credential = credential_of(Headers(scope=scope))
        if credential is None:
            response = problem(
                401,
                "Unauthorized",
                "Send an API key or bearer token: `Authorization: Bearer <key>`.",
                "unauthorized",
                request,
            )
            response.headers["WWW-Authenticate"] = CHALLENGE
            await response(scope, receive, send)
            return
        principal = await access.authenticate(credential)
        if principal is None:
            response = problem(
                401,
                "Unauthorized",
                "The API key or bearer token is unknown, revoked or expired.",
                "unauthorized",
                request,
            )
            response.headers["WWW-Authenticate"] = f'{CHALLENGE}, error="invalid_token"'
            await response(scope, receive, send)
            return
        needed: Access = "read" if scope["method"] in READ_METHODS else "write"
        if not principal.may(self.service, needed):
            await problem(
                403,
                "Forbidden",
                f"This key has no {self.service}:{needed} scope.",
                "forbidden",
                request,
                scope=f"{self.service}:{needed}",
            )(scope, receive, send)
            return
        decision = await access.rate_limit(principal)
        if not decision.allowed:
            response = problem(
                429,
                "Too many requests",
                f"This key may send {decision.limit} requests a minute; "
                f"try again in {decision.reset_seconds} s.",
                "rate-limited",
                request,
            )
            response.headers.update(decision.headers())
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})[PRINCIPAL_STATE] = principal
        structlog.contextvars.bind_contextvars(actor=principal.actor)

        async def send_with_limits(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in decision.headers().items():
                    headers[name] = value
            await send(message)

        try:
            await self.app(scope, receive, send_with_limits)
        finally:
            structlog.contextvars.unbind_contextvars("actor")


def principal_in(scope: Scope) -> Principal | None:
    """The caller this middleware authenticated, for code outside the routes (middlewares)."""
    principal = scope.get("state", {}).get(PRINCIPAL_STATE)
    return principal if isinstance(principal, Principal) else None
