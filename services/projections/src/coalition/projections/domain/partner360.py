"""Partner 360: everything about one partner in one view, folded from its campaign's events as
the log held them at a moment: profile, key people, positions, collaborations and ties
(research), the latest score with its breakdown (scoring), the pipeline stage, last interaction,
trust and commitments (engagement), and its agreements with their health (agreement). Each
part names the event it comes from. Pure."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from coalition.projections.domain import agreements
from coalition.projections.domain.metrics import overall
from coalition.projections.domain.window import known
from coalition.shared.events.envelope import RecordedEvent

PARTNER_EVENTS = frozenset(
    {
        "PartnerIdentified",
        "PartnerProfileUpdated",
        "PartnerLinkedToCrm",
        "KeyPersonRecorded",
        "KeyPersonRemoved",
        "PartnerPositionRecorded",
        "CollaborationRecorded",
        "PartnersMerged",
        "PartnerArchived",
        "StakeholderRecorded",
        "RelationshipRecorded",
        "RelationshipEnded",
        "PartnerScored",
        "EngagementOpened",
        "EngagementStageChanged",
        "EngagementOwnerAssigned",
        "InteractionRecorded",
        "FollowUpCompleted",
        "TrustAssessed",
        "CommitmentMade",
        "CommitmentWithdrawn",
        *agreements.AGREEMENT_EVENTS,
    }
)
"""The event types the view reads."""

PROFILE_EVENTS = ("PartnerIdentified", "PartnerProfileUpdated")


@dataclass(frozen=True)
class Part:
    """A piece of the view and the event it comes from."""

    data: dict[str, Any]
    event: RecordedEvent

    @property
    def event_id(self) -> uuid.UUID:
        return self.event.event_id

    @property
    def at(self) -> datetime:
        return self.event.metadata.occurred_at


@dataclass(frozen=True)
class Tie:
    relationship_id: str
    relationship: str
    direction: str
    """`out`: the partner is the source; `in`: the target."""
    other: dict[str, Any]
    other_name: str | None
    weight: float
    since: str | None
    evidence: str | None
    event_id: uuid.UUID


@dataclass(frozen=True)
class AgreementHealth:
    deal: agreements.Deal
    flags: tuple[agreements.Attention, ...]
    kept: int
    missed: int
    last_review: agreements.Review | None


@dataclass
class Pipeline:
    stage: Part | None = None
    owner: Part | None = None
    interactions: list[Part] = field(default_factory=list)
    done: set[str] = field(default_factory=set)
    assessments: list[Part] = field(default_factory=list)
    commitments: dict[str, Part] = field(default_factory=dict)

    @property
    def last_interaction(self) -> Part | None:
        # The latest by the day it took place; of one day, the last recorded.
        ordered = sorted(self.interactions, key=lambda p: str(p.data["occurred_on"]))
        return ordered[-1] if ordered else None

    def open_follow_ups(self) -> list[dict[str, Any]]:
        return [
            f
            for i in self.interactions
            for f in i.data.get("follow_ups", [])
            if f["follow_up_id"] not in self.done
        ]

    def trust(self) -> tuple[Part | None, str | None]:
        """The latest assessment, and its direction against the one before."""
        ordered = sorted(self.assessments, key=lambda p: str(p.data["assessed_on"]))
        if not ordered:
            return None, None
        if len(ordered) < 2:
            return ordered[-1], "steady"
        now, then = overall(ordered[-1].event), overall(ordered[-2].event)
        return ordered[-1], "rising" if now > then else "falling" if now < then else "steady"


@dataclass
class Partner360:
    partner_id: str
    campaign_id: str
    as_of: datetime
    profile: Part | None = None
    archived: Part | None = None
    merged_from: list[str] = field(default_factory=list)
    crm_links: list[Part] = field(default_factory=list)
    key_people: dict[str, Part] = field(default_factory=dict)
    positions: dict[str, Part] = field(default_factory=dict)
    collaborations: dict[str, Part] = field(default_factory=dict)
    ties: list[Tie] = field(default_factory=list)
    score: Part | None = None
    pipeline: Pipeline | None = None
    agreements: list[AgreementHealth] = field(default_factory=list)
    events: int = 0
    last_event: RecordedEvent | None = None


def partner_360(
    events: Sequence[RecordedEvent], partner_id: str, campaign_id: str, *, as_of: datetime
) -> Partner360 | None:
    """The view of `partner_id` from its campaign's `events` (log order) as of `as_of`; None
    if the log held nothing about the partner then."""
    seen = known(events, as_of)
    view = Partner360(partner_id, campaign_id, as_of)
    names: dict[str, str] = {}
    stakeholders: dict[str, str] = {}
    ties: dict[str, tuple[dict[str, Any], RecordedEvent]] = {}
    mine: list[RecordedEvent] = []
    for event in seen:
        p = event.payload
        if event.event_type in PROFILE_EVENTS:
            names[str(p["partner_id"])] = str(p["name"])
        elif event.event_type == "StakeholderRecorded":
            stakeholders[str(p["stakeholder_id"])] = str(p["name"])
        if event.event_type in ("RelationshipRecorded", "RelationshipEnded"):
            ends = (p["source"], p["target"])
            if not any(end["type"] == "partner" and end["id"] == partner_id for end in ends):
                continue
            if event.event_type == "RelationshipRecorded":
                ties[str(p["relationship_id"])] = (p, event)
            else:
                ties.pop(str(p["relationship_id"]), None)
            mine.append(event)
        elif p.get("partner_id") == partner_id:
            _apply(view, event)
            mine.append(event)
    deals = [d for d in agreements.fold(seen).values() if partner_id in d.parties()]
    for deal in deals:
        ids = set(deal.events)
        mine.extend(e for e in seen if e.event_id in ids)
        view.agreements.append(_health(deal, as_of.date()))
    if not mine:
        return None
    for p, event in ties.values():
        out = p["source"]["type"] == "partner" and p["source"]["id"] == partner_id
        other = p["target"] if out else p["source"]
        lookup = names if other["type"] == "partner" else stakeholders
        view.ties.append(
            Tie(
                str(p["relationship_id"]),
                str(p["relationship"]),
                "out" if out else "in",
                dict(other),
                lookup.get(str(other["id"])),
                float(p["weight"]),
                p.get("since"),
                p.get("evidence"),
                event.event_id,
            )
        )
    view.events = len({e.event_id for e in mine})
    view.last_event = max(mine, key=lambda e: e.position)
    return view


def _apply(view: Partner360, event: RecordedEvent) -> None:
    p = event.payload
    part = Part(p, event)
    match event.event_type:
        case "PartnerIdentified" | "PartnerProfileUpdated":
            view.profile = part
        case "PartnerLinkedToCrm":
            view.crm_links.append(part)
        case "KeyPersonRecorded":
            view.key_people[str(p["person_id"])] = part
        case "KeyPersonRemoved":
            view.key_people.pop(str(p["person_id"]), None)
        case "PartnerPositionRecorded":
            view.positions[str(p["issue"])] = part
        case "CollaborationRecorded":
            view.collaborations[str(p["collaboration_id"])] = part
        case "PartnersMerged":
            view.merged_from.append(str(p["merged_partner_id"]))
        case "PartnerArchived":
            view.archived = part
        case "PartnerScored":
            view.score = part
        case _:
            _pipeline(view, event, part)


def _pipeline(view: Partner360, event: RecordedEvent, part: Part) -> None:
    p = event.payload
    if "engagement_id" not in p:
        return
    entry = view.pipeline = view.pipeline or Pipeline()
    match event.event_type:
        case "EngagementOpened":
            entry.stage = part
            if p.get("owner_id"):
                entry.owner = part
        case "EngagementStageChanged":
            entry.stage = part
        case "EngagementOwnerAssigned":
            entry.owner = part
        case "InteractionRecorded":
            entry.interactions.append(part)
        case "FollowUpCompleted":
            entry.done.add(str(p["follow_up_id"]))
        case "TrustAssessed":
            entry.assessments.append(part)
        case "CommitmentMade":
            entry.commitments[str(p["commitment_id"])] = part
        case "CommitmentWithdrawn":
            entry.commitments.pop(str(p["commitment_id"]), None)


def _health(deal: agreements.Deal, day: date) -> AgreementHealth:
    kept = sum(r.review.delivered for r in deal.reviews)
    missed = sum(len(r.review.missed) for r in deal.reviews)
    last = deal.reviews[-1] if deal.reviews else None
    return AgreementHealth(deal, tuple(agreements.attention(deal, day)), kept, missed, last)
