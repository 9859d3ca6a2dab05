"""Review metrics of the scripted campaign (campaign_story.py), every figure checked by hand,
as of several dates and for a period; and each figure's events."""

from __future__ import annotations

from datetime import date

import pytest

from coalition.projections.domain.metrics import Metrics, TooManyBucketsError, review_metrics
from coalition.projections.entrypoints import metrics_api
from tests.unit.domain.campaign_story import Log, at, story


@pytest.fixture(scope="module")
def log() -> Log:
    return story()


def funnel(m: Metrics) -> dict[str, tuple[int, int]]:
    return {f.stage: (f.reached, f.total) for f in m.funnel}


def flags(m: Metrics) -> dict[str, list[tuple[str, str | None]]]:
    return {a.agreement_id: [(f.flag, f.subject) for f in a.flags] for a in m.attention}


def test_at_the_end_of_june_every_figure_over_the_whole_campaign(log: Log) -> None:
    m = review_metrics(log.events, as_of=at("2026-06-30"))
    # p3 was a second record of Unite: merged, it is not counted anywhere.
    assert funnel(m) == {
        "identified": (2, 2),
        "scored": (2, 2),
        "contacted": (1, 1),
        "committed": (1, 1),
        "signed": (1, 1),
    }
    conversions = {
        (c.from_stage, c.to_stage): (c.cohort, c.converted, c.rate, c.mean_days, c.median_days)
        for c in m.conversions
    }
    assert conversions == {
        ("identified", "scored"): (2, 2, 1.0, 1.0, 1.0),  # 5 to 6 January, both
        ("scored", "contacted"): (2, 1, 0.5, 3.0, 3.0),  # p1: 6 to 9 January
        ("contacted", "committed"): (1, 1, 1.0, 26.0, 26.0),  # 9 January to 4 February
        ("committed", "signed"): (1, 1, 1.0, 12.0, 12.0),  # 4 to 16 February
        ("identified", "signed"): (2, 1, 0.5, 42.0, 42.0),  # 5 January to 16 February
    }
    times = {
        t.stage: (t.left, t.mean_days, t.median_days, t.current, t.current_mean_days)
        for t in m.time_in_stage
    }
    assert times == {
        "identified": (1, 2.0, 2.0, 0, None),  # p2: 8 to 10 January
        "prioritised": (2, 6.0, 6.0, 0, None),  # p1: 7 to 9 January; p2: 10 to 20 January
        "contacted": (1, 5.0, 5.0, 0, None),
        "in_dialogue": (1, 7.0, 7.0, 0, None),
        "interested": (1, 16.0, 16.0, 0, None),  # 21 January to 6 February
        "committed": (0, None, None, 1, 144.0),  # p1 since 6 February
        "declined": (0, None, None, 1, 161.0),  # p2 since 20 January
        "paused": (0, None, None, 0, None),
    }
    assert m.active_agreements == ()  # terminated on 4 May
    d = m.deliverables
    assert (d.reviews, d.promised, d.kept, d.partly, d.missed) == (1, 1, 0, 0, 1)
    t = m.trust
    assert t.assessments == 2
    # openness (2+3)/2, reliability (3+4)/2, mission (3+4)/2; overall (8/3 + 11/3)/2 = 19/6
    assert t.means == {"openness": 2.5, "reliability": 3.5, "mission_support": 3.5, "overall": 3.17}
    assert (t.rising, t.falling, t.steady) == (1, 0, 0)
    # o2 was withdrawn; o1's only agreement ended.
    assert [(c.objective_id, c.covered) for c in m.coverage] == [("o1", False)]
    assert m.attention == ()  # nothing needs attention in an agreement that ended


def test_as_of_march_the_agreement_is_in_force_and_covers_o1(log: Log) -> None:
    m = review_metrics(log.events, as_of=at("2026-03-10", 12, 0))
    assert m.active_agreements == ("a1",)
    [o1] = m.coverage
    assert (o1.objective_id, o1.covered, o1.agreements, o1.partners) == (
        "o1",
        True,
        ("a1",),
        ("p1",),
    )
    assert m.traces["coverage.o1"] == (log.ids["o1"], log.ids["signed"])
    assert m.attention == ()  # r1 is due on 15 March, the first review on 17 April
    times = {t.stage: (t.current, t.current_mean_days) for t in m.time_in_stage}
    assert times["committed"] == (1, 32.1)  # 6 February 09:30 to 10 March 12:00


def test_as_of_is_what_the_log_held_then_a_late_recorded_review_is_not_in_it(log: Log) -> None:
    before = review_metrics(log.events, as_of=at("2026-04-02", 12))
    # The review occurred on 1 April but was recorded on 3 April: on the 2nd it was not known.
    assert before.deliverables.reviews == 0
    assert flags(before) == {"a1": [("deliverable_overdue", "r1")]}
    assert before.traces["attention.a1"] == (log.ids["signed"],)
    after = review_metrics(log.events, as_of=at("2026-04-05", 12))
    assert after.deliverables.missed == 1
    assert flags(after) == {
        "a1": [("deliverable_missed", "r1"), ("collaboration_concern", "clear_roles")]
    }
    assert after.traces["attention.a1"] == (log.ids["signed"], log.ids["review"])
    assert after.traces["deliverables"] == (log.ids["review"],)


def test_as_of_before_anything_happened_everything_is_zero(log: Log) -> None:
    m = review_metrics(log.events, as_of=at("2026-01-01"), interval="month")
    assert set(funnel(m).values()) == {(0, 0)}
    assert m.coverage == () and m.series == () and m.trust.means["overall"] is None
    assert all(c.rate is None for c in m.conversions)


def test_a_period_counts_what_happened_in_it_and_reads_stocks_at_its_end(log: Log) -> None:
    m = review_metrics(
        log.events,
        as_of=at("2026-06-30"),
        period_from=date(2026, 1, 12),
        period_to=date(2026, 1, 18),
    )
    # Only p3, a merged duplicate, was identified and scored that week.
    assert funnel(m) == {
        "identified": (0, 2),
        "scored": (0, 2),
        "contacted": (0, 1),
        "committed": (0, 0),
        "signed": (0, 0),
    }
    assert m.traces["funnel.identified"] == ()
    times = {
        t.stage: (t.left, t.mean_days, t.current, t.current_mean_days) for t in m.time_in_stage
    }
    assert times["contacted"] == (1, 5.0, 0, None)  # p1 left it on the 14th
    # p1 in dialogue since the 14th 09:30, p2 prioritised since the 10th, to the 18th's end
    assert times["in_dialogue"] == (0, None, 1, 4.6)
    assert times["prioritised"] == (0, None, 1, 8.6)
    assert m.trust.assessments == 1 and m.trust.means["overall"] == 2.67
    assert (m.trust.rising, m.trust.falling, m.trust.steady) == (0, 0, 0)
    assert m.traces["trust"] == (log.ids["trust1"],)
    assert all(c.cohort == 0 and c.rate is None for c in m.conversions)
    # Both objectives stood on 18 January; no agreement yet.
    assert [(c.objective_id, c.covered) for c in m.coverage] == [("o1", False), ("o2", False)]


def test_the_funnel_figures_name_the_events_that_first_took_each_partner_there(log: Log) -> None:
    m = review_metrics(log.events, as_of=at("2026-06-30"))
    ids = log.ids
    assert m.traces["funnel.identified"] == (ids["p1.identified"], ids["p2.identified"])
    assert m.traces["funnel.contacted"] == (ids["p1.contacted"],)
    assert m.traces["funnel.committed"] == (ids["commitment"],)  # before the move to committed
    assert m.traces["funnel.signed"] == (ids["signed"],)
    assert m.traces["conversion.committed.signed"] == (ids["commitment"], ids["signed"])
    assert m.traces["time_in_stage.interested"] == (ids["p1.interested"], ids["p1.committed"])
    assert m.traces["active_agreements"] == ()


def test_a_monthly_series(log: Log) -> None:
    m = review_metrics(log.events, as_of=at("2026-06-30"), interval="month")
    rows = [
        (
            b.start.isoformat(),
            b.end.isoformat(),
            tuple(b.reached.values()),
            b.active_agreements,
            b.kept,
            b.missed,
            b.trust,
        )
        for b in m.series
    ]
    assert rows == [
        ("2026-01-01", "2026-01-31", (2, 2, 1, 0, 0), 0, 0, 0, 2.67),
        ("2026-02-01", "2026-02-28", (0, 0, 0, 1, 1), 1, 0, 0, 3.67),
        ("2026-03-01", "2026-03-31", (0, 0, 0, 0, 0), 1, 0, 0, None),
        ("2026-04-01", "2026-04-30", (0, 0, 0, 0, 0), 1, 0, 1, None),
        ("2026-05-01", "2026-05-31", (0, 0, 0, 0, 0), 0, 0, 0, None),
        ("2026-06-01", "2026-06-30", (0, 0, 0, 0, 0), 0, 0, 0, None),
    ]


def test_a_weekly_series_starts_on_a_monday_and_stops_at_as_of(log: Log) -> None:
    m = review_metrics(log.events, as_of=at("2026-01-21"), interval="week")
    assert [(b.start.isoformat(), b.end.isoformat()) for b in m.series] == [
        ("2026-01-05", "2026-01-11"),
        ("2026-01-12", "2026-01-18"),
        ("2026-01-19", "2026-01-21"),
    ]
    assert [b.reached["contacted"] for b in m.series] == [1, 0, 0]


def test_a_series_too_long_is_refused(log: Log) -> None:
    with pytest.raises(TooManyBucketsError):
        review_metrics(
            log.events, as_of=at("2036-01-01"), period_from=date(2026, 1, 1), interval="week"
        )


@pytest.mark.parametrize("interval", ["week", "month"])
def test_each_bucket_holds_the_figures_asked_for_its_own_period(log: Log, interval: str) -> None:
    m = review_metrics(log.events, as_of=at("2026-06-30"), interval=interval)  # type: ignore[arg-type]
    assert len(m.series) > 5
    for bucket in m.series:
        alone = review_metrics(
            log.events, as_of=at("2026-06-30"), period_from=bucket.start, period_to=bucket.end
        )
        assert bucket.reached == {f.stage: f.reached for f in alone.funnel}
        assert bucket.active_agreements == len(alone.active_agreements)
        assert (bucket.kept, bucket.missed) == (alone.deliverables.kept, alone.deliverables.missed)
        assert bucket.trust == alone.trust.means["overall"]


def test_a_series_is_cut_at_the_period_s_start_as_at_its_end(log: Log) -> None:
    m = review_metrics(
        log.events,
        as_of=at("2026-06-30"),
        period_from=date(2026, 1, 7),  # a Wednesday
        period_to=date(2026, 1, 20),
        interval="week",
    )
    assert [(b.start.isoformat(), b.end.isoformat()) for b in m.series] == [
        ("2026-01-07", "2026-01-11"),
        ("2026-01-12", "2026-01-18"),
        ("2026-01-19", "2026-01-20"),
    ]
    # p1 and p2 were identified on the 5th, before the period: not in its first week.
    assert [b.reached["identified"] for b in m.series] == [0, 0, 0]
    assert [b.reached["contacted"] for b in m.series] == [1, 0, 0]


def test_the_answer_names_each_figure_and_with_explain_its_events(log: Log) -> None:
    m = review_metrics(log.events, as_of=at("2026-04-05", 12), interval="month")
    plain = metrics_api._out("c1", m, "month", explain=False).model_dump(mode="json")
    assert plain["deliverables"] == {
        "figure": "deliverables",
        "event_ids": None,
        "reviews": 1,
        "promised": 1,
        "kept": 0,
        "partly": 0,
        "missed": 1,
    }
    assert (plain["objectives_covered"], plain["objectives"]) == (1, 1)
    assert [b["start"] for b in plain["series"]] == [
        "2026-01-01",
        "2026-02-01",
        "2026-03-01",
        "2026-04-01",
    ]
    explained = metrics_api._out("c1", m, "month", explain=True).model_dump(mode="json")
    [flagged] = explained["attention"]
    assert flagged["figure"] == "attention.a1"
    assert flagged["event_ids"] == [str(log.ids["signed"]), str(log.ids["review"])]
    assert [f["flag"] for f in flagged["flags"]] == ["deliverable_missed", "collaboration_concern"]
    assert explained["coverage"][0]["event_ids"] == [str(log.ids["o1"]), str(log.ids["signed"])]
