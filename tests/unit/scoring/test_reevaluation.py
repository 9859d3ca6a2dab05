"""The side-by-side of a re-evaluated coalition, from hand-made scores."""

from __future__ import annotations

from coalition.scoring.domain.reevaluation import compare
from coalition.shared.contracts.scoring import (
    CoalitionMember,
    CoalitionRecommended,
    PartnerScored,
)
from tests.unit.scoring_samples import SCORING_SAMPLES


def _scored(partner_id: str, score: float, excluded: bool = False) -> PartnerScored:
    sample = SCORING_SAMPLES["PartnerScored"]
    assert isinstance(sample, PartnerScored)
    return sample.model_copy(
        update={"partner_id": partner_id, "name": partner_id.title(), "score": score,
                "excluded": excluded}
    )  # fmt: skip


def _coalition(*members: str) -> CoalitionRecommended:
    sample = SCORING_SAMPLES["CoalitionRecommended"]
    assert isinstance(sample, CoalitionRecommended)
    chosen = [
        CoalitionMember(partner_id=m, name=m.title(), score=0.5, adds=["North"], effort=1.0)
        for m in members
    ]
    return sample.model_copy(update={"members": chosen, "coverage": 0.5, "uncovered": ["legal"]})


def test_signed_chosen_and_missed_are_told_apart() -> None:
    report = compare(
        [_scored("alpha", 0.8), _scored("beta", 0.6), _scored("gamma", 0.1, excluded=True)],
        _coalition("alpha", "beta"),
        recorded_scores={"alpha": 0.7},
        recorded_members=["alpha", "gamma"],
        signed={"beta", "gamma"},
    )
    assert report.would_recommend == ["alpha", "beta"]
    assert report.agreed == ["beta"]
    assert report.signed_not_chosen == ["gamma"]
    assert report.missed == ["alpha"]
    assert report.newly_recommended == ["beta"]
    assert report.no_longer_recommended == ["gamma"]
    assert (report.coverage, report.uncovered) == (0.5, ["legal"])
    rows = {p.partner_id: p for p in report.partners}
    assert rows["alpha"].recorded_score == 0.7 and rows["beta"].recorded_score is None
    assert rows["gamma"].excluded and rows["gamma"].signed and rows["gamma"].recorded_recommended
    assert [p.partner_id for p in report.partners] == ["alpha", "beta", "gamma"]


def test_nothing_signed_and_nothing_recorded() -> None:
    report = compare([_scored("alpha", 0.8)], _coalition("alpha"), {}, [], set())
    assert (report.signed, report.agreed, report.missed) == ([], [], ["alpha"])
    assert report.newly_recommended == ["alpha"] and report.no_longer_recommended == []
