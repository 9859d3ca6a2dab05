"""Events the scoring service publishes: the scoring models a campaign publishes, each
partner's explained score, and the coalition recommended from those scores."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from coalition.shared.contracts.research.network import RelationshipType
from coalition.shared.events.envelope import DomainEvent

Component = Literal["influence", "alignment", "capacity", "complementarity", "risk"]
"""The five components of a score; each is 0..1 (risk: 0 is none, 1 is the worst)."""


class ComponentWeights(BaseModel):
    """How much each positive component counts in the composite; they need not sum to 1 (the
    composite divides by their sum)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    influence: float = Field(default=0.3, ge=0.0, le=1.0, description="Weight of influence.")
    alignment: float = Field(default=0.3, ge=0.0, le=1.0, description="Weight of alignment.")
    capacity: float = Field(default=0.2, ge=0.0, le=1.0, description="Weight of capacity.")
    complementarity: float = Field(
        default=0.2, ge=0.0, le=1.0, description="Weight of complementarity."
    )


class InfluenceWeights(BaseModel):
    """How the influence component blends its network measures and reach."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pagerank: float = Field(default=0.35, ge=0.0, le=1.0, description="Network standing.")
    betweenness: float = Field(default=0.2, ge=0.0, le=1.0, description="Brokerage.")
    access: float = Field(
        default=0.25, ge=0.0, le=1.0, description="Ties to policymakers, officials and media."
    )
    reach: float = Field(default=0.2, ge=0.0, le=1.0, description="Members and media audience.")


def _default_tie_weights() -> dict[RelationshipType, float]:
    return {
        "member_of": 0.6,
        "funds": 0.8,
        "allied_with": 0.7,
        "opposed_to": 0.0,
        "advises": 0.9,
        "covers": 0.8,
        "lobbies": 0.7,
        "shares_staff": 0.5,
    }


class ModelRules(BaseModel):
    """The scoring model proper: named, versioned weights and rules. The same rules always
    give the same scores from the same facts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    weights: ComponentWeights = Field(
        default_factory=ComponentWeights, description="The composite's weights."
    )
    risk_penalty: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="How much risk takes off: composite x (1 - risk_penalty x risk).",
    )
    influence: InfluenceWeights = Field(
        default_factory=InfluenceWeights, description="How influence blends its measures."
    )
    tie_weights: dict[RelationshipType, float] = Field(
        default_factory=_default_tie_weights,
        description="How much each type of tie carries influence (0 carries none).",
    )
    high_threshold: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Where `high` starts on the practitioners' grids (power, interest...).",
    )
    coalition_size: int = Field(
        default=7, ge=1, le=100, description="At most this many partners are recommended."
    )
    outreach_capacity: float | None = Field(
        default=None,
        ge=0.0,
        description=(
            "Outreach effort the campaign can spend on the recommendation (one partner costs "
            "1, a large one more); None takes the staff capacity engagement reports."
        ),
    )


class ScoringModelPublished(DomainEvent):
    """A campaign published a version of its scoring model; every partner is re-scored."""

    service = "scoring"
    is_decision = True

    campaign_id: str = Field(description="The campaign whose model it is.")
    name: str = Field(min_length=1, max_length=100, description="The model's name.")
    version: int = Field(ge=1, description="1, 2, ...: one more than the previous version.")
    rules: ModelRules = Field(description="The weights and rules.")
    description: str | None = Field(default=None, max_length=2000, description="In words.")


class Evidence(BaseModel):
    """One fact behind a component, traceable to the event that recorded it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fact: str = Field(max_length=1000, description="The fact, in words.")
    event_id: str | None = Field(default=None, description="The event that recorded it.")
    path: list[str] = Field(
        default_factory=list, description="For a network finding: the chain of ties, in words."
    )


class ComponentScore(BaseModel):
    """One component: its value, what it weighs, the measures it came from and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Component = Field(description="Which component.")
    value: float = Field(ge=0.0, le=1.0, description="0..1.")
    weight: float = Field(ge=0.0, description="Its weight in the composite (risk: penalty).")
    measures: dict[str, float] = Field(description="The measures it was computed from.")
    evidence: list[Evidence] = Field(description="The facts behind it (the strongest first).")


class Exclusion(BaseModel):
    """A deal-breaker that rules the partner out."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    deal_breaker_id: str = Field(description="The campaign's deal-breaker.")
    rule: str = Field(description="Its rule: opposes_issue, funded_by, is_kind.")
    explanation: str = Field(max_length=1000, description="Why the partner falls under it.")
    evidence: list[Evidence] = Field(default_factory=list, description="The facts that show it.")


class Quadrants(BaseModel):
    """Where the partner sits on the grids practitioners already use."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    odi: str = Field(description="ODI Alignment, Interest and Influence Matrix quadrant.")
    mendelow: str = Field(description="Mendelow's power-interest grid quadrant.")
    salience: str = Field(description="Mitchell-Agle-Wood salience class.")
    interest: float = Field(ge=0.0, le=1.0, description="The interest axis, 0..1.")
    legitimacy: float = Field(ge=0.0, le=1.0, description="The legitimacy attribute, 0..1.")
    urgency: float = Field(ge=0.0, le=1.0, description="The urgency attribute, 0..1.")


class PartnerScored(DomainEvent):
    """A partner's assessment for a campaign under a named, versioned scoring model, with every
    component, its evidence and the log positions of the facts it was computed from."""

    service = "scoring"
    is_decision = True

    partner_id: str = Field(description="The partner scored.")
    campaign_id: str = Field(description="The campaign it was scored for.")
    name: str | None = Field(default=None, description="The partner's name when scored.")
    score: float = Field(ge=0.0, le=1.0, description="The composite score, 0..1 (0 if excluded).")
    components: dict[str, float] = Field(description="Each component 0..1, by name.")
    breakdown: list[ComponentScore] = Field(
        default_factory=list, description="Each component with its measures and evidence."
    )
    excluded: bool = Field(default=False, description="A deal-breaker rules the partner out.")
    exclusions: list[Exclusion] = Field(default_factory=list, description="Which, and why.")
    quadrants: Quadrants | None = Field(default=None, description="Its place on the grids.")
    recommended: bool = Field(
        default=False, description="Whether it is in the campaign's recommended coalition."
    )
    rank: int | None = Field(default=None, ge=1, description="Its rank among the candidates.")
    model: str = Field(description="Scoring model name.")
    model_version: int = Field(ge=0, description="Scoring model version (0: the default).")
    method: str = Field(
        default="coalition-score/1", description="The scoring code's method version."
    )
    inputs: list[str] = Field(
        description="Event ids of the facts about this partner (at most 50, newest first)."
    )
    inputs_through: dict[str, int] = Field(
        default_factory=dict,
        description=(
            "Per producing service, the log position up to which facts were taken in: "
            "replaying each log that far reproduces the score."
        ),
    )
    facts_digest: str | None = Field(
        default=None, description="SHA-256 of the campaign's facts as scored, to check a replay."
    )


class CoalitionMember(BaseModel):
    """One partner of a recommended coalition and what it adds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    partner_id: str = Field(description="The partner.")
    name: str = Field(description="Its name.")
    score: float = Field(ge=0.0, le=1.0, description="Its score.")
    adds: list[str] = Field(description="Needs and issues it covers that no earlier member did.")
    effort: float = Field(ge=0.0, description="The outreach effort it takes.")


class CoalitionRecommended(DomainEvent):
    """The coalition scoring recommends changed: at most N partners that cover the most of the
    campaign's needs and issues within its outreach capacity, deal-breakers excluded."""

    service = "scoring"
    is_decision = True

    campaign_id: str = Field(description="The campaign.")
    model: str = Field(description="Scoring model name.")
    model_version: int = Field(ge=0, description="Scoring model version (0: the default).")
    members: list[CoalitionMember] = Field(description="The partners, in the order chosen.")
    coverage: float = Field(ge=0.0, le=1.0, description="Share of the weighted needs covered.")
    uncovered: list[str] = Field(description="Needs and issues nobody in it covers.")
    capacity: float = Field(ge=0.0, description="The outreach capacity it was fitted into.")


__all__ = ["ScoringModelPublished", "PartnerScored", "CoalitionRecommended"]  # noqa: RUF022
