"""A real HTTP receiver for webhook tests: uvicorn on a free port in the test's event loop. It
records every request, checks its signature with the Standard Webhooks reference library, and
answers with whatever status the test scripts."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from tests.support import free_port


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    answered: int

    @property
    def document(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed

    @property
    def event_id(self) -> str:
        return str(self.document["data"]["id"])


@dataclass
class Receiver:
    """Requests to `/<anything>` are recorded; `secrets[path]` is the secret to verify with."""

    port: int = field(default_factory=free_port)
    secrets: dict[str, str] = field(default_factory=dict)
    requests: list[Received] = field(default_factory=list)
    answer: Callable[[Received], int] = lambda _request: 204
    _server: uvicorn.Server | None = None
    _task: asyncio.Task[None] | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def delivered(self, path: str | None = None) -> list[Received]:
        """Requests answered 2xx (for `path`), in the order they arrived."""
        return [
            r
            for r in self.requests
            if 200 <= r.answered < 300 and (path is None or r.path == f"/{path}")
        ]

    async def _handle(self, request: Request) -> PlainTextResponse:
        body = await request.body()
        headers = dict(request.headers)
        secret = self.secrets.get(request.url.path.lstrip("/"))
        verified = False
        if secret is not None:
            try:
                Webhook(secret).verify(body, headers)
                verified = True
            except WebhookVerificationError:
                verified = False
        provisional = Received(request.url.path, headers, body, verified, 0)
        status = self.answer(provisional)
        self.requests.append(Received(request.url.path, headers, body, verified, status))
        return PlainTextResponse("ok" if status < 300 else "not now", status_code=status)

    async def start(self) -> None:
        app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["POST"])])
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
            self._server = None
            self._task = None
