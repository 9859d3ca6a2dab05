"""REST routes of the dialogue with a partner: interactions and their follow-ups, trust
assessments and their trend, shared project ideas, and commitments. Each is recorded on the
partner's pipeline entry, with `If-Match` and a reason like every change to it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import BaseModel, BeforeValidator, Field

from coalition.engagement.domain import dialogue, trust
from coalition.engagement.entrypoints.api import ENTRY
from coalition.engagement.entrypoints.public import (
    AssessmentPublic,
    CampaignPath,
    EngagementPublic,
    EntryIfMatch,
    ItemPath,
    PartnerPath,
    StaffId,
    change,
)
from coalition.engagement.service_layer import handlers
from coalition.shared.contracts.engagement import FollowUp, IdeaKind, InteractionKind
from coalition.shared.web.auth import PrincipalDep, require_campaign
from coalition.shared.web.deps import ContextDep, StoreDep
from coalition.shared.web.models import (
    Day,
    Identifier,
    Labels,
    Name,
    Note,
    Reason,
    RequestBody,
)

router = APIRouter(tags=["dialogue"])

People = Annotated[list[StaffId], Field(max_length=100)]


def _whole_number(value: object) -> object:
    """3 and 3.0 are the same level (JSON Schema's `integer`); `true` and `"3"` are not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Level = Annotated[
    int, Field(ge=1, le=4, description="1 low .. 4 high."), BeforeValidator(_whole_number)
]


def new_id() -> str:
    return uuid.uuid4().hex[:16]


class FollowUpIn(RequestBody):
    what: Note = Field(description="What is to be done.")
    due_on: Day = Field(description="When it is due.")
    owner_id: StaffId = Field(description="The staff member who does it.")


class InteractionIn(RequestBody):
    kind: InteractionKind = Field(description="call, meeting, email or event.")
    occurred_on: Day = Field(description="The day it took place.")
    our_participants: People = Field(default=[], description="Staff ids on our side.")
    their_participants: People = Field(
        default=[], description="The partner's key people, by research's person ids."
    )
    summary: Note = Field(description="What happened.")
    interests: Labels = Field(default=[], description="What the partner said it wants.")
    concerns: Labels = Field(default=[], description="What the partner said worries it.")
    follow_ups: Annotated[list[FollowUpIn], Field(max_length=50)] = Field(
        default=[], description="What is to be done next, by whom, by when."
    )
    reason: Reason = Field(description="Why it is recorded (a source, a note).")


class CompletionIn(RequestBody):
    completed_on: Day | None = Field(default=None, description="The day it was done (today).")
    reason: Reason


class AssessmentIn(RequestBody):
    interaction_id: Identifier = Field(description="The interaction it follows.")
    assessed_on: Day | None = Field(default=None, description="The day (today).")
    openness: Level
    reliability: Level
    mission_support: Level
    note: Note | None = Field(default=None, description="What the scores rest on.")
    reason: Reason


class IdeaIn(RequestBody):
    kind: IdeaKind
    title: Name = Field(description="The idea in a few words.")
    description: Note | None = None
    interaction_id: Identifier | None = Field(default=None, description="Where it came up.")
    with_partners: Annotated[list[Identifier], Field(max_length=100)] = Field(
        default=[], description="Other partners it would involve."
    )
    synergy: Name | None = Field(default=None, description="A synergy scoring found.")
    reason: Reason


class CommitmentIn(RequestBody):
    what: Note = Field(description="What the partner says it will do.")
    resources: Labels = Field(default=[], description="What it brings.")
    reason: Reason


class WithdrawalIn(RequestBody):
    reason: Reason


class TrendPublic(BaseModel):
    dimension: str
    first: int
    latest: int
    change: int
    mean: float
    direction: str


class TrustPublic(BaseModel):
    partner_id: str
    campaign_id: str
    assessments: list[AssessmentPublic] = Field(description="Oldest first.")
    trend: list[TrendPublic] = Field(description="By dimension (none without assessments).")


@router.post(f"{ENTRY}/interactions", status_code=201, summary="Record an interaction.")
async def record_interaction(
    campaign_id: CampaignPath,
    partner_id: PartnerPath,
    body: InteractionIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: EntryIfMatch = None,
) -> EngagementPublic:
    """Key people are taken as given (research's ids): engagement does not check them."""
    follow_ups = [
        FollowUp(follow_up_id=new_id(), what=f.what, due_on=f.due_on, owner_id=f.owner_id)
        for f in body.follow_ups
    ]
    decide = partial(
        dialogue.record_interaction,
        interaction_id=new_id(),
        kind=body.kind,
        occurred_on=body.occurred_on,
        our_participants=body.our_participants,
        their_participants=body.their_participants,
        summary=body.summary,
        interests=body.interests,
        concerns=body.concerns,
        follow_ups=follow_ups,
    )
    return await change(
        store, context, principal, campaign_id, partner_id, body.reason, decide, if_match, response
    )


@router.post(f"{ENTRY}/follow-ups/{{follow_up_id}}/completion", summary="A follow-up was done.")
async def complete_follow_up(
    campaign_id: CampaignPath,
    partner_id: PartnerPath,
    follow_up_id: ItemPath,
    body: CompletionIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: EntryIfMatch = None,
) -> EngagementPublic:
    decide = partial(
        dialogue.complete_follow_up,
        follow_up_id=follow_up_id,
        completed_on=body.completed_on or datetime.now(UTC).date(),
    )
    return await change(
        store, context, principal, campaign_id, partner_id, body.reason, decide, if_match, response
    )


@router.post(
    f"{ENTRY}/trust-assessments",
    status_code=201,
    summary="Assess rapport after an interaction (openness, reliability, mission support).",
)
async def assess_trust(
    campaign_id: CampaignPath,
    partner_id: PartnerPath,
    body: AssessmentIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: EntryIfMatch = None,
) -> EngagementPublic:
    decide = partial(
        dialogue.assess_trust,
        assessment_id=new_id(),
        interaction_id=body.interaction_id,
        assessed_on=body.assessed_on or datetime.now(UTC).date(),
        openness=body.openness,
        reliability=body.reliability,
        mission_support=body.mission_support,
        note=body.note,
    )
    return await change(
        store, context, principal, campaign_id, partner_id, body.reason, decide, if_match, response
    )


@router.get(f"{ENTRY}/trust", summary="Trust over time: every assessment and the trend.")
async def trust_trend(
    campaign_id: CampaignPath,
    partner_id: PartnerPath,
    store: StoreDep,
    principal: PrincipalDep,
    response: Response,
) -> TrustPublic:
    require_campaign(principal, campaign_id)
    entry = await handlers.get_entry(store, campaign_id, partner_id)
    response.headers["ETag"] = f'"{entry.version}"'
    ordered = trust.in_order(entry.assessments)
    return TrustPublic(
        partner_id=partner_id,
        campaign_id=campaign_id,
        assessments=[
            AssessmentPublic(**{**a.__dict__, "assessed_on": a.assessed_on.isoformat()})
            for a in ordered
        ],
        trend=[TrendPublic(**t.__dict__) for t in trust.trend(ordered)],
    )


@router.post(f"{ENTRY}/ideas", status_code=201, summary="Record a shared project idea.")
async def raise_idea(
    campaign_id: CampaignPath,
    partner_id: PartnerPath,
    body: IdeaIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: EntryIfMatch = None,
) -> EngagementPublic:
    decide = partial(
        dialogue.raise_idea,
        idea_id=new_id(),
        kind=body.kind,
        title=body.title,
        description=body.description,
        interaction_id=body.interaction_id,
        with_partners=body.with_partners,
        synergy=body.synergy,
    )
    return await change(
        store, context, principal, campaign_id, partner_id, body.reason, decide, if_match, response
    )


@router.post(
    f"{ENTRY}/commitments",
    status_code=201,
    summary="Record what the partner commits to bring (agreement drafting starts here).",
)
async def make_commitment(
    campaign_id: CampaignPath,
    partner_id: PartnerPath,
    body: CommitmentIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: EntryIfMatch = None,
) -> EngagementPublic:
    """Once the entry is in_dialogue, interested or committed (409 naming `stage` before)."""
    decide = partial(
        dialogue.make_commitment,
        commitment_id=new_id(),
        what=body.what,
        resources=body.resources,
    )
    return await change(
        store, context, principal, campaign_id, partner_id, body.reason, decide, if_match, response
    )


@router.post(
    f"{ENTRY}/commitments/{{commitment_id}}/withdrawal", summary="A commitment no longer stands."
)
async def withdraw_commitment(
    campaign_id: CampaignPath,
    partner_id: PartnerPath,
    commitment_id: ItemPath,
    body: WithdrawalIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: EntryIfMatch = None,
) -> EngagementPublic:
    decide = partial(dialogue.withdraw_commitment, commitment_id=commitment_id)
    return await change(
        store, context, principal, campaign_id, partner_id, body.reason, decide, if_match, response
    )
