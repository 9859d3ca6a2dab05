"""What agreement's routes read and answer: request bodies (strict, every text visible), the
agreement as JSON, and the steps every route shares (the campaign check, the ETag)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Response
from pydantic import BaseModel, BeforeValidator, Field

from coalition.agreement.domain.agreement import Agreement, Status, Version
from coalition.agreement.domain.reviews import Attention, attention
from coalition.agreement.service_layer import handlers
from coalition.shared.access.principal import Principal
from coalition.shared.application import Decide
from coalition.shared.contracts.agreement import (
    AgreementContent,
    Cadence,
    Channel,
    ContentChange,
    DecisionRule,
    DecisionRuleKind,
    Goal,
    ResourcePledge,
    Responsibility,
)
from coalition.shared.eventstore.store import EventStore
from coalition.shared.web.auth import PrincipalDep, visible
from coalition.shared.web.context import RequestContext
from coalition.shared.web.deps import ContextDep, IfMatch, StoreDep, parse_if_match
from coalition.shared.web.models import (
    Day,
    Identifier,
    Label,
    Name,
    Note,
    RequestBody,
    Text,
    whole_number,
)
from coalition.shared.web.problems import NotFoundError

AgreementPath = Annotated[
    str, Path(max_length=100, pattern=r"^[A-Za-z0-9_.-]+$", description="The agreement's id.")
]
CampaignPath = Annotated[
    str, Path(max_length=100, pattern=r"^[A-Za-z0-9_.-]+$", description="The campaign's id.")
]
Limit = Annotated[int, Query(ge=1, le=500, description="At most this many items.")]
Cursor = Annotated[
    str | None, Query(max_length=400, description="`next_cursor` of the previous page.")
]
Days = Annotated[int, Field(ge=1, le=3650), BeforeValidator(whole_number)]
VersionNumberIn = Annotated[int, Field(ge=1, le=1_000_000), BeforeValidator(whole_number)]
NoticeDays = Annotated[int, Field(ge=0, le=3650), BeforeValidator(whole_number)]
CommitmentRef = Annotated[str, Field(max_length=201, pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.:-]+$")]


class GoalIn(RequestBody):
    goal_id: Identifier
    statement: Note
    objective_id: Identifier | None = Field(default=None, description="The objective it serves.")


class ResponsibilityIn(RequestBody):
    responsibility_id: Identifier
    party_id: Identifier = Field(description="A party, or the campaign (by its id).")
    task: Note
    deliverable: Annotated[Note, Field(max_length=1000)] = Field(
        description="What counts as done, measurably."
    )
    due_on: Day | None = None


class ResourceIn(RequestBody):
    party_id: Identifier = Field(description="A party, or the campaign (by its id).")
    description: Annotated[Note, Field(max_length=1000)]
    commitment_id: Identifier | None = Field(default=None, description="From engagement.")


class ChannelIn(RequestBody):
    medium: Label
    cadence: Cadence


class DecisionRuleIn(RequestBody):
    rule: DecisionRuleKind
    lead_party_id: Identifier | None = Field(default=None, description="For `lead_organisation`.")
    majority: float | None = Field(default=None, gt=0.5, le=1.0, description="For `majority`.")


class ContentIn(RequestBody):
    """Everything the parties agree to (the whole version: an amendment restates it)."""

    title: Name
    parties: list[Identifier] = Field(
        min_length=1, max_length=50, description="Partner ids that sign (not the campaign)."
    )
    terms: Text = Field(description="The full text of the terms.")
    goals: list[GoalIn] = Field(default_factory=list, max_length=50)
    responsibilities: list[ResponsibilityIn] = Field(default_factory=list, max_length=200)
    resources: list[ResourceIn] = Field(default_factory=list, max_length=200)
    channels: list[ChannelIn] = Field(default_factory=list, max_length=20)
    decision_rule: DecisionRuleIn = Field(default_factory=lambda: DecisionRuleIn(rule="consensus"))
    starts_on: Day | None = None
    ends_on: Day | None = Field(default=None, description="None: until terminated.")
    notice_days: NoticeDays | None = None
    exit_terms: Note | None = None
    review_every_days: Days | None = Field(default=None, description="Review cadence.")

    def content(self) -> AgreementContent:
        fields = self.model_dump(exclude={"reason", "commitments", "proposed_by"})
        return AgreementContent.model_validate(fields)


class VersionPublic(BaseModel):
    version: int
    terms_hash: str
    proposed_by: str
    sent_for_signature: bool
    sign_by: date | None
    changes: list[ContentChange]
    signed_by: dict[str, str] = Field(description="Party -> signatory, on this version.")
    content: AgreementContent


class AttentionPublic(BaseModel):
    flag: str
    detail: str
    since: date | None
    subject: str | None


class AgreementPublic(BaseModel):
    agreement_id: str
    campaign_id: str
    status: Status
    version: int = Field(description="The agreement's version for `If-Match` (its ETag).")
    current_version: int = Field(description="The latest version of the content.")
    in_force_version: int | None = Field(description="The version that binds, if any.")
    pending_version: int | None = Field(description="A later version awaiting signatures.")
    in_force_from: date | None
    in_force_until: date | None = Field(description="Its end, renewals included.")
    closed_on: date | None = Field(description="When it was terminated, expired or withdrawn.")
    terms_hash: str = Field(description="SHA-256 of the current version's document.")
    signed_by: dict[str, str] = Field(description="Party -> signatory, on the current version.")
    awaiting: list[str] = Field(description="Parties yet to sign the current version.")
    commitments: list[str]
    reviews: int
    attention: list[AttentionPublic]
    title: str
    parties: list[str]
    terms: str
    goals: list[Goal]
    responsibilities: list[Responsibility]
    resources: list[ResourcePledge]
    channels: list[Channel]
    decision_rule: DecisionRule
    starts_on: date | None
    ends_on: date | None
    notice_days: int | None
    exit_terms: str | None
    review_every_days: int | None


def attention_public(flags: list[Attention]) -> list[AttentionPublic]:
    return [AttentionPublic(**flag.__dict__) for flag in flags]


def public(state: Agreement, today: date) -> AgreementPublic:
    now = state.current
    fields: dict[str, Any] = {
        "agreement_id": state.agreement_id,
        "campaign_id": state.campaign_id,
        "status": state.status,
        "version": state.version,
        "current_version": now.number,
        "in_force_version": state.in_force_version,
        "pending_version": state.pending_version,
        "in_force_from": state.in_force_from,
        "in_force_until": state.ends_on,
        "closed_on": state.closed_on,
        "terms_hash": now.terms_hash,
        "signed_by": {p: s.signatory for p, s in state.signed(now.number).items()},
        "awaiting": state.awaiting() if now.sent else [],
        "commitments": list(state.commitments),
        "reviews": len(state.reviews),
        "attention": attention_public(attention(state, today)),
    }
    return AgreementPublic(**fields, **dict(now.content))


def version_public(state: Agreement, version: Version) -> VersionPublic:
    return VersionPublic(
        version=version.number,
        terms_hash=version.terms_hash,
        proposed_by=version.proposed_by,
        sent_for_signature=version.sent,
        sign_by=version.sign_by,
        changes=list(version.changes),
        signed_by={p: s.signatory for p, s in state.signed(version.number).items()},
        content=version.content,
    )


def with_etag(response: Response, state: Agreement) -> None:
    response.headers["ETag"] = f'"{state.version}"'


@dataclass(frozen=True)
class Change:
    """What every change of an agreement needs, gathered once: the agreement named in the path
    (404 unless the caller's campaign's), the request's actor and correlation, the version the
    client saw (`If-Match`), and the response to set the new `ETag` on."""

    agreement_id: str
    store: EventStore
    context: RequestContext
    principal: Principal
    response: Response
    expected_version: int | None

    async def apply(self, reason: str, decide: Decide) -> Agreement:
        state = await visible_agreement(self.store, self.principal, self.agreement_id)
        state = await handlers.change_agreement(
            self.store,
            self.context.metadata(reason=reason, campaign_id=state.campaign_id),
            self.agreement_id,
            decide,
            expected_version=self.expected_version,
        )
        with_etag(self.response, state)
        return state


async def change_of(
    agreement_id: AgreementPath,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> Change:
    return Change(agreement_id, store, context, principal, response, parse_if_match(if_match))


ChangeDep = Annotated[Change, Depends(change_of)]


def today() -> date:
    return datetime.now(UTC).date()


async def visible_agreement(
    store: EventStore, principal: Principal, agreement_id: str
) -> Agreement:
    """The agreement, if it is one of the caller's campaigns'; else 404 as for an unknown id."""
    state = await handlers.get_agreement(store, agreement_id)
    visible(principal, state.campaign_id, NotFoundError(f"agreement {agreement_id} not found"))
    return state
