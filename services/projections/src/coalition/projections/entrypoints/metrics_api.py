"""GET /campaigns/{campaign_id}/metrics: a campaign's review metrics for a period, over time,
as of any date; and .../metrics/{figure}/events: the events behind one figure, with who, when
and why."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from coalition.projections.domain import metrics as domain
from coalition.projections.domain import views
from coalition.projections.entrypoints.as_of import AsOf, From, To, etag, moment
from coalition.projections.entrypoints.partner360_api import Flag, flag_out
from coalition.projections.service_layer import history
from coalition.shared.eventstore.store import as_utc
from coalition.shared.web.auth import PrincipalDep, require_campaign
from coalition.shared.web.deps import NOT_MODIFIED, EngineDep, conditional
from coalition.shared.web.problems import DomainError, NotFoundError

router = APIRouter(tags=["read models"])

CampaignPath = Annotated[str, Path(max_length=100)]
Explain = Annotated[bool, Query(description="Name the events behind each figure (`event_ids`).")]
IntervalQuery = Annotated[
    domain.Interval | None,
    Query(description="A series by calendar `week` (Monday first) or `month`; none: no series."),
]


class Traced(BaseModel):
    figure: str = Field(description="Its key: `GET .../metrics/{figure}/events` lists its events.")
    event_ids: list[uuid.UUID] | None = Field(
        default=None, description="The events behind it, in log order (with `explain=true`)."
    )


class StageOut(Traced):
    stage: str
    reached: int = Field(description="Partners that first reached the stage in the period.")
    total: int = Field(description="Partners that had reached it by the period's end.")


class ConversionOut(Traced):
    from_stage: str
    to_stage: str
    cohort: int = Field(description="Partners that reached `from_stage` in the period.")
    converted: int = Field(description="Of those, partners that reached `to_stage` by `as_of`.")
    rate: float | None = Field(description="converted / cohort; none for an empty cohort.")
    mean_days: float | None = Field(description="Of the converted, days from one to the other.")
    median_days: float | None


class StageTimeOut(Traced):
    stage: str
    left: int = Field(description="Stays in the stage that ended in the period.")
    mean_days: float | None
    median_days: float | None
    current: int = Field(description="Entries in the stage at the period's end.")
    current_mean_days: float | None = Field(description="How long those had been in it.")


class ActiveOut(Traced):
    count: int
    agreement_ids: list[str] = Field(description="In force or suspended at the period's end.")


class DeliverablesOut(Traced):
    reviews: int = Field(description="Reviews recorded in the period.")
    promised: int
    kept: int
    partly: int
    missed: int


class TrustFigure(Traced):
    assessments: int
    openness: float | None
    reliability: float | None
    mission_support: float | None
    overall: float | None = Field(description="Mean of the three dimensions, 1..4.")
    rising: int
    falling: int
    steady: int


class CoverageOut(Traced):
    objective_id: str
    title: str
    priority: str
    covered: bool
    agreements: list[str]
    partners: list[str] = Field(description="Parties of the agreements in force serving it.")


class AttentionOut(Traced):
    agreement_id: str
    title: str
    status: str
    parties: list[str]
    flags: list[Flag]


class BucketOut(BaseModel):
    start: date
    end: date
    identified: int
    scored: int
    contacted: int
    committed: int
    signed: int
    active_agreements: int
    deliverables_kept: int
    deliverables_missed: int
    trust: float | None


class ReviewMetrics(BaseModel):
    campaign_id: str
    as_of: datetime = Field(description="The log as it stood at this moment.")
    period_from: datetime | None = Field(description="The period's first moment (none: all).")
    period_to: datetime = Field(description="The period's last moment, never after `as_of`.")
    funnel: list[StageOut]
    conversions: list[ConversionOut]
    time_in_stage: list[StageTimeOut]
    active_agreements: ActiveOut
    deliverables: DeliverablesOut
    trust: TrustFigure
    objectives_covered: int
    objectives: int
    coverage: list[CoverageOut]
    attention: list[AttentionOut] = Field(description="Agreements that need attention.")
    interval: domain.Interval | None
    series: list[BucketOut]


class TracedEvent(BaseModel):
    position: int = Field(description="Order received; pass the last one as `after`.")
    event_id: uuid.UUID
    service: str
    event_type: str
    stream_id: str
    summary: str
    actor: str
    reason: str | None
    occurred_at: datetime
    recorded_at: datetime
    causation_id: uuid.UUID | None
    correlation_id: uuid.UUID
    payload: dict[str, Any]


class FigureEvents(BaseModel):
    campaign_id: str
    figure: str
    as_of: datetime
    entries: list[TracedEvent]
    next_after: int | None = Field(description="`after` for the next page; none at the end.")


async def _metrics(
    engine: Any,
    campaign_id: str,
    as_of: date | datetime | None,
    period_from: date | None,
    period_to: date | None,
    interval: domain.Interval | None,
) -> tuple[domain.Metrics, dict[uuid.UUID, Any]]:
    if period_from is not None and period_to is not None and period_to < period_from:
        raise DomainError("the period ends before it starts", field="query.to")
    at = moment(as_of)
    async with engine.connect() as conn:
        events = await history.campaign_events(conn, campaign_id, domain.METRIC_EVENTS, at)
    try:
        found = domain.review_metrics(
            events, as_of=at, period_from=period_from, period_to=period_to, interval=interval
        )
    except domain.TooManyBucketsError as error:
        raise DomainError(
            f"the series would be too long ({error}): narrow the period or use months",
            field="query.interval",
        ) from None
    return found, {e.event_id: e for e in events}


@router.get(
    "/campaigns/{campaign_id}/metrics",
    summary="Review metrics of a campaign for a period, over time, as of any date.",
    response_model=ReviewMetrics,
    responses=NOT_MODIFIED,
)
async def review_metrics(
    campaign_id: CampaignPath,
    engine: EngineDep,
    principal: PrincipalDep,
    request: Request,
    period_from: From = None,
    period_to: To = None,
    as_of: AsOf = None,
    interval: IntervalQuery = None,
    explain: Explain = False,
) -> Any:
    """Computed on request from the campaign's events in the projections' copy of the log, so
    it equals what live processing saw and any past date can be asked (docs/review-metrics.md)."""
    require_campaign(principal, campaign_id)
    found, _ = await _metrics(engine, campaign_id, as_of, period_from, period_to, interval)
    body = _out(campaign_id, found, interval, explain)
    return conditional(request, body, etag(body))


@router.get(
    "/campaigns/{campaign_id}/metrics/{figure}/events",
    summary="The events behind one figure of the review metrics, with who, when and why.",
)
async def figure_events(
    campaign_id: CampaignPath,
    figure: Annotated[str, Path(max_length=200, description="A figure's key, e.g. funnel.signed.")],
    engine: EngineDep,
    principal: PrincipalDep,
    period_from: From = None,
    period_to: To = None,
    as_of: AsOf = None,
    after: Annotated[int, Query(ge=0, le=2**62, description="`next_after` of the last page.")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> FigureEvents:
    """Ask with the same `from`, `to` and `as_of` as the figure was."""
    require_campaign(principal, campaign_id)
    found, by_id = await _metrics(engine, campaign_id, as_of, period_from, period_to, None)
    if figure not in found.traces:
        raise NotFoundError(
            f"no figure {figure} in these metrics", field="path.figure", figure=figure
        )
    chosen = [by_id[i] for i in found.traces[figure] if by_id[i].position > after]
    page = chosen[:limit]
    async with engine.connect() as conn:
        services = await history.services_of(conn, [e.position for e in page])
    entries = [
        TracedEvent(
            position=e.position,
            event_id=e.event_id,
            service=services.get(e.position, "unknown"),
            event_type=e.event_type,
            stream_id=e.stream_id,
            summary=views.summary(e),
            actor=e.metadata.actor,
            reason=e.metadata.reason,
            occurred_at=as_utc(e.metadata.occurred_at),
            recorded_at=as_utc(e.recorded_at),
            causation_id=e.metadata.causation_id,
            correlation_id=e.metadata.correlation_id,
            payload=e.payload,
        )
        for e in page
    ]
    return FigureEvents(
        campaign_id=campaign_id,
        figure=figure,
        as_of=found.window.as_of,
        entries=entries,
        next_after=page[-1].position if len(chosen) > limit else None,
    )


def _out(
    campaign_id: str, m: domain.Metrics, interval: domain.Interval | None, explain: bool
) -> ReviewMetrics:
    def traced(key: str) -> dict[str, Any]:
        return {"figure": key, "event_ids": list(m.traces.get(key, ())) if explain else None}

    trust = m.trust
    return ReviewMetrics(
        campaign_id=campaign_id,
        as_of=m.window.as_of,
        period_from=m.window.start,
        period_to=m.window.end,
        funnel=[
            StageOut(**traced(f"funnel.{f.stage}"), stage=f.stage, reached=f.reached, total=f.total)
            for f in m.funnel
        ],
        conversions=[
            ConversionOut(
                **traced(c.key),
                from_stage=c.from_stage,
                to_stage=c.to_stage,
                cohort=c.cohort,
                converted=c.converted,
                rate=c.rate,
                mean_days=c.mean_days,
                median_days=c.median_days,
            )
            for c in m.conversions
        ],
        time_in_stage=[
            StageTimeOut(**traced(f"time_in_stage.{t.stage}"), **t.__dict__)
            for t in m.time_in_stage
        ],
        active_agreements=ActiveOut(
            **traced("active_agreements"),
            count=len(m.active_agreements),
            agreement_ids=list(m.active_agreements),
        ),
        deliverables=DeliverablesOut(**traced("deliverables"), **m.deliverables.__dict__),
        trust=TrustFigure(
            **traced("trust"),
            assessments=trust.assessments,
            openness=trust.means["openness"],
            reliability=trust.means["reliability"],
            mission_support=trust.means["mission_support"],
            overall=trust.means["overall"],
            rising=trust.rising,
            falling=trust.falling,
            steady=trust.steady,
        ),
        objectives_covered=sum(1 for c in m.coverage if c.covered),
        objectives=len(m.coverage),
        coverage=[
            CoverageOut(
                **traced(f"coverage.{c.objective_id}"),
                objective_id=c.objective_id,
                title=c.title,
                priority=c.priority,
                covered=c.covered,
                agreements=list(c.agreements),
                partners=list(c.partners),
            )
            for c in m.coverage
        ],
        attention=[
            AttentionOut(
                **traced(f"attention.{a.agreement_id}"),
                agreement_id=a.agreement_id,
                title=a.title,
                status=a.status,
                parties=list(a.parties),
                flags=[flag_out(f) for f in a.flags],
            )
            for a in m.attention
        ],
        interval=interval,
        series=[
            BucketOut(
                start=b.start,
                end=b.end,
                **b.reached,
                active_agreements=b.active_agreements,
                deliverables_kept=b.kept,
                deliverables_missed=b.missed,
                trust=b.trust,
            )
            for b in m.series
        ],
    )
