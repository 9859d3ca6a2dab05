"""Events the engagement service publishes: the outreach pipeline of a campaign, one entry per
partner, from first contact to commitment or refusal, and the campaign's outreach settings.

Every event of an entry carries `engagement_id`, `partner_id` and `campaign_id`, so a consumer
(the audit timeline, agreement drafting, scoring) needs no lookup. Who acted and why travel in
the metadata (`actor`, `reason`, correlation and causation), as for every event.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from coalition.shared.events.envelope import DomainEvent

Stage = Literal[
    "identified",
    "prioritised",
    "contacted",
    "in_dialogue",
    "interested",
    "committed",
    "declined",
    "paused",
]

InteractionKind = Literal["call", "meeting", "email", "event"]

IdeaKind = Literal["joint_action", "resource_sharing", "coordinated_advocacy"]

TrustLevel = int
"""1 (low) .. 4 (high): the PARTNER tool's four-point scale."""


class EngagementOpened(DomainEvent):
    """A pipeline entry was opened for a partner in a campaign (by staff, or automatically for a
    partner scoring recommended)."""

    service = "engagement"
    is_decision = True

    engagement_id: str = Field(description="`<campaign_id>.<partner_id>`: one entry per pair.")
    partner_id: str = Field(description="The partner approached.")
    campaign_id: str = Field(description="The campaign approaching it.")
    stage: Stage = Field(description="The stage the entry opens in.")
    score: float | None = Field(
        default=None, ge=0.0, le=1.0, description="The score that opened it, if any."
    )
    owner_id: str | None = Field(
        default=None, description="The staff member who carries the relationship, if named."
    )


class EngagementStageChanged(DomainEvent):
    """The entry moved to another stage of the pipeline (the reason is in the metadata)."""

    service = "engagement"
    is_decision = True

    engagement_id: str = Field(description="The pipeline entry.")
    partner_id: str = Field(description="The partner approached.")
    campaign_id: str = Field(description="The campaign approaching it.")
    from_stage: Stage = Field(description="The stage it left.")
    to_stage: Stage = Field(description="The stage it is now in.")
    skipped: list[Stage] = Field(
        default_factory=list,
        description="Stages jumped over (only a lead may skip, and always with a reason).",
    )


class EngagementOwnerAssigned(DomainEvent):
    """A staff member now carries the relationship with the partner."""

    service = "engagement"
    is_decision = True

    engagement_id: str = Field(description="The pipeline entry.")
    partner_id: str = Field(description="The partner approached.")
    campaign_id: str = Field(description="The campaign approaching it.")
    owner_id: str = Field(description="The staff member now responsible.")
    previous_owner_id: str | None = Field(default=None, description="Who carried it before.")


class FollowUp(BaseModel):
    """Something to do after an interaction, by a day, by someone."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    follow_up_id: str = Field(description="Unique within the entry.")
    what: str = Field(min_length=1, max_length=5000, description="What is to be done.")
    due_on: date = Field(description="When it is due.")
    owner_id: str = Field(description="The staff member who does it.")


class InteractionRecorded(DomainEvent):
    """A call, meeting, email or event with the partner: who took part, what was said, what
    the partner cares about and what is to be done next."""

    service = "engagement"
    is_decision = False

    engagement_id: str = Field(description="The pipeline entry.")
    partner_id: str = Field(description="The partner approached.")
    campaign_id: str = Field(description="The campaign approaching it.")
    interaction_id: str = Field(description="Unique within the entry.")
    kind: InteractionKind = Field(description="call, meeting, email or event.")
    occurred_on: date = Field(description="The day it took place.")
    our_participants: list[str] = Field(description="Staff ids on the campaign's side.")
    their_participants: list[str] = Field(
        description="The partner's key people (research's person ids, as given)."
    )
    summary: str = Field(min_length=1, max_length=5000, description="What happened.")
    interests: list[str] = Field(default_factory=list, description="What the partner wants.")
    concerns: list[str] = Field(default_factory=list, description="What worries the partner.")
    follow_ups: list[FollowUp] = Field(default_factory=list, description="What is to be done.")


class FollowUpCompleted(DomainEvent):
    """A follow-up of an interaction was done."""

    service = "engagement"
    is_decision = False

    engagement_id: str = Field(description="The pipeline entry.")
    partner_id: str = Field(description="The partner approached.")
    campaign_id: str = Field(description="The campaign approaching it.")
    follow_up_id: str = Field(description="The follow-up done.")
    completed_on: date = Field(description="The day it was done.")


class TrustAssessed(DomainEvent):
    """Rapport after an interaction, on the PARTNER tool's trust dimensions, each 1 (low) to
    4 (high)."""

    service = "engagement"
    is_decision = False

    engagement_id: str = Field(description="The pipeline entry.")
    partner_id: str = Field(description="The partner approached.")
    campaign_id: str = Field(description="The campaign approaching it.")
    assessment_id: str = Field(description="Unique within the entry.")
    interaction_id: str = Field(description="The interaction it follows.")
    assessed_on: date = Field(description="The day of the assessment.")
    openness: TrustLevel = Field(ge=1, le=4, description="Does the partner share openly?")
    reliability: TrustLevel = Field(ge=1, le=4, description="Does it do what it says?")
    mission_support: TrustLevel = Field(
        ge=1, le=4, description="Does it support the shared mission?"
    )
    note: str | None = Field(default=None, max_length=5000, description="What the scores rest on.")


class ProjectIdeaRaised(DomainEvent):
    """A shared project idea came up in dialogue, possibly one scoring's synergies suggested."""

    service = "engagement"
    is_decision = False

    engagement_id: str = Field(description="The pipeline entry.")
    partner_id: str = Field(description="The partner approached.")
    campaign_id: str = Field(description="The campaign approaching it.")
    idea_id: str = Field(description="Unique within the entry.")
    kind: IdeaKind = Field(description="joint_action, resource_sharing or coordinated_advocacy.")
    title: str = Field(min_length=1, max_length=300, description="The idea in a few words.")
    description: str | None = Field(default=None, max_length=5000, description="More detail.")
    interaction_id: str | None = Field(default=None, description="Where it was raised.")
    with_partners: list[str] = Field(
        default_factory=list, description="Other partners it would involve (ids)."
    )
    synergy: str | None = Field(
        default=None, max_length=300, description="A synergy scoring found, by reference."
    )


class CommitmentMade(DomainEvent):
    """The partner said what it will bring to the coalition: agreement drafting starts here,
    and scoring counts the partner among the campaign's current partners."""

    service = "engagement"
    is_decision = True

    engagement_id: str = Field(description="The pipeline entry.")
    partner_id: str = Field(description="The partner that commits.")
    campaign_id: str = Field(description="The campaign it commits to.")
    commitment_id: str = Field(description="Unique within the entry.")
    what: str = Field(min_length=1, max_length=5000, description="What the partner will do.")
    resources: list[str] = Field(
        default_factory=list, description="What it brings: staff time, a venue, its list..."
    )


class CommitmentWithdrawn(DomainEvent):
    """A commitment no longer stands (the partner pulled out, or it was recorded in error)."""

    service = "engagement"
    is_decision = True

    engagement_id: str = Field(description="The pipeline entry.")
    partner_id: str = Field(description="The partner that had committed.")
    campaign_id: str = Field(description="The campaign it had committed to.")
    commitment_id: str = Field(description="The commitment withdrawn.")


class AutoOpenSet(DomainEvent):
    """The campaign's setting: whether a partner scored `recommended` opens an entry by itself."""

    service = "engagement"
    is_decision = True

    campaign_id: str = Field(description="The campaign.")
    enabled: bool = Field(description="On: recommended partners enter the pipeline prioritised.")


class OutreachCapacitySet(DomainEvent):
    """How many partners a staff member can carry; scoring sums these over a campaign's staff
    to bound the coalition it recommends."""

    service = "engagement"
    is_decision = True

    campaign_id: str = Field(description="The campaign.")
    staff_id: str = Field(description="The staff member.")
    max_partners: int = Field(ge=0, description="At most this many active entries (0: none).")


__all__ = [  # noqa: RUF022 (story order)
    "EngagementOpened",
    "EngagementStageChanged",
    "EngagementOwnerAssigned",
    "InteractionRecorded",
    "FollowUpCompleted",
    "TrustAssessed",
    "ProjectIdeaRaised",
    "CommitmentMade",
    "CommitmentWithdrawn",
    "AutoOpenSet",
    "OutreachCapacitySet",
]
