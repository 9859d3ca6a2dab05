"""Webhook subscriptions: created, changed, rotated and deleted by people through the API.

They are rows, not events (ADR 8): configuration of an integration, holding a secret that must
never reach an event. Every change is kept in `webhook_audit` with who did it and what changed
(never the secret), and the row says who created and last changed it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from coalition.projections.adapters.tables import webhook_audit, webhook_subscriptions
from coalition.projections.domain.signing import new_secret
from coalition.projections.service_layer.writes import writing
from coalition.shared.events.envelope import utc_now
from coalition.shared.eventstore.errors import PreconditionFailedError
from coalition.shared.eventstore.store import as_utc
from coalition.shared.web.problems import NotFoundError

EDITABLE = ("url", "event_types", "description", "enabled")


@dataclass(frozen=True)
class Subscription:
    """A subscription as clients see it: everything but the secret."""

    id: str
    campaign_id: str
    url: str
    event_types: list[str]
    description: str | None
    enabled: bool
    version: int
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


def _subscription(row: sa.Row[Any]) -> Subscription:
    m = row._mapping
    return Subscription(
        id=m["id"],
        campaign_id=m["campaign_id"],
        url=m["url"],
        event_types=list(m["event_types"]),
        description=m["description"],
        enabled=bool(m["enabled"]),
        version=m["version"],
        created_by=m["created_by"],
        created_at=as_utc(m["created_at"]),
        updated_by=m["updated_by"],
        updated_at=as_utc(m["updated_at"]),
    )


def not_found(subscription_id: str) -> NotFoundError:
    return NotFoundError(
        f"webhook subscription {subscription_id} not found", subscription_id=subscription_id
    )


async def _audit(
    conn: AsyncConnection,
    subscription: Subscription,
    action: str,
    actor: str,
    details: dict[str, Any],
) -> None:
    await conn.execute(
        webhook_audit.insert().values(
            subscription_id=subscription.id,
            campaign_id=subscription.campaign_id,
            action=action,
            actor=actor,
            at=utc_now(),
            details=details,
        )
    )


async def create(
    engine: AsyncEngine,
    *,
    campaign_id: str,
    url: str,
    event_types: Sequence[str],
    description: str | None,
    enabled: bool,
    actor: str,
) -> tuple[Subscription, str]:
    """A new subscription and its secret (returned this once)."""
    now = utc_now()
    secret = new_secret()
    values: dict[str, Any] = {
        "id": f"wh_{uuid.uuid4().hex}",
        "campaign_id": campaign_id,
        "url": url,
        "event_types": list(event_types),
        "description": description,
        "enabled": enabled,
        "version": 1,
        "created_by": actor,
        "created_at": now,
        "updated_by": actor,
        "updated_at": now,
    }
    async with writing(engine) as conn:
        await conn.execute(webhook_subscriptions.insert().values(secret=secret, **values))
        subscription = Subscription(**values)
        await _audit(conn, subscription, "created", actor, _visible(values))
    return subscription, secret


def _visible(values: dict[str, Any]) -> dict[str, Any]:
    return {key: values[key] for key in EDITABLE if key in values}


async def get(engine: AsyncEngine, subscription_id: str) -> Subscription:
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                sa.select(webhook_subscriptions).where(
                    webhook_subscriptions.c.id == subscription_id
                )
            )
        ).first()
    if row is None:
        raise not_found(subscription_id)
    return _subscription(row)


async def page(
    engine: AsyncEngine,
    *,
    campaigns: frozenset[str] | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[Subscription], str | None]:
    """Subscriptions of `campaigns` (None: all) ordered by id, and the cursor of the next page."""
    query = sa.select(webhook_subscriptions).order_by(webhook_subscriptions.c.id).limit(limit + 1)
    if campaigns is not None:
        query = query.where(webhook_subscriptions.c.campaign_id.in_(sorted(campaigns)))
    if cursor is not None:
        query = query.where(webhook_subscriptions.c.id > cursor)
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    items = [_subscription(row) for row in rows[:limit]]
    return items, items[-1].id if len(rows) > limit else None


async def _change(
    engine: AsyncEngine,
    current: Subscription,
    values: dict[str, Any],
    *,
    expected_version: int | None,
    action: str,
    actor: str,
    details: dict[str, Any],
) -> Subscription:
    """Write `values` if the row is still at the version the caller saw (its `If-Match`, else
    the version it just read), with an audit record, in one transaction."""
    seen = current.version if expected_version is None else expected_version
    now = utc_now()
    async with writing(engine) as conn:
        updated = await conn.execute(
            webhook_subscriptions.update()
            .where(
                webhook_subscriptions.c.id == current.id,
                webhook_subscriptions.c.version == seen,
            )
            .values(**values, version=seen + 1, updated_by=actor, updated_at=now)
        )
        if updated.rowcount == 0:
            latest = (
                await conn.execute(
                    sa.select(webhook_subscriptions.c.version).where(
                        webhook_subscriptions.c.id == current.id
                    )
                )
            ).scalar()
            if latest is None:
                raise not_found(current.id)
            raise PreconditionFailedError(current.id, seen, int(latest))
        await _audit(conn, current, action, actor, details)
        row = (
            await conn.execute(
                sa.select(webhook_subscriptions).where(webhook_subscriptions.c.id == current.id)
            )
        ).one()
    return _subscription(row)


async def update(
    engine: AsyncEngine,
    current: Subscription,
    changes: dict[str, Any],
    *,
    expected_version: int | None,
    actor: str,
) -> Subscription:
    """Change url, event types, description or enabled."""
    values = {key: value for key, value in changes.items() if key in EDITABLE}
    before = {key: getattr(current, key) for key in values}
    return await _change(
        engine,
        current,
        values,
        expected_version=expected_version,
        action="updated",
        actor=actor,
        details={"before": before, "after": values},
    )


async def rotate_secret(
    engine: AsyncEngine, current: Subscription, *, expected_version: int | None, actor: str
) -> tuple[Subscription, str]:
    """A new secret replaces the old one at once; deliveries from now on are signed with it."""
    secret = new_secret()
    subscription = await _change(
        engine,
        current,
        {"secret": secret},
        expected_version=expected_version,
        action="secret_rotated",
        actor=actor,
        details={},
    )
    return subscription, secret


async def delete(
    engine: AsyncEngine, current: Subscription, *, expected_version: int | None, actor: str
) -> None:
    """Remove the subscription with its deliveries and their log; the audit keeps the fact."""
    seen = current.version if expected_version is None else expected_version
    async with writing(engine) as conn:
        deleted = await conn.execute(
            webhook_subscriptions.delete().where(
                webhook_subscriptions.c.id == current.id,
                webhook_subscriptions.c.version == seen,
            )
        )
        if deleted.rowcount == 0:
            raise PreconditionFailedError(current.id, seen, current.version)
        await _audit(conn, current, "deleted", actor, {"url": current.url})
