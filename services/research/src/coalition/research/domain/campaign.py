"""A campaign, rebuilt from its stream: objectives, values, policy positions, deal-breakers and
needs, the basis of every later judgement about a partner; and the decisions that change it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from coalition.research.domain.text import issue_key, unique
from coalition.shared.contracts.research import (
    CampaignLaunched,
    CampaignNeedsStated,
    CampaignValuesStated,
    DealBreakerDeclared,
    DealBreakerLifted,
    DealBreakerRule,
    ObjectiveSet,
    ObjectiveWithdrawn,
    OpposesIssue,
    PolicyPositionTaken,
    PolicyPositionWithdrawn,
    Priority,
    Stance,
)
from coalition.shared.events.envelope import DomainEvent, RecordedEvent
from coalition.shared.web.problems import DomainError, InvalidInputError, NotFoundError

STREAM_TYPE = "campaign"


def stream_id(campaign_id: str) -> str:
    return f"campaign-{campaign_id}"


@dataclass(frozen=True)
class Objective:
    title: str
    priority: Priority
    metric: str
    target: float
    unit: str | None
    due_on: date | None


@dataclass(frozen=True)
class PolicyPosition:
    stance: Stance
    weight: float


@dataclass(frozen=True)
class DealBreaker:
    rule: DealBreakerRule
    description: str | None


@dataclass(frozen=True)
class Needs:
    constituencies: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    capabilities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Campaign:
    campaign_id: str
    name: str
    description: str | None
    version: int
    values: tuple[str, ...] = ()
    objectives: dict[str, Objective] = field(default_factory=dict)
    positions: dict[str, PolicyPosition] = field(default_factory=dict)
    """issue -> the campaign's stance on it and its weight."""
    deal_breakers: dict[str, DealBreaker] = field(default_factory=dict)
    needs: Needs = Needs()

    @classmethod
    def from_history(cls, history: Sequence[RecordedEvent]) -> Campaign | None:
        campaign: Campaign | None = None
        for event in history:
            campaign = evolve(campaign, event)
            if campaign is not None:
                campaign = replace(campaign, version=event.stream_version)
        return campaign


def evolve(campaign: Campaign | None, event: RecordedEvent) -> Campaign | None:
    p = event.payload
    if event.event_type == "CampaignLaunched":
        launched = CampaignLaunched.model_validate(p)
        return Campaign(
            launched.campaign_id, launched.name, launched.description, 0, tuple(launched.values)
        )
    if campaign is None:
        return None
    match event.event_type:
        case "CampaignValuesStated":
            return replace(campaign, values=tuple(p["values"]))
        case "ObjectiveSet":
            o = ObjectiveSet.model_validate(p)
            objective = Objective(o.title, o.priority, o.metric, o.target, o.unit, o.due_on)
            return replace(campaign, objectives={**campaign.objectives, o.objective_id: objective})
        case "ObjectiveWithdrawn":
            objectives = {k: v for k, v in campaign.objectives.items() if k != p["objective_id"]}
            return replace(campaign, objectives=objectives)
        case "PolicyPositionTaken":
            t = PolicyPositionTaken.model_validate(p)
            position = PolicyPosition(t.stance, t.weight)
            return replace(campaign, positions={**campaign.positions, t.issue: position})
        case "PolicyPositionWithdrawn":
            positions = {k: v for k, v in campaign.positions.items() if k != p["issue"]}
            return replace(campaign, positions=positions)
        case "DealBreakerDeclared":
            d = DealBreakerDeclared.model_validate(p)
            rules = {
                **campaign.deal_breakers,
                d.deal_breaker_id: DealBreaker(d.rule, d.description),
            }
            return replace(campaign, deal_breakers=rules)
        case "DealBreakerLifted":
            rules = {k: v for k, v in campaign.deal_breakers.items() if k != p["deal_breaker_id"]}
            return replace(campaign, deal_breakers=rules)
        case "CampaignNeedsStated":
            n = CampaignNeedsStated.model_validate(p)
            needs = Needs(tuple(n.constituencies), tuple(n.regions), tuple(n.capabilities))
            return replace(campaign, needs=needs)
    return campaign


def launch(
    history: Sequence[RecordedEvent],
    *,
    campaign_id: str,
    name: str,
    description: str | None = None,
    values: Sequence[str] = (),
) -> list[DomainEvent]:
    """A campaign is launched once; launching the same id again is refused."""
    if history:
        raise DomainError(f"campaign {campaign_id} is already launched", campaign_id=campaign_id)
    if not name.strip():
        raise InvalidInputError("name must not be blank", field="body.name")
    return [
        CampaignLaunched(
            campaign_id=campaign_id,
            name=name.strip(),
            description=description,
            values=unique(values),
        )
    ]


def existing(history: Sequence[RecordedEvent]) -> Campaign:
    campaign = Campaign.from_history(history)
    if campaign is None:
        raise NotFoundError("campaign not found")
    return campaign


def state_values(history: Sequence[RecordedEvent], *, values: Sequence[str]) -> list[DomainEvent]:
    campaign = existing(history)
    stated = unique(values)
    if tuple(stated) == campaign.values:
        return []
    return [CampaignValuesStated(campaign_id=campaign.campaign_id, values=stated)]


def set_objective(
    history: Sequence[RecordedEvent], *, objective_id: str, objective: Objective
) -> list[DomainEvent]:
    campaign = existing(history)
    if campaign.objectives.get(objective_id) == objective:
        return []
    return [
        ObjectiveSet(
            campaign_id=campaign.campaign_id,
            objective_id=objective_id,
            **objective.__dict__,
        )
    ]


def withdraw_objective(history: Sequence[RecordedEvent], *, objective_id: str) -> list[DomainEvent]:
    campaign = existing(history)
    if objective_id not in campaign.objectives:
        raise NotFoundError(f"campaign {campaign.campaign_id} has no objective {objective_id}")
    return [ObjectiveWithdrawn(campaign_id=campaign.campaign_id, objective_id=objective_id)]


def take_position(
    history: Sequence[RecordedEvent], *, issue: str, stance: Stance, weight: float
) -> list[DomainEvent]:
    campaign = existing(history)
    issue = issue_key(issue)
    if campaign.positions.get(issue) == PolicyPosition(stance, weight):
        return []
    return [
        PolicyPositionTaken(
            campaign_id=campaign.campaign_id, issue=issue, stance=stance, weight=weight
        )
    ]


def withdraw_position(history: Sequence[RecordedEvent], *, issue: str) -> list[DomainEvent]:
    campaign = existing(history)
    issue = issue_key(issue)
    if issue not in campaign.positions:
        raise NotFoundError(f"campaign {campaign.campaign_id} takes no position on {issue}")
    return [PolicyPositionWithdrawn(campaign_id=campaign.campaign_id, issue=issue)]


def declare_deal_breaker(
    history: Sequence[RecordedEvent],
    *,
    deal_breaker_id: str,
    rule: DealBreakerRule,
    description: str | None = None,
) -> list[DomainEvent]:
    campaign = existing(history)
    if isinstance(rule, OpposesIssue):
        rule = rule.model_copy(update={"issue": issue_key(rule.issue)})
    if campaign.deal_breakers.get(deal_breaker_id) == DealBreaker(rule, description):
        return []
    return [
        DealBreakerDeclared(
            campaign_id=campaign.campaign_id,
            deal_breaker_id=deal_breaker_id,
            rule=rule,
            description=description,
        )
    ]


def lift_deal_breaker(
    history: Sequence[RecordedEvent], *, deal_breaker_id: str
) -> list[DomainEvent]:
    campaign = existing(history)
    if deal_breaker_id not in campaign.deal_breakers:
        raise NotFoundError(
            f"campaign {campaign.campaign_id} has no deal-breaker {deal_breaker_id}"
        )
    return [DealBreakerLifted(campaign_id=campaign.campaign_id, deal_breaker_id=deal_breaker_id)]


def state_needs(history: Sequence[RecordedEvent], *, needs: Needs) -> list[DomainEvent]:
    campaign = existing(history)
    needs = Needs(
        tuple(unique(needs.constituencies)),
        tuple(unique(needs.regions)),
        tuple(unique(needs.capabilities)),
    )
    if needs == campaign.needs:
        return []
    return [
        CampaignNeedsStated(
            campaign_id=campaign.campaign_id,
            constituencies=list(needs.constituencies),
            regions=list(needs.regions),
            capabilities=list(needs.capabilities),
        )
    ]
