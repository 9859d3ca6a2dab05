"""Review metrics of a campaign: a pure function of its events as the log held them at a moment.

Flow figures (partners reaching a funnel stage, stays left, deliverables reported, trust
assessed) count events that occurred in the period; stock figures (agreements in force,
objectives covered, what needs attention, entries sitting in a stage) are read at the period's
end. Every figure keeps the ids of the events behind it under a key (`funnel.signed`,
`coverage.<objective>`...), so it can be traced to them. docs/review-metrics.md defines each."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from statistics import fmean, median
from typing import Literal

from coalition.projections.domain import agreements
from coalition.projections.domain.pipeline import (
    CONVERSIONS,
    FUNNEL,
    PIPELINE_STAGES,
    FunnelStage,
    Reach,
    merged_duplicates,
    reach,
    stays,
)
from coalition.projections.domain.window import (
    Window,
    end_of_day,
    known,
    occurred_by,
    start_of_day,
)
from coalition.shared.events.envelope import RecordedEvent

Interval = Literal["week", "month"]
MAX_BUCKETS = 400
TRUST_DIMENSIONS = ("openness", "reliability", "mission_support")
METRIC_EVENTS = frozenset(
    {
        "PartnerIdentified",
        "PartnerArchived",
        "PartnerScored",
        "EngagementOpened",
        "EngagementStageChanged",
        "CommitmentMade",
        "TrustAssessed",
        "ObjectiveSet",
        "ObjectiveWithdrawn",
        *agreements.AGREEMENT_EVENTS,
    }
)
"""The event types any figure reads: the rest of a campaign's log need not be loaded."""


class TooManyBucketsError(ValueError):
    """The series would be longer than `MAX_BUCKETS`."""


@dataclass(frozen=True)
class StageFigure:
    stage: FunnelStage
    reached: int
    """Partners that first reached the stage in the period."""
    total: int
    """Partners that had reached it by the period's end."""


@dataclass(frozen=True)
class Conversion:
    from_stage: FunnelStage
    to_stage: FunnelStage
    cohort: int
    converted: int
    rate: float | None
    mean_days: float | None
    """Of the converted, the days from the first stage to the second (never below 0)."""
    median_days: float | None

    @property
    def key(self) -> str:
        return f"conversion.{self.from_stage}.{self.to_stage}"


@dataclass(frozen=True)
class StageTime:
    stage: str
    left: int
    mean_days: float | None
    median_days: float | None
    current: int
    current_mean_days: float | None


@dataclass(frozen=True)
class Deliverables:
    reviews: int
    promised: int
    kept: int
    partly: int
    missed: int


@dataclass(frozen=True)
class Trust:
    assessments: int
    means: dict[str, float | None]
    """Each dimension's mean (1..4) over the period's assessments, and `overall`."""
    rising: int
    falling: int
    steady: int
    """Partners assessed in the period, by their latest assessment against the one before."""


@dataclass(frozen=True)
class Coverage:
    objective_id: str
    title: str
    priority: str
    agreements: tuple[str, ...]
    partners: tuple[str, ...]

    @property
    def covered(self) -> bool:
        return bool(self.agreements)


@dataclass(frozen=True)
class Flagged:
    agreement_id: str
    title: str
    status: str
    parties: tuple[str, ...]
    flags: tuple[agreements.Attention, ...]


@dataclass(frozen=True)
class Bucket:
    start: date
    end: date
    reached: dict[str, int]
    active_agreements: int
    kept: int
    missed: int
    trust: float | None


@dataclass(frozen=True)
class Metrics:
    window: Window
    funnel: tuple[StageFigure, ...]
    conversions: tuple[Conversion, ...]
    time_in_stage: tuple[StageTime, ...]
    active_agreements: tuple[str, ...]
    deliverables: Deliverables
    trust: Trust
    coverage: tuple[Coverage, ...]
    attention: tuple[Flagged, ...]
    series: tuple[Bucket, ...] = ()
    traces: dict[str, tuple[uuid.UUID, ...]] = field(default_factory=dict)
    """Figure key -> the ids of the events behind it, in log order."""


def review_metrics(
    events: Sequence[RecordedEvent],
    *,
    as_of: datetime,
    period_from: date | None = None,
    period_to: date | None = None,
    interval: Interval | None = None,
) -> Metrics:
    """The campaign's figures for the period, from `events` (its log, in order) as of `as_of`."""
    relevant = [e for e in known(events, as_of) if e.event_type in METRIC_EVENTS]
    # A duplicate merged into another partner is the same organisation: counted once.
    duplicates = merged_duplicates(relevant)
    seen = [e for e in relevant if e.payload.get("partner_id") not in duplicates]
    window = Window.of(as_of, period_from, period_to)
    reached = reach(seen, duplicates)
    main = _figures(seen, reached, window)
    if interval is None or not seen:
        return main
    first = min(e.metadata.occurred_at for e in seen).date()
    start = max(window.start.date() if window.start else first, first)
    flows = _Flows.of(seen, reached)
    series = tuple(
        # The first calendar week or month is cut at the period's start, as the last at its end.
        flows.bucket(Window(as_of, max(sub_start, window.start or sub_start), sub_end))
        for sub_start, sub_end in buckets(start, window.end, interval)
    )
    return replace(main, series=series)


def buckets(start: date, end: datetime, interval: Interval) -> list[tuple[datetime, datetime]]:
    """Calendar weeks (Monday first) or months from `start`'s to `end`'s, the last one cut at
    `end`."""
    first = start - timedelta(days=start.weekday()) if interval == "week" else start.replace(day=1)
    out: list[tuple[datetime, datetime]] = []
    cursor = first
    while cursor <= end.date():
        if len(out) == MAX_BUCKETS:
            raise TooManyBucketsError(f"more than {MAX_BUCKETS} {interval}s")
        if interval == "week":
            following = cursor + timedelta(days=7)
        else:
            following = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
        last = following - timedelta(days=1)
        out.append((start_of_day(cursor), min(end_of_day(last), end)))
        cursor = following
    return out


def _ids(events: Sequence[RecordedEvent]) -> tuple[uuid.UUID, ...]:
    """Event ids in log order (by position), each once."""
    ordered = sorted({e.event_id: e for e in events}.values(), key=lambda e: e.position)
    return tuple(e.event_id for e in ordered)


def _figures(seen: list[RecordedEvent], reached: Reach, window: Window) -> Metrics:
    traces: dict[str, tuple[uuid.UUID, ...]] = {}
    at_end = occurred_by(seen, window.end)

    funnel = []
    for stage in FUNNEL:
        firsts = reached[stage]
        in_period = [e for e in firsts.values() if window.holds(e.metadata.occurred_at)]
        total = [e for e in firsts.values() if e.metadata.occurred_at <= window.end]
        funnel.append(StageFigure(stage, len(in_period), len(total)))
        traces[f"funnel.{stage}"] = _ids(in_period)

    conversions = []
    for a, b in CONVERSIONS:
        cohort = {p for p, e in reached[a].items() if window.holds(e.metadata.occurred_at)}
        converted = cohort & reached[b].keys()
        rate = round(len(converted) / len(cohort), 4) if cohort else None
        days = [_days_between(reached[a][p], reached[b][p]) for p in sorted(converted)]
        conversion = Conversion(
            a,
            b,
            len(cohort),
            len(converted),
            rate,
            _round(fmean(days)) if days else None,
            _round(median(days)) if days else None,
        )
        conversions.append(conversion)
        behind = [reached[a][p] for p in cohort] + [reached[b][p] for p in converted]
        traces[conversion.key] = _ids(behind)

    every_stay = [s for s in stays(seen) if s.entered.metadata.occurred_at <= window.end]
    times = []
    for pipeline_stage in PIPELINE_STAGES:
        mine = [s for s in every_stay if s.stage == pipeline_stage]
        left = [s for s in mine if (at := s.left_at(window.end)) is not None and window.holds(at)]
        current = [s for s in mine if s.left_at(window.end) is None]
        done = [s.days(window.end) for s in left]
        ongoing = [s.days(window.end) for s in current]
        times.append(
            StageTime(
                pipeline_stage,
                len(left),
                _round(fmean(done)) if done else None,
                _round(median(done)) if done else None,
                len(current),
                _round(fmean(ongoing)) if ongoing else None,
            )
        )
        behind = [s.entered for s in [*left, *current]] + [s.left for s in left if s.left]
        traces[f"time_in_stage.{pipeline_stage}"] = _ids(behind)

    deals = agreements.fold(at_end)
    active = [d for d in deals.values() if d.binding]
    showing = {i for d in active for i in _status_events(d)}
    traces["active_agreements"] = _ids([e for e in at_end if e.event_id in showing])

    reviews = [
        e
        for e in seen
        if e.event_type == "PartnershipReviewed" and window.holds(e.metadata.occurred_at)
    ]
    promised = sum(int(e.payload["promised"]) for e in reviews)
    kept = sum(int(e.payload["delivered"]) for e in reviews)
    missed = sum(len(e.payload.get("missed") or []) for e in reviews)
    deliverables = Deliverables(len(reviews), promised, kept, promised - kept - missed, missed)
    traces["deliverables"] = _ids(reviews)

    trust, behind = _trust(seen, window)
    traces["trust"] = _ids(behind)

    coverage = []
    for objective_id, objective in _objectives(at_end).items():
        serving = [
            d
            for d in active
            if d.in_force is not None
            and any(g.objective_id == objective_id for g in d.in_force.goals)
        ]
        parties = dict.fromkeys(p for d in serving for p in d.bound())
        coverage.append(
            Coverage(
                objective_id,
                str(objective.payload["title"]),
                str(objective.payload["priority"]),
                tuple(d.agreement_id for d in serving),
                tuple(parties),
            )
        )
        ids = {objective.event_id} | {d.in_force_event for d in serving if d.in_force_event}
        traces[f"coverage.{objective_id}"] = _ids([e for e in at_end if e.event_id in ids])

    flagged = []
    for deal in deals.values():
        flags = agreements.attention(deal, window.day)
        if flags:
            flagged.append(
                Flagged(
                    deal.agreement_id,
                    deal.content.title,
                    deal.status,
                    tuple(deal.bound()),
                    tuple(flags),
                )
            )
            ids = {i for f in flags for i in f.events}
            traces[f"attention.{deal.agreement_id}"] = _ids(
                [e for e in at_end if e.event_id in ids]
            )

    return Metrics(
        window=window,
        funnel=tuple(funnel),
        conversions=tuple(conversions),
        time_in_stage=tuple(times),
        active_agreements=tuple(d.agreement_id for d in active),
        deliverables=deliverables,
        trust=trust,
        coverage=tuple(coverage),
        attention=tuple(flagged),
        traces=traces,
    )


def _days_between(first: RecordedEvent, then: RecordedEvent) -> float:
    gap = then.metadata.occurred_at - first.metadata.occurred_at
    return max(gap.total_seconds(), 0.0) / 86400


def _round(value: float) -> float:
    return round(value, 2)


def _status_events(deal: agreements.Deal) -> set[uuid.UUID]:
    """What shows an agreement is active: the signature that brought it into force and the
    last change of status (a suspension, a resumption)."""
    return {i for i in (deal.in_force_event, deal.status_event) if i is not None}


def _objectives(events: list[RecordedEvent]) -> dict[str, RecordedEvent]:
    """The campaign's objectives standing at the end of `events`, by id: the event setting it."""
    objectives: dict[str, RecordedEvent] = {}
    for event in events:
        if event.event_type == "ObjectiveSet":
            objectives[str(event.payload["objective_id"])] = event
        elif event.event_type == "ObjectiveWithdrawn":
            objectives.pop(str(event.payload["objective_id"]), None)
    return objectives


def overall(event: RecordedEvent) -> float:
    """One assessment's trust: the mean of its three dimensions (1..4)."""
    return fmean(float(event.payload[d]) for d in TRUST_DIMENSIONS)


def _trust(seen: list[RecordedEvent], window: Window) -> tuple[Trust, list[RecordedEvent]]:
    assessed = [e for e in occurred_by(seen, window.end) if e.event_type == "TrustAssessed"]
    in_period = [e for e in assessed if window.holds(e.metadata.occurred_at)]
    means: dict[str, float | None] = {
        d: _round(fmean(float(e.payload[d]) for e in in_period)) if in_period else None
        for d in TRUST_DIMENSIONS
    }
    means["overall"] = _round(fmean(overall(e) for e in in_period)) if in_period else None
    by_partner: dict[str, list[RecordedEvent]] = {}
    for event in assessed:
        by_partner.setdefault(str(event.payload["partner_id"]), []).append(event)
    directions = {"rising": 0, "falling": 0, "steady": 0}
    behind = list(in_period)
    for history in by_partner.values():
        # Oldest first by the day assessed; one day's in the order recorded (as engagement).
        history.sort(key=lambda e: str(e.payload["assessed_on"]))
        latest = history[-1]
        if len(history) < 2 or not window.holds(latest.metadata.occurred_at):
            continue
        before = history[-2]
        now, then = overall(latest), overall(before)
        directions["rising" if now > then else "falling" if now < then else "steady"] += 1
        behind.append(before)
    return Trust(len(in_period), means, **directions), behind


@dataclass(frozen=True)
class _Flows:
    """What a bucket of the series reads, picked out once: a bucket's figures are those the
    whole computation gives for the bucket's period (a test holds them to it), for less."""

    firsts: dict[str, list[datetime]]
    agreement_events: list[RecordedEvent]
    reviews: list[RecordedEvent]
    assessments: list[RecordedEvent]

    @classmethod
    def of(cls, seen: list[RecordedEvent], reached: Reach) -> _Flows:
        return cls(
            {s: [e.metadata.occurred_at for e in reached[s].values()] for s in FUNNEL},
            [e for e in seen if e.event_type in agreements.AGREEMENT_EVENTS],
            [e for e in seen if e.event_type == "PartnershipReviewed"],
            [e for e in seen if e.event_type == "TrustAssessed"],
        )

    def bucket(self, window: Window) -> Bucket:
        deals = agreements.fold(occurred_by(self.agreement_events, window.end))
        reviews = [e for e in self.reviews if window.holds(e.metadata.occurred_at)]
        assessed = [e for e in self.assessments if window.holds(e.metadata.occurred_at)]
        return Bucket(
            start=(window.start or window.end).date(),
            end=window.end.date(),
            reached={s: sum(1 for m in ms if window.holds(m)) for s, ms in self.firsts.items()},
            active_agreements=sum(1 for d in deals.values() if d.binding),
            kept=sum(int(e.payload["delivered"]) for e in reviews),
            missed=sum(len(e.payload.get("missed") or []) for e in reviews),
            trust=_round(fmean(overall(e) for e in assessed)) if assessed else None,
        )
