"""Webhook deliveries: recorded from the event log, listed, and put back for redelivery.

A delivery row is written for each matching enabled subscription in the consumer's own
transaction, beside the inbox record of the event: the event is processed once, so each
(subscription, event) has exactly one delivery, whatever the broker redelivers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.projections.adapters.tables import (
    webhook_attempts,
    webhook_audit,
    webhook_deliveries,
    webhook_subscriptions,
)
from coalition.projections.domain.deliveries import Status, partner_key, wants
from coalition.projections.service_layer.bell import new_deliveries
from coalition.projections.service_layer.writes import writing
from coalition.shared.events.envelope import RecordedEvent, utc_now
from coalition.shared.eventstore.store import StoreTransaction, as_utc
from coalition.shared.web.problems import DomainError, NotFoundError


def new_delivery_id() -> str:
    """Also the `webhook-id` header: the same on every try, so receivers can drop repeats."""
    return f"msg_{uuid.uuid4().hex}"


async def enqueue(event: RecordedEvent, tx: StoreTransaction) -> int:
    """Record a pending delivery of `event` for every enabled subscription of its campaign that
    wants its type; returns how many. Events of no campaign go to no webhook."""
    campaign = event.metadata.campaign_id
    if campaign is None:
        return 0
    conn = tx.connection
    rows = (
        await conn.execute(
            sa.select(webhook_subscriptions.c.id, webhook_subscriptions.c.event_types).where(
                webhook_subscriptions.c.campaign_id == campaign,
                webhook_subscriptions.c.enabled.is_(True),
            )
        )
    ).all()
    now = utc_now()
    key = partner_key(event)
    matching = [row.id for row in rows if wants(list(row.event_types), event.event_type)]
    for subscription_id in matching:
        await conn.execute(
            webhook_deliveries.insert().values(
                id=new_delivery_id(),
                subscription_id=subscription_id,
                campaign_id=campaign,
                event_id=event.event_id,
                event_type=event.event_type,
                partner_key=key,
                status=Status.PENDING,
                tries=0,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
        )
    if matching:
        tx.after_commit(new_deliveries.ring)
    return len(matching)


@dataclass(frozen=True)
class Attempt:
    attempted_at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int
    response_excerpt: str | None
    succeeded: bool


@dataclass(frozen=True)
class Delivery:
    id: str
    subscription_id: str
    campaign_id: str
    event_id: uuid.UUID
    event_type: str
    partner_key: str
    status: str
    tries: int
    next_attempt_at: datetime | None
    created_at: datetime
    updated_at: datetime
    attempts: list[Attempt]


def _delivery(row: sa.Row[Any], attempts: list[Attempt]) -> Delivery:
    m = row._mapping
    due = m["next_attempt_at"]
    return Delivery(
        id=m["id"],
        subscription_id=m["subscription_id"],
        campaign_id=m["campaign_id"],
        event_id=m["event_id"],
        event_type=m["event_type"],
        partner_key=m["partner_key"],
        status=m["status"],
        tries=m["tries"],
        next_attempt_at=as_utc(due) if due is not None else None,
        created_at=as_utc(m["created_at"]),
        updated_at=as_utc(m["updated_at"]),
        attempts=attempts,
    )


async def page(
    engine: AsyncEngine,
    *,
    subscription_id: str | None = None,
    campaigns: frozenset[str] | None = None,
    status: Status | None = None,
    limit: int,
    cursor: int | None,
) -> tuple[list[Delivery], int | None]:
    """Deliveries in the order they were recorded, each with its attempts, and the cursor of
    the next page."""
    query = sa.select(webhook_deliveries).order_by(webhook_deliveries.c.sequence).limit(limit + 1)
    if subscription_id is not None:
        query = query.where(webhook_deliveries.c.subscription_id == subscription_id)
    if campaigns is not None:
        query = query.where(webhook_deliveries.c.campaign_id.in_(sorted(campaigns)))
    if status is not None:
        query = query.where(webhook_deliveries.c.status == status.value)
    if cursor is not None:
        query = query.where(webhook_deliveries.c.sequence > cursor)
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).all()
        shown = rows[:limit]
        attempts: dict[str, list[Attempt]] = {row.id: [] for row in shown}
        if shown:
            found = await conn.execute(
                sa.select(webhook_attempts)
                .where(webhook_attempts.c.delivery_id.in_(list(attempts)))
                .order_by(webhook_attempts.c.id)
            )
            for a in found:
                attempts[a.delivery_id].append(
                    Attempt(
                        attempted_at=as_utc(a.attempted_at),
                        status_code=a.status_code,
                        error=a.error,
                        duration_ms=a.duration_ms,
                        response_excerpt=a.response_excerpt,
                        succeeded=bool(a.succeeded),
                    )
                )
    items = [_delivery(row, attempts[row.id]) for row in shown]
    return items, int(shown[-1].sequence) if len(rows) > limit else None


async def campaign_of(engine: AsyncEngine, delivery_id: str) -> str:
    """The campaign a delivery belongs to (for the caller's access check)."""
    async with engine.connect() as conn:
        campaign = (
            await conn.execute(
                sa.select(webhook_deliveries.c.campaign_id).where(
                    webhook_deliveries.c.id == delivery_id
                )
            )
        ).scalar()
    if campaign is None:
        raise delivery_not_found(delivery_id)
    return str(campaign)


def delivery_not_found(delivery_id: str) -> NotFoundError:
    return NotFoundError(f"webhook delivery {delivery_id} not found", delivery_id=delivery_id)


async def redeliver(engine: AsyncEngine, delivery_id: str, *, actor: str) -> None:
    """Put a delivered or dead delivery back to pending, due now, with a fresh retry schedule.
    Its earlier attempts stay in its log; new ones are added after them. Like any pending
    delivery it waits for older pending ones to the same partner."""
    now = utc_now()
    async with writing(engine) as conn:
        row = (
            await conn.execute(
                sa.select(webhook_deliveries).where(webhook_deliveries.c.id == delivery_id)
            )
        ).first()
        if row is None:
            raise delivery_not_found(delivery_id)
        if row.status == Status.PENDING:
            raise DomainError(
                f"webhook delivery {delivery_id} is still pending; it will be tried anyway",
                delivery_id=delivery_id,
            )
        await conn.execute(
            webhook_deliveries.update()
            .where(webhook_deliveries.c.id == delivery_id)
            .values(status=Status.PENDING, tries=0, next_attempt_at=now, updated_at=now)
        )
        await conn.execute(
            webhook_audit.insert().values(
                subscription_id=row.subscription_id,
                campaign_id=row.campaign_id,
                action="redelivery_requested",
                actor=actor,
                at=now,
                details={"delivery_id": delivery_id, "was": row.status},
            )
        )
    new_deliveries.ring()
