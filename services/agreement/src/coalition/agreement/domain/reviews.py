"""Reviewing a partnership: delivered against promised, each side's feedback on the Wilder
Collaboration Factors, impact against the campaign's objectives; and what needs attention
(missed or overdue deliverables, an overdue review, an end date close by, signatures late).

Wilder's guidance reads a factor's mean score: 4 or more is a strength, under 3 a concern to
address, in between worth discussing. The attention list is a pure function of the agreement
and a day, so it can be asked as of any date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean
from typing import Literal

from coalition.agreement.domain.agreement import BINDING, Agreement, current
from coalition.shared.contracts.agreement import (
    DeliverableReport,
    Feedback,
    ImpactMeasure,
    PartnershipReviewed,
    WilderFactor,
)
from coalition.shared.events.envelope import DomainEvent, RecordedEvent
from coalition.shared.web.problems import DomainError

WILDER_CATEGORIES: dict[str, tuple[WilderFactor, ...]] = {
    "environment": ("history_of_collaboration", "legitimate_leader", "favourable_climate"),
    "membership": (
        "mutual_respect_trust",
        "appropriate_cross_section",
        "self_interest",
        "ability_to_compromise",
    ),
    "process_and_structure": (
        "shared_stake",
        "multiple_layers_of_participation",
        "flexibility",
        "clear_roles",
        "adaptability",
        "appropriate_pace",
        "evaluation_and_learning",
    ),
    "communication": ("open_frequent_communication", "informal_relationships"),
    "purpose": ("attainable_goals", "shared_vision", "unique_purpose"),
    "resources": ("sufficient_resources", "skilled_leadership", "engaged_stakeholders"),
}
STRENGTH, CONCERN = 4.0, 3.0
EXPIRY_WARNING = timedelta(days=30)


def review(
    history: Sequence[RecordedEvent],
    *,
    review_id: str,
    period_from: date,
    period_to: date,
    deliverables: Sequence[DeliverableReport],
    feedback: Sequence[Feedback],
    impact: Sequence[ImpactMeasure],
    objectives: frozenset[str] | None = None,
) -> list[DomainEvent]:
    """Record a review of an agreement that came into force (a closing review after it ended,
    too). `objectives`: the campaign's objectives as far as known, to check impact against."""
    state = current(history)
    if state.in_force is None:
        raise DomainError(
            f"only an agreement that came into force is reviewed; it is {state.status}"
        )
    if period_to < period_from:
        raise DomainError("the period ends before it starts", field="body.period_to")
    if any(r.review_id == review_id for r in state.reviews):
        raise DomainError(f"review {review_id} is recorded already", review_id=review_id)
    promised = {r.responsibility_id for r in state.in_force.content.responsibilities}
    seen: set[str] = set()
    for i, report in enumerate(deliverables):
        if report.responsibility_id not in promised:
            raise DomainError(
                f"{report.responsibility_id} is not a responsibility of the version in force",
                field=f"body.deliverables[{i}].responsibility_id",
            )
        if report.responsibility_id in seen:
            raise DomainError(
                f"{report.responsibility_id} is reported twice",
                field=f"body.deliverables[{i}].responsibility_id",
            )
        seen.add(report.responsibility_id)
    for i, side in enumerate(feedback):
        if not state.side(side.party_id):
            raise DomainError(
                f"{side.party_id} is neither a party nor the campaign",
                field=f"body.feedback[{i}].party_id",
            )
        for factor, score in side.ratings.items():
            if not 1 <= score <= 5:
                raise DomainError(
                    "a rating is 1 (strongly disagree) to 5 (strongly agree)",
                    field=f"body.feedback[{i}].ratings.{factor}",
                )
    if objectives is not None:
        for i, measure in enumerate(impact):
            if measure.objective_id not in objectives:
                raise DomainError(
                    f"{measure.objective_id} is not one of the campaign's objectives",
                    field=f"body.impact[{i}].objective_id",
                )
    due = [r for r in deliverables if r.status != "not_due"]
    return [
        PartnershipReviewed(
            agreement_id=state.agreement_id,
            campaign_id=state.campaign_id,
            parties=state.bound(),
            review_id=review_id,
            period_from=period_from,
            period_to=period_to,
            deliverables=list(deliverables),
            feedback=list(feedback),
            impact=list(impact),
            promised=len(due),
            delivered=sum(1 for r in due if r.status == "delivered"),
            missed=[r.responsibility_id for r in due if r.status == "missed"],
        )
    ]


@dataclass(frozen=True)
class FactorReading:
    factor: str
    category: str
    mean: float
    responses: int
    reading: Literal["strength", "discuss", "concern"]


def readings(feedback: Sequence[Feedback]) -> list[FactorReading]:
    """Each rated factor's mean over the respondents, with Wilder's reading of it."""
    out: list[FactorReading] = []
    for category, factors in WILDER_CATEGORIES.items():
        for factor in factors:
            scores = [side.ratings[factor] for side in feedback if factor in side.ratings]
            if not scores:
                continue
            mean = round(fmean(scores), 2)
            reading: Literal["strength", "discuss", "concern"] = (
                "strength" if mean >= STRENGTH else "concern" if mean < CONCERN else "discuss"
            )
            out.append(FactorReading(factor, category, mean, len(scores), reading))
    return out


Flag = Literal[
    "deliverable_missed",
    "deliverable_overdue",
    "review_overdue",
    "ending_soon",
    "past_end_date",
    "signatures_late",
    "collaboration_concern",
]


@dataclass(frozen=True)
class Attention:
    flag: Flag
    detail: str
    since: date | None = None
    subject: str | None = None
    """The responsibility (or factor) concerned, if one is."""


def next_review_due(state: Agreement) -> date | None:
    every = state.in_force.content.review_every_days if state.in_force else None
    if every is None or state.in_force_from is None:
        return None
    last = max((r.period_to for r in state.reviews), default=state.in_force_from)
    return last + timedelta(days=every)


def attention(state: Agreement, today: date) -> list[Attention]:
    """What needs someone's attention on `today`."""
    flags: list[Attention] = []
    sign_by = state.current.sign_by
    late = state.current.sent and sign_by is not None and today > sign_by
    if state.status not in BINDING:
        if late and state.status == "sent_for_signature":
            flags.append(_late(state))
        return flags
    if late and state.pending_version:
        flags.append(_late(state))
    reported: dict[str, DeliverableReport] = {}
    for past in state.reviews:
        for report in past.deliverables:
            reported[report.responsibility_id] = report
    assert state.in_force is not None
    for r in state.in_force.content.responsibilities:
        last = reported.get(r.responsibility_id)
        if last is not None and last.status == "missed":
            flags.append(
                Attention(
                    "deliverable_missed",
                    f"{r.party_id}: {r.deliverable} was reported missed",
                    r.due_on,
                    r.responsibility_id,
                )
            )
        elif r.due_on and today > r.due_on and (last is None or last.status != "delivered"):
            flags.append(
                Attention(
                    "deliverable_overdue",
                    f"{r.party_id}: {r.deliverable} was due {r.due_on.isoformat()}",
                    r.due_on,
                    r.responsibility_id,
                )
            )
    due = next_review_due(state)
    if due is not None and today > due:
        flags.append(Attention("review_overdue", f"a review was due {due.isoformat()}", due))
    if state.ends_on is not None:
        if today > state.ends_on:
            flags.append(
                Attention("past_end_date", f"it ended {state.ends_on.isoformat()}", state.ends_on)
            )
        elif state.ends_on - today <= EXPIRY_WARNING:
            flags.append(
                Attention(
                    "ending_soon",
                    f"it ends {state.ends_on.isoformat()}: renew it or let it end",
                    state.ends_on,
                )
            )
    if state.reviews:
        for reading in readings(state.reviews[-1].feedback):
            if reading.reading == "concern":
                flags.append(
                    Attention(
                        "collaboration_concern",
                        f"{reading.factor} averages {reading.mean} in the last review",
                        state.reviews[-1].period_to,
                        reading.factor,
                    )
                )
    return flags


def _late(state: Agreement) -> Attention:
    waiting = ", ".join(state.awaiting())
    sign_by = state.current.sign_by
    return Attention("signatures_late", f"still to sign: {waiting}", sign_by)
