"""The engagement pipeline, pure: the transition table and every move it refuses, skips and
who may make them, interactions and follow-ups, trust and its trend, ideas, commitments, the
campaign's outreach settings, and the reactions to scoring."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import get_args

import pytest

from coalition.engagement.domain import dialogue, follow_ups, outreach, pipeline, trust
from coalition.engagement.domain.stages import LADDER, MOVES, STAGES, check_move
from coalition.shared.contracts.engagement import (
    AutoOpenSet,
    CommitmentMade,
    EngagementOpened,
    EngagementStageChanged,
    FollowUp,
    OutreachCapacitySet,
    Stage,
)
from coalition.shared.contracts.scoring import Exclusion, PartnerScored
from coalition.shared.web.problems import (
    DomainError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)
from tests.unit.domain.stream import Stream

TODAY = date(2026, 11, 25)


def opened_stream(stage: Stage = "identified", owner_id: str | None = None) -> Stream:
    stream = Stream()
    stream.apply(
        partial(
            pipeline.open_entry, campaign_id="c1", partner_id="p1", stage=stage, owner_id=owner_id
        )
    )
    return stream


def entry(stream: Stream) -> pipeline.Engagement:
    return pipeline.current(stream.history)


def at(stage: Stage) -> Stream:
    """An entry walked up the ladder (or paused/declined from identified) to `stage`."""
    stream = opened_stream()
    if stage in LADDER:
        for rung in LADDER[1 : LADDER.index(stage) + 1]:
            stream.apply(partial(pipeline.move, to=rung, may_skip=False))
    else:
        stream.apply(partial(pipeline.move, to=stage, may_skip=False))
    return stream


def scored(**fields: object) -> PartnerScored:
    values: dict[str, object] = {
        "partner_id": "p1",
        "campaign_id": "c1",
        "score": 0.8,
        "components": {},
        "model": "m",
        "model_version": 1,
        "inputs": [],
        **fields,
    }
    return PartnerScored.model_validate(values)


# -- ids and opening -----------------------------------------------------------------------


def test_the_entry_id_is_derived_from_campaign_and_partner() -> None:
    assert pipeline.engagement_id("clean-air", "acme") == "clean-air.acme"
    assert pipeline.stream_id("clean-air.acme") == "engagement-clean-air.acme"


def test_an_entry_opens_once_in_one_of_the_first_two_stages() -> None:
    stream = opened_stream("prioritised", owner_id="staff:maria")
    e = entry(stream)
    assert (e.stage, e.owner_id, e.version, e.engagement_id) == (
        "prioritised",
        "staff:maria",
        1,
        "c1.p1",
    )
    with pytest.raises(DomainError, match="already has a pipeline entry"):
        stream.apply(partial(pipeline.open_entry, campaign_id="c1", partner_id="p1"))
    with pytest.raises(InvalidInputError):
        pipeline.open_entry([], campaign_id="c1", partner_id="p1", stage="committed")


def test_no_entry_is_not_found() -> None:
    assert pipeline.Engagement.from_history([]) is None
    with pytest.raises(NotFoundError):
        pipeline.move([], to="prioritised", may_skip=True)


# -- the transition table ------------------------------------------------------------------


def test_the_table_names_every_stage() -> None:
    assert set(MOVES) == set(STAGES) == set(get_args(Stage))


@pytest.mark.parametrize(
    ("start", "to"), [(start, to) for start, moves in MOVES.items() for to in sorted(moves)]
)
def test_every_move_in_the_table_is_allowed_to_anyone(start: Stage, to: Stage) -> None:
    stream = at(start)
    [moved] = stream.apply(partial(pipeline.move, to=to, may_skip=False))
    assert isinstance(moved, EngagementStageChanged)
    assert (moved.from_stage, moved.to_stage, moved.skipped) == (start, to, [])
    assert entry(stream).stage == to


def _refused() -> list[tuple[Stage, Stage]]:
    """Every move neither in the table, nor a forward skip, nor a resume (`at("paused")` is
    paused from identified)."""
    pairs = []
    for start in STAGES:
        base: Stage = "identified" if start == "paused" else start
        allowed: set[Stage] = set(MOVES[start])
        if start == "paused":
            allowed |= {"identified", *MOVES["identified"]} - {"paused"}
        for to in STAGES:
            forward_skip = (
                base in LADDER and to in LADDER and LADDER.index(to) - LADDER.index(base) >= 2
            )
            if to not in allowed and not forward_skip:
                pairs.append((start, to))
    return pairs


@pytest.mark.parametrize(("start", "to"), _refused())
def test_every_other_move_is_refused_naming_the_field(start: Stage, to: Stage) -> None:
    stream = at(start)
    before = len(stream.history)
    with pytest.raises(DomainError) as refused:
        stream.apply(partial(pipeline.move, to=to, may_skip=True))
    assert refused.value.status == 409
    assert refused.value.extra["field"] == "body.to_stage"
    assert len(stream.history) == before


def test_the_refused_moves_include_going_back_and_leaving_final_stages() -> None:
    refused = set(_refused())
    assert {
        ("contacted", "identified"),
        ("committed", "interested"),
        ("declined", "committed"),
    } <= refused
    assert ("identified", "identified") in refused


def test_skipping_stages_needs_a_lead() -> None:
    stream = at("identified")
    with pytest.raises(ForbiddenError) as refused:
        stream.apply(partial(pipeline.move, to="committed", may_skip=False))
    assert "prioritised, contacted, in_dialogue, interested" in refused.value.detail
    assert refused.value.extra["field"] == "body.to_stage"
    [moved] = stream.apply(partial(pipeline.move, to="committed", may_skip=True))
    assert isinstance(moved, EngagementStageChanged)
    assert moved.skipped == ["prioritised", "contacted", "in_dialogue", "interested"]


def test_moves_keep_who_and_why() -> None:
    stream = at("prioritised")
    [move] = entry(stream).moves
    assert (move.from_stage, move.to_stage, move.actor, move.reason) == (
        "identified",
        "prioritised",
        "alice",
        "why",
    )


def test_a_paused_entry_resumes_where_it_was_or_one_step_on() -> None:
    stream = at("contacted")
    stream.apply(partial(pipeline.move, to="paused", may_skip=False))
    assert entry(stream).paused_from == "contacted"
    assert check_move("paused", "contacted", "contacted", may_skip=False) == []
    assert check_move("paused", "contacted", "in_dialogue", may_skip=False) == []
    with pytest.raises(ForbiddenError):
        check_move("paused", "contacted", "interested", may_skip=False)
    assert check_move("paused", "contacted", "interested", may_skip=True) == ["in_dialogue"]
    with pytest.raises(DomainError):
        check_move("paused", "contacted", "identified", may_skip=True)
    stream.apply(partial(pipeline.move, to="contacted", may_skip=False))
    assert (entry(stream).stage, entry(stream).paused_from) == ("contacted", None)


def test_paused_from_identified_resumes_to_identified_or_prioritised() -> None:
    assert check_move("paused", "identified", "identified", may_skip=False) == []
    assert check_move("paused", "identified", "prioritised", may_skip=False) == []


# -- owner ---------------------------------------------------------------------------------


def test_an_owner_is_named_and_the_same_one_again_records_nothing() -> None:
    stream = opened_stream()
    stream.apply(partial(pipeline.assign_owner, owner_id="staff:maria"))
    assert entry(stream).owner_id == "staff:maria"
    assert stream.apply(partial(pipeline.assign_owner, owner_id="staff:maria")) == []


def test_capacity_refuses_an_owner_who_is_full() -> None:
    pipeline.check_capacity("staff:maria", None, 99)
    pipeline.check_capacity("staff:maria", 2, 1)
    with pytest.raises(DomainError) as full:
        pipeline.check_capacity("staff:maria", 2, 2)
    assert full.value.extra["field"] == "body.owner_id"


# -- interactions, follow-ups, trust, ideas, commitments -----------------------------------


def interact(stream: Stream, interaction_id: str = "i1", *due: date) -> None:
    stream.apply(
        partial(
            dialogue.record_interaction,
            interaction_id=interaction_id,
            kind="meeting",
            occurred_on=date(2026, 11, 1),
            our_participants=["staff:maria", "staff:maria"],
            their_participants=["civicrm:1001"],
            summary="Met the general secretary.",
            interests=["pay", "pay"],
            concerns=["timing"],
            follow_ups=[
                FollowUp(
                    follow_up_id=f"{interaction_id}-f{n}",
                    what="send the brief",
                    due_on=day,
                    owner_id="staff:maria" if n == 0 else "staff:li",
                )
                for n, day in enumerate(due)
            ],
        )
    )


def test_an_interaction_keeps_people_interests_concerns_and_follow_ups() -> None:
    stream = opened_stream()
    interact(stream, "i1", date(2026, 11, 20), date(2026, 12, 1))
    e = entry(stream)
    interaction = e.interactions["i1"]
    assert interaction.our_participants == ("staff:maria",)
    assert interaction.interests == ("pay",)
    assert sorted(e.follow_ups) == ["i1-f0", "i1-f1"]
    with pytest.raises(DomainError):
        interact(stream, "i1")


def test_a_follow_up_is_completed_once() -> None:
    stream = opened_stream()
    interact(stream, "i1", date(2026, 11, 20))
    stream.apply(partial(dialogue.complete_follow_up, follow_up_id="i1-f0", completed_on=TODAY))
    assert entry(stream).follow_ups["i1-f0"].completed_on == TODAY
    with pytest.raises(DomainError, match="was completed"):
        stream.apply(partial(dialogue.complete_follow_up, follow_up_id="i1-f0", completed_on=TODAY))
    with pytest.raises(NotFoundError):
        dialogue.complete_follow_up(stream.history, follow_up_id="nope", completed_on=TODAY)


def test_overdue_follow_ups_are_those_not_done_and_due_before_today() -> None:
    stream = opened_stream()
    interact(stream, "i1", date(2026, 11, 20), TODAY, date(2026, 11, 1))
    stream.apply(partial(dialogue.complete_follow_up, follow_up_id="i1-f2", completed_on=TODAY))
    entries = [entry(stream)]
    late = follow_ups.listed(entries, today=TODAY)
    assert [d.follow_up.follow_up_id for d in late] == ["i1-f0"]  # due today is not late
    assert [
        d.follow_up.follow_up_id for d in follow_ups.listed(entries, today=TODAY, status="open")
    ] == [
        "i1-f0",
        "i1-f1",
    ]
    done = follow_ups.listed(entries, today=TODAY, status="done")
    assert [d.follow_up.follow_up_id for d in done] == ["i1-f2"]
    everyone = follow_ups.listed(entries, today=TODAY, status="all")
    assert [d.follow_up.due_on for d in everyone] == sorted(d.follow_up.due_on for d in everyone)
    mine = follow_ups.listed(entries, today=TODAY, status="all", owner_id="staff:li")
    assert {d.follow_up.owner_id for d in mine} == {"staff:li"}
    assert (
        follow_ups.listed(entries, today=date(2026, 12, 2), owner_id="staff:maria")[
            0
        ].follow_up.follow_up_id
        == "i1-f0"
    )


def assess(stream: Stream, on: date, openness: int, reliability: int, support: int) -> None:
    stream.apply(
        partial(
            dialogue.assess_trust,
            assessment_id=f"a{len(stream.history)}",
            interaction_id="i1",
            assessed_on=on,
            openness=openness,
            reliability=reliability,
            mission_support=support,
            note="frank",
        )
    )


def test_trust_is_assessed_after_a_known_interaction() -> None:
    stream = opened_stream()
    with pytest.raises(DomainError) as unknown:
        assess(stream, TODAY, 2, 2, 2)
    assert unknown.value.extra["field"] == "body.interaction_id"
    interact(stream)
    assess(stream, TODAY, 2, 3, 4)
    assert entry(stream).assessments[0].mission_support == 4


def test_the_trust_trend_over_time() -> None:
    stream = opened_stream()
    interact(stream)
    assert trust.trend(entry(stream).assessments) == []
    assess(stream, date(2026, 11, 20), 3, 3, 4)
    assess(stream, date(2026, 10, 1), 1, 2, 4)  # recorded late, but older
    assess(stream, date(2026, 11, 24), 4, 2, 4)
    trends = {t.dimension: t for t in trust.trend(entry(stream).assessments)}
    assert (trends["openness"].first, trends["openness"].latest) == (1, 4)
    assert trends["openness"].change == 3
    assert trends["openness"].direction == "rising"
    assert trends["reliability"].direction == "falling"
    assert trends["mission_support"].direction == "steady"
    assert trends["openness"].mean == pytest.approx(2.67)


def test_an_idea_may_name_other_partners_and_a_synergy() -> None:
    stream = opened_stream()
    stream.apply(
        partial(
            dialogue.raise_idea,
            idea_id="d1",
            kind="coordinated_advocacy",
            title="Joint testimony",
            with_partners=["p2", "p1", "p2"],
            synergy="media+members",
        )
    )
    idea = entry(stream).ideas["d1"]
    assert idea.with_partners == ("p2",)
    assert idea.synergy == "media+members"
    with pytest.raises(DomainError):
        dialogue.raise_idea(
            stream.history, idea_id="d2", kind="joint_action", title="x", interaction_id="nope"
        )


def test_a_commitment_needs_a_dialogue_and_can_be_withdrawn_once() -> None:
    with pytest.raises(DomainError) as early:
        dialogue.make_commitment(at("contacted").history, commitment_id="k", what="x", resources=[])
    assert early.value.extra["field"] == "stage"
    stream = at("interested")
    [made] = stream.apply(
        partial(
            dialogue.make_commitment,
            commitment_id="k1",
            what="Turn out 200 members",
            resources=["members", "venue", "members"],
        )
    )
    assert isinstance(made, CommitmentMade)
    assert (made.partner_id, made.campaign_id, made.resources) == ("p1", "c1", ["members", "venue"])
    stream.apply(partial(dialogue.withdraw_commitment, commitment_id="k1"))
    assert entry(stream).commitments["k1"].withdrawn
    with pytest.raises(DomainError):
        stream.apply(partial(dialogue.withdraw_commitment, commitment_id="k1"))
    with pytest.raises(NotFoundError):
        dialogue.withdraw_commitment(stream.history, commitment_id="nope")


# -- outreach settings and capacity ---------------------------------------------------------


def test_auto_open_and_capacity_are_recorded_only_when_they_change() -> None:
    stream = Stream()
    assert outreach.Outreach.from_history("c1", []).auto_open is False
    [on] = stream.apply(partial(outreach.set_auto_open, campaign_id="c1", enabled=True))
    assert isinstance(on, AutoOpenSet)
    assert stream.apply(partial(outreach.set_auto_open, campaign_id="c1", enabled=True)) == []
    [cap] = stream.apply(
        partial(outreach.set_capacity, campaign_id="c1", staff_id="staff:maria", max_partners=3)
    )
    assert isinstance(cap, OutreachCapacitySet)
    assert (
        stream.apply(
            partial(outreach.set_capacity, campaign_id="c1", staff_id="staff:maria", max_partners=3)
        )
        == []
    )
    settings = outreach.Outreach.from_history("c1", stream.history)
    assert (settings.auto_open, settings.capacity, settings.version) == (
        True,
        {"staff:maria": 3},
        2,
    )


def test_loads_count_active_entries_per_owner() -> None:
    carried = entry(opened_stream(owner_id="staff:maria"))
    paused = at("paused")
    paused.apply(partial(pipeline.assign_owner, owner_id="staff:maria"))
    other = entry(opened_stream(owner_id="staff:li"))
    settings = outreach.Outreach("c1", capacity={"staff:maria": 2, "staff:zoe": 1})
    loads = outreach.loads(settings, [carried, entry(paused), other])
    assert [(lo.staff_id, lo.max_partners, lo.active, lo.spare) for lo in loads] == [
        ("staff:li", None, 1, None),
        ("staff:maria", 2, 1, 1),
        ("staff:zoe", 1, 0, 1),
    ]


# -- reactions to scoring -------------------------------------------------------------------


def test_a_recommended_partner_opens_an_entry_only_with_auto_open_on() -> None:
    recommended = scored(recommended=True, score=0.83)
    assert pipeline.open_for_recommended([], recommended, auto_open=False) == []
    assert pipeline.open_for_recommended([], scored(), auto_open=True) == []
    [opened] = pipeline.open_for_recommended([], recommended, auto_open=True)
    assert isinstance(opened, EngagementOpened)
    assert (opened.stage, opened.score, opened.engagement_id) == ("prioritised", 0.83, "c1.p1")
    history = opened_stream().history
    assert pipeline.open_for_recommended(history, recommended, auto_open=True) == []


def excluded() -> PartnerScored:
    rule = Exclusion(
        deal_breaker_id="no-lenders",
        rule="funded_by",
        explanation="funded by the Payday Lenders Association",
    )
    return scored(score=0.0, excluded=True, exclusions=[rule])


@pytest.mark.parametrize("stage", ["identified", "prioritised", "contacted", "in_dialogue"])
def test_a_deal_breaker_pauses_an_open_entry(stage: Stage) -> None:
    stream = at(stage)
    [paused] = stream.apply(lambda history: pipeline.pause_for_exclusion(history, excluded()))
    assert isinstance(paused, EngagementStageChanged)
    assert (paused.from_stage, paused.to_stage) == (stage, "paused")
    assert "funded by the Payday Lenders Association" in pipeline.exclusion_reason(excluded())
    assert "no-lenders" in pipeline.exclusion_reason(excluded())


@pytest.mark.parametrize("stage", ["committed", "declined", "paused"])
def test_a_deal_breaker_leaves_committed_declined_and_paused_entries(stage: Stage) -> None:
    stream = at(stage)
    assert pipeline.pause_for_exclusion(stream.history, excluded()) == []


def test_a_score_without_exclusion_or_entry_pauses_nothing() -> None:
    assert pipeline.pause_for_exclusion([], excluded()) == []
    assert pipeline.pause_for_exclusion(opened_stream().history, scored()) == []


@pytest.mark.parametrize(
    "stage", ["identified", "prioritised", "contacted", "in_dialogue", "interested"]
)
def test_a_signed_agreement_commits_an_open_entry(stage: Stage) -> None:
    stream = at(stage)
    [moved] = stream.apply(pipeline.commit_for_signature)
    assert isinstance(moved, EngagementStageChanged)
    assert (moved.from_stage, moved.to_stage) == (stage, "committed")
    ladder = list(LADDER)
    assert moved.skipped == ladder[ladder.index(stage) + 1 : ladder.index("committed")]


@pytest.mark.parametrize("stage", ["committed", "declined", "paused"])
def test_a_signed_agreement_leaves_committed_declined_and_paused_entries(stage: Stage) -> None:
    assert pipeline.commit_for_signature(at(stage).history) == []


def test_a_signed_agreement_opens_no_entry() -> None:
    assert pipeline.commit_for_signature([]) == []
