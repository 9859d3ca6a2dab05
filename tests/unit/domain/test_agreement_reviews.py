"""Reviews of a partnership (delivered against promised, Wilder feedback, impact), what needs
attention on a given day, and drafts that start from engagement's commitments."""

from __future__ import annotations

from datetime import date

import pytest

from coalition.agreement.domain import agreement as model
from coalition.agreement.domain import reviews
from coalition.agreement.domain.commitments import Commitment, start_from
from coalition.shared.contracts.agreement import (
    DeliverableReport,
    Feedback,
    ImpactMeasure,
    PartnershipReviewed,
    ResourcePledge,
)
from coalition.shared.web.problems import DomainError
from tests.unit.domain.agreement_story import CAMPAIGN, Story, content


def _review(
    story: Story,
    *,
    review_id: str = "v1",
    deliverables: list[DeliverableReport] | None = None,
    feedback: list[Feedback] | None = None,
    impact: list[ImpactMeasure] | None = None,
    period: tuple[date, date] = (date(2026, 3, 1), date(2026, 6, 30)),
    objectives: frozenset[str] | None = None,
) -> Story:
    return story.take(
        lambda h: reviews.review(
            h,
            review_id=review_id,
            period_from=period[0],
            period_to=period[1],
            deliverables=deliverables or [],
            feedback=feedback or [],
            impact=impact or [],
            objectives=objectives,
        )
    )


def test_a_review_counts_delivered_against_promised_and_names_the_missed() -> None:
    story = _review(
        Story().in_force(),
        deliverables=[
            DeliverableReport(responsibility_id="r1", status="missed", note="Rain"),
            DeliverableReport(responsibility_id="r2", status="not_due"),
        ],
    )
    review = story.decoded()[-1]
    assert isinstance(review, PartnershipReviewed)
    assert (review.promised, review.delivered, review.missed) == (1, 0, ["r1"])

    second = _review(
        story,
        review_id="v2",
        deliverables=[
            DeliverableReport(responsibility_id="r1", status="delivered"),
            DeliverableReport(responsibility_id="r2", status="partly_delivered"),
        ],
    ).decoded()[-1]
    assert isinstance(second, PartnershipReviewed)
    assert (second.promised, second.delivered, second.missed) == (2, 1, [])


def test_only_an_agreement_that_came_into_force_is_reviewed() -> None:
    with pytest.raises(DomainError, match="came into force"):
        _review(Story().drafted().sent())


def test_a_closing_review_after_termination_is_allowed() -> None:
    story = Story().in_force()
    story.take(lambda h: model.terminate(h, terminated_by="p1", effective_on=date(2026, 8, 1)))
    assert len(_review(story).state.reviews) == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        (
            {"deliverables": [DeliverableReport(responsibility_id="r9", status="delivered")]},
            "body.deliverables[0].responsibility_id",
        ),
        (
            {
                "deliverables": [
                    DeliverableReport(responsibility_id="r1", status="delivered"),
                    DeliverableReport(responsibility_id="r1", status="missed"),
                ]
            },
            "body.deliverables[1].responsibility_id",
        ),
        ({"feedback": [Feedback(party_id="p9")]}, "body.feedback[0].party_id"),
        (
            {"feedback": [Feedback(party_id="p1", ratings={"shared_vision": 6})]},
            "body.feedback[0].ratings.shared_vision",
        ),
        (
            {
                "impact": [ImpactMeasure(objective_id="o9", value=3)],
                "objectives": frozenset({"o1"}),
            },
            "body.impact[0].objective_id",
        ),
        ({"period": (date(2026, 6, 1), date(2026, 5, 1))}, "body.period_to"),
    ],
)
def test_a_review_with_a_wrong_part_names_it(kwargs: dict[str, object], field: str) -> None:
    story = Story().in_force()
    with pytest.raises(DomainError) as refused:
        _review(story, **kwargs)  # type: ignore[arg-type]
    assert refused.value.extra["field"] == field
    assert story.state.reviews == ()


def test_a_review_id_is_recorded_once() -> None:
    story = _review(Story().in_force())
    with pytest.raises(DomainError, match="recorded already"):
        _review(story)


def test_wilder_readings_average_the_sides_and_read_them_as_wilder_does() -> None:
    feedback = [
        Feedback(party_id=CAMPAIGN, ratings={"shared_vision": 5, "sufficient_resources": 2}),
        Feedback(party_id="p1", ratings={"shared_vision": 4, "sufficient_resources": 3}),
        Feedback(party_id="p2", ratings={"open_frequent_communication": 3}),
    ]
    found = {
        r.factor: (r.category, r.mean, r.responses, r.reading) for r in reviews.readings(feedback)
    }
    assert found == {
        "shared_vision": ("purpose", 4.5, 2, "strength"),
        "sufficient_resources": ("resources", 2.5, 2, "concern"),
        "open_frequent_communication": ("communication", 3.0, 1, "discuss"),
    }


def test_every_wilder_factor_belongs_to_one_category() -> None:
    from typing import get_args

    from coalition.shared.contracts.agreement import WilderFactor

    listed = [f for factors in reviews.WILDER_CATEGORIES.values() for f in factors]
    assert sorted(listed) == sorted(get_args(WilderFactor))
    assert len(listed) == len(set(listed)) == 22


# -- attention ---------------------------------------------------------------------------------


def _flags(story: Story, day: date) -> set[tuple[str, str | None]]:
    return {(a.flag, a.subject) for a in reviews.attention(story.state, day)}


def test_a_deliverable_past_due_and_not_delivered_is_overdue() -> None:
    story = Story().on(date(2026, 3, 2)).drafted(review_every_days=None).sent()
    story.signed_by("p1", "p2")
    assert _flags(story, date(2026, 6, 1)) == set()
    assert _flags(story, date(2026, 6, 2)) == {("deliverable_overdue", "r1")}
    assert _flags(story, date(2026, 9, 2)) == {
        ("deliverable_overdue", "r1"),
        ("deliverable_overdue", "r2"),
    }


def test_a_deliverable_reported_missed_is_flagged_until_a_later_review_reports_it_delivered() -> (
    None
):
    story = _review(
        Story().on(date(2026, 3, 2)).in_force(),
        deliverables=[DeliverableReport(responsibility_id="r1", status="missed")],
    )
    assert ("deliverable_missed", "r1") in _flags(story, date(2026, 7, 1))
    _review(
        story,
        review_id="v2",
        period=(date(2026, 7, 1), date(2026, 7, 31)),
        deliverables=[DeliverableReport(responsibility_id="r1", status="delivered")],
    )
    assert _flags(story, date(2026, 8, 1)) == set()


def test_a_review_is_overdue_a_cadence_after_the_last_one() -> None:
    story = Story().on(date(2026, 3, 2)).in_force()  # in force 2 March, every 90 days
    assert ("review_overdue", None) not in _flags(story, date(2026, 5, 31))
    assert ("review_overdue", None) in _flags(story, date(2026, 6, 1))
    _review(
        story,
        period=(date(2026, 3, 2), date(2026, 5, 31)),
        deliverables=[DeliverableReport(responsibility_id="r1", status="delivered")],
    )
    assert ("review_overdue", None) not in _flags(story, date(2026, 8, 29))
    assert ("review_overdue", None) in _flags(story, date(2026, 8, 30))


def test_an_end_close_by_and_an_end_passed_are_flagged() -> None:
    story = Story().drafted(responsibilities=[], review_every_days=None)
    story.sent().signed_by("p1", "p2")  # ends 28 February 2027
    assert _flags(story, date(2027, 1, 28)) == set()
    assert _flags(story, date(2027, 1, 29)) == {("ending_soon", None)}
    assert _flags(story, date(2027, 3, 1)) == {("past_end_date", None)}


def test_late_signatures_are_flagged_with_who_has_yet_to_sign() -> None:
    story = Story().drafted().sent(sign_by=date(2026, 3, 10)).signed_by("p1")
    assert _flags(story, date(2026, 3, 10)) == set()
    [late] = reviews.attention(story.state, date(2026, 3, 11))
    assert late.flag == "signatures_late" and "p2" in late.detail and "p1" not in late.detail


def test_a_concern_in_the_last_review_is_flagged_by_factor() -> None:
    story = _review(
        Story().in_force(),
        feedback=[Feedback(party_id="p1", ratings={"clear_roles": 2, "shared_vision": 5})],
    )
    assert ("collaboration_concern", "clear_roles") in _flags(story, date(2026, 4, 1))
    assert ("collaboration_concern", "shared_vision") not in _flags(story, date(2026, 4, 1))


def test_a_closed_agreement_needs_no_attention() -> None:
    story = Story().in_force().take(lambda h: model.expire(h, today=date(2027, 3, 1)))
    assert _flags(story, date(2027, 6, 1)) == set()


# -- drafts from commitments -------------------------------------------------------------------


def _commitment(partner: str = "p1", cid: str = "k1", withdrawn: bool = False) -> Commitment:
    return Commitment(
        CAMPAIGN, partner, cid, "Turn out members", ("500 members", "a bus"), withdrawn
    )


def test_a_draft_from_a_commitment_lists_what_the_partner_brings() -> None:
    started = start_from(content(), ["p1/k1"], {"p1/k1": _commitment()})
    assert started.resources == [
        ResourcePledge(
            party_id="p1",
            description="Turn out members (500 members; a bus)",
            commitment_id="k1",
        )
    ]


def test_a_commitment_already_pledged_is_not_listed_twice() -> None:
    pledged = content(
        resources=[ResourcePledge(party_id="p1", description="x", commitment_id="k1")]
    )
    assert start_from(pledged, ["p1/k1"], {"p1/k1": _commitment()}).resources == pledged.resources


@pytest.mark.parametrize(
    ("known", "message"),
    [
        ({}, "no commitment p1/k1"),
        ({"p1/k1": _commitment(withdrawn=True)}, "was withdrawn"),
        ({"p1/k1": _commitment(partner="p3")}, "is not a party"),
    ],
)
def test_a_commitment_that_does_not_stand_is_refused(
    known: dict[str, Commitment], message: str
) -> None:
    with pytest.raises(DomainError, match=message) as refused:
        start_from(content(), ["p1/k1"], known)
    assert refused.value.extra["field"] == "body.commitments[0]"
