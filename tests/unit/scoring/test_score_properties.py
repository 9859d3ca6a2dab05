"""Properties every assessment keeps, on random campaigns: scores stay in range, a deal-breaker
always excludes, and a new tie from an influential stakeholder never lowers influence."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coalition.scoring.domain import assessment, model
from coalition.scoring.domain.rescore import rescore
from coalition.shared.contracts.research import STANCE_VALUES
from tests.unit.scoring.campaigns import Campaign

KINDS = ["union", "ngo", "party", "think_tank", "media"]
STANCES = sorted(STANCE_VALUES)
RELATIONSHIPS = ["member_of", "funds", "allied_with", "advises", "covers", "lobbies"]
ISSUES = ["living-wage", "housing", "climate"]


@st.composite
def campaigns(draw: st.DrawFn) -> Campaign:
    campaign = Campaign()
    for issue in draw(st.lists(st.sampled_from(ISSUES), unique=True, max_size=3)):
        campaign.stance(issue, draw(st.sampled_from(STANCES)), draw(st.sampled_from([0.2, 1.0])))
    partners = draw(st.integers(min_value=1, max_value=8))
    for i in range(partners):
        campaign.partner(
            f"p{i}",
            draw(st.sampled_from(KINDS)),
            members=draw(st.none() | st.integers(0, 10**7)),
            regions=draw(st.lists(st.sampled_from(["North", "South"]), unique=True)),
            resources={"staff": draw(st.none() | st.integers(0, 500))},
        )
        for issue in draw(st.lists(st.sampled_from(ISSUES), unique=True, max_size=3)):
            campaign.position(f"p{i}", issue, draw(st.sampled_from(STANCES)))
    for j in range(draw(st.integers(0, 4))):
        campaign.stakeholder(
            f"s{j}", draw(st.sampled_from(["policymaker", "journalist", "funder"]))
        )
    nodes = [f"partner:p{i}" for i in range(partners)] + [
        key for key in (f"stakeholder:s{j}" for j in range(4)) if _known(campaign, key)
    ]
    for _ in range(draw(st.integers(0, 15))):
        source, target = draw(st.sampled_from(nodes)), draw(st.sampled_from(nodes))
        if source != target:
            campaign.tie(
                source, draw(st.sampled_from(RELATIONSHIPS)), target, draw(st.floats(0.05, 1.0))
            )
    campaign.needs(regions=draw(st.lists(st.sampled_from(["North", "South", "East"]))))
    return campaign


def _known(campaign: Campaign, key: str) -> bool:
    stakeholder = key.split(":")[1]
    return any(e.payload.get("stakeholder_id") == stakeholder for e in campaign.events)


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(campaigns())
def test_every_score_and_component_stays_between_0_and_1(campaign: Campaign) -> None:
    outcome = rescore(campaign.facts(), model.DEFAULT, {}, None, inputs_through={},
                      facts_digest="d")  # fmt: skip
    for scored in outcome.scores:
        assert 0.0 <= scored.score <= 1.0
        assert all(0.0 <= value <= 1.0 for value in scored.components.values())
        assert scored.quadrants is not None
    assert 0.0 <= outcome.recommendation.coverage <= 1.0


@FAST
@given(campaigns(), st.data())
def test_a_deal_breaker_always_excludes(campaign: Campaign, data: st.DataObject) -> None:
    facts = campaign.facts()
    victim = data.draw(st.sampled_from(sorted(facts.partners)))
    kind = facts.partners[victim].profile["kind"]
    campaign.deal_breaker("no-such-kind", rule="is_kind", kind=kind)
    outcome = rescore(campaign.facts(), model.DEFAULT, {}, None, inputs_through={},
                      facts_digest="d")  # fmt: skip
    for scored in outcome.scores:
        if campaign.facts().partners[scored.partner_id].profile["kind"] == kind:
            assert scored.excluded and scored.score == 0.0
            assert scored.exclusions[0].deal_breaker_id == "no-such-kind"
    members = {m.partner_id for m in outcome.recommendation.members}
    assert victim not in members


@FAST
@given(
    campaigns(),
    st.data(),
    st.sampled_from(["funds", "allied_with", "advises", "lobbies", "covers", "member_of"]),
    st.floats(0.05, 1.0),
)
def test_a_new_tie_from_an_influential_stakeholder_never_lowers_influence(
    campaign: Campaign, data: st.DataObject, relationship: str, weight: float
) -> None:
    # the influential stakeholder: a policymaker many others are tied to
    campaign.stakeholder("minister", "policymaker")
    facts = campaign.facts()
    for partner_id in sorted(facts.partners)[:3]:
        campaign.tie(f"partner:{partner_id}", "lobbies", "stakeholder:minister", 0.9)
    partner = data.draw(st.sampled_from(sorted(facts.partners)))
    before = assessment.assess(campaign.facts(), model.DEFAULT)[partner]
    campaign.tie("stakeholder:minister", relationship, f"partner:{partner}", weight)
    after = assessment.assess(campaign.facts(), model.DEFAULT)[partner]
    assert after.components["influence"] >= before.components["influence"] - 0.001
