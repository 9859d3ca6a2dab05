"""A domain error's details become members of its problem, but never replace the members RFC
9457 defines (a rule naming the agreement's `status` once made the answer a 500)."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from coalition.shared.web.problems import DomainError, install_problem_handlers


async def test_details_named_like_a_problem_member_are_left_out_not_fatal() -> None:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/refuse")
    async def refuse() -> None:
        raise DomainError(
            "only an agreement in force is terminated",
            status="drafted",
            title="mine",
            kind="x",
            request="y",
            agreement_status="drafted",
        )

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        answer = await client.get("/refuse")

    assert answer.status_code == 409
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["status"] == 409 and body["title"] == "Refused by a domain rule"
    assert body["type"].endswith("/rule-violated")
    assert body["agreement_status"] == "drafted"
    assert "kind" not in body and "request" not in body
