"""A limit on request bodies: a client cannot make a service buffer more than it should. An
oversized body is refused with 413 problem+json before the application sees any of it, whether
the client announced its length (`Content-Length`) or streamed it.

The body is read here, up to the limit, and handed on whole: every route reads its JSON body
completely anyway, and reading it first means no layer below ever meets a half-refused stream.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from coalition.shared.web.problems import problem, route_path

DEFAULT_MAX_BODY_BYTES = 1_048_576
DEFAULT_MAX_UPLOAD_BYTES = 67_108_864


class BodySizeLimit:
    """Pure ASGI middleware, outermost in each service's app. File uploads (the paths a service
    names as such, e.g. research's `/imports`) get a larger limit than JSON requests."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int = DEFAULT_MAX_BODY_BYTES,
        *,
        upload_paths: frozenset[str] = frozenset(),
        max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_paths = upload_paths
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.max_upload_bytes if route_path(scope) in self.upload_paths else self.max_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(scope, receive, send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        delivered = False

        async def whole_body() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, whole_body, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        await problem(
            413,
            "Request body too large",
            f"Request bodies are limited to {limit} bytes here.",
            "body-too-large",
            Request(scope),
        )(scope, receive, send)
