"""What the routes answer: a pipeline entry as JSON, and the shared steps every entry route
takes (the campaign check, the change at the version the client saw, the 409 when stale)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Path, Response
from pydantic import BaseModel, Field, StringConstraints

from coalition.engagement.domain import pipeline
from coalition.engagement.service_layer import handlers
from coalition.shared.access.principal import Principal
from coalition.shared.application import Decide
from coalition.shared.contracts.engagement import (
    IdeaKind,
    InteractionKind,
    Stage,
)
from coalition.shared.eventstore.errors import PreconditionFailedError
from coalition.shared.eventstore.store import EventStore
from coalition.shared.web.auth import require_campaign
from coalition.shared.web.context import RequestContext
from coalition.shared.web.deps import parse_if_match
from coalition.shared.web.problems import DomainError

LEAD_SCOPE = "engagement:lead"  # one of the shared ROLE_SCOPES
"""The role that may skip stages (admins may too)."""

STAFF_PATTERN = r"^[A-Za-z0-9_.:@-]+$"
StaffId = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=STAFF_PATTERN)]
"""A staff member or a partner's key person, by id (`staff:maria`, `civicrm:1001`)."""
CampaignPath = Annotated[
    str, Path(max_length=100, pattern=r"^[A-Za-z0-9_.-]+$", description="The campaign's id.")
]
PartnerPath = Annotated[
    str,
    Path(
        max_length=88,  # the stream id, `engagement-<campaign>.<partner>`, holds 200 characters
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="The partner's id (research's, as given).",
    ),
]
ItemPath = Annotated[str, Path(max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")]
EntryIfMatch = Annotated[
    str | None,
    Header(
        description="ETag of the entry's version being changed: 409, with the entry as it now "
        "is in `current`, if that is no longer current.",
        pattern=r'^(W/)?"?[0-9]{1,9}"?$',
    ),
]


class StaleEntryError(DomainError):
    """`If-Match` named a version that is no longer current: the entry (or the campaign's
    outreach settings) as it now is goes with the refusal, in `current`, so the client can
    decide again without another request."""

    kind = "version-conflict"


class MovePublic(BaseModel):
    from_stage: Stage
    to_stage: Stage
    skipped: list[Stage]
    actor: str
    reason: str | None
    at: str


class InteractionPublic(BaseModel):
    interaction_id: str
    kind: InteractionKind
    occurred_on: str
    our_participants: list[str]
    their_participants: list[str]
    summary: str
    interests: list[str]
    concerns: list[str]


class FollowUpPublic(BaseModel):
    follow_up_id: str
    interaction_id: str
    what: str
    due_on: str
    owner_id: str
    completed_on: str | None


class AssessmentPublic(BaseModel):
    assessment_id: str
    interaction_id: str
    assessed_on: str
    openness: int
    reliability: int
    mission_support: int
    note: str | None


class IdeaPublic(BaseModel):
    idea_id: str
    kind: IdeaKind
    title: str
    description: str | None
    interaction_id: str | None
    with_partners: list[str]
    synergy: str | None


class CommitmentPublic(BaseModel):
    commitment_id: str
    what: str
    resources: list[str]
    status: str = Field(description="`standing` or `withdrawn`.")


class EngagementPublic(BaseModel):
    engagement_id: str
    campaign_id: str
    partner_id: str
    stage: Stage
    score: float | None
    version: int
    owner_id: str | None
    paused_from: Stage | None = Field(description="Where a paused entry resumes.")
    moves: list[MovePublic] = Field(description="Every change of stage, who and why.")
    interactions: list[InteractionPublic]
    follow_ups: list[FollowUpPublic]
    assessments: list[AssessmentPublic]
    ideas: list[IdeaPublic]
    commitments: list[CommitmentPublic]

    @classmethod
    def of(cls, e: pipeline.Engagement) -> EngagementPublic:
        return cls(
            engagement_id=e.engagement_id,
            campaign_id=e.campaign_id,
            partner_id=e.partner_id,
            stage=e.stage,
            score=e.score,
            version=e.version,
            owner_id=e.owner_id,
            paused_from=e.paused_from,
            moves=[
                MovePublic(
                    from_stage=m.from_stage,
                    to_stage=m.to_stage,
                    skipped=list(m.skipped),
                    actor=m.actor,
                    reason=m.reason,
                    at=m.at.isoformat(),
                )
                for m in e.moves
            ],
            interactions=[
                InteractionPublic(
                    **{**i.__dict__, "occurred_on": i.occurred_on.isoformat()},
                )
                for i in e.interactions.values()
            ],
            follow_ups=[
                FollowUpPublic(
                    **{
                        **f.__dict__,
                        "due_on": f.due_on.isoformat(),
                        "completed_on": f.completed_on.isoformat() if f.completed_on else None,
                    }
                )
                for f in e.follow_ups.values()
            ],
            assessments=[
                AssessmentPublic(**{**a.__dict__, "assessed_on": a.assessed_on.isoformat()})
                for a in e.assessments
            ],
            ideas=[IdeaPublic(**i.__dict__) for i in e.ideas.values()],
            commitments=[
                CommitmentPublic(
                    commitment_id=c.commitment_id,
                    what=c.what,
                    resources=list(c.resources),
                    status="withdrawn" if c.withdrawn else "standing",
                )
                for c in e.commitments.values()
            ],
        )


def answer(entry: pipeline.Engagement, response: Response) -> EngagementPublic:
    response.headers["ETag"] = f'"{entry.version}"'
    return EngagementPublic.of(entry)


async def change(
    store: EventStore,
    context: RequestContext,
    principal: Principal,
    campaign_id: str,
    partner_id: str,
    reason: str,
    decide: Decide,
    if_match: str | None,
    response: Response,
) -> EngagementPublic:
    """A command on an existing entry of the caller's campaign, at the version it saw."""
    require_campaign(principal, campaign_id)
    await handlers.get_entry(store, campaign_id, partner_id)  # 404 before anything else
    try:
        entry = await handlers.change_entry(
            store,
            context.metadata(reason=reason, campaign_id=campaign_id),
            campaign_id,
            partner_id,
            decide,
            expected_version=parse_if_match(if_match),
        )
    except PreconditionFailedError as stale:
        now = await handlers.get_entry(store, campaign_id, partner_id)
        raise StaleEntryError(
            f"the entry is at version {now.version}, not {stale.expected_version}: "
            "decide again on its current state (in `current`)",
            expected_version=stale.expected_version,
            current_version=now.version,
            current=_json(EngagementPublic.of(now)),
        ) from stale
    return answer(entry, response)


def _json(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")


def may_skip(principal: Principal) -> bool:
    return principal.is_admin or LEAD_SCOPE in principal.scopes
