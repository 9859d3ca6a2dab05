"""A past coalition re-evaluated: what a model would have recommended from the facts as they
stood at a moment, beside what was recorded then and what the campaign went on to sign.

Pure: the scores and recommendation of the re-evaluation (computed by `rescore` from the facts
as of the moment), the scores and recommendation scoring recorded by then, and the partners
signed. The answer names, side by side, who was signed that the model would not have chosen
and who it would have chosen that was never signed."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from coalition.shared.contracts.scoring import CoalitionRecommended, PartnerScored


@dataclass(frozen=True, slots=True)
class PartnerThen:
    partner_id: str
    name: str | None
    score: float
    excluded: bool
    would_recommend: bool
    recorded_score: float | None
    """Its score as recorded by the moment (under the model then in force)."""
    recorded_recommended: bool
    signed: bool


@dataclass(frozen=True, slots=True)
class Reevaluation:
    would_recommend: list[str]
    recorded_recommendation: list[str]
    signed: list[str]
    agreed: list[str]
    """Signed, and the model would have chosen them."""
    signed_not_chosen: list[str]
    """Signed, though the model would not have chosen them."""
    missed: list[str]
    """The model would have chosen them; never signed."""
    newly_recommended: list[str]
    """Chosen by the model, not in the recommendation recorded then."""
    no_longer_recommended: list[str]
    """In the recommendation recorded then, not chosen by the model."""
    coverage: float
    uncovered: list[str]
    partners: list[PartnerThen]


def compare(
    scores: Sequence[PartnerScored],
    recommendation: CoalitionRecommended,
    recorded_scores: Mapping[str, float],
    recorded_members: Sequence[str],
    signed: Collection[str],
) -> Reevaluation:
    chosen = [member.partner_id for member in recommendation.members]
    chosen_set, recorded_set, signed_set = set(chosen), set(recorded_members), set(signed)
    partners = [
        PartnerThen(
            partner_id=s.partner_id,
            name=s.name,
            score=s.score,
            excluded=s.excluded,
            would_recommend=s.partner_id in chosen_set,
            recorded_score=recorded_scores.get(s.partner_id),
            recorded_recommended=s.partner_id in recorded_set,
            signed=s.partner_id in signed_set,
        )
        for s in scores
    ]
    return Reevaluation(
        would_recommend=chosen,
        recorded_recommendation=list(recorded_members),
        signed=sorted(signed_set),
        agreed=sorted(signed_set & chosen_set),
        signed_not_chosen=sorted(signed_set - chosen_set),
        missed=[p for p in chosen if p not in signed_set],
        newly_recommended=[p for p in chosen if p not in recorded_set],
        no_longer_recommended=[p for p in recorded_members if p not in chosen_set],
        coverage=recommendation.coverage,
        uncovered=list(recommendation.uncovered),
        partners=partners,
    )
