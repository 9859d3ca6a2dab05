"""Webhooks end to end inside projections, one test class for every database: subscriptions
over REST, deliveries from the events projections receives, a real HTTP receiver that checks
the signatures, retries, per-partner order, dead letters and redelivery.

Backends subclass `WebhookContract` and provide the `url` fixture."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest_asyncio
import sqlalchemy as sa
from structlog.testing import capture_logs

from coalition.projections.adapters.tables import webhook_audit, webhook_deliveries
from coalition.projections.service_layer import webhook_subscriptions
from coalition.shared.contracts.research import PartnerIdentified
from tests.support import eventually, rebuild_read_models

from .receiver import Received, Receiver
from .service import Running, caller_headers, running

HEADERS = caller_headers()


class WebhookContract:
    @pytest_asyncio.fixture
    async def service(
        self, url: str, nats_url: str, unique_prefix: str, tmp_path: Path
    ) -> AsyncIterator[Running]:
        async with running(url, nats_url, unique_prefix, tmp_path) as service:
            yield service

    @pytest_asyncio.fixture
    async def receiver(self) -> AsyncIterator[Receiver]:
        receiver = Receiver()
        await receiver.start()
        yield receiver
        await receiver.stop()

    # -- subscriptions -------------------------------------------------------------------

    async def test_a_subscription_is_created_read_changed_rotated_and_deleted(
        self, service: Running
    ) -> None:
        client = service.client
        created = await client.post(
            "/projections/webhooks",
            json={
                "campaign_id": "c1",
                "url": "https://crm.example/hooks",
                "event_types": ["PartnerIdentified"],
                "description": "CRM sync of new partners",
            },
            headers=HEADERS,
        )
        assert created.status_code == 201, created.text
        body = created.json()
        webhook_id = body["id"]
        assert created.headers["location"] == f"webhooks/{webhook_id}"
        assert created.headers["etag"] == '"1"'
        assert body["secret"].startswith("whsec_")
        assert body["created_by"] == service.caller
        assert body["enabled"] is True

        fetched = await client.get(f"/projections/webhooks/{webhook_id}", headers=HEADERS)
        assert fetched.status_code == 200
        assert "secret" not in fetched.json()
        assert fetched.headers["etag"] == '"1"'
        again = await client.get(
            f"/projections/webhooks/{webhook_id}", headers={**HEADERS, "If-None-Match": '"1"'}
        )
        assert again.status_code == 304

        listed = await client.get("/projections/webhooks?campaign_id=c1", headers=HEADERS)
        assert [item["id"] for item in listed.json()["items"]] == [webhook_id]

        stale = await client.patch(
            f"/projections/webhooks/{webhook_id}",
            json={"enabled": False},
            headers={**HEADERS, "If-Match": '"7"'},
        )
        assert stale.status_code == 412
        assert stale.headers["etag"] == '"1"'
        changed = await client.patch(
            f"/projections/webhooks/{webhook_id}",
            json={"enabled": False, "event_types": ["*"], "url": "https://crm.example/v2"},
            headers={**HEADERS, "If-Match": '"1"'},
        )
        assert changed.status_code == 200, changed.text
        assert changed.headers["etag"] == '"2"'
        assert changed.json()["enabled"] is False
        assert changed.json()["event_types"] == ["*"]
        assert changed.json()["url"] == "https://crm.example/v2"

        cleared = await client.patch(
            f"/projections/webhooks/{webhook_id}", json={"description": None}, headers=HEADERS
        )
        assert cleared.json()["description"] is None
        assert cleared.json()["version"] == 3
        refused = await client.patch(
            f"/projections/webhooks/{webhook_id}", json={"url": None}, headers=HEADERS
        )
        assert refused.status_code == 422

        rotated = await client.post(f"/projections/webhooks/{webhook_id}/secret", headers=HEADERS)
        assert rotated.status_code == 200
        assert rotated.json()["secret"].startswith("whsec_")
        assert rotated.json()["secret"] != body["secret"]
        assert rotated.json()["version"] == 4

        deleted = await client.delete(f"/projections/webhooks/{webhook_id}", headers=HEADERS)
        assert deleted.status_code == 204
        gone = await client.get(f"/projections/webhooks/{webhook_id}", headers=HEADERS)
        assert gone.status_code == 404
        assert gone.headers["content-type"] == "application/problem+json"

        async with service.runtime.engine.connect() as conn:
            audit = (
                await conn.execute(sa.select(webhook_audit).order_by(webhook_audit.c.id))
            ).all()
        assert [(row.action, row.actor) for row in audit] == [
            ("created", service.caller),
            ("updated", service.caller),
            ("updated", service.caller),
            ("secret_rotated", service.caller),
            ("deleted", service.caller),
        ]
        assert all("whsec_" not in str(row.details) for row in audit)

    async def test_a_retried_post_with_its_idempotency_key_creates_one_subscription(
        self, service: Running
    ) -> None:
        body = {"campaign_id": "c1", "url": "https://crm.example/h", "event_types": ["*"]}
        headers = {**HEADERS, "Idempotency-Key": "create-crm-hook-1"}
        first = await service.client.post("/projections/webhooks", json=body, headers=headers)
        second = await service.client.post("/projections/webhooks", json=body, headers=headers)
        assert first.status_code == second.status_code == 201
        assert second.headers["idempotent-replayed"] == "true"
        assert second.json() == first.json()
        listed = await service.client.get("/projections/webhooks", headers=HEADERS)
        assert len(listed.json()["items"]) == 1

    async def test_another_campaigns_subscriptions_do_not_exist_for_the_caller(
        self, service: Running
    ) -> None:
        client = service.client
        theirs, _ = await webhook_subscriptions.create(
            service.runtime.engine,
            campaign_id="c2",
            url="http://127.0.0.1:9/hooks",  # the discard port: refused at once
            event_types=["*"],
            description=None,
            enabled=True,
            actor="key:other",
        )
        ours = await service.subscribe("https://crm.example/hooks", ["*"])
        for method, path in [
            ("GET", f"/projections/webhooks/{theirs.id}"),
            ("PATCH", f"/projections/webhooks/{theirs.id}"),
            ("DELETE", f"/projections/webhooks/{theirs.id}"),
            ("POST", f"/projections/webhooks/{theirs.id}/secret"),
            ("GET", f"/projections/webhooks/{theirs.id}/deliveries"),
        ]:
            response = await client.request(
                method, path, headers=HEADERS, json={} if method == "PATCH" else None
            )
            assert response.status_code == 404, (method, path, response.text)
        unknown = await client.post(
            "/projections/webhooks/deliveries/msg_unknown/redeliver", headers=HEADERS
        )
        assert unknown.status_code == 404
        await service.identified("p5", campaign_id="c2")
        async with service.runtime.engine.connect() as conn:
            their_delivery = (await conn.execute(sa.select(webhook_deliveries.c.id))).scalar_one()
        hidden = await client.post(
            f"/projections/webhooks/deliveries/{their_delivery}/redeliver", headers=HEADERS
        )
        assert hidden.status_code == 404
        forbidden = await client.post(
            "/projections/webhooks",
            json={"campaign_id": "c2", "url": "https://x.example/h", "event_types": ["*"]},
            headers=HEADERS,
        )
        assert forbidden.status_code == 403
        assert (
            await client.get("/projections/webhooks?campaign_id=c2", headers=HEADERS)
        ).status_code == 403
        assert (
            await client.get("/projections/webhooks/dead-letters?campaign_id=c2", headers=HEADERS)
        ).status_code == 403
        everything = await client.get("/projections/webhooks", headers=HEADERS)
        assert [item["id"] for item in everything.json()["items"]] == [ours["id"]]

    async def test_bad_subscriptions_are_refused_naming_the_field(self, service: Running) -> None:
        for body, field in [
            ({"url": "ftp://crm.example/h", "event_types": ["*"]}, "body.url"),
            ({"url": "https://crm.example/h", "event_types": []}, "body.event_types"),
            (
                {"url": "https://crm.example/h", "event_types": ["PartnerIdentifed"]},
                "body.event_types",
            ),
            ({"url": "https://crm.example/h", "event_types": ["*"], "secret": "x"}, "body.secret"),
        ]:
            response = await service.client.post(
                "/projections/webhooks", json={"campaign_id": "c1", **body}, headers=HEADERS
            )
            assert response.status_code == 422, (body, response.text)
            fields = [error["field"] for error in response.json()["errors"]]
            assert any(name.startswith(field) for name in fields), (body, fields)

    async def test_subscriptions_are_listed_in_pages(self, service: Running) -> None:
        made = sorted(
            [(await service.subscribe(f"https://crm.example/{n}", ["*"]))["id"] for n in range(3)]
        )
        seen: list[str] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = (
                await service.client.get("/projections/webhooks", params=params, headers=HEADERS)
            ).json()
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == made

    # -- deliveries ----------------------------------------------------------------------

    async def test_deliveries_reach_matching_subscriptions_only_signed_as_specified(
        self, service: Running, receiver: Receiver
    ) -> None:
        identified = await service.subscribe(receiver.url("identified"), ["PartnerIdentified"])
        everything = await service.subscribe(receiver.url("everything"), ["*"])
        other = await service.subscribe(receiver.url("other"), ["*"], campaign_id="c1")
        await service.client.patch(
            f"/projections/webhooks/{other['id']}", json={"enabled": False}, headers=HEADERS
        )
        receiver.secrets.update(
            identified=identified["secret"], everything=everything["secret"], other=other["secret"]
        )
        await webhook_subscriptions.create(
            service.runtime.engine,
            campaign_id="c2",
            url=receiver.url("c2"),
            event_types=["*"],
            description=None,
            enabled=True,
            actor="key:other",
        )

        with capture_logs() as logs:
            first = await service.identified("p1")
            opened = await service.engaged("p1")
            await service.identified("p9", campaign_id="c3")  # nobody subscribed to c3

            async def arrived() -> list[Received] | None:
                return receiver.requests if len(receiver.requests) >= 3 else None

            await eventually(arrived)
            await eventually(lambda: _settled(service, everything["id"], 2))
        assert any(entry["event"] == "webhooks.attempted" for entry in logs)
        signatures = [r.headers["webhook-signature"] for r in receiver.requests]
        for entry in logs:
            text = str(entry)
            assert "whsec_" not in text
            assert not any(signature in text for signature in signatures)

        assert [r.event_id for r in receiver.delivered("identified")] == [str(first.event_id)]
        assert [r.event_id for r in receiver.delivered("everything")] == [
            str(first.event_id),
            str(opened.event_id),
        ]
        assert receiver.delivered("other") == []
        assert len(receiver.requests) == 3, "c2's subscription or the disabled one got something"
        assert all(r.verified for r in receiver.requests)

        request = receiver.delivered("identified")[0]
        [delivery] = await service.deliveries(identified["id"])
        assert request.headers["webhook-id"] == delivery["id"]
        assert request.headers["content-type"] == "application/json"
        document = request.document
        assert document["type"] == "PartnerIdentified"
        assert document["data"]["source"] == "research"
        assert document["data"]["campaign_id"] == "c1"
        assert document["data"]["actor"] == "maria@campaign.example"
        assert document["data"]["reason"] == "test"
        assert document["data"]["payload"]["partner_id"] == "p1"
        assert delivery["status"] == "delivered"
        assert [a["status_code"] for a in delivery["attempts"]] == [204]
        assert "whsec_" not in str(await service.deliveries(identified["id"]))

    async def test_a_receiver_that_fails_gets_retries_and_then_everything_in_partner_order(
        self, service: Running, receiver: Receiver
    ) -> None:
        subscription = await service.subscribe(receiver.url("crm"), ["PartnerIdentified"])
        receiver.secrets["crm"] = subscription["secret"]
        failures = {"left": 4}

        def flaky(_request: Received) -> int:
            if failures["left"] > 0:
                failures["left"] -= 1
                return 500
            return 200

        receiver.answer = flaky
        sent = []
        for partner in ["p1", "p2", "p1", "p2", "p1"]:
            sent.append((partner, await service.identified(partner)))

        items = await eventually(lambda: _settled(service, subscription["id"], 5))
        assert {item["status"] for item in items} == {"delivered"}
        assert sum(1 for r in receiver.requests if r.answered == 500) == 4
        assert all(r.verified for r in receiver.requests)
        for partner in ["p1", "p2"]:
            expected = [str(event.event_id) for p, event in sent if p == partner]
            got = [
                r.event_id
                for r in receiver.delivered("crm")
                if r.document["data"]["payload"]["partner_id"] == partner
            ]
            assert got == expected, f"{partner} out of order"
        # A failed attempt is in the log with its status, then the success after it.
        retried = [item for item in items if len(item["attempts"]) > 1]
        assert retried
        for item in retried:
            codes = [attempt["status_code"] for attempt in item["attempts"]]
            assert codes[-1] == 200 and set(codes[:-1]) == {500}
            assert item["attempts"][0]["response_excerpt"] == "not now"
        # The log pages by cursor and filters by status.
        paged: list[str] = []
        cursor: str | None = None
        while True:
            params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
            page = await service.client.get(
                f"/projections/webhooks/{subscription['id']}/deliveries",
                params=params,
                headers=HEADERS,
            )
            paged += [item["id"] for item in page.json()["items"]]
            cursor = page.json()["next_cursor"]
            if cursor is None:
                break
        assert paged == [item["id"] for item in items]
        assert len(await service.deliveries(subscription["id"], status="delivered")) == 5
        assert await service.deliveries(subscription["id"], status="dead") == []
        # The same webhook-id on every attempt of one delivery.
        by_event: dict[str, set[str]] = {}
        for r in receiver.requests:
            by_event.setdefault(r.event_id, set()).add(r.headers["webhook-id"])
        assert all(len(ids) == 1 for ids in by_event.values())

    async def test_a_receiver_down_all_along_ends_in_the_dead_letters_then_redelivery_works(
        self, service: Running
    ) -> None:
        down = Receiver()  # not started: nothing listens on its port
        subscription = await service.subscribe(down.url("crm"), ["*"])
        down.secrets["crm"] = subscription["secret"]
        event = await service.identified("p1")

        async def dead() -> list[dict[str, Any]] | None:
            page = await service.client.get(
                "/projections/webhooks/dead-letters", params={"campaign_id": "c1"}, headers=HEADERS
            )
            items: list[dict[str, Any]] = page.json()["items"]
            return items or None

        [letter] = await eventually(dead)
        assert letter["event_id"] == str(event.event_id)
        assert len(letter["attempts"]) == 4  # the first try and three retries
        assert all(a["status_code"] is None and a["error"] for a in letter["attempts"])

        await down.start()
        try:
            redelivered = await service.client.post(
                f"/projections/webhooks/deliveries/{letter['id']}/redeliver", headers=HEADERS
            )
            assert redelivered.status_code == 202, redelivered.text
            items = await eventually(lambda: _settled(service, subscription["id"], 1))
            [delivery] = items
            assert delivery["status"] == "delivered"
            assert len(delivery["attempts"]) == 5
            assert delivery["attempts"][-1]["status_code"] == 204
            [request] = down.requests
            assert request.verified
            assert request.headers["webhook-id"] == letter["id"]
            assert await dead() is None
            again = await service.client.post(
                f"/projections/webhooks/deliveries/{letter['id']}/redeliver", headers=HEADERS
            )
            assert again.status_code == 202
            await eventually(lambda: _received(down, 2))
            assert down.requests[1].headers["webhook-id"] == letter["id"]
        finally:
            await down.stop()

    async def test_a_new_delivery_wakes_the_dispatcher_before_its_next_poll(
        self, url: str, nats_url: str, unique_prefix: str, tmp_path: Path, receiver: Receiver
    ) -> None:
        async with running(url, nats_url, unique_prefix, tmp_path, webhook_poll_seconds=3600) as (
            service
        ):
            await service.subscribe(receiver.url("crm"), ["*"])
            await service.identified("p1")
            await eventually(lambda: _received(receiver, 1))

    async def test_an_event_received_twice_is_delivered_once(
        self, service: Running, receiver: Receiver
    ) -> None:
        subscription = await service.subscribe(receiver.url("crm"), ["*"])
        event = await service.identified("p1")
        assert await service.receive(event) is False  # the inbox saw it before
        await eventually(lambda: _settled(service, subscription["id"], 1))
        async with service.runtime.engine.connect() as conn:
            rows = (await conn.execute(sa.select(webhook_deliveries))).all()
        assert len(rows) == 1
        assert len(receiver.requests) == 1

    async def test_an_event_published_on_the_stream_is_delivered(
        self, service: Running, receiver: Receiver
    ) -> None:
        subscription = await service.subscribe(receiver.url("crm"), ["PartnerIdentified"])
        receiver.secrets["crm"] = subscription["secret"]
        payload_event = await service.record(_identified("p7"), campaign_id="c1", stream_id="p7")
        await service.publish(payload_event, "research")
        await eventually(lambda: _received(receiver, 1))
        [request] = receiver.requests
        assert request.verified
        assert request.event_id == str(payload_event.event_id)

    async def test_a_read_model_rebuild_sends_nothing_again(
        self, service: Running, receiver: Receiver
    ) -> None:
        subscription = await service.subscribe(receiver.url("crm"), ["*"])
        await service.identified("p1")
        await eventually(lambda: _settled(service, subscription["id"], 1))
        rebuilt = await rebuild_read_models(service.client)
        assert rebuilt["events_applied"] == 1
        assert len(await service.deliveries(subscription["id"])) == 1


def _identified(partner_id: str) -> PartnerIdentified:
    return PartnerIdentified(partner_id=partner_id, campaign_id="c1", name="Org", kind="ngo")


async def _settled(
    service: Running, subscription_id: str, count: int
) -> list[dict[str, Any]] | None:
    """The subscription's deliveries once there are `count` and none is pending."""
    items = await service.deliveries(subscription_id)
    if len(items) == count and all(item["status"] != "pending" for item in items):
        return items
    return None


async def _received(receiver: Receiver, count: int) -> bool | None:
    return True if len(receiver.requests) >= count else None
