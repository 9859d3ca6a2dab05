"""The engagement pipeline: an entry opens on a partner's first score."""

from __future__ import annotations

import pytest

from coalition.engagement.domain.pipeline import (
    PRIORITY_THRESHOLD,
    STREAM_TYPE,
    Engagement,
    engagement_id,
    open_for_scored_partner,
    opening_reason,
    stream_id,
)
from coalition.shared.contracts.engagement import EngagementOpened
from coalition.shared.contracts.scoring import PartnerScored
from coalition.shared.events.envelope import RecordedEvent
from tests.unit.domain.histories import recorded


def score_fact(score: float, *, partner_id: str = "p1", campaign_id: str = "c1") -> RecordedEvent:
    payload = PartnerScored(
        partner_id=partner_id,
        campaign_id=campaign_id,
        score=score,
        components={"kind": 0.9, "reach": 1.0},
        model="skeleton",
        model_version=1,
        inputs=["11111111-1111-4111-8111-111111111111"],
    )
    return recorded(payload, 1, stream_id=f"score-{campaign_id}-{partner_id}")


def opened(stage: str = "prioritised", score: float | None = 0.94) -> EngagementOpened:
    return EngagementOpened.model_validate(
        {
            "engagement_id": "c1.p1",
            "partner_id": "p1",
            "campaign_id": "c1",
            "stage": stage,
            "score": score,
        }
    )


def test_engagement_id_and_stream_id() -> None:
    assert engagement_id("c1", "p1") == "c1.p1"
    assert stream_id(engagement_id("c1", "p1")) == "engagement-c1.p1"
    assert STREAM_TYPE == "engagement"
    assert PRIORITY_THRESHOLD == 0.6


@pytest.mark.parametrize(
    ("score", "stage"),
    [
        (1.0, "prioritised"),
        (0.94, "prioritised"),
        (0.6, "prioritised"),  # at the threshold
        (0.5999, "identified"),
        (0.3, "identified"),
        (0.0, "identified"),
    ],
)
def test_first_score_opens_the_entry_in_the_right_stage(score: float, stage: str) -> None:
    events = open_for_scored_partner([], score_fact(score))

    assert events == [
        EngagementOpened.model_validate(
            {
                "engagement_id": "c1.p1",
                "partner_id": "p1",
                "campaign_id": "c1",
                "stage": stage,
                "score": score,
            }
        )
    ]


def test_the_entry_id_is_derived_from_campaign_and_partner() -> None:
    [event] = open_for_scored_partner(
        [], score_fact(0.7, partner_id="acme", campaign_id="clean-air")
    )

    assert isinstance(event, EngagementOpened)
    assert event.engagement_id == "clean-air.acme"
    assert event.partner_id == "acme"
    assert event.campaign_id == "clean-air"


def test_a_later_score_does_not_reopen_the_entry() -> None:
    history = [recorded(opened("identified", 0.3), 1, stream_id="engagement-c1.p1")]

    assert open_for_scored_partner(history, score_fact(0.94)) == []


def test_engagement_from_an_empty_history_is_none() -> None:
    assert Engagement.from_history([]) is None


def test_engagement_from_history() -> None:
    history = [recorded(opened("prioritised", 0.94), 1, stream_id="engagement-c1.p1")]

    assert Engagement.from_history(history) == Engagement(
        engagement_id="c1.p1",
        campaign_id="c1",
        partner_id="p1",
        stage="prioritised",
        score=0.94,
        version=1,
    )


def test_engagement_version_follows_every_later_event() -> None:
    later = PartnerScored(
        partner_id="p1",
        campaign_id="c1",
        score=0.5,
        components={},
        model="m",
        model_version=1,
        inputs=[],
    )
    history = [recorded(opened("prioritised", 0.94), 1), recorded(later, 2)]

    entry = Engagement.from_history(history)

    assert entry is not None
    assert entry.version == 2
    assert entry.stage == "prioritised"


def test_engagement_from_history_without_a_score() -> None:
    entry = Engagement.from_history([recorded(opened("identified", None), 1)])

    assert entry is not None
    assert entry.score is None
    assert entry.stage == "identified"


def test_opening_reason_for_a_prioritised_entry() -> None:
    assert opening_reason(opened("prioritised", 0.94)) == (
        "opened as prioritised: first score 0.94 >= 0.6"
    )


def test_opening_reason_for_an_identified_entry() -> None:
    assert opening_reason(opened("identified", 0.3)) == (
        "opened as identified: first score 0.3 < 0.6"
    )


def test_opening_reason_matches_the_decision() -> None:
    for score in (0.0, 0.3, 0.5999, 0.6, 1.0):
        [event] = open_for_scored_partner([], score_fact(score))
        assert isinstance(event, EngagementOpened)
        comparison = ">=" if score >= PRIORITY_THRESHOLD else "<"
        assert opening_reason(event).endswith(f"first score {score} {comparison} 0.6")


def test_opening_reason_never_contradicts_itself_near_the_threshold() -> None:
    [event] = open_for_scored_partner([], score_fact(0.5999))
    assert isinstance(event, EngagementOpened)

    # Rounded to two places this would read "0.60 < 0.60".
    assert opening_reason(event) == "opened as identified: first score 0.5999 < 0.6"
