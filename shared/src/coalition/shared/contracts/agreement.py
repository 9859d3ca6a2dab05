"""Events the agreement service publishes.

An agreement's content (parties, goals, terms, responsibilities, resources, channels, the joint
decision rule, duration, exit terms) is versioned: the draft is version 1, every amendment the
next. `terms_hash` is the SHA-256 of one version's canonical document (see the agreement
service's `document` module), so the exact text each party signed can be fetched and checked
later. Parties are partner ids; the campaign is a party too and is named by its campaign id
where a party is expected (a responsibility, a proposer, a feedback)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from coalition.shared.events.envelope import DomainEvent

DecisionRuleKind = Literal["consensus", "majority", "lead_organisation"]
Cadence = Literal["weekly", "fortnightly", "monthly", "quarterly", "as_needed"]
DeliveryStatus = Literal["delivered", "partly_delivered", "missed", "not_due"]

WilderFactor = Literal[
    # Environment
    "history_of_collaboration",
    "legitimate_leader",
    "favourable_climate",
    # Membership characteristics
    "mutual_respect_trust",
    "appropriate_cross_section",
    "self_interest",
    "ability_to_compromise",
    # Process and structure
    "shared_stake",
    "multiple_layers_of_participation",
    "flexibility",
    "clear_roles",
    "adaptability",
    "appropriate_pace",
    "evaluation_and_learning",
    # Communication
    "open_frequent_communication",
    "informal_relationships",
    # Purpose
    "attainable_goals",
    "shared_vision",
    "unique_purpose",
    # Resources
    "sufficient_resources",
    "skilled_leadership",
    "engaged_stakeholders",
]
"""The factors of the Wilder Collaboration Factors Inventory (3rd edition), each rated 1
(strongly disagree) to 5 (strongly agree) by a respondent for one side."""


class Goal(BaseModel):
    """What the partnership sets out to achieve, tied to one of the campaign's objectives."""

    goal_id: str = Field(max_length=100, description="Stable within the agreement.")
    statement: str = Field(min_length=1, max_length=2000, description="The goal in words.")
    objective_id: str | None = Field(
        default=None, max_length=100, description="The campaign objective it serves."
    )


class Responsibility(BaseModel):
    """Who does what by when, with a deliverable someone can check."""

    responsibility_id: str = Field(max_length=100, description="Stable within the agreement.")
    party_id: str = Field(max_length=100, description="The party responsible (or the campaign).")
    task: str = Field(min_length=1, max_length=2000, description="What it does.")
    deliverable: str = Field(
        min_length=1, max_length=1000, description="What counts as done, measurably."
    )
    due_on: date | None = Field(default=None, description="When it is due.")


class ResourcePledge(BaseModel):
    """A resource one party brings."""

    party_id: str = Field(max_length=100, description="The party that brings it.")
    description: str = Field(min_length=1, max_length=1000, description="What it brings.")
    commitment_id: str | None = Field(
        default=None, max_length=100, description="The engagement commitment it comes from."
    )


class Channel(BaseModel):
    """How the parties talk, and how often."""

    medium: str = Field(min_length=1, max_length=200, description="A call, a list, a meeting.")
    cadence: Cadence = Field(description="How often.")


class DecisionRule(BaseModel):
    """How the parties decide together."""

    rule: DecisionRuleKind = Field(description="Consensus, majority or a lead organisation.")
    lead_party_id: str | None = Field(
        default=None, max_length=100, description="The lead organisation, for that rule."
    )
    majority: float | None = Field(
        default=None, gt=0.5, le=1.0, description="The share of parties a majority needs."
    )


class AgreementContent(BaseModel):
    """Everything the parties agree to: one version of the agreement."""

    title: str = Field(min_length=1, max_length=300, description="A name people recognise.")
    parties: list[str] = Field(min_length=1, description="Partner ids that must sign.")
    terms: str = Field(min_length=1, max_length=100_000, description="The full text of the terms.")
    goals: list[Goal] = Field(default_factory=list, description="What it sets out to achieve.")
    responsibilities: list[Responsibility] = Field(
        default_factory=list, description="Who does what by when."
    )
    resources: list[ResourcePledge] = Field(
        default_factory=list, description="What each party brings."
    )
    channels: list[Channel] = Field(default_factory=list, description="How the parties talk.")
    decision_rule: DecisionRule = Field(
        default_factory=lambda: DecisionRule(rule="consensus"),
        description="How the parties decide together.",
    )
    starts_on: date | None = Field(default=None, description="When it takes effect, if signed.")
    ends_on: date | None = Field(default=None, description="When it ends (open-ended if none).")
    notice_days: int | None = Field(
        default=None, ge=0, description="Notice a party gives before leaving."
    )
    exit_terms: str | None = Field(default=None, max_length=10_000, description="How to leave.")
    review_every_days: int | None = Field(
        default=None, ge=1, description="How often the partnership is reviewed."
    )


class ContentChange(BaseModel):
    """One line of an amendment's diff."""

    path: str = Field(description="What changed: a field, or a list item by its id.")
    change: Literal["added", "removed", "changed"] = Field(description="How it changed.")
    before: object = Field(default=None, description="The value before (JSON).")
    after: object = Field(default=None, description="The value after (JSON).")
    unified_diff: str | None = Field(
        default=None, description="For the terms' text: the lines changed, as `diff -u` shows."
    )


class AgreementDrafted(AgreementContent, DomainEvent):
    """An agreement between the campaign and one or more partners was drafted (version 1)."""

    service = "agreement"
    is_decision = True

    agreement_id: str = Field(description="Stable id of the agreement.")
    campaign_id: str = Field(description="The campaign the agreement serves.")
    terms_hash: str = Field(description="SHA-256 of version 1's canonical document, hex.")
    commitments: list[str] = Field(
        default_factory=list,
        description="The engagement commitments it starts from, as `partner_id/commitment_id`.",
    )


class AgreementAmended(DomainEvent):
    """A party (or the campaign) proposed a new version; signatures on earlier versions no
    longer count towards it."""

    service = "agreement"
    is_decision = True

    agreement_id: str = Field(description="The agreement amended.")
    campaign_id: str = Field(description="The campaign the agreement serves.")
    version: int = Field(ge=2, description="The new version.")
    proposed_by: str = Field(description="The party that proposed it, or the campaign.")
    content: AgreementContent = Field(description="The whole new version.")
    changes: list[ContentChange] = Field(description="What changed from the version before.")
    terms_hash: str = Field(description="SHA-256 of the new version's canonical document.")


class AgreementEvent(DomainEvent):
    """What every later event of an agreement's life names: which agreement, whose campaign,
    and the parties concerned, so a consumer needs no state of its own to know whose
    agreement changed. A base, not an event of its own."""

    service = "agreement"
    is_decision = True

    agreement_id: str = Field(description="The agreement.")
    campaign_id: str = Field(description="The campaign the agreement serves.")
    parties: list[str] = Field(
        default_factory=list, description="The parties concerned (partner ids)."
    )


class AgreementSentForSignature(AgreementEvent):
    """The campaign approved a version and sent it to the parties to sign."""

    version: int = Field(ge=1, description="The version to sign.")
    terms_hash: str = Field(description="SHA-256 of that version's canonical document.")
    sign_by: date | None = Field(default=None, description="When signatures are expected.")


class PartySigned(DomainEvent):
    """One party signed the exact version whose hash is recorded."""

    service = "agreement"
    is_decision = True

    agreement_id: str = Field(description="The agreement signed.")
    campaign_id: str = Field(description="The campaign the agreement serves.")
    partner_id: str = Field(description="The party that signed.")
    signatory: str = Field(min_length=1, max_length=200, description="Who signed for the party.")
    terms_hash: str = Field(description="SHA-256 of the exact document signed.")
    version: int = Field(default=1, ge=1, description="The version signed.")


class AgreementSigned(DomainEvent):
    """Every party signed a version: it is in force (replacing the version before, if any)."""

    service = "agreement"
    is_decision = True

    agreement_id: str = Field(description="The agreement now in force.")
    campaign_id: str = Field(description="The campaign the agreement serves.")
    parties: list[str] = Field(description="Every party, all of whom signed.")
    terms_hash: str = Field(description="SHA-256 of the document in force.")
    version: int = Field(default=1, ge=1, description="The version in force.")
    supersedes_version: int | None = Field(
        default=None, description="The version in force until now, for an amendment."
    )
    ends_on: date | None = Field(default=None, description="When it ends, if it has an end.")


class AgreementRenewed(AgreementEvent):
    """An agreement in force runs on to a later end date."""

    previous_ends_on: date = Field(description="The end date until now.")
    ends_on: date = Field(description="The new end date.")


class AgreementSuspended(AgreementEvent):
    """An agreement in force is paused: it still binds, its work is on hold."""

    requested_by: str = Field(description="The party that asked for it, or the campaign.")


class AgreementResumed(AgreementEvent):
    """A suspended agreement is back in force."""


class AgreementTerminated(AgreementEvent):
    """An agreement in force (or suspended) ends before its time; the reason is the event's."""

    terminated_by: str = Field(description="The party that ended it, or the campaign.")
    effective_on: date = Field(description="The day it stops binding.")


class AgreementExpired(AgreementEvent):
    """An agreement reached its end date without renewal."""

    ended_on: date = Field(description="Its end date.")


class AgreementWithdrawn(AgreementEvent):
    """A draft that was never in force was abandoned."""


class DeliverableReport(BaseModel):
    """How one responsibility went in the period reviewed."""

    responsibility_id: str = Field(max_length=100, description="The responsibility.")
    status: DeliveryStatus = Field(description="Delivered, partly, missed, or not yet due.")
    note: str | None = Field(default=None, max_length=2000, description="What happened.")


class Feedback(BaseModel):
    """One side's view of the collaboration: Wilder factors rated 1..5, and words."""

    party_id: str = Field(max_length=100, description="The side: a party, or the campaign.")
    respondent: str | None = Field(default=None, max_length=200, description="Who answered.")
    ratings: dict[WilderFactor, int] = Field(
        default_factory=dict, description="Wilder Collaboration Factors, 1 (low) to 5 (high)."
    )
    comment: str | None = Field(default=None, max_length=5000, description="In their words.")


class ImpactMeasure(BaseModel):
    """What the partnership achieved towards one of the campaign's objectives."""

    objective_id: str = Field(max_length=100, description="The campaign objective.")
    value: float = Field(description="The measured value, in the objective's metric.")
    note: str | None = Field(default=None, max_length=2000, description="How it was measured.")


class PartnershipReviewed(AgreementEvent):
    """A periodic review: responsibilities delivered against promised, each side's feedback, and
    the impact against the campaign's objectives."""

    review_id: str = Field(description="Stable id of the review.")
    period_from: date = Field(description="First day of the period reviewed.")
    period_to: date = Field(description="Last day of the period reviewed.")
    deliverables: list[DeliverableReport] = Field(description="Each responsibility's outcome.")
    feedback: list[Feedback] = Field(default_factory=list, description="Each side's view.")
    impact: list[ImpactMeasure] = Field(default_factory=list, description="Against objectives.")
    promised: int = Field(ge=0, description="Responsibilities due in the period.")
    delivered: int = Field(ge=0, description="Of those, delivered in full.")
    missed: list[str] = Field(default_factory=list, description="Responsibilities missed.")


__all__ = [  # noqa: RUF022 (story order)
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
]
