"""FastAPI dependencies every service's routes use: its store, its engine, the request context."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.shared.eventstore.store import EventStore
from coalition.shared.web.app import runtime_of
from coalition.shared.web.context import RequestContext, request_context


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


NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: `If-None-Match` names the current `ETag`."}
}
