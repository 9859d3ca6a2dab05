"""REST routes of research about the campaign itself: launch it, then state its values,
objectives, policy positions, deal-breakers and needs. Every change answers with the campaign
as it now is and its `ETag`, accepts `If-Match`, and needs a reason."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from coalition.research.domain import campaign as model
from coalition.research.service_layer import campaigns as handlers
from coalition.shared.contracts.research import DealBreakerRule, Priority, Stance
from coalition.shared.events.envelope import DomainEvent, RecordedEvent
from coalition.shared.web.auth import PrincipalDep, require_campaign, visible
from coalition.shared.web.deps import ContextDep, IfMatch, StoreDep, parse_if_match
from coalition.shared.web.models import (
    Day,
    Identifier,
    Labels,
    Name,
    Note,
    Reason,
    ReasonQuery,
    RequestBody,
)
from coalition.shared.web.problems import NotFoundError

router = APIRouter(tags=["campaigns"])

CampaignId = Annotated[str, Path(max_length=100, description="The campaign's id.")]
ItemId = Annotated[str, Path(max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")]
IssuePath = Annotated[
    str, Path(min_length=1, max_length=100, pattern=r"^[\w .-]*\w[\w .-]*$", description="Issue.")
]


class CampaignCreate(RequestBody):
    campaign_id: Identifier = Field(description="The id the campaign chooses for itself.")
    name: Name
    description: Note | None = None
    values: Labels = Field(default=[], description="The values it stands for.")
    reason: Reason


class ValuesIn(RequestBody):
    values: Labels
    reason: Reason


class ObjectiveIn(RequestBody):
    title: Name = Field(description="What the campaign wants.")
    priority: Priority
    metric: Name = Field(description="What is measured.")
    target: float = Field(description="The value of the metric that counts as achieved.")
    unit: Annotated[str, Field(min_length=1, max_length=50)] | None = None
    due_on: Day | None = None
    reason: Reason


class PolicyPositionIn(RequestBody):
    stance: Stance
    weight: float = Field(gt=0.0, le=1.0, description="How much the issue weighs, 0..1.")
    reason: Reason


class DealBreakerIn(RequestBody):
    rule: DealBreakerRule
    description: Note | None = None
    reason: Reason


class NeedsIn(RequestBody):
    constituencies: Labels = Field(default=[], description="People it must reach.")
    regions: Labels = Field(default=[], description="Where it needs presence.")
    capabilities: Labels = Field(default=[], description="What it needs done.")
    reason: Reason


class ObjectivePublic(BaseModel):
    objective_id: str
    title: str
    priority: Priority
    metric: str
    target: float
    unit: str | None
    due_on: str | None


class PolicyPositionPublic(BaseModel):
    issue: str
    stance: Stance
    weight: float


class DealBreakerPublic(BaseModel):
    deal_breaker_id: str
    rule: DealBreakerRule
    description: str | None


class NeedsPublic(BaseModel):
    constituencies: list[str]
    regions: list[str]
    capabilities: list[str]


class CampaignPublic(BaseModel):
    campaign_id: str
    name: str
    description: str | None
    version: int
    values: list[str]
    objectives: list[ObjectivePublic]
    positions: list[PolicyPositionPublic]
    deal_breakers: list[DealBreakerPublic]
    needs: NeedsPublic

    @classmethod
    def of(cls, campaign: model.Campaign) -> CampaignPublic:
        return cls(
            campaign_id=campaign.campaign_id,
            name=campaign.name,
            description=campaign.description,
            version=campaign.version,
            values=list(campaign.values),
            objectives=[
                ObjectivePublic(
                    objective_id=key,
                    title=o.title,
                    priority=o.priority,
                    metric=o.metric,
                    target=o.target,
                    unit=o.unit,
                    due_on=o.due_on.isoformat() if o.due_on else None,
                )
                for key, o in sorted(campaign.objectives.items())
            ],
            positions=[
                PolicyPositionPublic(issue=issue, stance=p.stance, weight=p.weight)
                for issue, p in sorted(campaign.positions.items())
            ],
            deal_breakers=[
                DealBreakerPublic(deal_breaker_id=key, rule=d.rule, description=d.description)
                for key, d in sorted(campaign.deal_breakers.items())
            ],
            needs=NeedsPublic(
                constituencies=list(campaign.needs.constituencies),
                regions=list(campaign.needs.regions),
                capabilities=list(campaign.needs.capabilities),
            ),
        )


def _answer(campaign: model.Campaign, response: Response) -> CampaignPublic:
    response.headers["ETag"] = f'"{campaign.version}"'
    return CampaignPublic.of(campaign)


async def _change(
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    campaign_id: str,
    reason: str,
    decide: Callable[[Sequence[RecordedEvent]], Sequence[DomainEvent]],
    if_match: str | None,
    response: Response,
) -> CampaignPublic:
    visible(principal, campaign_id, NotFoundError(f"campaign {campaign_id} not found"))
    changed = await handlers.change_campaign(
        store,
        context.metadata(reason=reason, campaign_id=campaign_id),
        campaign_id,
        decide,
        expected_version=parse_if_match(if_match),
    )
    return _answer(changed, response)


@router.post("/campaigns", status_code=201, summary="Launch a campaign.")
async def launch_campaign(
    body: CampaignCreate,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
) -> CampaignPublic:
    require_campaign(principal, body.campaign_id)
    campaign = await handlers.launch_campaign(
        store,
        context.metadata(reason=body.reason, campaign_id=body.campaign_id),
        campaign_id=body.campaign_id,
        name=body.name,
        description=body.description,
        values=body.values,
    )
    response.headers["Location"] = f"campaigns/{campaign.campaign_id}"
    return _answer(campaign, response)


@router.get("/campaigns/{campaign_id}", summary="A campaign: what it wants and rejects.")
async def get_campaign(
    campaign_id: CampaignId, store: StoreDep, principal: PrincipalDep, response: Response
) -> CampaignPublic:
    visible(principal, campaign_id, NotFoundError(f"campaign {campaign_id} not found"))
    return _answer(await handlers.get_campaign(store, campaign_id), response)


@router.put("/campaigns/{campaign_id}/values", summary="State the campaign's values.")
async def state_values(
    campaign_id: CampaignId,
    body: ValuesIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> CampaignPublic:
    decide = partial(model.state_values, values=body.values)
    return await _change(
        store, context, principal, campaign_id, body.reason, decide, if_match, response
    )


@router.put(
    "/campaigns/{campaign_id}/objectives/{objective_id}",
    summary="Set an objective with a measurable target.",
)
async def set_objective(
    campaign_id: CampaignId,
    objective_id: ItemId,
    body: ObjectiveIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> CampaignPublic:
    objective = model.Objective(
        body.title, body.priority, body.metric, body.target, body.unit, body.due_on
    )
    decide = partial(model.set_objective, objective_id=objective_id, objective=objective)
    return await _change(
        store, context, principal, campaign_id, body.reason, decide, if_match, response
    )


@router.delete(
    "/campaigns/{campaign_id}/objectives/{objective_id}", summary="Withdraw an objective."
)
async def withdraw_objective(
    campaign_id: CampaignId,
    objective_id: ItemId,
    reason: ReasonQuery,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> CampaignPublic:
    decide = partial(model.withdraw_objective, objective_id=objective_id)
    return await _change(store, context, principal, campaign_id, reason, decide, if_match, response)


@router.put(
    "/campaigns/{campaign_id}/positions/{issue}",
    summary="Take a policy position on an issue, with its weight.",
)
async def take_position(
    campaign_id: CampaignId,
    issue: IssuePath,
    body: PolicyPositionIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> CampaignPublic:
    decide = partial(model.take_position, issue=issue, stance=body.stance, weight=body.weight)
    return await _change(
        store, context, principal, campaign_id, body.reason, decide, if_match, response
    )


@router.delete("/campaigns/{campaign_id}/positions/{issue}", summary="Withdraw a policy position.")
async def withdraw_position(
    campaign_id: CampaignId,
    issue: IssuePath,
    reason: ReasonQuery,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> CampaignPublic:
    decide = partial(model.withdraw_position, issue=issue)
    return await _change(store, context, principal, campaign_id, reason, decide, if_match, response)


@router.put(
    "/campaigns/{campaign_id}/deal-breakers/{deal_breaker_id}",
    summary="Declare a deal-breaker: a rule that rules a partner out.",
)
async def declare_deal_breaker(
    campaign_id: CampaignId,
    deal_breaker_id: ItemId,
    body: DealBreakerIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> CampaignPublic:
    decide = partial(
        model.declare_deal_breaker,
        deal_breaker_id=deal_breaker_id,
        rule=body.rule,
        description=body.description,
    )
    return await _change(
        store, context, principal, campaign_id, body.reason, decide, if_match, response
    )


@router.delete(
    "/campaigns/{campaign_id}/deal-breakers/{deal_breaker_id}", summary="Lift a deal-breaker."
)
async def lift_deal_breaker(
    campaign_id: CampaignId,
    deal_breaker_id: ItemId,
    reason: ReasonQuery,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> CampaignPublic:
    decide = partial(model.lift_deal_breaker, deal_breaker_id=deal_breaker_id)
    return await _change(store, context, principal, campaign_id, reason, decide, if_match, response)


@router.put(
    "/campaigns/{campaign_id}/needs",
    summary="State the constituencies, regions and capabilities the campaign needs.",
)
async def state_needs(
    campaign_id: CampaignId,
    body: NeedsIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> CampaignPublic:
    needs = model.Needs(tuple(body.constituencies), tuple(body.regions), tuple(body.capabilities))
    decide = partial(model.state_needs, needs=needs)
    return await _change(
        store, context, principal, campaign_id, body.reason, decide, if_match, response
    )
