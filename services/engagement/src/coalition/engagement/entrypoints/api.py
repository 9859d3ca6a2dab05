"""REST routes of a pipeline entry: open it, read it, move it along the pipeline, name its
owner. Every change answers with the entry as it now is and its `ETag`, accepts `If-Match`
(409 with the current entry when stale) and needs a reason, kept in the audit trail."""

from __future__ import annotations

from functools import partial
from typing import Literal

from fastapi import APIRouter, Response
from pydantic import Field

from coalition.engagement.domain import pipeline
from coalition.engagement.entrypoints.public import (
    CampaignPath,
    EngagementPublic,
    EntryIfMatch,
    PartnerPath,
    StaffId,
    answer,
    change,
    may_skip,
)
from coalition.engagement.service_layer import handlers
from coalition.shared.contracts.engagement import Stage
from coalition.shared.web.auth import PrincipalDep, require_campaign
from coalition.shared.web.deps import ContextDep, StoreDep
from coalition.shared.web.models import Reason, RequestBody

router = APIRouter(tags=["pipeline"])

ENTRY = "/campaigns/{campaign_id}/partners/{partner_id}/engagement"


class EntryCreate(RequestBody):
    stage: Literal["identified", "prioritised"] = Field(
        default="identified", description="Where the entry starts."
    )
    owner_id: StaffId | None = Field(default=None, description="The staff member who carries it.")
    reason: Reason = Field(description="Why the campaign approaches this partner.")


class MoveIn(RequestBody):
    to_stage: Stage = Field(description="The stage to move to (see docs/engagement.md).")
    reason: Reason = Field(description="Why; a skip of stages needs a lead's key too.")


class OwnerIn(RequestBody):
    owner_id: StaffId = Field(description="The staff member who now carries the relationship.")
    reason: Reason


@router.post(ENTRY, status_code=201, summary="Open the partner's pipeline entry.")
async def open_entry(
    campaign_id: CampaignPath,
    partner_id: PartnerPath,
    body: EntryCreate,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
) -> EngagementPublic:
    """Once per campaign and partner (409 after); the partner's id is taken as given."""
    require_campaign(principal, campaign_id)
    if body.owner_id is not None:
        await handlers.check_owner_capacity(store, campaign_id, partner_id, body.owner_id)
    decide = partial(
        pipeline.open_entry,
        campaign_id=campaign_id,
        partner_id=partner_id,
        stage=body.stage,
        owner_id=body.owner_id,
    )
    entry = await handlers.change_entry(
        store,
        context.metadata(reason=body.reason, campaign_id=campaign_id),
        campaign_id,
        partner_id,
        decide,  # refuses a second opening (a racing one is re-decided on the new stream)
    )
    location = ENTRY.format(campaign_id=campaign_id, partner_id=partner_id)
    response.headers["Location"] = f"/engagement{location}"
    return answer(entry, response)


@router.get(ENTRY, summary="The pipeline entry of a partner in a campaign.")
async def get_engagement(
    campaign_id: CampaignPath,
    partner_id: PartnerPath,
    store: StoreDep,
    principal: PrincipalDep,
    response: Response,
) -> EngagementPublic:
    require_campaign(principal, campaign_id)
    return answer(await handlers.get_entry(store, campaign_id, partner_id), response)


@router.post(f"{ENTRY}/moves", summary="Move the entry to another stage.")
async def move_entry(
    campaign_id: CampaignPath,
    partner_id: PartnerPath,
    body: MoveIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: EntryIfMatch = None,
) -> EngagementPublic:
    """As the transition table allows (409 naming `body.to_stage` otherwise); skipping stages
    forward takes a lead's key (`engagement:lead`, or an admin), else 403."""
    decide = partial(pipeline.move, to=body.to_stage, may_skip=may_skip(principal))
    return await change(
        store, context, principal, campaign_id, partner_id, body.reason, decide, if_match, response
    )


@router.put(f"{ENTRY}/owner", summary="Name the staff member who carries the relationship.")
async def assign_owner(
    campaign_id: CampaignPath,
    partner_id: PartnerPath,
    body: OwnerIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: EntryIfMatch = None,
) -> EngagementPublic:
    """409 naming `body.owner_id` if they already carry as many partners as their capacity."""
    require_campaign(principal, campaign_id)
    await handlers.check_owner_capacity(store, campaign_id, partner_id, body.owner_id)
    decide = partial(pipeline.assign_owner, owner_id=body.owner_id)
    return await change(
        store, context, principal, campaign_id, partner_id, body.reason, decide, if_match, response
    )
