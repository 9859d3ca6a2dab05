"""Events about the stakeholder network: the people and organisations around the partners, and
the typed, directed, weighted ties between them."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from coalition.shared.events.envelope import DomainEvent

StakeholderKind = Literal[
    "policymaker", "official", "journalist", "media_outlet", "funder", "organisation", "other"
]

RelationshipType = Literal[
    "member_of",
    "funds",
    "allied_with",
    "opposed_to",
    "advises",
    "covers",
    "lobbies",
    "shares_staff",
]
"""How one end relates to the other, read from source to target (`A funds B`)."""

NodeType = Literal["partner", "stakeholder"]


class NodeRef(BaseModel):
    """One end of a tie: a prospective partner or a stakeholder, by id."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: NodeType = Field(description="Which kind of record the id names.")
    id: str = Field(min_length=1, max_length=100, description="The record's id.")


class StakeholderRecorded(DomainEvent):
    """A person or organisation around the partners (a policymaker, a journalist, a funder),
    as a record of its own. Recorded again, it replaces the earlier description."""

    service = "research"

    stakeholder_id: str = Field(description="Stable id of the stakeholder.")
    campaign_id: str = Field(description="The campaign whose network it belongs to.")
    name: str = Field(min_length=1, max_length=300, description="Their name.")
    kind: StakeholderKind = Field(description="What kind of stakeholder.")
    role: str | None = Field(default=None, max_length=300, description="Their role or office.")
    affiliation: str | None = Field(default=None, max_length=300, description="Where they sit.")
    country: str | None = Field(default=None, max_length=100, description="Where they are.")
    notes: str | None = Field(default=None, max_length=5000, description="What staff know.")


class RelationshipRecorded(DomainEvent):
    """A tie from `source` to `target`. Recorded again (same ends and type), it replaces the
    earlier weight and evidence."""

    service = "research"

    relationship_id: str = Field(description="Stable id: derived from campaign, ends and type.")
    campaign_id: str = Field(description="The campaign whose network it belongs to.")
    source: NodeRef = Field(description="Where the tie starts.")
    target: NodeRef = Field(description="Where it ends.")
    relationship: RelationshipType = Field(description="How the source relates to the target.")
    weight: float = Field(ge=0.0, le=1.0, description="How strong the tie is, 0..1.")
    since: date | None = Field(default=None, description="Since when.")
    evidence: str | None = Field(default=None, max_length=2000, description="The source.")


class RelationshipEnded(DomainEvent):
    """A tie no longer holds (a membership lapsed, funding stopped)."""

    service = "research"

    relationship_id: str = Field(description="The tie.")
    campaign_id: str = Field(description="The campaign whose network it belongs to.")
    source: NodeRef = Field(description="Where the tie started.")
    target: NodeRef = Field(description="Where it ended.")
    relationship: RelationshipType = Field(description="How the source related to the target.")
    ended_on: date | None = Field(default=None, description="When it ended.")


__all__ = ["RelationshipEnded", "RelationshipRecorded", "StakeholderRecorded"]
