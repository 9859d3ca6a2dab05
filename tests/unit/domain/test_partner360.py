"""Partner 360 of the scripted campaign (campaign_story.py), as of three dates."""

from __future__ import annotations

from datetime import date

import pytest

from coalition.projections.domain.partner360 import partner_360
from coalition.projections.entrypoints import partner360_api
from tests.unit.domain.campaign_story import CAMPAIGN, Log, at, story


@pytest.fixture(scope="module")
def log() -> Log:
    return story()


def test_unite_in_april_everything_in_one_view(log: Log) -> None:
    view = partner_360(log.events, "p1", CAMPAIGN, as_of=at("2026-04-05", 12))
    assert view is not None and view.profile is not None
    assert view.profile.data["name"] == "Unite"
    assert view.merged_from == ["p3"] and view.archived is None
    assert {issue: p.data["stance"] for issue, p in view.positions.items()} == {
        "minimum-wage": "strongly_support"
    }
    assert {k: p.data["name"] for k, p in view.key_people.items()} == {"crm:1": "Sharon Graham"}
    assert list(view.collaborations) == ["nhs-pay"]
    assert [link.data["external_id"] for link in view.crm_links] == ["1001"]
    [tie] = view.ties
    assert (tie.relationship, tie.direction, tie.other_name) == ("lobbies", "out", "Jane Doe")
    assert tie.event_id == log.ids["tie"]
    assert view.score is not None and view.score.data["score"] == 0.8
    entry = view.pipeline
    assert entry is not None and entry.stage is not None
    assert entry.stage.data["to_stage"] == "committed"
    assert entry.stage.event_id == log.ids["p1.committed"]
    assert entry.owner is not None and entry.owner.data["owner_id"] == "staff:maria"
    last = entry.last_interaction
    assert last is not None and last.event_id == log.ids["meeting"]
    latest, direction = entry.trust()
    assert latest is not None and latest.event_id == log.ids["trust2"] and direction == "rising"
    assert list(entry.commitments) == ["k1"]
    [health] = view.agreements
    assert (health.deal.agreement_id, health.deal.status) == ("a1", "in_force")
    assert (health.kept, health.missed) == (0, 1)
    assert [(f.flag, f.subject) for f in health.flags] == [
        ("deliverable_missed", "r1"),
        ("collaboration_concern", "clear_roles"),
    ]
    assert health.last_review is not None
    assert health.last_review.review.period_to == date(2026, 3, 31)


def test_the_view_on_a_past_date_shows_only_what_was_known_then(log: Log) -> None:
    early = partner_360(log.events, "p1", CAMPAIGN, as_of=at("2026-01-06", 12))
    assert early is not None
    assert early.score is not None and early.score.event_id == log.ids["p1.scored"]
    assert early.pipeline is None and early.agreements == [] and early.merged_from == []
    ended = partner_360(log.events, "p1", CAMPAIGN, as_of=at("2026-06-30"))
    assert ended is not None
    [health] = ended.agreements
    assert health.deal.status == "terminated" and health.flags == ()
    assert ended.last_event is not None and ended.last_event.event_id == log.ids["terminated"]


def test_nothing_known_is_none(log: Log) -> None:
    assert partner_360(log.events, "p1", CAMPAIGN, as_of=at("2026-01-01")) is None
    assert partner_360(log.events, "p9", CAMPAIGN, as_of=at("2026-06-30")) is None


def test_a_merged_duplicate_says_where_it_went(log: Log) -> None:
    view = partner_360(log.events, "p3", CAMPAIGN, as_of=at("2026-06-30"))
    assert view is not None and view.archived is not None
    assert view.archived.data["merged_into"] == "p1"


def test_the_answer_reads_every_part_as_the_route_serves_it(log: Log) -> None:
    view = partner_360(log.events, "p1", CAMPAIGN, as_of=at("2026-04-05", 12))
    assert view is not None
    body = partner360_api._out(view).model_dump(mode="json")
    assert body["profile"]["crm_links"] == [{"connector": "civicrm", "external_id": "1001"}]
    assert body["key_people"][0]["role"] == "General secretary"
    assert body["collaborations"][0]["outcome"] == "succeeded"
    assert body["ties"][0]["other_name"] == "Jane Doe"
    assert body["pipeline"]["stage"] == "committed"
    assert body["pipeline"]["stage_since"] == "2026-02-06T09:30:00Z"
    assert body["pipeline"]["trust"]["direction"] == "rising"
    assert body["pipeline"]["open_follow_ups"] == 0
    [agreement] = body["agreements"]
    assert agreement["healthy"] is False
    assert agreement["attention"][0]["event_ids"] == [
        str(log.ids["signed"]),
        str(log.ids["review"]),
    ]
    assert body["last_event_id"] == str(log.ids["review"])
