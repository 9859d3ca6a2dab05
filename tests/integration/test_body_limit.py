"""Request bodies are limited: an oversized body is a 413 problem and writes nothing, whether
its length was announced or it was streamed, and also when a keyed POST's middleware reads it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.integration.inprocess import running

pytestmark = pytest.mark.nats

LIMIT = 4096


def partner(reason: str) -> bytes:
    return json.dumps(
        {"campaign_id": "c1", "name": "Unite", "kind": "union", "reason": reason}
    ).encode()


async def chunks(body: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(body), 1000):
        yield body[start : start + 1000]


@pytest.fixture
async def client(
    sqlite_database: str, nats_url: str, unique_prefix: str, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    async with running(
        sqlite_database, nats_url, unique_prefix, tmp_path, max_body_bytes=LIMIT
    ) as service:
        yield service.client


HEADERS = {"content-type": "application/json"}


async def test_a_body_within_the_limit_is_processed(client: httpx.AsyncClient) -> None:
    response = await client.post("/research/partners", content=partner("x" * 100), headers=HEADERS)
    assert response.status_code == 201


@pytest.mark.parametrize("streamed", [False, True], ids=["content-length", "streamed"])
@pytest.mark.parametrize("keyed", [False, True], ids=["plain", "idempotency-key"])
async def test_an_oversized_body_is_a_413_problem_and_writes_nothing(
    client: httpx.AsyncClient, streamed: bool, keyed: bool
) -> None:
    body = partner("x" * (LIMIT + 10))
    headers = {**HEADERS, **({"Idempotency-Key": "big-1"} if keyed else {})}
    content = chunks(body) if streamed else body

    response = await client.post("/research/partners", content=content, headers=headers)

    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 413
    listing = await client.get("/research/partners/anything")
    assert listing.status_code == 404
    retry = await client.post("/research/partners", content=partner("fine"), headers=headers)
    assert retry.status_code == 201  # the key was not spent on the refused request
