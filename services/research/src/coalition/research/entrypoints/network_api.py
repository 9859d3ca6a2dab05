"""REST routes of research about the stakeholder network: stakeholders (policymakers,
journalists, funders...) as records of their own, and typed, directed, weighted ties between
partners and stakeholders of one campaign."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from coalition.research.domain import network as model
from coalition.research.service_layer import network as handlers
from coalition.shared.contracts.research import (
    NodeRef,
    NodeType,
    RelationshipType,
    StakeholderKind,
    StakeholderRecorded,
)
from coalition.shared.web.auth import PrincipalDep, require_campaign, visible
from coalition.shared.web.deps import ContextDep, IfMatch, StoreDep, parse_if_match
from coalition.shared.web.models import Day, Identifier, Name, Note, Place, Reason, RequestBody
from coalition.shared.web.problems import NotFoundError

router = APIRouter(tags=["network"])

StakeholderId = Annotated[str, Path(max_length=100, description="The stakeholder's id.")]
RelationshipId = Annotated[str, Path(max_length=100, description="The tie's id.")]


class StakeholderIn(RequestBody):
    name: Name
    kind: StakeholderKind
    role: Name | None = Field(default=None, description="Their role or office.")
    affiliation: Name | None = Field(default=None, description="Where they sit.")
    country: Place | None = None
    notes: Note | None = Field(default=None, description="What staff know.")
    reason: Reason


class StakeholderCreate(StakeholderIn):
    campaign_id: Identifier = Field(description="The campaign whose network it belongs to.")


class StakeholderPublic(BaseModel):
    stakeholder_id: str
    campaign_id: str
    name: str
    kind: StakeholderKind
    role: str | None
    affiliation: str | None
    country: str | None
    notes: str | None
    version: int


class NodeIn(RequestBody):
    type: NodeType = Field(description="Which kind of record the id names.")
    id: Annotated[str, Field(min_length=1, max_length=100)]


class RelationshipCreate(RequestBody):
    campaign_id: Identifier
    source: NodeIn = Field(description="Where the tie starts.")
    target: NodeIn = Field(description="Where it ends.")
    relationship: RelationshipType = Field(description="How the source relates to the target.")
    weight: float = Field(default=0.5, ge=0.0, le=1.0, description="How strong, 0..1.")
    since: Day | None = None
    evidence: Note | None = Field(default=None, description="The source.")
    reason: Reason


class RelationshipEnd(RequestBody):
    ended_on: Day | None = None
    reason: Reason


class RelationshipPublic(BaseModel):
    relationship_id: str
    campaign_id: str
    source: NodeRef
    target: NodeRef
    relationship: RelationshipType
    weight: float
    since: str | None
    evidence: str | None
    status: str = Field(description="`active` or `ended`.")
    ended_on: str | None
    version: int

    @classmethod
    def of(cls, tie: model.Relationship) -> RelationshipPublic:
        return cls(
            relationship_id=tie.relationship_id,
            campaign_id=tie.campaign_id,
            source=tie.source,
            target=tie.target,
            relationship=tie.relationship,
            weight=tie.weight,
            since=tie.since.isoformat() if tie.since else None,
            evidence=tie.evidence,
            status="ended" if tie.ended else "active",
            ended_on=tie.ended_on.isoformat() if tie.ended_on else None,
            version=tie.version,
        )


def _stakeholder(stakeholder: model.Stakeholder, response: Response) -> StakeholderPublic:
    response.headers["ETag"] = f'"{stakeholder.version}"'
    return StakeholderPublic(**stakeholder.__dict__)


def _relationship(tie: model.Relationship, response: Response) -> RelationshipPublic:
    response.headers["ETag"] = f'"{tie.version}"'
    return RelationshipPublic.of(tie)


def _description(body: StakeholderIn, stakeholder_id: str, campaign_id: str) -> StakeholderRecorded:
    fields = body.model_dump(exclude={"reason", "campaign_id"})
    return StakeholderRecorded(stakeholder_id=stakeholder_id, campaign_id=campaign_id, **fields)


@router.post("/stakeholders", status_code=201, summary="Record a stakeholder.")
async def record_stakeholder(
    body: StakeholderCreate,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
) -> StakeholderPublic:
    require_campaign(principal, body.campaign_id)
    stakeholder_id = handlers.new_stakeholder_id()
    stakeholder = await handlers.record_stakeholder(
        store,
        context.metadata(reason=body.reason, campaign_id=body.campaign_id),
        _description(body, stakeholder_id, body.campaign_id),
        new=True,
    )
    response.headers["Location"] = f"stakeholders/{stakeholder_id}"
    return _stakeholder(stakeholder, response)


async def _visible_stakeholder(
    store: StoreDep, principal: PrincipalDep, stakeholder_id: str
) -> model.Stakeholder:
    stakeholder = await handlers.get_stakeholder(store, stakeholder_id)
    not_found = NotFoundError(f"stakeholder {stakeholder_id} not found")
    visible(principal, stakeholder.campaign_id, not_found)
    return stakeholder


@router.get("/stakeholders/{stakeholder_id}", summary="A stakeholder.")
async def get_stakeholder(
    stakeholder_id: StakeholderId, store: StoreDep, principal: PrincipalDep, response: Response
) -> StakeholderPublic:
    return _stakeholder(await _visible_stakeholder(store, principal, stakeholder_id), response)


@router.put("/stakeholders/{stakeholder_id}", summary="Correct a stakeholder's description.")
async def describe_stakeholder(
    stakeholder_id: StakeholderId,
    body: StakeholderIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> StakeholderPublic:
    known = await _visible_stakeholder(store, principal, stakeholder_id)
    stakeholder = await handlers.record_stakeholder(
        store,
        context.metadata(reason=body.reason, campaign_id=known.campaign_id),
        _description(body, stakeholder_id, known.campaign_id),
        new=False,
        expected_version=parse_if_match(if_match),
    )
    return _stakeholder(stakeholder, response)


@router.post(
    "/relationships",
    summary="Record a tie between two records of a campaign (again: update its weight).",
)
async def record_relationship(
    body: RelationshipCreate,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
) -> RelationshipPublic:
    require_campaign(principal, body.campaign_id)
    tie = await handlers.record_relationship(
        store,
        context.metadata(reason=body.reason, campaign_id=body.campaign_id),
        campaign_id=body.campaign_id,
        source=NodeRef.model_validate(body.source.model_dump()),
        target=NodeRef.model_validate(body.target.model_dump()),
        relationship=body.relationship,
        weight=body.weight,
        since=body.since,
        evidence=body.evidence,
    )
    response.headers["Location"] = f"relationships/{tie.relationship_id}"
    return _relationship(tie, response)


async def _visible_relationship(
    store: StoreDep, principal: PrincipalDep, relationship_id: str
) -> model.Relationship:
    tie = await handlers.get_relationship(store, relationship_id)
    visible(principal, tie.campaign_id, NotFoundError(f"relationship {relationship_id} not found"))
    return tie


@router.get("/relationships/{relationship_id}", summary="A tie of the stakeholder network.")
async def get_relationship(
    relationship_id: RelationshipId, store: StoreDep, principal: PrincipalDep, response: Response
) -> RelationshipPublic:
    return _relationship(await _visible_relationship(store, principal, relationship_id), response)


@router.post("/relationships/{relationship_id}/end", summary="A tie holds no longer.")
async def end_relationship(
    relationship_id: RelationshipId,
    body: RelationshipEnd,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> RelationshipPublic:
    known = await _visible_relationship(store, principal, relationship_id)
    tie = await handlers.end_relationship(
        store,
        context.metadata(reason=body.reason, campaign_id=known.campaign_id),
        relationship_id,
        ended_on=body.ended_on,
        expected_version=parse_if_match(if_match),
    )
    return _relationship(tie, response)
