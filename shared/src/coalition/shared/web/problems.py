"""RFC 9457 problem details for every error a client can cause: the field at fault for bad
input, the current version for a conflict, never a bare 500 with a stack trace."""

from __future__ import annotations

import re
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import Scope

from coalition.shared.events.envelope import ReasonRequiredError
from coalition.shared.eventstore.errors import (
    ConcurrencyError,
    DuplicateEventError,
    PreconditionFailedError,
    StoreBusyError,
)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://coalition.example/problems/"

log = structlog.get_logger(__name__)


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of this API is reported."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict[str, str]] | None = None


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": Problem.model_json_schema()}},
    }


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _problem_response("Malformed request (a header, say)."),
    401: _problem_response("No valid API key or bearer token (see `WWW-Authenticate`)."),
    403: _problem_response("The key may not do this: another campaign, or no write scope."),
    404: _problem_response("No such resource (or not one of the caller's campaigns)."),
    409: _problem_response("Refused by a rule, or a version conflict (with the current version)."),
    412: _problem_response("`If-Match` names a version that is no longer current."),
    413: _problem_response("The request body is larger than this service accepts."),
    422: _problem_response("Invalid input; `errors` names each field at fault."),
    429: _problem_response("Rate limit reached for this key; see `Retry-After`."),
    503: _problem_response("Busy or not ready; try again (see `Retry-After`)."),
}
"""Documented on every route, so the OpenAPI document says what errors look like."""


class DomainError(Exception):
    """A rule of the domain refused a command (e.g. a party signing twice)."""

    status = 409
    kind = "rule-violated"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFoundError(DomainError):
    status = 404
    kind = "not-found"


class ForbiddenError(DomainError):
    """The caller is known but may not do this (another campaign, a read-only key)."""

    status = 403
    kind = "forbidden"


class InvalidInputError(DomainError):
    """Input that passed the schema but is still wrong (a malformed header, say)."""

    status = 422
    kind = "validation"


RESERVED = frozenset({"type", "title", "status", "detail", "instance", "kind", "request"})
"""RFC 9457's own members (and `problem`'s parameters): a domain error's extension of the same
name is left out rather than replace them, or fail the answer."""


def problem(
    status: int, title: str, detail: str, kind: str, request: Request, **extra: Any
) -> JSONResponse:
    body = {
        **extra,
        "type": TYPE_BASE + kind,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": str(request.url.path),
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


HTTP_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def route_path(scope: Scope) -> str:
    """The path inside this service (without the `/<service>` mount prefix)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def allowed_methods(request: Request) -> list[str]:
    """The methods the API documents for this path: Starlette's 405 names only the first route
    that matched, though a path often has one route per method. Where two documented paths
    match (`/webhooks/dead-letters` and `/webhooks/{id}`), the more literal one is meant."""
    path = route_path(request.scope)
    paths: dict[str, dict[str, Any]] = request.app.openapi().get("paths", {})
    matching = [
        (template.count("{"), template)
        for template in paths
        if re.fullmatch(re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template)), path)
    ]
    if matching:
        operations = paths[min(matching)[1]]
        return sorted(method.upper() for method in operations if method.upper() in HTTP_METHODS)
    routes = request.app.router.routes
    return [
        method
        for method in HTTP_METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]


def _field(location: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in location)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def validation(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _field(item.get("loc", ())), "message": item.get("msg", "invalid")}
            for item in error.errors()
        ]
        fields = ", ".join(entry["field"] for entry in errors)
        return problem(
            422,
            "Invalid request",
            f"Invalid field(s): {fields}",
            "validation",
            request,
            errors=errors,
        )

    @app.exception_handler(ReasonRequiredError)
    async def reason_required(request: Request, error: ReasonRequiredError) -> JSONResponse:
        return problem(
            422,
            "A reason is required",
            str(error),
            "validation",
            request,
            errors=[{"field": "body.reason", "message": str(error)}],
        )

    @app.exception_handler(PreconditionFailedError)
    async def precondition(request: Request, error: PreconditionFailedError) -> JSONResponse:
        response = problem(
            412,
            "Precondition failed",
            str(error),
            "precondition-failed",
            request,
            stream_id=error.stream_id,
            expected_version=error.expected_version,
            current_version=error.current_version,
        )
        response.headers["ETag"] = f'"{error.current_version}"'
        return response

    @app.exception_handler(ConcurrencyError)
    async def conflict(request: Request, error: ConcurrencyError) -> JSONResponse:
        return problem(
            409,
            "Version conflict",
            str(error),
            "version-conflict",
            request,
            stream_id=error.stream_id,
            expected_version=error.expected_version,
            current_version=error.current_version,
        )

    @app.exception_handler(DuplicateEventError)
    async def duplicate(request: Request, error: DuplicateEventError) -> JSONResponse:
        return problem(
            409,
            "Already recorded",
            str(error),
            "duplicate-event",
            request,
            event_ids=error.event_ids,
        )

    @app.exception_handler(StoreBusyError)
    async def busy(request: Request, error: StoreBusyError) -> JSONResponse:
        response = problem(503, "Busy", str(error), "busy", request)
        response.headers["Retry-After"] = "1"
        return response

    @app.exception_handler(DomainError)
    async def domain(request: Request, error: DomainError) -> JSONResponse:
        title = {403: "Forbidden", 404: "Not found", 422: "Invalid request"}.get(
            error.status, "Refused by a domain rule"
        )
        extensions = {k: v for k, v in error.extra.items() if k not in RESERVED}
        return problem(error.status, title, error.detail, error.kind, request, **extensions)

    @app.exception_handler(StarletteHTTPException)
    async def http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        response = problem(error.status_code, str(error.detail), str(error.detail), "http", request)
        for name, value in (error.headers or {}).items():  # `Allow` on a 405, for instance
            response.headers[name] = value
        if error.status_code == 405:
            response.headers["Allow"] = ", ".join(allowed_methods(request))
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("request.failed", path=str(request.url.path))
        return problem(500, "Internal error", "An unexpected error occurred.", "internal", request)
