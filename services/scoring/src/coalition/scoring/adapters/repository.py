"""Reading and writing scoring's tables, the same SQL on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from coalition.scoring.adapters.tables import (
    scoring_coalitions,
    scoring_current,
    scoring_fact_log,
    scoring_facts,
    scoring_pending,
    scoring_watermarks,
)
from coalition.scoring.domain.facts import FactChange, FactRow
from coalition.scoring.domain.rescore import Recorded
from coalition.shared.events.envelope import RecordedEvent, utc_now
from coalition.shared.eventstore.store import as_utc


def _insert(conn: AsyncConnection, table: sa.Table) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


async def write_facts(
    conn: AsyncConnection, changes: Sequence[FactChange], event: RecordedEvent, service: str
) -> None:
    """Upsert each fact; an older event of the same service never overwrites a newer one (a
    redelivery after a retry can arrive late)."""
    for change in changes:
        statement = _insert(conn, scoring_facts).values(
            campaign_id=change.campaign_id,
            kind=change.kind,
            key=change.key,
            data=change.data,
            event_id=str(event.event_id),
            service=service,
            position=event.position,
            correlation_id=str(event.metadata.correlation_id),
        )
        excluded = statement.excluded
        await conn.execute(
            statement.on_conflict_do_update(
                index_elements=["campaign_id", "kind", "key"],
                set_={
                    "data": excluded.data,
                    "event_id": excluded.event_id,
                    "service": excluded.service,
                    "position": excluded.position,
                    "correlation_id": excluded.correlation_id,
                },
                where=sa.or_(
                    scoring_facts.c.service != excluded.service,
                    scoring_facts.c.position < excluded.position,
                ),
            )
        )
    if changes:
        await conn.execute(
            scoring_fact_log.insert(),
            [
                {
                    "campaign_id": change.campaign_id,
                    "kind": change.kind,
                    "key": change.key,
                    "data": change.data,
                    "event_id": str(event.event_id),
                    "event_type": event.event_type,
                    "service": service,
                    "position": event.position,
                    "recorded_at": as_utc(event.recorded_at),
                }
                for change in changes
            ],
        )
    for campaign_id in sorted({change.campaign_id for change in changes}):
        mark = _insert(conn, scoring_watermarks).values(
            campaign_id=campaign_id, service=service, position=event.position
        )
        await conn.execute(
            mark.on_conflict_do_update(
                index_elements=["campaign_id", "service"],
                set_={
                    "position": sa.func.max(scoring_watermarks.c.position, mark.excluded.position)
                }
                if conn.dialect.name == "sqlite"
                else {
                    "position": sa.func.greatest(
                        scoring_watermarks.c.position, mark.excluded.position
                    )
                },
            )
        )


async def mark_pending(
    conn: AsyncConnection,
    campaign_id: str,
    *,
    cause_event_id: uuid.UUID | None,
    correlation_id: uuid.UUID | None,
    actor: str | None,
) -> None:
    """The campaign needs a re-score: a new generation, so a re-score that started before this
    mark does not clear it."""
    now = utc_now()
    statement = _insert(conn, scoring_pending).values(
        campaign_id=campaign_id,
        generation=1,
        first_marked_at=now,
        marked_at=now,
        cause_event_id=cause_event_id,
        correlation_id=correlation_id,
        actor=actor,
    )
    await conn.execute(
        statement.on_conflict_do_update(
            index_elements=["campaign_id"],
            set_={
                "generation": scoring_pending.c.generation + 1,
                "marked_at": now,
                "cause_event_id": cause_event_id,
                "correlation_id": correlation_id,
                "actor": actor,
            },
        )
    )


@dataclass(frozen=True, slots=True)
class Claim:
    """A pending re-score this worker holds for a while."""

    campaign_id: str
    generation: int
    cause_event_id: uuid.UUID | None
    correlation_id: uuid.UUID | None
    actor: str | None


async def claim_next(
    conn: AsyncConnection,
    worker: str,
    *,
    settle: timedelta,
    longest_wait: timedelta,
    lease: timedelta,
) -> Claim | None:
    """The campaign that has waited longest, once its facts settled (no mark for `settle`, or
    first marked more than `longest_wait` ago), and nobody else holds it. A lease, not a row
    lock: a crashed worker's claim runs out and another takes it."""
    now = utc_now()
    candidates = (
        sa.select(scoring_pending)
        .where(
            sa.or_(
                scoring_pending.c.claimed_until.is_(None),
                scoring_pending.c.claimed_until < now,
            ),
            sa.or_(
                scoring_pending.c.marked_at <= now - settle,
                scoring_pending.c.first_marked_at <= now - longest_wait,
            ),
        )
        .order_by(scoring_pending.c.first_marked_at)
        .limit(5)
    )
    for row in (await conn.execute(candidates)).all():
        taken = await conn.execute(
            scoring_pending.update()
            .where(
                scoring_pending.c.campaign_id == row.campaign_id,
                scoring_pending.c.generation == row.generation,
                sa.or_(
                    scoring_pending.c.claimed_until.is_(None),
                    scoring_pending.c.claimed_until < now,
                ),
            )
            .values(claimed_until=now + lease, claimed_by=worker)
        )
        if taken.rowcount == 1:
            return Claim(
                row.campaign_id, row.generation, row.cause_event_id, row.correlation_id, row.actor
            )
    return None


async def finish(conn: AsyncConnection, claim: Claim) -> None:
    """Done: forget the mark unless a newer one came meanwhile (then release it for later)."""
    await conn.execute(
        scoring_pending.delete().where(
            scoring_pending.c.campaign_id == claim.campaign_id,
            scoring_pending.c.generation == claim.generation,
        )
    )
    await release(conn, claim)


async def release(conn: AsyncConnection, claim: Claim) -> None:
    await conn.execute(
        scoring_pending.update()
        .where(scoring_pending.c.campaign_id == claim.campaign_id)
        .values(claimed_until=None, claimed_by=None)
    )


async def pending(conn: AsyncConnection, campaign_id: str) -> bool:
    found = await conn.execute(
        sa.select(scoring_pending.c.campaign_id).where(scoring_pending.c.campaign_id == campaign_id)
    )
    return found.first() is not None


async def fact_rows(conn: AsyncConnection, campaign_id: str) -> list[FactRow]:
    result = await conn.execute(
        sa.select(
            scoring_facts.c.kind,
            scoring_facts.c.key,
            scoring_facts.c.data,
            scoring_facts.c.event_id,
            scoring_facts.c.service,
            scoring_facts.c.position,
            scoring_facts.c.correlation_id,
        ).where(scoring_facts.c.campaign_id == campaign_id)
    )
    return [FactRow(*row) for row in result.all()]


async def fact_rows_as_of(
    conn: AsyncConnection, campaign_id: str, as_of: datetime
) -> list[FactRow]:
    """The facts as they stood at `as_of`: the log replayed up to it with the rule the upsert
    applies (a later event of the same service wins; across services the later arrival)."""
    log = scoring_fact_log
    result = await conn.execute(
        sa.select(
            log.c.kind,
            log.c.key,
            log.c.data,
            log.c.event_id,
            log.c.service,
            log.c.position,
        )
        .where(log.c.campaign_id == campaign_id, log.c.recorded_at <= as_utc(as_of))
        .order_by(log.c.seq)
    )
    rows: dict[tuple[str, str], FactRow] = {}
    for kind, key, data, event_id, service, position in result.all():
        before = rows.get((kind, key))
        if before is None or before.service != service or before.position < position:
            rows[(kind, key)] = FactRow(kind, key, data, event_id, service, position)
    return list(rows.values())


async def signed_partners(
    conn: AsyncConnection, campaign_id: str, until: datetime | None
) -> dict[str, datetime]:
    """Partners party to an agreement that came into force (by `until`), and when first."""
    log = scoring_fact_log
    query = sa.select(log.c.key, sa.func.min(log.c.recorded_at)).where(
        log.c.campaign_id == campaign_id, log.c.event_type == "AgreementSigned"
    )
    if until is not None:
        query = query.where(log.c.recorded_at <= as_utc(until))
    result = await conn.execute(query.group_by(log.c.key))
    return {str(key): as_utc(first) for key, first in result.all()}


async def watermarks(conn: AsyncConnection, campaign_id: str) -> dict[str, int]:
    result = await conn.execute(
        sa.select(scoring_watermarks.c.service, scoring_watermarks.c.position).where(
            scoring_watermarks.c.campaign_id == campaign_id
        )
    )
    return {row.service: int(row.position) for row in result.all()}


async def current_payloads(conn: AsyncConnection, campaign_id: str) -> dict[str, dict[str, Any]]:
    """partner -> its latest recorded score's payload."""
    result = await conn.execute(
        sa.select(scoring_current.c.partner_id, scoring_current.c.payload).where(
            scoring_current.c.campaign_id == campaign_id
        )
    )
    return {row.partner_id: dict(row.payload) for row in result.all()}


async def current_records(conn: AsyncConnection, campaign_id: str) -> dict[str, Recorded]:
    """partner -> what its latest recorded score says, from columns (no payload to parse)."""
    t = scoring_current.c
    result = await conn.execute(
        sa.select(t.partner_id, t.score, t.excluded, t.recommended, t.model, t.model_version).where(
            t.campaign_id == campaign_id
        )
    )
    return {
        row.partner_id: Recorded(
            row.score, row.excluded, row.recommended, row.model, row.model_version
        )
        for row in result.all()
    }


async def current_versions(conn: AsyncConnection, campaign_id: str) -> dict[str, int]:
    result = await conn.execute(
        sa.select(scoring_current.c.partner_id, scoring_current.c.stream_version).where(
            scoring_current.c.campaign_id == campaign_id
        )
    )
    return {row.partner_id: int(row.stream_version) for row in result.all()}


async def record_current(conn: AsyncConnection, recorded: Sequence[RecordedEvent]) -> None:
    """Keep the latest recorded score of each partner: one batched upsert."""
    rows = [
        {
            "campaign_id": event.payload["campaign_id"],
            "partner_id": event.payload["partner_id"],
            "name": str(event.payload.get("name") or event.payload["partner_id"])[:300],
            "score": float(event.payload["score"]),
            "excluded": bool(event.payload["excluded"]),
            "recommended": bool(event.payload["recommended"]),
            "model": str(event.payload["model"]),
            "model_version": int(event.payload["model_version"]),
            "stream_version": event.stream_version,
            "event_id": event.event_id,
            "reason": event.metadata.reason,
            "payload": event.payload,
            "recorded_at": event.recorded_at,
        }
        for event in recorded
    ]
    if not rows:
        return
    statement = _insert(conn, scoring_current)
    updated = {
        name: getattr(statement.excluded, name)
        for name in rows[0]
        if name not in ("campaign_id", "partner_id")
    }
    upsert = statement.on_conflict_do_update(
        index_elements=["campaign_id", "partner_id"], set_=updated
    )
    for start in range(0, len(rows), 1000):
        await conn.execute(upsert, rows[start : start + 1000])


async def forget_current(conn: AsyncConnection, campaign_id: str, keep: set[str]) -> None:
    """Drop the scores of partners that are no longer candidates (archived, merged)."""
    known = await current_versions(conn, campaign_id)
    gone = sorted(set(known) - keep)
    if gone:
        await conn.execute(
            scoring_current.delete().where(
                scoring_current.c.campaign_id == campaign_id,
                scoring_current.c.partner_id.in_(gone),
            )
        )


async def coalition_row(conn: AsyncConnection, campaign_id: str) -> dict[str, Any] | None:
    result = await conn.execute(
        sa.select(scoring_coalitions).where(scoring_coalitions.c.campaign_id == campaign_id)
    )
    row = result.first()
    return dict(row._mapping) if row is not None else None


async def save_coalition(
    conn: AsyncConnection,
    campaign_id: str,
    payload: Mapping[str, Any],
    synergies: list[dict[str, Any]],
    stream_version: int,
    when: datetime,
) -> None:
    values = {
        "payload": dict(payload),
        "synergies": synergies,
        "stream_version": stream_version,
        "rescored_at": when,
    }
    statement = _insert(conn, scoring_coalitions).values(campaign_id=campaign_id, **values)
    await conn.execute(statement.on_conflict_do_update(index_elements=["campaign_id"], set_=values))
