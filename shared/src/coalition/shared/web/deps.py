"""FastAPI dependencies every service's routes use: its store, its engine, the request context."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.shared.eventstore.store import EventStore
from coalition.shared.web.app import runtime_of
from coalition.shared.web.context import RequestContext, request_context
from coalition.shared.web.problems import InvalidInputError


def store_of(request: Request) -> EventStore:
    return runtime_of(request).store


def engine_of(request: Request) -> AsyncEngine:
    return runtime_of(request).engine


StoreDep = Annotated[EventStore, Depends(store_of)]
EngineDep = Annotated[AsyncEngine, Depends(engine_of)]
ContextDep = Annotated[RequestContext, Depends(request_context)]


def matches(request: Request, etag: str) -> bool:
    """Whether the client's `If-None-Match` names `etag` (or `*`): it already has this
    version, so a 304 Not Modified saves sending it again."""
    header = request.headers.get("if-none-match")
    if header is None:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


def conditional(request: Request, body: BaseModel, etag: str) -> Response:
    """`body` with its `ETag`, or 304 Not Modified if the client already has that version."""
    if matches(request, etag):
        return Response(status_code=304, headers={"ETag": etag})
    return JSONResponse(body.model_dump(mode="json"), headers={"ETag": etag})


IfMatch = Annotated[
    str | None,
    Header(
        description="ETag of the version being changed: 412 if it is no longer current.",
        # RFC 9110 quotes ETags; bare numbers are accepted too, as many clients send them.
        pattern=r'^(W/)?"?[0-9]{1,9}"?$',
    ),
]


def parse_if_match(if_match: str | None) -> int | None:
    """The stream version an `If-Match` names (None without one)."""
    if if_match is None:
        return None
    try:
        return int(if_match.strip().removeprefix("W/").strip('"'))
    except ValueError:
        raise InvalidInputError(
            "If-Match must be an ETag this service issued", field="header.if-match"
        ) from None


NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: `If-None-Match` names the current `ETag`."}
}
