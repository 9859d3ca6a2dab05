"""Reading and writing agreement's own tables. Upserts keyed by what the event names, so a
redelivered event changes nothing."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from coalition.agreement.adapters.tables import agreement_commitments, agreement_objectives
from coalition.agreement.domain.commitments import Commitment


def _insert(conn: AsyncConnection, table: sa.Table) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


async def _upsert(
    conn: AsyncConnection, table: sa.Table, keys: dict[str, Any], values: dict[str, Any]
) -> None:
    statement = _insert(conn, table).values(**keys, **values)
    await conn.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=values))


async def keep_commitment(conn: AsyncConnection, commitment: Commitment, event_id: str) -> None:
    keys = {
        "campaign_id": commitment.campaign_id,
        "partner_id": commitment.partner_id,
        "commitment_id": commitment.commitment_id,
    }
    values = {
        "what": commitment.what,
        "resources": list(commitment.resources),
        "withdrawn": False,
        "event_id": event_id,
    }
    await _upsert(conn, agreement_commitments, keys, values)


async def withdraw_commitment(
    conn: AsyncConnection, campaign_id: str, partner_id: str, commitment_id: str
) -> None:
    t = agreement_commitments
    await conn.execute(
        t.update()
        .where(
            t.c.campaign_id == campaign_id,
            t.c.partner_id == partner_id,
            t.c.commitment_id == commitment_id,
        )
        .values(withdrawn=True)
    )


async def commitments(conn: AsyncConnection, campaign_id: str) -> dict[str, Commitment]:
    t = agreement_commitments
    rows = await conn.execute(
        sa.select(t)
        .where(t.c.campaign_id == campaign_id)
        .order_by(t.c.partner_id, t.c.commitment_id)
    )
    found = (
        Commitment(
            row.campaign_id,
            row.partner_id,
            row.commitment_id,
            row.what,
            tuple(row.resources),
            row.withdrawn,
        )
        for row in rows
    )
    return {commitment.ref: commitment for commitment in found}


async def keep_objective(
    conn: AsyncConnection, campaign_id: str, objective_id: str, title: str, event_id: str
) -> None:
    keys = {"campaign_id": campaign_id, "objective_id": objective_id}
    values = {"title": title, "withdrawn": False, "event_id": event_id}
    await _upsert(conn, agreement_objectives, keys, values)


async def withdraw_objective(conn: AsyncConnection, campaign_id: str, objective_id: str) -> None:
    t = agreement_objectives
    await conn.execute(
        t.update()
        .where(t.c.campaign_id == campaign_id, t.c.objective_id == objective_id)
        .values(withdrawn=True)
    )


async def objectives(conn: AsyncConnection, campaign_id: str) -> dict[str, str] | None:
    """The campaign's standing objectives (id -> title); None when research has told this
    service nothing of the campaign's objectives yet."""
    t = agreement_objectives
    rows = list(await conn.execute(sa.select(t).where(t.c.campaign_id == campaign_id)))
    if not rows:
        return None
    return {row.objective_id: row.title for row in rows if not row.withdrawn}
