"""A pipeline entry: how a campaign approaches one partner, rebuilt from its stream; and the
decisions about it.

Every decision is a pure function: the stream so far (and the command's values) in, the new
events out, or a `DomainError` that says why not. Nothing here reads or writes anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from coalition.engagement.domain.stages import OPEN, check_move
from coalition.shared.contracts.engagement import (
    CommitmentMade,
    EngagementOpened,
    EngagementOwnerAssigned,
    EngagementStageChanged,
    FollowUpCompleted,
    IdeaKind,
    InteractionKind,
    InteractionRecorded,
    ProjectIdeaRaised,
    Stage,
    TrustAssessed,
)
from coalition.shared.contracts.scoring import PartnerScored
from coalition.shared.events.envelope import DomainEvent, RecordedEvent
from coalition.shared.web.problems import DomainError, InvalidInputError, NotFoundError

STREAM_TYPE = "engagement"
COMMITTING: frozenset[Stage] = frozenset({"in_dialogue", "interested", "committed"})
"""Stages in which a partner's commitment can be recorded."""


def engagement_id(campaign_id: str, partner_id: str) -> str:
    """One entry per campaign and partner, so the id is derived, not invented."""
    return f"{campaign_id}.{partner_id}"


def stream_id(engagement: str) -> str:
    return f"engagement-{engagement}"


@dataclass(frozen=True)
class Move:
    """One change of stage, with who made it and why (from the event's metadata)."""

    from_stage: Stage
    to_stage: Stage
    skipped: tuple[Stage, ...]
    actor: str
    reason: str | None
    at: datetime


@dataclass(frozen=True)
class Interaction:
    interaction_id: str
    kind: InteractionKind
    occurred_on: date
    our_participants: tuple[str, ...]
    their_participants: tuple[str, ...]
    summary: str
    interests: tuple[str, ...]
    concerns: tuple[str, ...]


@dataclass(frozen=True)
class FollowUpState:
    follow_up_id: str
    interaction_id: str
    what: str
    due_on: date
    owner_id: str
    completed_on: date | None = None


@dataclass(frozen=True)
class Assessment:
    assessment_id: str
    interaction_id: str
    assessed_on: date
    openness: int
    reliability: int
    mission_support: int
    note: str | None


@dataclass(frozen=True)
class Idea:
    idea_id: str
    kind: IdeaKind
    title: str
    description: str | None
    interaction_id: str | None
    with_partners: tuple[str, ...]
    synergy: str | None


@dataclass(frozen=True)
class Commitment:
    commitment_id: str
    what: str
    resources: tuple[str, ...]
    withdrawn: bool = False


@dataclass(frozen=True)
class Engagement:
    """What engagement knows about its approach to one partner in one campaign."""

    engagement_id: str
    campaign_id: str
    partner_id: str
    stage: Stage
    score: float | None
    version: int
    owner_id: str | None = None
    paused_from: Stage | None = None
    """The stage it was in when paused: where it resumes."""
    moves: tuple[Move, ...] = ()
    interactions: dict[str, Interaction] = field(default_factory=dict)
    follow_ups: dict[str, FollowUpState] = field(default_factory=dict)
    assessments: tuple[Assessment, ...] = ()
    ideas: dict[str, Idea] = field(default_factory=dict)
    commitments: dict[str, Commitment] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        """Whether its owner is carrying it (declined and paused entries are not carried)."""
        return self.stage not in ("declined", "paused")

    @classmethod
    def from_history(cls, history: Sequence[RecordedEvent]) -> Engagement | None:
        entry: Engagement | None = None
        for event in history:
            entry = evolve(entry, event)
            if entry is not None:
                entry = replace(entry, version=event.stream_version)
        return entry


def evolve(entry: Engagement | None, event: RecordedEvent) -> Engagement | None:
    """The entry after one more event of its stream."""
    p = event.payload
    if event.event_type == "EngagementOpened":
        opened = EngagementOpened.model_validate(p)
        return Engagement(
            opened.engagement_id,
            opened.campaign_id,
            opened.partner_id,
            opened.stage,
            opened.score,
            0,
            owner_id=opened.owner_id,
        )
    if entry is None:
        return None
    match event.event_type:
        case "EngagementStageChanged":
            moved = EngagementStageChanged.model_validate(p)
            move = Move(
                moved.from_stage,
                moved.to_stage,
                tuple(moved.skipped),
                event.metadata.actor,
                event.metadata.reason,
                event.metadata.occurred_at,
            )
            paused_from = moved.from_stage if moved.to_stage == "paused" else None
            return replace(
                entry, stage=moved.to_stage, paused_from=paused_from, moves=(*entry.moves, move)
            )
        case "EngagementOwnerAssigned":
            return replace(entry, owner_id=EngagementOwnerAssigned.model_validate(p).owner_id)
        case "InteractionRecorded":
            return _with_interaction(entry, InteractionRecorded.model_validate(p))
        case "FollowUpCompleted":
            done = FollowUpCompleted.model_validate(p)
            follow_up = replace(entry.follow_ups[done.follow_up_id], completed_on=done.completed_on)
            return replace(entry, follow_ups={**entry.follow_ups, done.follow_up_id: follow_up})
        case "TrustAssessed":
            t = TrustAssessed.model_validate(p)
            assessment = Assessment(
                t.assessment_id,
                t.interaction_id,
                t.assessed_on,
                t.openness,
                t.reliability,
                t.mission_support,
                t.note,
            )
            return replace(entry, assessments=(*entry.assessments, assessment))
        case "ProjectIdeaRaised":
            i = ProjectIdeaRaised.model_validate(p)
            idea = Idea(
                i.idea_id,
                i.kind,
                i.title,
                i.description,
                i.interaction_id,
                tuple(i.with_partners),
                i.synergy,
            )
            return replace(entry, ideas={**entry.ideas, i.idea_id: idea})
        case "CommitmentMade":
            c = CommitmentMade.model_validate(p)
            made = Commitment(c.commitment_id, c.what, tuple(c.resources))
            return replace(entry, commitments={**entry.commitments, c.commitment_id: made})
        case "CommitmentWithdrawn":
            key = str(p["commitment_id"])
            withdrawn = replace(entry.commitments[key], withdrawn=True)
            return replace(entry, commitments={**entry.commitments, key: withdrawn})
    return entry


def _with_interaction(entry: Engagement, recorded: InteractionRecorded) -> Engagement:
    interaction = Interaction(
        recorded.interaction_id,
        recorded.kind,
        recorded.occurred_on,
        tuple(recorded.our_participants),
        tuple(recorded.their_participants),
        recorded.summary,
        tuple(recorded.interests),
        tuple(recorded.concerns),
    )
    follow_ups = {
        f.follow_up_id: FollowUpState(
            f.follow_up_id, recorded.interaction_id, f.what, f.due_on, f.owner_id
        )
        for f in recorded.follow_ups
    }
    return replace(
        entry,
        interactions={**entry.interactions, recorded.interaction_id: interaction},
        follow_ups={**entry.follow_ups, **follow_ups},
    )


def current(history: Sequence[RecordedEvent]) -> Engagement:
    """The entry, or 404 if its stream is empty."""
    entry = Engagement.from_history(history)
    if entry is None:
        raise NotFoundError("no pipeline entry for this partner in this campaign")
    return entry


def ids(entry: Engagement) -> dict[str, str]:
    """The fields every event of an entry carries."""
    return {
        "engagement_id": entry.engagement_id,
        "partner_id": entry.partner_id,
        "campaign_id": entry.campaign_id,
    }


# -- decisions ---------------------------------------------------------------------------


def open_entry(
    history: Sequence[RecordedEvent],
    *,
    campaign_id: str,
    partner_id: str,
    stage: Stage = "identified",
    owner_id: str | None = None,
    score: float | None = None,
) -> list[DomainEvent]:
    """Open the entry: once per campaign and partner, in one of the first two stages."""
    if history:
        raise DomainError(
            f"partner {partner_id} already has a pipeline entry in campaign {campaign_id}",
            field="partner_id",
        )
    if stage not in ("identified", "prioritised"):
        raise InvalidInputError("an entry opens as identified or prioritised", field="body.stage")
    return [
        EngagementOpened(
            engagement_id=engagement_id(campaign_id, partner_id),
            partner_id=partner_id,
            campaign_id=campaign_id,
            stage=stage,
            score=score,
            owner_id=owner_id,
        )
    ]


def move(history: Sequence[RecordedEvent], *, to: Stage, may_skip: bool) -> list[DomainEvent]:
    """Move the entry to stage `to`, as the transition table allows."""
    entry = current(history)
    skipped = check_move(entry.stage, entry.paused_from, to, may_skip=may_skip)
    return [
        EngagementStageChanged(**ids(entry), from_stage=entry.stage, to_stage=to, skipped=skipped)
    ]


def assign_owner(history: Sequence[RecordedEvent], *, owner_id: str) -> list[DomainEvent]:
    """Name the staff member who carries the relationship (the same one again: nothing)."""
    entry = current(history)
    if entry.owner_id == owner_id:
        return []
    return [
        EngagementOwnerAssigned(**ids(entry), owner_id=owner_id, previous_owner_id=entry.owner_id)
    ]


def check_capacity(staff_id: str, max_partners: int | None, carried: int) -> None:
    """A staff member with a capacity set takes no entry beyond it."""
    if max_partners is not None and carried >= max_partners:
        raise DomainError(
            f"{staff_id} already carries {carried} of at most {max_partners} partners",
            field="body.owner_id",
        )


# -- reactions to scoring ----------------------------------------------------------------


def open_for_recommended(
    history: Sequence[RecordedEvent], scored: PartnerScored, *, auto_open: bool
) -> list[DomainEvent]:
    """With the campaign's auto-open on, a recommended partner enters the pipeline as
    `prioritised`; an entry that exists already is left as it is."""
    if history or not auto_open or not scored.recommended or scored.excluded:
        return []
    return open_entry(
        history,
        campaign_id=scored.campaign_id,
        partner_id=scored.partner_id,
        stage="prioritised",
        score=scored.score,
    )


def pause_for_exclusion(
    history: Sequence[RecordedEvent], scored: PartnerScored
) -> list[DomainEvent]:
    """A deal-breaker found later pauses an open entry (committed and declined ones stay)."""
    entry = Engagement.from_history(history)
    if entry is None or not scored.excluded or entry.stage not in OPEN:
        return []
    return [EngagementStageChanged(**ids(entry), from_stage=entry.stage, to_stage="paused")]


SIGNABLE: frozenset[str] = frozenset(
    {"identified", "prioritised", "contacted", "in_dialogue", "interested"}
)
"""Stages from which a signed agreement carries an entry to `committed`; a paused or declined
entry is left for staff to reconsider, and a committed one is where it should be."""


def commit_for_signature(history: Sequence[RecordedEvent]) -> list[DomainEvent]:
    """Every party signed an agreement with the partner: its entry, if open and short of it,
    is committed (stages skipped are named, as for a lead's skip)."""
    if not history:
        return []
    entry = current(history)
    if entry.stage not in SIGNABLE:
        return []
    return move(history, to="committed", may_skip=True)


def exclusion_reason(scored: PartnerScored) -> str:
    """The reason an automatic pause records: each deal-breaker's explanation."""
    found = "; ".join(f"{e.deal_breaker_id}: {e.explanation}" for e in scored.exclusions)
    return f"paused: deal-breaker found by scoring ({found or 'no explanation given'})"[:2000]


def opening_reason(scored: PartnerScored) -> str:
    return f"opened as prioritised: recommended by scoring (score {scored.score}, auto-open on)"
