"""The projections read what needs attention from the agreement events by the agreement
service's rules, without its code: on random histories and days, both readings agree."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from typing import get_args

from hypothesis import given, settings
from hypothesis import strategies as st

from coalition.agreement.domain import agreement as model
from coalition.agreement.domain import reviews
from coalition.projections.domain import agreements
from coalition.shared.contracts.agreement import DeliverableReport, DeliveryStatus, Feedback
from coalition.shared.web.problems import DomainError
from tests.unit.domain.agreement_story import AGREEMENT, Story
from tests.unit.domain.test_agreement_properties import attempt, command

statuses = st.sampled_from(get_args(DeliveryStatus))
Extra = tuple[tuple[DeliveryStatus, DeliveryStatus], int, bool]
step = st.tuples(
    command,
    st.integers(0, 60),  # days since the step before
    st.tuples(statuses, statuses),  # a review's report on r1 and r2
    st.integers(1, 5),  # a review's rating of clear_roles
    st.booleans(),  # whether a sending names a day to sign by
)


def act(story: Story, name: str, arg: str | None, i: int, extra: Extra) -> None:
    (r1, r2), rating, sign_by = extra
    if name == "review":
        story.take(
            lambda h: reviews.review(
                h,
                review_id=f"v{i}",
                period_from=story.day - timedelta(days=30),
                period_to=story.day,
                deliverables=[
                    DeliverableReport(responsibility_id="r1", status=r1),
                    DeliverableReport(responsibility_id="r2", status=r2),
                ],
                feedback=[Feedback(party_id="p1", ratings={"clear_roles": rating})],
                impact=[],
            )
        )
    elif name == "send":
        story.take(
            lambda h: model.send_for_signature(
                h, sign_by=story.day + timedelta(days=10) if sign_by else None
            )
        )
    else:
        attempt(story, name, arg, i)


def edges(state: model.Agreement) -> list[date]:
    """The days either side of each boundary a rule draws: due dates, the day to sign by, the
    review due, the end and 30 days before it."""
    days = [r.due_on for r in state.content.responsibilities if r.due_on]
    days += [d for d in (state.current.sign_by, reviews.next_review_due(state)) if d]
    if state.ends_on:
        days += [state.ends_on, state.ends_on - timedelta(days=30)]
    return [d + timedelta(days=shift) for d in days for shift in (-1, 0, 1)]


@settings(max_examples=200, deadline=None)
@given(st.lists(step, min_size=5, max_size=30), st.lists(st.integers(0, 500), max_size=4))
def test_both_readings_of_attention_agree(
    steps: list[
        tuple[tuple[str, str | None], int, tuple[DeliveryStatus, DeliveryStatus], int, bool]
    ],
    probes: list[int],
) -> None:
    story = Story().on(date(2026, 3, 2)).drafted()
    for i, ((name, arg), gap, reports, rating, sign_by) in enumerate(steps):
        story.on(story.day + timedelta(days=gap))
        with contextlib.suppress(DomainError):
            act(story, name, arg, i, (reports, rating, sign_by))
    theirs = story.state
    ours = agreements.fold(story.history)[AGREEMENT]
    assert ours.status == theirs.status
    assert ours.in_force_version == theirs.in_force_version
    assert ours.ends_on == theirs.ends_on
    for day in [*edges(theirs), *(date(2026, 3, 2) + timedelta(days=d) for d in probes)]:
        expected = [(a.flag, a.detail, a.since, a.subject) for a in reviews.attention(theirs, day)]
        found = [(a.flag, a.detail, a.since, a.subject) for a in agreements.attention(ours, day)]
        assert found == expected, day
