"""Re-scoring a campaign: assess every candidate, recommend a coalition, and decide which
events follow. A partner gets a new `PartnerScored` only when its score changed (the
composite, its exclusion, its membership of the coalition, or the model); the coalition gets a
new `CoalitionRecommended` only when its members or coverage changed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from coalition.scoring.domain import assessment, coalition
from coalition.scoring.domain.facts import CampaignFacts
from coalition.scoring.domain.model import METHOD, Model
from coalition.shared.contracts.scoring import CoalitionRecommended, PartnerScored


@dataclass(frozen=True, slots=True)
class Recorded:
    """What the latest recorded score of a partner says, to compare with a new one. Components
    are left out: a percentile drifting by 0.001 as candidates arrive is not a new score."""

    score: float
    excluded: bool
    recommended: bool
    model: str
    model_version: int

    @classmethod
    def of(cls, payload: Mapping[str, Any]) -> Recorded:
        return cls(
            float(payload["score"]),
            bool(payload.get("excluded", False)),
            bool(payload.get("recommended", False)),
            str(payload["model"]),
            int(payload["model_version"]),
        )


@dataclass(slots=True)
class Outcome:
    """Everything one re-score decided."""

    scores: list[PartnerScored]
    """Every candidate's assessment, best first (recorded or not)."""
    changed: list[PartnerScored]
    recommendation: CoalitionRecommended
    recommendation_changed: bool
    synergies: list[coalition.Synergy] = field(default_factory=list)


def rescore(
    facts: CampaignFacts,
    model: Model,
    previous: Mapping[str, Recorded],
    previous_recommendation: Mapping[str, Any] | None,
    *,
    inputs_through: dict[str, int],
    facts_digest: str,
) -> Outcome:
    """Pure: the facts, the model and what was recorded before -> what to record now."""
    ctx = assessment.CampaignContext(facts, model.rules)
    # Most partners will be recorded (a first score, a new model): explain everyone at once.
    # Otherwise weigh everyone without evidence and explain only the partners that change.
    same_model = sum(
        1 for r in previous.values() if (r.model, r.model_version) == (model.name, model.version)
    )
    explain_all = same_model < len(ctx.candidates) / 2
    ctx.explain = explain_all
    assessed = assessment.ranked(
        assessment.assess_partner(partner, ctx) for partner in ctx.candidates
    )
    ctx.explain = True
    wanted = coalition.items(facts, ctx.already_covered)
    budget = coalition.capacity(facts, model.rules)
    chosen = coalition.recommend(
        assessed,
        wanted,
        size=model.rules.coalition_size,
        capacity=budget,
        committed=frozenset(facts.committed),
    )
    members = {m.partner_id for m in chosen.members}
    scores: list[PartnerScored] = []
    changed: list[PartnerScored] = []
    for rank, one in enumerate(assessed, start=1):
        recorded = partial(
            _scored,
            campaign_id=facts.campaign_id,
            model=model,
            rank=rank,
            recommended=one.partner_id in members,
            inputs_through=inputs_through,
            facts_digest=facts_digest,
        )
        scored = recorded(one)
        scores.append(scored)
        if Recorded.of(scored.__dict__) != previous.get(one.partner_id):
            if not explain_all:
                scored = recorded(assessment.assess_partner(facts.partners[one.partner_id], ctx))
            changed.append(scored)
    recommendation = CoalitionRecommended.model_construct(
        campaign_id=facts.campaign_id,
        model=model.name,
        model_version=model.version,
        members=chosen.members,
        coverage=chosen.coverage,
        uncovered=chosen.uncovered,
        capacity=chosen.capacity,
    )
    before = previous_recommendation or {}
    recommendation_changed = (
        [m["partner_id"] for m in before.get("members", [])]
        != [m.partner_id for m in chosen.members]
        or before.get("coverage") != chosen.coverage
        or before.get("uncovered") != chosen.uncovered
        or before.get("model_version") != model.version
        or before.get("model") != model.name
    )
    by_id = {one.partner_id: one for one in assessed}
    return Outcome(
        scores=scores,
        changed=changed,
        recommendation=recommendation,
        recommendation_changed=recommendation_changed and bool(ctx.candidates or before),
        synergies=coalition.synergies(
            [by_id[m.partner_id] for m in chosen.members], facts, ties_between(ctx, members)
        ),
    )


def _scored(
    one: assessment.Assessment,
    *,
    campaign_id: str,
    model: Model,
    rank: int,
    recommended: bool,
    inputs_through: dict[str, int],
    facts_digest: str,
) -> PartnerScored:
    return assessment.built(
        PartnerScored,
        partner_id=one.partner_id,
        campaign_id=campaign_id,
        name=one.name,
        score=one.score,
        components=one.components,
        breakdown=one.breakdown,
        excluded=one.excluded,
        exclusions=one.exclusions,
        quadrants=one.quadrants,
        recommended=recommended,
        rank=rank,
        model=model.name,
        model_version=model.version,
        method=METHOD,
        inputs=one.inputs,
        inputs_through=dict(inputs_through),
        facts_digest=facts_digest,
    )


def ties_between(
    ctx: assessment.CampaignContext, partners: set[str]
) -> dict[frozenset[str], list[str]]:
    """Ties (and recorded collaborations) joining two of `partners`, in words."""
    found: dict[frozenset[str], list[str]] = defaultdict(list)
    for tie in ctx.ties:
        a, b = tie.source.partition(":"), tie.target.partition(":")
        joined = a[0] == b[0] == "partner" and a[2] in partners and b[2] in partners
        if joined and tie.relationship != "opposed_to":
            found[frozenset({a[2], b[2]})].append(ctx.describe(tie))
    names = {ctx.facts.partners[p].name.lower(): p for p in partners if p in ctx.facts.partners}
    for partner_id in sorted(partners):
        partner = ctx.facts.partners.get(partner_id)
        if partner is None:
            continue
        for data, _event in partner.collaborations:
            for other in data["with_whom"]:
                other_id = names.get(str(other).lower()) or (other if other in partners else None)
                if other_id and other_id != partner_id:
                    found[frozenset({partner_id, other_id})].append(
                        f"worked together on {data['on_what']} ({data['outcome']})"
                    )
    return dict(found)
