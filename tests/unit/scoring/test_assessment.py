"""Each scoring component on small campaigns whose answers were worked out by hand."""

from __future__ import annotations

import pytest

from coalition.scoring.domain import assessment, coalition, model
from coalition.scoring.domain.rescore import Recorded, rescore
from coalition.shared.contracts.scoring import ModelRules
from tests.unit.scoring.campaigns import Campaign


def scores(campaign: Campaign, rules: ModelRules | None = None) -> dict[str, assessment.Assessment]:
    chosen = model.DEFAULT if rules is None else model.Model("test", 1, rules)
    return assessment.assess(campaign.facts(), chosen)


def component(one: assessment.Assessment, name: str) -> float:
    return one.components[name]


def test_alignment_weighs_the_campaigns_issues_and_counts_unknown_as_uncertainty() -> None:
    campaign = (
        Campaign()
        .stance("living-wage", "strongly_support", 1.0)
        .stance("housing", "support", 0.5)
        .partner("ally")
        .partner("foe")
        .partner("silent")
        .position("ally", "living-wage", "strongly_support")
        .position("foe", "living-wage", "oppose")
        .position("foe", "housing", "support")
    )
    found = scores(campaign)
    # ally: agreement 1 on living-wage (weight 1), housing unknown: 1 / 1.5
    assert component(found["ally"], "alignment") == pytest.approx(0.667)
    ally = next(p for p in found["ally"].breakdown if p.name == "alignment")
    assert ally.measures["certainty"] == pytest.approx(1 / 1.5, abs=1e-6)
    assert ally.measures["upper_bound"] == pytest.approx(1.0, abs=1e-6)
    # foe: living-wage 1 - |2 - (-1)| / 4 = 0.25 (weight 1), housing 1 (weight 0.5): 0.75/1.5
    assert component(found["foe"], "alignment") == pytest.approx(0.5)
    # silent: nothing known is no agreement at all, and says so
    assert component(found["silent"], "alignment") == 0.0
    silent = next(p for p in found["silent"].breakdown if p.name == "alignment")
    assert "position unknown on living-wage, housing" in silent.evidence[-1].fact


def test_capacity_ranks_resources_among_the_candidates() -> None:
    campaign = (
        Campaign()
        .partner("small", resources={"staff": 1})
        .partner("middle", resources={"staff": 5})
        .partner("large", resources={"staff": 10})
        .partner("unknown")
    )
    found = scores(campaign)
    percentile = {
        pid: next(p for p in one.breakdown if p.name == "capacity").measures["percentile_staff"]
        for pid, one in found.items()
    }
    # the unknown counts as having least; three others to compare with
    assert percentile == {"small": pytest.approx(1 / 3), "middle": pytest.approx(2 / 3),
                          "large": 1.0, "unknown": 0.0}  # fmt: skip
    # staff is one of four resources: large = (1 + 0 + 0 + 0) / 4
    assert component(found["large"], "capacity") == 0.25


def test_complementarity_counts_only_needs_current_partners_leave_open() -> None:
    campaign = (
        Campaign()
        .needs(regions=["North", "South"], capabilities=["Legal advice"])
        .partner("north", regions=["north"])
        .partner("south", regions=["South"], expertise=["legal advice"])
        .raw("CommitmentMade", "engagement", **_commitment("north"))
    )
    found = scores(campaign)
    # north is committed: North is covered; South and Legal advice remain; south covers both
    assert component(found["south"], "complementarity") == 1.0
    assert component(found["north"], "complementarity") == 0.0


def _commitment(partner_id: str) -> dict[str, object]:
    return {
        "engagement_id": f"living-wage.{partner_id}",
        "partner_id": partner_id,
        "campaign_id": "living-wage",
        "commitment_id": "c1",
        "what": "Mobilise members",
        "resources": ["volunteers"],
    }


def test_a_deal_breaker_excludes_with_its_name_and_evidence() -> None:
    campaign = (
        Campaign()
        .stance("living-wage", "strongly_support")
        .partner("party", "party")
        .partner("opponent")
        .partner("funded")
        .partner("clean")
        .position("opponent", "living-wage", "strongly_oppose")
        .stakeholder("tobacco", "funder", "Tobacco Trust")
        .tie("stakeholder:tobacco", "funds", "partner:funded", 0.9)
        .deal_breaker("no-parties", rule="is_kind", kind="party")
        .deal_breaker("must-support", rule="opposes_issue", issue="living-wage")
        .deal_breaker("no-tobacco", rule="funded_by", funder="Tobacco Trust")
    )
    found = scores(campaign)
    for pid, rule in (
        ("party", "no-parties"),
        ("opponent", "must-support"),
        ("funded", "no-tobacco"),
    ):
        one = found[pid]
        assert one.excluded and one.score == 0.0
        assert [e.deal_breaker_id for e in one.exclusions] == [rule]
        assert one.components["risk"] == 1.0
    funded = found["funded"].exclusions[0]
    assert funded.evidence[0].path == ["Tobacco Trust funds Funded (0.9)"]
    assert not found["clean"].excluded and found["clean"].components["risk"] == 0.0


def test_a_conflict_of_interest_shows_the_chain_of_ties() -> None:
    campaign = (
        Campaign()
        .partner("friend")
        .partner("middle")
        .stakeholder("tobacco", "funder", "Tobacco Trust")
        .tie("stakeholder:tobacco", "funds", "partner:middle", 0.8)
        .tie("partner:friend", "allied_with", "partner:middle", 0.5)
        .deal_breaker("no-tobacco", rule="funded_by", funder="tobacco")
    )
    found = scores(campaign)
    assert found["middle"].excluded
    friend = found["friend"]
    assert not friend.excluded
    # two ties away: 0.25 x 0.5 x 0.8
    assert friend.components["risk"] == pytest.approx(0.1)
    risk = next(p for p in friend.breakdown if p.name == "risk")
    assert risk.evidence[0].path == [
        "Friend allied with Middle (0.5)",
        "Tobacco Trust funds Middle (0.8)",
    ]
    # the composite loses risk_penalty x risk
    base = sum(
        friend.components[n] * w
        for n, w in (("influence", 0.3), ("alignment", 0.3), ("capacity", 0.2),
                     ("complementarity", 0.2))
    )  # fmt: skip
    assert friend.score == pytest.approx(base * (1 - 0.5 * 0.1), abs=1e-3)


def test_failed_collaborations_are_a_risk() -> None:
    campaign = Campaign().partner("flaky").collaboration("flaky", "Unite", "failed")
    assert scores(campaign)["flaky"].components["risk"] == pytest.approx(0.1)


def test_influence_rises_with_access_to_policymakers_and_reach() -> None:
    campaign = (
        Campaign()
        .partner("connected", members=10_000)
        .partner("alone")
        .stakeholder("mp", "policymaker")
        .tie("stakeholder:mp", "advises", "partner:connected", 1.0)
    )
    found = scores(campaign)
    connected = next(p for p in found["connected"].breakdown if p.name == "influence")
    assert connected.measures["access"] == pytest.approx(0.9)  # 1.0 x advises 0.9
    assert connected.measures["part_reach"] == pytest.approx(4 / 6, abs=1e-3)  # log10(10001)/6
    assert component(found["connected"], "influence") > component(found["alone"], "influence")
    assert "Mp advises Connected" in connected.evidence[0].fact


@pytest.mark.parametrize(
    ("influence", "interest", "mendelow"),
    [(0.9, 0.9, "manage closely"), (0.9, 0.1, "keep satisfied"),
     (0.1, 0.9, "keep informed"), (0.1, 0.1, "monitor")],
)  # fmt: skip
def test_mendelow_quadrants(influence: float, interest: float, mendelow: str) -> None:
    campaign = Campaign().stance("living-wage", "support").partner("p")
    if interest > 0.5:
        campaign.position("p", "living-wage", "strongly_support")
    ctx = assessment.CampaignContext(campaign.facts(), ModelRules())
    grid = assessment.quadrants(ctx.facts.partners["p"], ctx, influence, 0.9)
    assert grid.mendelow == mendelow
    assert grid.odi.startswith("allies" if interest > 0.5 else "latent allies")
    assert grid.salience == ("dangerous" if influence > 0.5 and interest > 0.5 else
                             "dormant" if influence > 0.5 else
                             "demanding" if interest > 0.5 else "non-stakeholder")  # fmt: skip


def test_the_coalition_covers_the_most_within_size_and_capacity() -> None:
    campaign = (
        Campaign()
        .stance("living-wage", "strongly_support")
        .needs(regions=["North", "South", "East"], capabilities=["legal"])
        .partner("wide", regions=["North", "South"])
        .partner("east", regions=["East"])
        .partner("lawyer", expertise=["legal"])
        .partner("copy", regions=["North"])
        .partner("banned", "party", regions=["North", "South", "East"], expertise=["legal"])
        .position("lawyer", "living-wage", "support")
        .deal_breaker("no-parties", rule="is_kind", kind="party")
    )
    facts = campaign.facts()
    found = assessment.ranked(scores(campaign).values())
    wanted = coalition.items(facts, {})
    assert wanted == {
        "region:north": 1.0, "region:south": 1.0, "region:east": 1.0,
        "capability:legal": 1.0, "issue:living-wage": 1.0,
    }  # fmt: skip
    full = coalition.recommend(found, wanted, size=5, capacity=5)
    # wide and lawyer both add two; lawyer's better score (it stands with the campaign) wins
    assert [m.partner_id for m in full.members][:3] == ["lawyer", "wide", "east"]
    assert full.members[1].adds == ["region:north", "region:south"]
    assert full.coverage == 1.0 and full.uncovered == []
    assert "banned" not in {m.partner_id for m in full.members}
    # capacity for two: the two that add most
    two = coalition.recommend(found, wanted, size=5, capacity=2)
    assert [m.partner_id for m in two.members] == ["lawyer", "wide"]
    assert two.uncovered == ["region:east"]
    assert two.coverage == pytest.approx(0.8)


def test_staff_capacity_from_engagement_bounds_the_coalition() -> None:
    campaign = Campaign().partner("a").partner("b").partner("c")
    campaign.raw(
        "OutreachCapacitySet", "engagement", campaign_id="living-wage", staff_id="sam",
        max_partners=2,
    )  # fmt: skip
    facts = campaign.facts()
    assert coalition.capacity(facts, ModelRules()) == 2.0
    assert coalition.capacity(facts, ModelRules(outreach_capacity=1)) == 1.0
    outcome = rescore(facts, model.DEFAULT, {}, None, inputs_through={}, facts_digest="d")
    assert len(outcome.recommendation.members) == 2


def test_a_rescore_records_only_what_changed() -> None:
    campaign = Campaign().stance("living-wage", "support").partner("a").partner("b")
    first = rescore(campaign.facts(), model.DEFAULT, {}, None, inputs_through={}, facts_digest="d")
    assert {s.partner_id for s in first.changed} == {"a", "b"}
    assert first.recommendation_changed
    recorded = {s.partner_id: Recorded.of(s.model_dump()) for s in first.changed}
    before = first.recommendation.model_dump(mode="json")
    again = rescore(campaign.facts(), model.DEFAULT, recorded, before, inputs_through={},
                    facts_digest="d")  # fmt: skip
    assert again.changed == [] and not again.recommendation_changed
    campaign.position("b", "living-wage", "strongly_support")
    changed = rescore(campaign.facts(), model.DEFAULT, recorded, before, inputs_through={},
                      facts_digest="d")  # fmt: skip
    assert [s.partner_id for s in changed.changed] == ["b"]
    # a new model version re-records every partner, even one whose numbers did not move
    newer = model.Model("mine", 1, ModelRules())
    moved = rescore(campaign.facts(), newer, recorded, before, inputs_through={}, facts_digest="d")
    assert {s.partner_id for s in moved.changed} == {"a", "b"}


def test_synergies_name_shared_issues_complements_and_ties() -> None:
    campaign = (
        Campaign()
        .stance("living-wage", "strongly_support")
        .needs(regions=["North", "South"])
        .partner("a", regions=["North"])
        .partner("b", regions=["South"])
        .position("a", "living-wage", "support")
        .position("b", "living-wage", "strongly_support")
        .tie("partner:a", "allied_with", "partner:b", 0.7)
    )
    outcome = rescore(campaign.facts(), model.DEFAULT, {}, None, inputs_through={},
                      facts_digest="d")  # fmt: skip
    (pair,) = outcome.synergies
    assert pair.partners == ("a", "b")
    assert pair.shared_issues == ["issue:living-wage"]
    assert pair.complementary == ["region:north", "region:south"]
    assert pair.ties == ["A allied with B (0.7)"]
    assert pair.strength == 1.0


def test_archived_partners_are_not_candidates() -> None:
    campaign = Campaign().partner("a").partner("b")
    campaign.event("PartnerArchived", partner_id="b", campaign_id="living-wage")
    assert set(scores(campaign)) == {"a"}
