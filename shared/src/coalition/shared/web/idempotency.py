"""Idempotent POSTs: the `Idempotency-Key` request header, as Stripe and the IETF draft "The
Idempotency-Key HTTP Header Field" describe it, for every POST of every service.

A client that may retry a POST (after a timeout, a dropped connection, a 503) sends a key of its
own choosing, the same on every attempt. The first attempt runs; every retry with the same key
gets the first response back, byte for byte, with `Idempotent-Replayed: true`, and writes
nothing. The rules:

- The header is optional: without it a POST behaves as before. Only POSTs are concerned.
- A key is 1 to 255 printable ASCII characters (space to `~`), taken verbatim (a draft-style
  quoted key `"abc"` is a different key from `abc`); anything else, or the header twice, is a
  400 problem naming `header.idempotency-key`.
- A key is scoped to the service (each service keeps its keys in its own database, table
  `idempotency_keys`), the request path and the authenticated caller (`key:<id>` or
  `user:<sub>`): the same key from another caller or on another path is another key. (A
  keyed POST to a path longer than the column, `MAX_PATH_BYTES`, is refused with 414.)
- The request is fingerprinted by the SHA-256 of its body. The same key with another body is a
  422 problem of type `.../idempotency-key-reuse`, whatever became of the first request.
- A retry that arrives while the first attempt still runs gets a 409 problem of type
  `.../idempotency-key-in-progress` with `Retry-After: 1`.
- Only 2xx and 4xx responses are kept (a 422 for invalid input is the answer to that request);
  a 5xx, or an exception, releases the key, so the request can be retried with it.
- A replay repeats the status, the body and the headers `Content-Type`, `Location` and `ETag`
  (the correlation id is the retry's own).
- Keys expire 24 hours after the first attempt (`expires_at`): an expired row is ignored and
  replaced by the next request with that key. Nothing sweeps expired rows away on a schedule.

How: `IdempotencyMiddleware`, a pure ASGI middleware installed by `service_app`, reads the body,
claims the key with an INSERT committed before the request runs (the primary key
`(actor, path, key)` makes a second claim fail, on SQLite and PostgreSQL alike, and the loser
reads the row: a replay, a mismatch or "in progress"), runs the request, and records the
response on the row before sending it, so a client that has the response can only get a replay.
Responses to keyed POSTs are therefore buffered (they are small JSON documents). The database is
the service's own, looked up per request at `app.state.runtime.engine`.

Limits: the key is recorded in a transaction of its own, not in the transaction of the
request's writes. If the process dies after the request committed but before the response is
recorded, the key stays "in progress" (409) until it expires rather than risk running the
request twice; the client may then send a new key.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable, Collection
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from coalition.shared.db import writing
from coalition.shared.events.envelope import utc_now
from coalition.shared.eventstore.schema import idempotency_keys
from coalition.shared.eventstore.store import as_utc
from coalition.shared.web.authn import principal_in
from coalition.shared.web.problems import problem

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_FIELD = "header.idempotency-key"
KEY_TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255
MAX_PATH_BYTES = 1000
"""The `path` column's size; a keyed POST to a longer path is refused (414)."""
REPLAYED_RESPONSE_HEADERS = frozenset({"content-type", "location", "etag"})
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
CLAIM_ATTEMPTS = 3

log = structlog.get_logger(__name__)


class InvalidKeyError(ValueError):
    """An `Idempotency-Key` header that is not 1..255 printable ASCII characters."""


def parse_key(values: list[bytes]) -> str:
    """The key from the raw values of every `Idempotency-Key` header of a request."""
    if len(values) != 1:
        raise InvalidKeyError(f"send one {IDEMPOTENCY_HEADER} header, not {len(values)}")
    raw = values[0]
    if not 1 <= len(raw) <= MAX_KEY_LENGTH:
        raise InvalidKeyError(
            f"{IDEMPOTENCY_HEADER} must be 1 to {MAX_KEY_LENGTH} characters long, not {len(raw)}"
        )
    if any(not 0x20 <= byte <= 0x7E for byte in raw) or raw != raw.strip(b" "):
        raise InvalidKeyError(
            f"{IDEMPOTENCY_HEADER} must be printable ASCII characters only, "
            "not starting or ending with a space"
        )
    return raw.decode("ascii")


def request_fingerprint(body: bytes) -> str:
    """What identifies "the same request" under one key: the SHA-256 of its body."""
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True)
class KeyScope:
    """A key as the table knows it: the client's key, for one actor on one path."""

    key: str
    actor: str
    method: str
    path: str

    def where(self) -> sa.ColumnElement[bool]:
        return sa.and_(
            idempotency_keys.c.actor == self.actor,
            idempotency_keys.c.path == self.path,
            idempotency_keys.c["key"] == self.key,
        )


@dataclass(frozen=True)
class StoredResponse:
    status: int
    headers: dict[str, str]
    body: bytes


class Outcome(enum.Enum):
    CLAIMED = "claimed"
    """The key is ours: run the request, then `complete` or `release`."""
    REPLAY = "replay"
    """The first attempt finished: send its response again."""
    MISMATCH = "mismatch"
    """The key was used for another request body."""
    IN_PROGRESS = "in_progress"
    """The first attempt is still running."""


@dataclass(frozen=True)
class Claim:
    outcome: Outcome
    response: StoredResponse | None = None


SWEEP_INTERVAL = timedelta(minutes=10)
_last_sweep: dict[int, datetime] = {}


@dataclass
class IdempotencyKeys:
    """The table `idempotency_keys` of one service's database."""

    engine: AsyncEngine
    ttl: timedelta = KEY_TTL
    attempts: int = CLAIM_ATTEMPTS

    def _writing(self) -> AbstractAsyncContextManager[AsyncConnection]:
        return writing(self.engine)

    async def forget_expired(self) -> None:
        """Delete expired keys, at most once per `SWEEP_INTERVAL` per database and process: the
        table stays small without a scheduler."""
        now = utc_now()
        last = _last_sweep.get(id(self.engine))
        if last is not None and now - last < SWEEP_INTERVAL:
            return
        _last_sweep[id(self.engine)] = now
        async with self._writing() as conn:
            await conn.execute(
                idempotency_keys.delete().where(idempotency_keys.c.expires_at <= now)
            )

    async def claim(self, scope: KeyScope, request_hash: str) -> Claim:
        """Claim the key for a request with body fingerprint `request_hash`, or say why not."""
        await self.forget_expired()
        for _ in range(self.attempts):
            now = utc_now()
            claimed = {
                "key": scope.key,
                "actor": scope.actor,
                "method": scope.method,
                "path": scope.path,
                "request_hash": request_hash,
                "status": IN_PROGRESS,
                "response_status": None,
                "response_headers": None,
                "response_body": None,
                "created_at": now,
                "expires_at": now + self.ttl,
            }
            try:
                async with self._writing() as conn:
                    await conn.execute(idempotency_keys.insert().values(claimed))
                return Claim(Outcome.CLAIMED)
            except IntegrityError:
                pass  # the key is known: see what became of it
            async with self.engine.connect() as conn:
                row = (await conn.execute(sa.select(idempotency_keys).where(scope.where()))).first()
            if row is None:
                continue  # released in the meantime (its request failed): claim again
            if as_utc(row.expires_at) <= now:
                # Expired: replace it, unless another request replaced it first.
                async with self._writing() as conn:
                    result = await conn.execute(
                        idempotency_keys.update()
                        .where(scope.where(), idempotency_keys.c.expires_at <= now)
                        .values(claimed)
                    )
                if result.rowcount == 1:
                    return Claim(Outcome.CLAIMED)
                continue
            if row.request_hash != request_hash:
                return Claim(Outcome.MISMATCH)
            if row.status != COMPLETED:
                return Claim(Outcome.IN_PROGRESS)
            return Claim(
                Outcome.REPLAY,
                StoredResponse(
                    status=row.response_status,
                    headers=dict(row.response_headers or {}),
                    body=bytes(row.response_body or b""),
                ),
            )
        return Claim(Outcome.IN_PROGRESS)

    async def complete(self, scope: KeyScope, request_hash: str, response: StoredResponse) -> None:
        """Record the response of the request that holds the key."""
        async with self._writing() as conn:
            await conn.execute(
                idempotency_keys.update()
                .where(
                    scope.where(),
                    idempotency_keys.c.request_hash == request_hash,
                    idempotency_keys.c.status == IN_PROGRESS,
                )
                .values(
                    status=COMPLETED,
                    response_status=response.status,
                    response_headers=response.headers,
                    response_body=response.body,
                )
            )

    async def release(self, scope: KeyScope, request_hash: str) -> None:
        """Give the key up (the request failed), so that a retry runs the request again."""
        async with self._writing() as conn:
            await conn.execute(
                idempotency_keys.delete().where(
                    scope.where(),
                    idempotency_keys.c.request_hash == request_hash,
                    idempotency_keys.c.status == IN_PROGRESS,
                )
            )


def runtime_engine(scope: Scope) -> AsyncEngine:
    """The engine of the service whose app is handling the request (set by its lifespan)."""
    engine: AsyncEngine = scope["app"].state.runtime.engine
    return engine


def _kept(status: int) -> bool:
    return 200 <= status < 300 or 400 <= status < 500


class IdempotencyMiddleware:
    """Honours `Idempotency-Key` on POSTs (see the module's docstring)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        engine_of: Callable[[Scope], AsyncEngine] = runtime_engine,
        ttl: timedelta = KEY_TTL,
        methods: Collection[str] = ("POST",),
    ) -> None:
        self.app = app
        self.engine_of = engine_of
        self.ttl = ttl
        self.methods = frozenset(methods)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in self.methods:
            await self.app(scope, receive, send)
            return
        values = [value for name, value in scope["headers"] if name.lower() == b"idempotency-key"]
        caller = principal_in(scope)
        if not values or caller is None:
            await self.app(scope, receive, send)
            return
        try:
            key = parse_key(values)
        except InvalidKeyError as error:
            await problem(
                400,
                f"Invalid {IDEMPOTENCY_HEADER}",
                str(error),
                "invalid-idempotency-key",
                Request(scope),
                errors=[{"field": KEY_FIELD, "message": str(error)}],
            )(scope, receive, send)
            return
        path: str = scope["path"]
        if len(path.encode()) > MAX_PATH_BYTES:
            await problem(
                414,
                "URI too long",
                f"{IDEMPOTENCY_HEADER} is honoured on paths of up to {MAX_PATH_BYTES} bytes",
                "uri-too-long",
                Request(scope),
            )(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:
            return  # the client went away before it finished sending
        key_scope = KeyScope(
            key=key,
            actor=caller.actor,
            method=scope["method"],
            path=path,
        )
        request_hash = request_fingerprint(body)
        keys = IdempotencyKeys(self.engine_of(scope), ttl=self.ttl)
        claim = await keys.claim(key_scope, request_hash)
        if claim.outcome is Outcome.CLAIMED:
            await self._run(scope, _replaying(body, receive), send, keys, key_scope, request_hash)
        elif claim.outcome is Outcome.REPLAY:
            assert claim.response is not None
            log.info("idempotency.replayed", path=path, status=claim.response.status)
            await _replay(send, claim.response)
        elif claim.outcome is Outcome.MISMATCH:
            await problem(
                422,
                f"{IDEMPOTENCY_HEADER} reused",
                f"This {IDEMPOTENCY_HEADER} was used for a request with another body; "
                "send a new key for a new request.",
                "idempotency-key-reuse",
                Request(scope),
                errors=[{"field": KEY_FIELD, "message": "already used for another request body"}],
            )(scope, receive, send)
        else:
            response = problem(
                409,
                "Request in progress",
                f"A request with this {IDEMPOTENCY_HEADER} is still being processed; "
                "retry shortly.",
                "idempotency-key-in-progress",
                Request(scope),
            )
            response.headers["Retry-After"] = "1"
            await response(scope, receive, send)

    async def _run(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        keys: IdempotencyKeys,
        key_scope: KeyScope,
        request_hash: str,
    ) -> None:
        """Run the request holding the key; record its response (or release the key), then send
        the response."""
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            else:  # not offered: see `_buffered`
                raise RuntimeError(f"cannot keep a response sent as {message['type']}")

        try:
            await self.app(_buffered(scope), receive, capture)
        except Exception:
            await self._release(keys, key_scope, request_hash)
            raise
        if start is None:
            await self._release(keys, key_scope, request_hash)
            return
        status: int = start["status"]
        body = b"".join(chunks)
        if _kept(status):
            headers = {
                name.decode("latin-1").lower(): value.decode("latin-1")
                for name, value in start.get("headers", [])
                if name.decode("latin-1").lower() in REPLAYED_RESPONSE_HEADERS
            }
            try:
                await keys.complete(key_scope, request_hash, StoredResponse(status, headers, body))
            except Exception:  # the request is done: answer it; the key stays in progress
                log.exception("idempotency.record_failed", path=key_scope.path)
        else:
            await self._release(keys, key_scope, request_hash)
        await send(start)
        await send({"type": "http.response.body", "body": body, "more_body": False})

    @staticmethod
    async def _release(keys: IdempotencyKeys, key_scope: KeyScope, request_hash: str) -> None:
        try:
            await keys.release(key_scope, request_hash)
        except Exception:
            log.exception("idempotency.release_failed", path=key_scope.path)


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body, or None if the client disconnected first."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the body read already to the app, then defers to the server."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _buffered(scope: Scope) -> Scope:
    """The scope without the server's response extensions (a file sent by path, trailers,
    early hints), so that the app answers with `http.response.start` and `.body` only, which
    can be kept and replayed."""
    extensions: dict[str, Any] = scope.get("extensions") or {}
    if not any(name.startswith("http.") for name in extensions):
        return scope
    kept = {name: value for name, value in extensions.items() if not name.startswith("http.")}
    return {**scope, "extensions": kept}


async def _replay(send: Send, response: StoredResponse) -> None:
    headers: list[tuple[bytes, bytes]] = [
        (name.encode("latin-1"), value.encode("latin-1"))
        for name, value in response.headers.items()
    ]
    headers.append((b"content-length", str(len(response.body)).encode()))
    headers.append((REPLAYED_HEADER.lower().encode(), b"true"))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body, "more_body": False})
