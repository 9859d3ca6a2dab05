"""`Idempotency-Key` on POSTs, through a real app (research) over HTTP in-process, with its
lifespan: a real store (SQLite, and PostgreSQL once) and the real NATS JetStream."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from coalition.research.service_layer import handlers
from coalition.shared.events.envelope import utc_now
from coalition.shared.eventstore.errors import StoreBusyError
from coalition.shared.eventstore.schema import idempotency_keys
from coalition.shared.eventstore.store import as_utc
from coalition.shared.web.problems import TYPE_BASE
from tests.integration.inprocess import Running, running
from tests.support import ADMIN_KEY, bearer

pytestmark = pytest.mark.nats

PARTNERS = "/research/partners"
MARIA: dict[str, str] = {}
"""Maria's requests: the client's own admin key."""


def partner(name: str = "Unite the Union", **changes: Any) -> dict[str, Any]:
    return {
        "campaign_id": "living-wage",
        "name": name,
        "kind": "union",
        "members": 1_200_000,
        "reason": "organises low-paid workers",
        **changes,
    }


def keyed(key: str | bytes, **headers: str) -> dict[str, Any]:
    return {**MARIA, **headers, "Idempotency-Key": key}


@pytest_asyncio.fixture
async def service(tmp_path: Path, nats_url: str, unique_prefix: str) -> AsyncIterator[Running]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'research.db'}"
    async with running(url, nats_url, unique_prefix, tmp_path) as started:
        yield started


def replayed(response: httpx.Response) -> bool:
    return bool(response.headers.get("Idempotent-Replayed") == "true")


def kept_headers(response: httpx.Response) -> dict[str, str | None]:
    return {name: response.headers.get(name) for name in ("content-type", "location", "etag")}


async def same_key_twice(service: Running) -> httpx.Response:
    first = await service.client.post(PARTNERS, json=partner(), headers=keyed("retry-1"))
    second = await service.client.post(PARTNERS, json=partner(), headers=keyed("retry-1"))

    assert first.status_code == 201, first.text
    assert not replayed(first)
    assert second.status_code == 201
    assert replayed(second)
    assert second.content == first.content
    assert kept_headers(second) == kept_headers(first)
    assert second.headers["x-correlation-id"] != first.headers["x-correlation-id"]
    assert first.headers["location"] and first.headers["etag"] == '"1"'
    partner_id = first.json()["partner_id"]
    profile = await service.client.get(f"{PARTNERS}/{partner_id}")
    assert profile.status_code == 200
    assert profile.json()["version"] == 1
    assert await service.event_count() == 1
    return first


async def test_a_retry_with_the_same_key_gets_the_first_response_and_writes_nothing(
    service: Running,
) -> None:
    first = await same_key_twice(service)
    [row] = await service.key_rows()
    assert row.status == "completed"
    assert row.method == "POST"
    assert row.path == PARTNERS
    assert row.actor == await service.actor_of(ADMIN_KEY)
    assert row.request_hash == hashlib.sha256(first.request.content).hexdigest()


@pytest.mark.postgres
async def test_a_retry_with_the_same_key_on_postgres(
    postgres_database: str, nats_url: str, unique_prefix: str, tmp_path: Path
) -> None:
    async with running(postgres_database, nats_url, unique_prefix, tmp_path) as started:
        await same_key_twice(started)


async def test_without_a_key_every_post_records(service: Running) -> None:
    first = await service.client.post(PARTNERS, json=partner(), headers=MARIA)
    second = await service.client.post(PARTNERS, json=partner(), headers=MARIA)
    assert (first.status_code, second.status_code) == (201, 201)
    assert not replayed(second)
    assert first.json()["partner_id"] != second.json()["partner_id"]
    assert await service.event_count() == 2
    assert await service.key_rows() == []


async def test_the_same_key_with_another_body_is_refused(service: Running) -> None:
    first = await service.client.post(PARTNERS, json=partner(), headers=keyed("k"))
    reused = await service.client.post(PARTNERS, json=partner("Another"), headers=keyed("k"))

    assert first.status_code == 201
    assert reused.status_code == 422
    assert reused.headers["content-type"] == "application/problem+json"
    assert reused.json()["type"] == TYPE_BASE + "idempotency-key-reuse"
    assert reused.json()["instance"] == PARTNERS
    assert await service.event_count() == 1


async def test_keys_are_scoped_to_the_caller_and_the_path(service: Running) -> None:
    johns_key = await service.key_for("living-wage")
    maria = await service.client.post(PARTNERS, json=partner(), headers=keyed("shared"))
    john = await service.client.post(
        PARTNERS, json=partner(), headers=keyed("shared", **bearer(johns_key))
    )
    elsewhere = await service.client.post(
        f"{PARTNERS}/x", json=partner("Another"), headers=keyed("shared")
    )

    assert (maria.status_code, john.status_code) == (201, 201)
    assert not replayed(john)
    assert maria.json()["partner_id"] != john.json()["partner_id"]
    assert elsewhere.status_code == 405  # not a 422 for reuse: another path, another key
    assert await service.event_count() == 2
    maria_actor, john_actor = await service.actor_of(ADMIN_KEY), await service.actor_of(johns_key)
    assert {(row.actor, row.path) for row in await service.key_rows()} == {
        (maria_actor, PARTNERS),
        (john_actor, PARTNERS),
        (maria_actor, f"{PARTNERS}/x"),
    }


@pytest.mark.parametrize(
    "key",
    [b"", b"x" * 256, "clé".encode(), b"tab\there", b"del\x7f", b" edge", b"edge "],
    ids=["empty", "too-long", "non-ascii", "control", "delete", "leading", "trailing"],
)
async def test_an_invalid_key_is_a_bad_request(service: Running, key: bytes) -> None:
    response = await service.client.post(PARTNERS, json=partner(), headers=keyed(key))

    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400
    assert [error["field"] for error in problem["errors"]] == ["header.idempotency-key"]
    assert await service.event_count() == 0
    assert await service.key_rows() == []


async def test_two_key_headers_are_a_bad_request(service: Running) -> None:
    response = await service.client.post(
        PARTNERS,
        json=partner(),
        headers=[("Idempotency-Key", "a"), ("Idempotency-Key", "b")],
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "header.idempotency-key"


@pytest.mark.parametrize(
    "key",
    ["x" * 255, "~!\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|} inner space"],
    ids=["255-characters", "punctuation-and-space"],
)
async def test_any_printable_ascii_key_up_to_255_characters_is_accepted(
    service: Running, key: str
) -> None:
    first = await service.client.post(PARTNERS, json=partner(), headers=keyed(key))
    second = await service.client.post(PARTNERS, json=partner(), headers=keyed(key))
    assert (first.status_code, second.status_code) == (201, 201)
    assert replayed(second)
    assert await service.event_count() == 1


async def test_a_validation_error_is_kept_and_replayed(service: Running) -> None:
    invalid = partner()
    del invalid["reason"]
    first = await service.client.post(PARTNERS, json=invalid, headers=keyed("bad-input"))
    second = await service.client.post(PARTNERS, json=invalid, headers=keyed("bad-input"))
    corrected = await service.client.post(PARTNERS, json=partner(), headers=keyed("bad-input"))

    assert first.status_code == 422
    assert first.json()["type"] == TYPE_BASE + "validation"
    assert not replayed(first)
    assert second.status_code == 422
    assert replayed(second)
    assert second.content == first.content
    assert second.headers["content-type"] == "application/problem+json"
    # The key answered that request; a corrected request needs a key of its own.
    assert corrected.status_code == 422
    assert corrected.json()["type"] == TYPE_BASE + "idempotency-key-reuse"
    assert await service.event_count() == 0


@pytest.mark.parametrize(
    "failure",
    [lambda: StoreBusyError(10.0), lambda: RuntimeError("boom")],
    ids=["503", "500"],
)
async def test_a_server_error_is_not_kept_so_the_request_can_be_retried(
    service: Running, monkeypatch: pytest.MonkeyPatch, failure: Callable[[], Exception]
) -> None:
    identify = handlers.identify_partner
    calls = 0

    async def failing_once(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise failure()
        return await identify(*args, **kwargs)

    monkeypatch.setattr(handlers, "identify_partner", failing_once)
    failed = await service.client.post(PARTNERS, json=partner(), headers=keyed("flaky"))
    assert failed.status_code >= 500
    assert await service.key_rows() == []

    retried = await service.client.post(PARTNERS, json=partner(), headers=keyed("flaky"))
    assert retried.status_code == 201, retried.text
    assert not replayed(retried)
    again = await service.client.post(PARTNERS, json=partner(), headers=keyed("flaky"))
    assert replayed(again)
    assert again.content == retried.content
    assert await service.event_count() == 1


async def test_concurrent_retries_record_once(service: Running) -> None:
    for attempt in range(5):
        key = f"concurrent-{attempt}"
        responses = await asyncio.gather(
            service.client.post(PARTNERS, json=partner(), headers=keyed(key)),
            service.client.post(PARTNERS, json=partner(), headers=keyed(key)),
        )
        originals = [r for r in responses if r.status_code == 201 and not replayed(r)]
        others = [r for r in responses if r not in originals]
        assert len(originals) == 1, [r.text for r in responses]
        [other] = others
        if other.status_code == 201:
            assert replayed(other)
            assert other.content == originals[0].content
        else:
            assert other.status_code == 409, other.text
            assert other.json()["type"] == TYPE_BASE + "idempotency-key-in-progress"
            assert other.headers["retry-after"] == "1"
        assert await service.event_count() == attempt + 1


async def test_a_retry_while_the_first_attempt_runs_is_told_to_wait(service: Running) -> None:
    now = utc_now()
    body = json.dumps(partner()).encode()
    actor = await service.actor_of(ADMIN_KEY)
    async with service.runtime.engine.begin() as conn:
        await conn.execute(
            idempotency_keys.insert().values(
                key="running",
                actor=actor,
                method="POST",
                path=PARTNERS,
                request_hash=hashlib.sha256(body).hexdigest(),
                status="in_progress",
                created_at=now,
                expires_at=now + timedelta(hours=24),
            )
        )
    response = await service.client.post(
        PARTNERS, content=body, headers={**keyed("running"), "Content-Type": "application/json"}
    )

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "1"
    assert response.json()["type"] == TYPE_BASE + "idempotency-key-in-progress"
    assert await service.event_count() == 0


async def test_an_expired_key_is_replaced(service: Running) -> None:
    long_ago = utc_now() - timedelta(hours=25)
    actor = await service.actor_of(ADMIN_KEY)
    async with service.runtime.engine.begin() as conn:
        await conn.execute(
            idempotency_keys.insert().values(
                key="old",
                actor=actor,
                method="POST",
                path=PARTNERS,
                request_hash="0" * 64,
                status="completed",
                response_status=201,
                response_headers={"content-type": "application/json"},
                response_body=b'{"partner_id": "stale"}',
                created_at=long_ago,
                expires_at=long_ago + timedelta(hours=24),
            )
        )
    fresh = await service.client.post(PARTNERS, json=partner(), headers=keyed("old"))
    again = await service.client.post(PARTNERS, json=partner(), headers=keyed("old"))

    assert fresh.status_code == 201, fresh.text
    assert not replayed(fresh)
    assert fresh.json()["partner_id"] != "stale"
    assert replayed(again)
    assert again.content == fresh.content
    assert await service.event_count() == 1
    [row] = await service.key_rows()
    assert row.status == "completed"
    assert as_utc(row.expires_at) > utc_now() + timedelta(hours=23)


async def test_a_keyed_post_to_an_overlong_path_is_refused(service: Running) -> None:
    response = await service.client.post(
        f"{PARTNERS}/{'x' * 1000}", json=partner(), headers=keyed("long")
    )
    assert response.status_code == 414
    assert response.headers["content-type"] == "application/problem+json"
    assert await service.key_rows() == []
