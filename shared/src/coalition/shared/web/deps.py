"""FastAPI dependencies every service's routes use: its store, its engine, the request context."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
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
