"""REST routes of a campaign's outreach: whether recommended partners open entries by
themselves, how many partners each staff member can carry (and carries), and the follow-ups
due across the campaign's entries."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from coalition.engagement.domain import follow_ups, outreach
from coalition.engagement.entrypoints.public import (
    STAFF_PATTERN,
    CampaignPath,
    EntryIfMatch,
    FollowUpPublic,
    StaffId,
    StaleEntryError,
)
from coalition.engagement.service_layer import handlers
from coalition.shared.application import Decide
from coalition.shared.eventstore.errors import PreconditionFailedError
from coalition.shared.eventstore.store import EventStore
from coalition.shared.web.auth import PrincipalDep, require_campaign
from coalition.shared.web.context import RequestContext
from coalition.shared.web.deps import ContextDep, StoreDep, parse_if_match
from coalition.shared.web.models import Count, Day, Reason, RequestBody

router = APIRouter(tags=["outreach"])

OUTREACH = "/campaigns/{campaign_id}/outreach"
StaffPath = Annotated[str, Path(max_length=200, pattern=STAFF_PATTERN, description="Staff id.")]
Limit = Annotated[int, Query(ge=1, le=500, description="At most this many items.")]
Cursor = Annotated[
    str | None, Query(max_length=400, description="`next_cursor` of the previous page.")
]


class AutoOpenIn(RequestBody):
    enabled: bool = Field(description="On: a partner scored `recommended` opens its entry.")
    reason: Reason


class CapacityIn(RequestBody):
    max_partners: Count = Field(description="At most this many active entries (0: none).")
    reason: Reason


class OutreachPublic(BaseModel):
    campaign_id: str
    version: int
    auto_open: bool
    total_capacity: int = Field(description="The sum of every staff member's capacity.")


class LoadPublic(BaseModel):
    staff_id: str
    max_partners: int | None = Field(description="None: no capacity set.")
    active: int = Field(description="Entries they own, not declined or paused.")
    spare: int | None


class LoadPage(BaseModel):
    items: list[LoadPublic]
    next_cursor: str | None


class DuePublic(BaseModel):
    engagement_id: str
    partner_id: str
    overdue: bool
    follow_up: FollowUpPublic


class DuePage(BaseModel):
    items: list[DuePublic]
    next_cursor: str | None


def _public(settings: outreach.Outreach, response: Response) -> OutreachPublic:
    response.headers["ETag"] = f'"{settings.version}"'
    return OutreachPublic.model_validate(_as_json(settings))


def _as_json(settings: outreach.Outreach) -> dict[str, object]:
    return OutreachPublic(
        campaign_id=settings.campaign_id,
        version=settings.version,
        auto_open=settings.auto_open,
        total_capacity=sum(settings.capacity.values()),
    ).model_dump(mode="json")


async def _change(
    store: EventStore,
    context: RequestContext,
    campaign_id: str,
    reason: str,
    decide: Decide,
    if_match: str | None,
    response: Response,
) -> OutreachPublic:
    """A change at the version the client saw: 409 with the settings as they now are if stale,
    as for an entry."""
    try:
        settings = await handlers.change_outreach(
            store,
            context.metadata(reason=reason, campaign_id=campaign_id),
            campaign_id,
            decide,
            expected_version=parse_if_match(if_match),
        )
    except PreconditionFailedError as stale:
        now = await handlers.get_outreach(store, campaign_id)
        raise StaleEntryError(
            f"the settings are at version {now.version}, not {stale.expected_version}",
            expected_version=stale.expected_version,
            current_version=now.version,
            current=_as_json(now),
        ) from stale
    return _public(settings, response)


@router.get(OUTREACH, summary="The campaign's outreach settings.")
async def get_outreach(
    campaign_id: CampaignPath, store: StoreDep, principal: PrincipalDep, response: Response
) -> OutreachPublic:
    require_campaign(principal, campaign_id)
    return _public(await handlers.get_outreach(store, campaign_id), response)


@router.put(f"{OUTREACH}/auto-open", summary="Turn opening entries for recommended partners on.")
async def set_auto_open(
    campaign_id: CampaignPath,
    body: AutoOpenIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: EntryIfMatch = None,
) -> OutreachPublic:
    require_campaign(principal, campaign_id)
    decide = partial(outreach.set_auto_open, campaign_id=campaign_id, enabled=body.enabled)
    return await _change(store, context, campaign_id, body.reason, decide, if_match, response)


@router.put(
    f"{OUTREACH}/staff/{{staff_id}}/capacity",
    summary="How many partners a staff member can carry.",
)
async def set_capacity(
    campaign_id: CampaignPath,
    staff_id: StaffPath,
    body: CapacityIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: EntryIfMatch = None,
) -> OutreachPublic:
    """Scoring sums these over the campaign's staff to bound the coalition it recommends."""
    require_campaign(principal, campaign_id)
    decide = partial(
        outreach.set_capacity,
        campaign_id=campaign_id,
        staff_id=staff_id,
        max_partners=body.max_partners,
    )
    return await _change(store, context, campaign_id, body.reason, decide, if_match, response)


@router.get(f"{OUTREACH}/staff", summary="Each staff member's capacity and active entries.")
async def list_loads(
    campaign_id: CampaignPath,
    store: StoreDep,
    principal: PrincipalDep,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> LoadPage:
    """By staff id; the cursor is the last staff id of the previous page."""
    require_campaign(principal, campaign_id)
    settings = await handlers.get_outreach(store, campaign_id)
    loads = outreach.loads(settings, await handlers.campaign_entries(store, campaign_id))
    if cursor is not None:
        loads = [load for load in loads if load.staff_id > cursor]
    page = loads[:limit]
    return LoadPage(
        items=[LoadPublic(**load.__dict__, spare=load.spare) for load in page],
        next_cursor=page[-1].staff_id if len(loads) > limit else None,
    )


@router.get(
    "/campaigns/{campaign_id}/follow-ups",
    summary="Follow-ups across the campaign's entries, overdue ones unless told.",
)
async def list_follow_ups(
    campaign_id: CampaignPath,
    store: StoreDep,
    principal: PrincipalDep,
    status: Annotated[
        Literal["overdue", "open", "done", "all"], Query(description="Which follow-ups.")
    ] = "overdue",
    owner_id: Annotated[StaffId | None, Query(description="Only this staff member's.")] = None,
    as_of: Annotated[Day | None, Query(description="Overdue as of this day (today).")] = None,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> DuePage:
    """Earliest due first; the cursor is a place in that order (any text is a valid cursor)."""
    require_campaign(principal, campaign_id)
    today = as_of or datetime.now(UTC).date()
    entries = await handlers.campaign_entries(store, campaign_id)
    found = follow_ups.listed(entries, today=today, status=status, owner_id=owner_id)
    if cursor is not None:
        found = [due for due in found if due.position() > cursor]
    page = found[:limit]
    return DuePage(
        items=[
            DuePublic(
                engagement_id=due.engagement_id,
                partner_id=due.partner_id,
                overdue=follow_ups.overdue(due.follow_up, today),
                follow_up=FollowUpPublic(
                    **{
                        **due.follow_up.__dict__,
                        "due_on": due.follow_up.due_on.isoformat(),
                        "completed_on": (
                            due.follow_up.completed_on.isoformat()
                            if due.follow_up.completed_on
                            else None
                        ),
                    }
                ),
            )
            for due in page
        ],
        next_cursor=page[-1].position() if len(found) > limit else None,
    )
