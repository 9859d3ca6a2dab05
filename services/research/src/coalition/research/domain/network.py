"""The stakeholder network: stakeholders as records of their own, and the typed, directed,
weighted ties between partners and stakeholders. Pure: ties are checked against the ends the
caller read, never looked up here."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from coalition.shared.contracts.research import (
    NodeRef,
    RelationshipEnded,
    RelationshipRecorded,
    RelationshipType,
    StakeholderKind,
    StakeholderRecorded,
)
from coalition.shared.events.envelope import DomainEvent, RecordedEvent
from coalition.shared.web.problems import DomainError, InvalidInputError, NotFoundError

STAKEHOLDER_STREAM_TYPE = "stakeholder"
RELATIONSHIP_STREAM_TYPE = "relationship"
RELATIONSHIP_IDS = uuid.UUID("0d7c1b52-4a0e-4a7b-8f43-2f1d9c5e6a70")


def stakeholder_stream(stakeholder_id: str) -> str:
    return f"stakeholder-{stakeholder_id}"


def relationship_stream(relationship_id: str) -> str:
    return f"relationship-{relationship_id}"


def relationship_id_for(
    campaign_id: str, source: NodeRef, relationship: RelationshipType, target: NodeRef
) -> str:
    """One tie per campaign, ends and type: recording it again (a re-import, say) updates it."""
    key = f"{campaign_id}/{source.type}:{source.id}/{relationship}/{target.type}:{target.id}"
    return str(uuid.uuid5(RELATIONSHIP_IDS, key))


@dataclass(frozen=True)
class Stakeholder:
    stakeholder_id: str
    campaign_id: str
    name: str
    kind: StakeholderKind
    role: str | None
    affiliation: str | None
    country: str | None
    notes: str | None
    version: int

    @classmethod
    def from_history(cls, history: Sequence[RecordedEvent]) -> Stakeholder | None:
        stakeholder: Stakeholder | None = None
        for event in history:
            if event.event_type == "StakeholderRecorded":
                s = StakeholderRecorded.model_validate(event.payload)
                stakeholder = cls(**s.model_dump(), version=event.stream_version)
            elif stakeholder is not None:
                stakeholder = replace(stakeholder, version=event.stream_version)
        return stakeholder


def record_stakeholder(
    history: Sequence[RecordedEvent], description: StakeholderRecorded
) -> list[DomainEvent]:
    """A new stakeholder, or a changed description of a known one (same campaign only);
    nothing when nothing changed."""
    known = Stakeholder.from_history(history)
    if not description.name.strip():
        raise InvalidInputError("name must not be blank", field="body.name")
    description = description.model_copy(update={"name": description.name.strip()})
    if known is not None:
        if known.campaign_id != description.campaign_id:
            raise DomainError("a stakeholder stays in the campaign it was recorded in")
        if StakeholderRecorded(**_fields(known)) == description:
            return []
    return [description]


def _fields(stakeholder: Stakeholder) -> dict[str, object]:
    fields = dict(stakeholder.__dict__)
    del fields["version"]
    return fields


@dataclass(frozen=True)
class Relationship:
    relationship_id: str
    campaign_id: str
    source: NodeRef
    target: NodeRef
    relationship: RelationshipType
    weight: float
    since: date | None
    evidence: str | None
    ended_on: date | None
    ended: bool
    version: int

    @classmethod
    def from_history(cls, history: Sequence[RecordedEvent]) -> Relationship | None:
        tie: Relationship | None = None
        for event in history:
            if event.event_type == "RelationshipRecorded":
                r = RelationshipRecorded.model_validate(event.payload)
                tie = cls(**dict(r), ended_on=None, ended=False, version=event.stream_version)
            elif event.event_type == "RelationshipEnded" and tie is not None:
                ended = RelationshipEnded.model_validate(event.payload)
                tie = replace(tie, ended=True, ended_on=ended.ended_on)
            if tie is not None:
                tie = replace(tie, version=event.stream_version)
        return tie


@dataclass(frozen=True)
class End:
    """One end of a tie as the caller found it: its campaign, or None if it does not exist."""

    ref: NodeRef
    campaign_id: str | None


def record_relationship(
    history: Sequence[RecordedEvent],
    *,
    campaign_id: str,
    source: End,
    target: End,
    relationship: RelationshipType,
    weight: float,
    since: date | None = None,
    evidence: str | None = None,
) -> list[DomainEvent]:
    """A tie between two records of the campaign (recorded again after it ended, it holds
    again); nothing when already recorded just so."""
    for name, end in (("source", source), ("target", target)):
        if end.campaign_id != campaign_id:
            # Another campaign's record is answered as an unknown one: 404 either way.
            raise NotFoundError(
                f"{name} {end.ref.type} {end.ref.id} is not a record of campaign {campaign_id}",
                field=f"body.{name}.id",
            )
    if source.ref == target.ref:
        raise DomainError("a tie needs two different ends", field="body.target")
    relationship_id = relationship_id_for(campaign_id, source.ref, relationship, target.ref)
    new = RelationshipRecorded(
        relationship_id=relationship_id,
        campaign_id=campaign_id,
        source=source.ref,
        target=target.ref,
        relationship=relationship,
        weight=weight,
        since=since,
        evidence=evidence,
    )
    known = Relationship.from_history(history)
    if known is not None and not known.ended:
        same = (known.weight, known.since, known.evidence) == (weight, since, evidence)
        if same:
            return []
    return [new]


def end_relationship(
    history: Sequence[RecordedEvent], *, ended_on: date | None = None
) -> list[DomainEvent]:
    """A tie that holds no longer; ending it twice is refused."""
    tie = Relationship.from_history(history)
    if tie is None:
        raise NotFoundError("relationship not found")
    if tie.ended:
        raise DomainError(
            f"relationship {tie.relationship_id} has already ended",
            relationship_id=tie.relationship_id,
        )
    if ended_on and tie.since and ended_on < tie.since:
        raise InvalidInputError("ended_on is before the tie began", field="body.ended_on")
    return [
        RelationshipEnded(
            relationship_id=tie.relationship_id,
            campaign_id=tie.campaign_id,
            source=tie.source,
            target=tie.target,
            relationship=tie.relationship,
            ended_on=ended_on,
        )
    ]
