"""Events about a campaign itself: what it wants, what it stands for and what it will not accept.
Every later judgement (alignment, risk, fit) is made against these."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from coalition.shared.contracts.research.common import OrganisationKind, Stance
from coalition.shared.events.envelope import DomainEvent


class CampaignLaunched(DomainEvent):
    """A campaign was set up: the scope in which partners are researched, scored, engaged and
    signed."""

    service = "research"
    is_decision = True

    campaign_id: str = Field(max_length=100, description="Stable id chosen by the campaign.")
    name: str = Field(min_length=1, max_length=300, description="The campaign's name.")
    description: str | None = Field(default=None, max_length=5000, description="What it is.")
    values: list[str] = Field(default_factory=list, description="The values it stands for.")


class CampaignValuesStated(DomainEvent):
    """The campaign restated its values (the whole list, replacing the earlier one)."""

    service = "research"
    is_decision = True

    campaign_id: str = Field(description="The campaign.")
    values: list[str] = Field(description="The values it stands for.")


Priority = Literal["critical", "high", "medium", "low"]


class ObjectiveSet(DomainEvent):
    """An objective of the campaign, with a measurable target. Set again with the same id, it
    replaces the earlier one."""

    service = "research"
    is_decision = True

    campaign_id: str = Field(description="The campaign.")
    objective_id: str = Field(max_length=100, description="Stable id of the objective.")
    title: str = Field(min_length=1, max_length=300, description="What the campaign wants.")
    priority: Priority = Field(description="How much it matters.")
    metric: str = Field(min_length=1, max_length=300, description="What is measured.")
    target: float = Field(description="The value of the metric that counts as achieved.")
    unit: str | None = Field(default=None, max_length=50, description="The metric's unit.")
    due_on: date | None = Field(default=None, description="When it should be achieved.")


class ObjectiveWithdrawn(DomainEvent):
    """An objective no longer counts."""

    service = "research"
    is_decision = True

    campaign_id: str = Field(description="The campaign.")
    objective_id: str = Field(max_length=100, description="The objective withdrawn.")


class PolicyPositionTaken(DomainEvent):
    """The campaign's stance on an issue and how much it weighs. Taken again for the same issue,
    it replaces the earlier position."""

    service = "research"
    is_decision = True

    campaign_id: str = Field(description="The campaign.")
    issue: str = Field(min_length=1, max_length=100, description="The issue area.")
    stance: Stance = Field(description="Its stance, strongly oppose to strongly support.")
    weight: float = Field(gt=0.0, le=1.0, description="How much the issue weighs, 0..1.")


class PolicyPositionWithdrawn(DomainEvent):
    """The campaign no longer takes a position on an issue."""

    service = "research"
    is_decision = True

    campaign_id: str = Field(description="The campaign.")
    issue: str = Field(max_length=100, description="The issue area.")


class OpposesIssue(BaseModel):
    """A partner whose recorded stance on `issue` is `stance_at_most` or further from ours."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: Literal["opposes_issue"]
    issue: str = Field(min_length=1, max_length=100, description="The issue area.")
    stance_at_most: Stance = Field(
        default="oppose", description="The stance at or below which the partner is excluded."
    )


class FundedBy(BaseModel):
    """A partner funded by `funder` (a `funds` tie from it, by id or by name)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: Literal["funded_by"]
    funder: str = Field(
        min_length=1,
        max_length=300,
        description="The funder: a partner or stakeholder id, or a name.",
    )


class IsKind(BaseModel):
    """A partner of a kind the campaign will not ally with (no parties, say)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: Literal["is_kind"]
    kind: OrganisationKind = Field(description="The kind excluded.")


DealBreakerRule = Annotated[OpposesIssue | FundedBy | IsKind, Field(discriminator="rule")]


class DealBreakerDeclared(DomainEvent):
    """A rule that rules a partner out, whatever its other merits."""

    service = "research"
    is_decision = True

    campaign_id: str = Field(description="The campaign.")
    deal_breaker_id: str = Field(max_length=100, description="Stable id of the rule.")
    rule: DealBreakerRule = Field(description="What rules a partner out.")
    description: str | None = Field(default=None, max_length=2000, description="In words.")


class DealBreakerLifted(DomainEvent):
    """A deal-breaker no longer applies."""

    service = "research"
    is_decision = True

    campaign_id: str = Field(description="The campaign.")
    deal_breaker_id: str = Field(max_length=100, description="The rule lifted.")


class CampaignNeedsStated(DomainEvent):
    """Whom the campaign needs to reach, where, and with what: the gaps partners can fill. The
    whole statement, replacing the earlier one."""

    service = "research"
    is_decision = True

    campaign_id: str = Field(description="The campaign.")
    constituencies: list[str] = Field(description="People it needs to reach or mobilise.")
    regions: list[str] = Field(description="Where it needs presence.")
    capabilities: list[str] = Field(description="What it needs done (legal, media, logistics).")


__all__ = [
    "CampaignLaunched",
    "CampaignNeedsStated",
    "CampaignValuesStated",
    "DealBreakerDeclared",
    "DealBreakerLifted",
    "ObjectiveSet",
    "ObjectiveWithdrawn",
    "PolicyPositionTaken",
    "PolicyPositionWithdrawn",
]
