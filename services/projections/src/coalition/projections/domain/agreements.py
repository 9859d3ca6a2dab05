"""An agreement as the projections see it, folded from the agreement service's events, and what
needs attention on a given day.

Services share only `coalition.shared`, so this is the projections' own reading of the events;
the rules are those of the agreement service (docs/agreement.md, "Reviews and attention") and a
test checks both readings agree on random histories. Each flag names the events behind it, so a
figure built on it can be traced. Pure."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from statistics import fmean
from typing import Literal, get_args

from coalition.shared.contracts.agreement import (
    AgreementContent,
    DeliverableReport,
    Feedback,
    PartnershipReviewed,
    WilderFactor,
)
from coalition.shared.events.envelope import RecordedEvent

Status = Literal[
    "drafted",
    "in_negotiation",
    "sent_for_signature",
    "in_force",
    "suspended",
    "terminated",
    "expired",
    "withdrawn",
]
BINDING = frozenset({"in_force", "suspended"})
EXPIRY_WARNING = timedelta(days=30)
CONCERN = 3.0
FACTORS: tuple[WilderFactor, ...] = get_args(WilderFactor)
AGREEMENT_EVENTS = frozenset(
    {
        "AgreementDrafted",
        "AgreementAmended",
        "AgreementSentForSignature",
        "PartySigned",
        "AgreementSigned",
        "AgreementRenewed",
        "AgreementSuspended",
        "AgreementResumed",
        "AgreementTerminated",
        "AgreementExpired",
        "AgreementWithdrawn",
        "PartnershipReviewed",
    }
)
_CONTENT_FIELDS = set(AgreementContent.model_fields)


@dataclass(frozen=True)
class Review:
    review: PartnershipReviewed
    event_id: uuid.UUID


@dataclass(frozen=True)
class Deal:
    """One agreement: its versions, where it stands, and the events that put it there."""

    agreement_id: str
    campaign_id: str
    versions: tuple[AgreementContent, ...]
    status: Status = "drafted"
    sent: dict[int, tuple[date | None, uuid.UUID]] = field(default_factory=dict)
    """Version -> (sign by, the event that sent it)."""
    signed: dict[int, frozenset[str]] = field(default_factory=dict)
    in_force_version: int | None = None
    in_force_from: date | None = None
    in_force_event: uuid.UUID | None = None
    ends_on: date | None = None
    ends_on_event: uuid.UUID | None = None
    reviews: tuple[Review, ...] = ()
    status_event: uuid.UUID | None = None
    """The event that last changed the status."""
    events: tuple[uuid.UUID, ...] = ()

    @property
    def current(self) -> int:
        return len(self.versions)

    @property
    def content(self) -> AgreementContent:
        return self.versions[-1]

    @property
    def in_force(self) -> AgreementContent | None:
        v = self.in_force_version
        return self.versions[v - 1] if v is not None and v <= len(self.versions) else None

    @property
    def binding(self) -> bool:
        return self.status in BINDING

    def awaiting(self) -> list[str]:
        done = self.signed.get(self.current, frozenset())
        return [party for party in self.content.parties if party not in done]

    def parties(self) -> list[str]:
        """Everyone named a party in any version, in order of first appearance."""
        return list(dict.fromkeys(p for version in self.versions for p in version.parties))

    def bound(self) -> list[str]:
        """The parties it binds (or, before it binds, the current draft's)."""
        return list((self.in_force or self.content).parties)


def fold(events: Iterable[RecordedEvent]) -> dict[str, Deal]:
    """Every agreement in `events` (log order), by id, in the order drafted."""
    deals: dict[str, Deal] = {}
    for event in events:
        if event.event_type not in AGREEMENT_EVENTS:
            continue
        agreement_id = str(event.payload.get("agreement_id"))
        deal = _apply(deals.get(agreement_id), event)
        if deal is not None:
            deals[agreement_id] = deal
    return deals


def _apply(deal: Deal | None, event: RecordedEvent) -> Deal | None:
    p, day, eid = event.payload, event.metadata.occurred_at.date(), event.event_id
    if event.event_type == "AgreementDrafted":
        content = AgreementContent.model_validate(
            {k: v for k, v in p.items() if k in _CONTENT_FIELDS}
        )
        return Deal(
            p["agreement_id"], p["campaign_id"], (content,), status_event=eid, events=(eid,)
        )
    if deal is None:
        return None
    deal = replace(deal, events=(*deal.events, eid))
    match event.event_type:
        case "AgreementAmended":
            content = AgreementContent.model_validate(p["content"])
            status: Status = deal.status if deal.binding else "in_negotiation"
            return replace(deal, versions=(*deal.versions, content), status=status)
        case "AgreementSentForSignature":
            sign_by = date.fromisoformat(p["sign_by"]) if p.get("sign_by") else None
            status = deal.status if deal.binding else "sent_for_signature"
            return replace(
                deal, sent={**deal.sent, int(p["version"]): (sign_by, eid)}, status=status
            )
        case "PartySigned":
            version = int(p.get("version", 1))
            parties = deal.signed.get(version, frozenset()) | {p["partner_id"]}
            return replace(deal, signed={**deal.signed, version: parties})
        case "AgreementSigned":
            ends = date.fromisoformat(p["ends_on"]) if p.get("ends_on") else None
            return replace(
                deal,
                status="suspended" if deal.status == "suspended" else "in_force",
                in_force_version=int(p.get("version", 1)),
                in_force_from=deal.in_force_from or day,
                in_force_event=eid,
                ends_on=ends,
                ends_on_event=eid,
                status_event=eid,
            )
        case "AgreementRenewed":
            return replace(deal, ends_on=date.fromisoformat(p["ends_on"]), ends_on_event=eid)
        case "PartnershipReviewed":
            review = PartnershipReviewed.model_validate(p)
            return replace(deal, reviews=(*deal.reviews, Review(review, eid)))
    status_of: dict[str, Status] = {
        "AgreementSuspended": "suspended",
        "AgreementResumed": "in_force",
        "AgreementTerminated": "terminated",
        "AgreementExpired": "expired",
        "AgreementWithdrawn": "withdrawn",
    }
    return replace(deal, status=status_of[event.event_type], status_event=eid)


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
    since: date | None
    subject: str | None
    events: tuple[uuid.UUID, ...]
    """The events behind the flag."""


def next_review_due(deal: Deal) -> date | None:
    every = deal.in_force.review_every_days if deal.in_force else None
    if every is None or deal.in_force_from is None:
        return None
    last = max((r.review.period_to for r in deal.reviews), default=deal.in_force_from)
    return last + timedelta(days=every)


def attention(deal: Deal, today: date) -> list[Attention]:
    """What needs someone's attention on `today`, by the agreement service's rules."""
    flags: list[Attention] = []
    sent = deal.sent.get(deal.current)
    late = sent is not None and sent[0] is not None and today > sent[0]
    if not deal.binding:
        if late and deal.status == "sent_for_signature":
            flags.append(_late(deal))
        return flags
    pending = deal.in_force_version is not None and deal.current != deal.in_force_version
    if late and pending:
        flags.append(_late(deal))
    reported: dict[str, tuple[DeliverableReport, uuid.UUID]] = {}
    for past in deal.reviews:
        for report in past.review.deliverables:
            reported[report.responsibility_id] = (report, past.event_id)
    assert deal.in_force is not None and deal.in_force_event is not None
    for r in deal.in_force.responsibilities:
        last = reported.get(r.responsibility_id)
        if last is not None and last[0].status == "missed":
            flags.append(
                Attention(
                    "deliverable_missed",
                    f"{r.party_id}: {r.deliverable} was reported missed",
                    r.due_on,
                    r.responsibility_id,
                    (deal.in_force_event, last[1]),
                )
            )
        elif r.due_on and today > r.due_on and (last is None or last[0].status != "delivered"):
            behind = (deal.in_force_event,) + ((last[1],) if last else ())
            flags.append(
                Attention(
                    "deliverable_overdue",
                    f"{r.party_id}: {r.deliverable} was due {r.due_on.isoformat()}",
                    r.due_on,
                    r.responsibility_id,
                    behind,
                )
            )
    due = next_review_due(deal)
    if due is not None and today > due:
        behind = (deal.in_force_event,) + ((deal.reviews[-1].event_id,) if deal.reviews else ())
        flags.append(
            Attention("review_overdue", f"a review was due {due.isoformat()}", due, None, behind)
        )
    if deal.ends_on is not None and deal.ends_on_event is not None:
        ends = deal.ends_on
        if today > ends:
            flags.append(
                Attention(
                    "past_end_date",
                    f"it ended {ends.isoformat()}",
                    ends,
                    None,
                    (deal.ends_on_event,),
                )
            )
        elif ends - today <= EXPIRY_WARNING:
            flags.append(
                Attention(
                    "ending_soon",
                    f"it ends {ends.isoformat()}: renew it or let it end",
                    ends,
                    None,
                    (deal.ends_on_event,),
                )
            )
    if deal.reviews:
        last_review = deal.reviews[-1]
        for factor, mean in readings(last_review.review.feedback):
            if mean < CONCERN:
                flags.append(
                    Attention(
                        "collaboration_concern",
                        f"{factor} averages {mean} in the last review",
                        last_review.review.period_to,
                        factor,
                        (last_review.event_id,),
                    )
                )
    return flags


def readings(feedback: Sequence[Feedback]) -> list[tuple[str, float]]:
    """Each rated Wilder factor's mean over the respondents, in the inventory's order."""
    out: list[tuple[str, float]] = []
    for factor in FACTORS:
        scores = [side.ratings[factor] for side in feedback if factor in side.ratings]
        if scores:
            out.append((factor, round(fmean(scores), 2)))
    return out


def _late(deal: Deal) -> Attention:
    sign_by, sent_event = deal.sent[deal.current]
    waiting = ", ".join(deal.awaiting())
    return Attention("signatures_late", f"still to sign: {waiting}", sign_by, None, (sent_event,))
