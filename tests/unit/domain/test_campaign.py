"""The campaign (pure): launched once, then objectives, values, positions, deal-breakers and
needs stated, replaced and withdrawn; nothing decided when nothing changes."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest

from coalition.research.domain import campaign as model
from coalition.shared.contracts.research import FundedBy, IsKind, OpposesIssue
from coalition.shared.web.problems import DomainError, InvalidInputError, NotFoundError
from tests.unit.domain.stream import Stream

ORDINANCE = model.Objective("Pass the ordinance", "critical", "council votes", 7, "votes", None)


def launched() -> Stream:
    stream = Stream()
    stream.apply(
        partial(model.launch, campaign_id="c1", name=" Living wage ", values=["fair", "fair"])
    )
    return stream


def campaign(stream: Stream) -> model.Campaign:
    state = model.Campaign.from_history(stream.history)
    assert state is not None
    return state


def test_a_campaign_is_launched_once_with_a_tidy_name_and_values() -> None:
    stream = launched()
    state = campaign(stream)
    assert (state.name, state.values, state.version) == ("Living wage", ("fair",), 1)
    with pytest.raises(DomainError, match="already launched"):
        stream.apply(partial(model.launch, campaign_id="c1", name="Again"))


def test_a_blank_name_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInputError) as refused:
        model.launch([], campaign_id="c1", name="  ")
    assert refused.value.extra["field"] == "body.name"


def test_changing_an_unknown_campaign_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        model.state_values([], values=["fair"])


def test_an_objective_is_set_replaced_and_withdrawn() -> None:
    stream = launched()
    stream.apply(partial(model.set_objective, objective_id="o1", objective=ORDINANCE))
    assert stream.apply(partial(model.set_objective, objective_id="o1", objective=ORDINANCE)) == []
    later = ORDINANCE.__class__(**{**ORDINANCE.__dict__, "due_on": date(2027, 6, 30)})
    assert len(stream.apply(partial(model.set_objective, objective_id="o1", objective=later))) == 1
    assert campaign(stream).objectives == {"o1": later}
    stream.apply(partial(model.withdraw_objective, objective_id="o1"))
    assert campaign(stream).objectives == {}
    with pytest.raises(NotFoundError):
        stream.apply(partial(model.withdraw_objective, objective_id="o1"))


def test_positions_are_kept_by_normalised_issue() -> None:
    stream = launched()
    take = partial(model.take_position, stance="strongly_support", weight=1.0)
    assert len(stream.apply(partial(take, issue="Living Wage"))) == 1
    assert stream.apply(partial(take, issue="living-wage")) == []  # the same issue
    assert campaign(stream).positions == {
        "living-wage": model.PolicyPosition("strongly_support", 1)
    }
    stream.apply(partial(model.withdraw_position, issue="LIVING wage"))
    assert campaign(stream).positions == {}


def test_deal_breakers_are_declared_and_lifted() -> None:
    stream = launched()
    stream.apply(
        partial(
            model.declare_deal_breaker,
            deal_breaker_id="d1",
            rule=OpposesIssue(rule="opposes_issue", issue="Living Wage"),
        )
    )
    stream.apply(
        partial(
            model.declare_deal_breaker,
            deal_breaker_id="d2",
            rule=IsKind(rule="is_kind", kind="party"),
        )
    )
    stream.apply(
        partial(
            model.declare_deal_breaker,
            deal_breaker_id="d3",
            rule=FundedBy(rule="funded_by", funder="Acme"),
        )
    )
    rules = {key: rule.rule for key, rule in campaign(stream).deal_breakers.items()}
    assert rules["d1"] == OpposesIssue(
        rule="opposes_issue", issue="living-wage", stance_at_most="oppose"
    )
    assert set(rules) == {"d1", "d2", "d3"}
    stream.apply(partial(model.lift_deal_breaker, deal_breaker_id="d2"))
    assert set(campaign(stream).deal_breakers) == {"d1", "d3"}
    with pytest.raises(NotFoundError):
        stream.apply(partial(model.lift_deal_breaker, deal_breaker_id="d2"))


def test_needs_and_values_are_stated_whole_and_only_when_changed() -> None:
    stream = launched()
    needs = model.Needs(("low-wage workers", "low-wage workers"), ("Ward 7",), ("legal",))
    assert len(stream.apply(partial(model.state_needs, needs=needs))) == 1
    assert campaign(stream).needs == model.Needs(("low-wage workers",), ("Ward 7",), ("legal",))
    assert stream.apply(partial(model.state_needs, needs=needs)) == []
    assert stream.apply(partial(model.state_values, values=["fair"])) == []
    stream.apply(partial(model.state_values, values=["fair", "dignity"]))
    assert campaign(stream).values == ("fair", "dignity")
    assert campaign(stream).version == 3
