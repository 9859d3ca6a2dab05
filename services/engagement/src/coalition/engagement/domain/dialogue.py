"""Decisions about the dialogue with a partner, recorded on its pipeline entry: interactions
and their follow-ups, trust assessments, shared project ideas and commitments. Pure, like
every decision: the entry's stream in, the new events out, or a `DomainError`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from coalition.engagement.domain.pipeline import COMMITTING, Engagement, current, ids
from coalition.shared.contracts.engagement import (
    CommitmentMade,
    CommitmentWithdrawn,
    FollowUp,
    FollowUpCompleted,
    IdeaKind,
    InteractionKind,
    InteractionRecorded,
    ProjectIdeaRaised,
    TrustAssessed,
)
from coalition.shared.events.envelope import DomainEvent, RecordedEvent
from coalition.shared.web.problems import DomainError, NotFoundError


def record_interaction(
    history: Sequence[RecordedEvent],
    *,
    interaction_id: str,
    kind: InteractionKind,
    occurred_on: date,
    our_participants: Sequence[str],
    their_participants: Sequence[str],
    summary: str,
    interests: Sequence[str] = (),
    concerns: Sequence[str] = (),
    follow_ups: Sequence[FollowUp] = (),
) -> list[DomainEvent]:
    entry = current(history)
    if interaction_id in entry.interactions:
        raise DomainError(f"interaction {interaction_id} already recorded", field="interaction_id")
    return [
        InteractionRecorded(
            **ids(entry),
            interaction_id=interaction_id,
            kind=kind,
            occurred_on=occurred_on,
            our_participants=list(dict.fromkeys(our_participants)),
            their_participants=list(dict.fromkeys(their_participants)),
            summary=summary,
            interests=list(dict.fromkeys(interests)),
            concerns=list(dict.fromkeys(concerns)),
            follow_ups=list(follow_ups),
        )
    ]


def complete_follow_up(
    history: Sequence[RecordedEvent], *, follow_up_id: str, completed_on: date
) -> list[DomainEvent]:
    entry = current(history)
    follow_up = entry.follow_ups.get(follow_up_id)
    if follow_up is None:
        raise NotFoundError(f"follow-up {follow_up_id} not found", follow_up_id=follow_up_id)
    if follow_up.completed_on is not None:
        raise DomainError(
            f"follow-up {follow_up_id} was completed on {follow_up.completed_on.isoformat()}",
            field="follow_up_id",
        )
    return [FollowUpCompleted(**ids(entry), follow_up_id=follow_up_id, completed_on=completed_on)]


def _known_interaction(entry: Engagement, interaction_id: str | None) -> None:
    if interaction_id is not None and interaction_id not in entry.interactions:
        raise DomainError(
            f"no interaction {interaction_id} in this entry", field="body.interaction_id"
        )


def assess_trust(
    history: Sequence[RecordedEvent],
    *,
    assessment_id: str,
    interaction_id: str,
    assessed_on: date,
    openness: int,
    reliability: int,
    mission_support: int,
    note: str | None = None,
) -> list[DomainEvent]:
    """Rapport after an interaction of this entry, each dimension 1..4."""
    entry = current(history)
    _known_interaction(entry, interaction_id)
    return [
        TrustAssessed(
            **ids(entry),
            assessment_id=assessment_id,
            interaction_id=interaction_id,
            assessed_on=assessed_on,
            openness=openness,
            reliability=reliability,
            mission_support=mission_support,
            note=note,
        )
    ]


def raise_idea(
    history: Sequence[RecordedEvent],
    *,
    idea_id: str,
    kind: IdeaKind,
    title: str,
    description: str | None = None,
    interaction_id: str | None = None,
    with_partners: Sequence[str] = (),
    synergy: str | None = None,
) -> list[DomainEvent]:
    entry = current(history)
    _known_interaction(entry, interaction_id)
    return [
        ProjectIdeaRaised(
            **ids(entry),
            idea_id=idea_id,
            kind=kind,
            title=title,
            description=description,
            interaction_id=interaction_id,
            with_partners=[p for p in dict.fromkeys(with_partners) if p != entry.partner_id],
            synergy=synergy,
        )
    ]


def make_commitment(
    history: Sequence[RecordedEvent], *, commitment_id: str, what: str, resources: Sequence[str]
) -> list[DomainEvent]:
    """What the partner says it will bring; only once a dialogue is under way."""
    entry = current(history)
    if entry.stage not in COMMITTING:
        raise DomainError(
            f"a partner {entry.stage} cannot commit yet: move the entry to in_dialogue first",
            field="stage",
            stage=entry.stage,
        )
    return [
        CommitmentMade(
            **ids(entry),
            commitment_id=commitment_id,
            what=what,
            resources=list(dict.fromkeys(resources)),
        )
    ]


def withdraw_commitment(
    history: Sequence[RecordedEvent], *, commitment_id: str
) -> list[DomainEvent]:
    entry = current(history)
    commitment = entry.commitments.get(commitment_id)
    if commitment is None:
        raise NotFoundError(f"commitment {commitment_id} not found", commitment_id=commitment_id)
    if commitment.withdrawn:
        raise DomainError(
            f"commitment {commitment_id} was already withdrawn", field="commitment_id"
        )
    return [CommitmentWithdrawn(**ids(entry), commitment_id=commitment_id)]
