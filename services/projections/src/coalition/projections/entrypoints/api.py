"""REST routes of projections."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncConnection

from coalition.projections.adapters.tables import partner_list, timeline_entries
from coalition.projections.service_layer.generations import served
from coalition.shared.access.principal import Principal
from coalition.shared.eventstore.store import as_utc
from coalition.shared.web.auth import PrincipalDep, require_campaign, visible
from coalition.shared.web.deps import NOT_MODIFIED, EngineDep, conditional
from coalition.shared.web.models import Moment
from coalition.shared.web.problems import NotFoundError

router = APIRouter(tags=["read models"])


class PartnerRow(BaseModel):
    partner_id: str
    campaign_id: str | None
    name: str | None
    kind: str | None
    country: str | None
    status: str | None = Field(description="`active`, or `archived` (see `merged_into`).")
    merged_into: str | None = Field(description="The partner this duplicate was merged into.")
    score: float | None
    score_model: str | None
    stage: str | None
    agreement_id: str | None
    agreement_status: str | None
    updated_at: datetime


class PartnerPage(BaseModel):
    items: list[PartnerRow]
    next_cursor: str | None


class TimelineEntry(BaseModel):
    event_id: uuid.UUID
    service: str
    event_type: str
    summary: str
    actor: str
    reason: str | None
    occurred_at: datetime
    recorded_at: datetime
    causation_id: uuid.UUID | None
    correlation_id: uuid.UUID


class Timeline(BaseModel):
    partner_id: str
    entries: list[TimelineEntry]


def _partner(row: sa.Row[object]) -> PartnerRow:
    values = dict(row._mapping)
    del values["generation"]
    values["updated_at"] = as_utc(values["updated_at"])
    return PartnerRow.model_validate(values)


@router.get("/partners", summary="Partners with their score, pipeline stage and agreement status.")
async def list_partners(
    engine: EngineDep,
    principal: PrincipalDep,
    campaign_id: Annotated[str | None, Query(max_length=100)] = None,
    status: Annotated[
        Literal["active", "archived"] | None,
        Query(description="Only partners still considered, or only archived ones."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[
        str | None, Query(max_length=100, description="`next_cursor` of the previous page.")
    ] = None,
    updated_since: Annotated[
        Moment | None,
        Query(
            description=(
                "Only partners whose row changed at or after this time (RFC 3339 with offset), "
                "for incremental sync: keep the time you started the previous sync."
            )
        ),
    ] = None,
) -> PartnerPage:
    """Ordered by partner id, a stable key, so a cursor never skips or repeats a row."""
    query = (
        sa.select(partner_list)
        .where(served(partner_list))
        .order_by(partner_list.c.partner_id)
        .limit(limit + 1)
    )
    if campaign_id is not None:
        require_campaign(principal, campaign_id)
        query = query.where(partner_list.c.campaign_id == campaign_id)
    elif (campaigns := principal.campaign_filter()) is not None:
        query = query.where(partner_list.c.campaign_id.in_(sorted(campaigns)))
    if updated_since is not None:
        query = query.where(partner_list.c.updated_at >= as_utc(updated_since))
    if status is not None:
        query = query.where(partner_list.c.status == status)
    if cursor is not None:
        query = query.where(partner_list.c.partner_id > cursor)
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    items = [_partner(row) for row in rows[:limit]]
    return PartnerPage(items=items, next_cursor=items[-1].partner_id if len(rows) > limit else None)


@router.get(
    "/partners/{partner_id}",
    summary="One partner's row of the partner list.",
    response_model=PartnerRow,
    responses=NOT_MODIFIED,
)
async def get_partner(
    partner_id: str, engine: EngineDep, principal: PrincipalDep, request: Request
) -> Any:
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                sa.select(partner_list).where(
                    served(partner_list), partner_list.c.partner_id == partner_id
                )
            )
        ).first()
    not_found = NotFoundError(f"partner {partner_id} not found", partner_id=partner_id)
    if row is None:
        raise not_found
    visible(principal, row.campaign_id, not_found)
    # The last event that changed the row names its version, live and after a rebuild alike.
    return conditional(request, _partner(row), f'W/"{row.last_event_id}"')


@router.get(
    "/partners/{partner_id}/timeline",
    summary="Every decision about a partner across services, in time order, with who and why.",
    response_model=Timeline,
    responses=NOT_MODIFIED,
)
async def partner_timeline(
    partner_id: str, engine: EngineDep, principal: PrincipalDep, request: Request
) -> Any:
    not_found = NotFoundError(f"no timeline for partner {partner_id}", partner_id=partner_id)
    async with engine.connect() as conn:
        await _require_visible_partner(conn, principal, partner_id, not_found)
        rows = (
            await conn.execute(
                sa.select(timeline_entries)
                .where(served(timeline_entries), timeline_entries.c.partner_id == partner_id)
                .order_by(timeline_entries.c.occurred_at, timeline_entries.c.received_position)
            )
        ).all()
    if not rows:
        raise not_found
    entries = []
    for row in rows:
        values = dict(row._mapping)
        values["occurred_at"] = as_utc(values["occurred_at"])
        values["recorded_at"] = as_utc(values["recorded_at"])
        entries.append(TimelineEntry.model_validate(values))
    etag = f'W/"{len(entries)}-{max(row.received_position for row in rows)}"'
    return conditional(request, Timeline(partner_id=partner_id, entries=entries), etag)


async def _require_visible_partner(
    conn: AsyncConnection, principal: Principal, partner_id: str, not_found: NotFoundError
) -> None:
    """A partner's campaign is the one its row in the partner list names."""
    if principal.campaign_filter() is None:
        return
    campaign_id = (
        await conn.execute(
            sa.select(partner_list.c.campaign_id).where(
                served(partner_list), partner_list.c.partner_id == partner_id
            )
        )
    ).scalar()
    visible(principal, campaign_id, not_found)
