"""GET /partners/{partner_id}/360: everything about a partner in one view, as of any date."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from coalition.projections.domain import partner360 as domain
from coalition.projections.domain.agreements import Attention
from coalition.projections.entrypoints.as_of import AsOf, etag, moment
from coalition.projections.service_layer import history
from coalition.shared.contracts.research.partner import Profile
from coalition.shared.contracts.scoring import ComponentScore, Exclusion, Quadrants
from coalition.shared.web.auth import PrincipalDep, visible
from coalition.shared.web.deps import NOT_MODIFIED, EngineDep, conditional
from coalition.shared.web.problems import NotFoundError

router = APIRouter(tags=["read models"])


class Sourced(BaseModel):
    event_id: uuid.UUID = Field(description="The event this part comes from.")
    occurred_at: datetime


class ProfileOut(Sourced):
    profile: Profile
    status: str = Field(description="`active`, or `archived` (see `merged_into`).")
    merged_into: str | None
    merged_from: list[str] = Field(description="Duplicates merged into this partner.")
    crm_links: list[dict[str, str]] = Field(description="`connector` and `external_id`.")


class KeyPerson(Sourced):
    person_id: str
    name: str
    role: str | None
    contact: str | None


class Position(Sourced):
    issue: str
    stance: str
    evidence: str
    observed_on: date | None


class Collaboration(Sourced):
    collaboration_id: str
    with_whom: list[str]
    on_what: str
    started_on: date | None
    ended_on: date | None
    outcome: str


class TieOut(BaseModel):
    relationship_id: str
    relationship: str = Field(description="Read from source to target.")
    direction: str = Field(description="`out`: this partner is the source; `in`: the target.")
    other_type: str = Field(description="`partner` or `stakeholder`.")
    other_id: str
    other_name: str | None
    weight: float
    since: date | None
    evidence: str | None
    event_id: uuid.UUID


class ScoreOut(Sourced):
    score: float
    components: dict[str, float]
    breakdown: list[ComponentScore]
    excluded: bool
    exclusions: list[Exclusion]
    quadrants: Quadrants | None
    recommended: bool
    rank: int | None
    model: str
    model_version: int


class InteractionOut(Sourced):
    interaction_id: str
    kind: str
    occurred_on: date
    summary: str


class TrustAssessmentOut(Sourced):
    assessed_on: date
    openness: int
    reliability: int
    mission_support: int
    direction: str = Field(description="`rising`, `falling` or `steady` against the one before.")


class CommitmentOut(Sourced):
    commitment_id: str
    what: str
    resources: list[str]


class PipelineOut(BaseModel):
    stage: str | None
    stage_since: datetime | None = Field(description="When the entry entered its stage.")
    stage_event_id: uuid.UUID | None
    owner_id: str | None
    last_interaction: InteractionOut | None
    open_follow_ups: int
    trust: TrustAssessmentOut | None
    commitments: list[CommitmentOut] = Field(description="Those that stand.")


class Flag(BaseModel):
    flag: str
    detail: str
    since: date | None
    subject: str | None = Field(description="The responsibility or factor concerned, if one is.")
    event_ids: list[uuid.UUID] = Field(description="The events behind the flag.")


class AgreementOut(BaseModel):
    agreement_id: str
    title: str
    status: str
    parties: list[str] = Field(description="The parties it binds (before it binds: the draft's).")
    current_version: int
    in_force_version: int | None
    in_force_from: date | None
    ends_on: date | None
    reviews: int
    deliverables_kept: int
    deliverables_missed: int
    last_reviewed_to: date | None
    attention: list[Flag] = Field(description="What needs attention on the as-of day.")
    healthy: bool = Field(description="Nothing needs attention.")


class Partner360(BaseModel):
    partner_id: str
    campaign_id: str
    as_of: datetime = Field(description="The log as it stood at this moment.")
    profile: ProfileOut | None
    key_people: list[KeyPerson]
    positions: list[Position]
    collaborations: list[Collaboration]
    ties: list[TieOut] = Field(description="Ties that hold, either way.")
    score: ScoreOut | None = Field(description="The latest score, with its breakdown.")
    pipeline: PipelineOut | None
    agreements: list[AgreementOut] = Field(description="Every agreement naming it a party.")
    events: int = Field(description="Events about the partner the view was folded from.")
    last_event_id: uuid.UUID


@router.get(
    "/partners/{partner_id}/360",
    summary="Everything about a partner: profile, positions, ties, score, pipeline, agreements.",
    response_model=Partner360,
    responses=NOT_MODIFIED,
)
async def partner_360(
    partner_id: Annotated[str, Path(max_length=100)],
    engine: EngineDep,
    principal: PrincipalDep,
    request: Request,
    as_of: AsOf = None,
) -> Any:
    """Folded on request from the campaign's events as the log held them at `as_of`, so any
    past date can be asked and a rebuild cannot change the answer."""
    at = moment(as_of)
    not_found = NotFoundError(f"nothing known about partner {partner_id}", partner_id=partner_id)
    async with engine.connect() as conn:
        campaign_id = await history.partner_campaign(conn, partner_id)
        if campaign_id is None:
            raise not_found
        visible(principal, campaign_id, not_found)
        events = await history.campaign_events(conn, campaign_id, domain.PARTNER_EVENTS, at)
    view = domain.partner_360(events, partner_id, campaign_id, as_of=at)
    if view is None or view.last_event is None:
        raise not_found
    body = _out(view)
    return conditional(request, body, etag(body))


def _sourced(part: domain.Part) -> dict[str, Any]:
    return {"event_id": part.event_id, "occurred_at": part.at}


def _out(view: domain.Partner360) -> Partner360:
    assert view.last_event is not None
    return Partner360(
        partner_id=view.partner_id,
        campaign_id=view.campaign_id,
        as_of=view.as_of,
        profile=_profile(view),
        key_people=[
            KeyPerson(**_sourced(p), **_pick(p.data, "person_id", "name", "role", "contact"))
            for p in view.key_people.values()
        ],
        positions=[
            Position(**_sourced(p), **_pick(p.data, "issue", "stance", "evidence", "observed_on"))
            for p in view.positions.values()
        ],
        collaborations=[
            Collaboration(
                **_sourced(p),
                **_pick(
                    p.data,
                    "collaboration_id",
                    "with_whom",
                    "on_what",
                    "started_on",
                    "ended_on",
                    "outcome",
                ),
            )
            for p in view.collaborations.values()
        ],
        ties=[
            TieOut(
                relationship_id=t.relationship_id,
                relationship=t.relationship,
                direction=t.direction,
                other_type=str(t.other["type"]),
                other_id=str(t.other["id"]),
                other_name=t.other_name,
                weight=t.weight,
                since=t.since,
                evidence=t.evidence,
                event_id=t.event_id,
            )
            for t in view.ties
        ],
        score=_score(view.score),
        pipeline=_pipeline(view.pipeline),
        agreements=[_agreement(h) for h in view.agreements],
        events=view.events,
        last_event_id=view.last_event.event_id,
    )


def _pick(data: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: data.get(name) for name in names}


def _profile(view: domain.Partner360) -> ProfileOut | None:
    part = view.profile
    if part is None:
        return None
    archived = view.archived.data if view.archived else None
    return ProfileOut(
        **_sourced(part),
        profile=Profile.model_validate(
            {k: part.data[k] for k in Profile.model_fields if k in part.data}
        ),
        status="archived" if archived is not None else "active",
        merged_into=archived.get("merged_into") if archived else None,
        merged_from=view.merged_from,
        crm_links=[_pick(link.data, "connector", "external_id") for link in view.crm_links],
    )


def _score(part: domain.Part | None) -> ScoreOut | None:
    if part is None:
        return None
    p = part.data
    return ScoreOut(
        **_sourced(part),
        score=p["score"],
        components=p["components"],
        breakdown=p.get("breakdown", []),
        excluded=p.get("excluded", False),
        exclusions=p.get("exclusions", []),
        quadrants=p.get("quadrants"),
        recommended=p.get("recommended", False),
        rank=p.get("rank"),
        model=p["model"],
        model_version=p["model_version"],
    )


def _pipeline(entry: domain.Pipeline | None) -> PipelineOut | None:
    if entry is None:
        return None
    stage = entry.stage
    last = entry.last_interaction
    trust, direction = entry.trust()
    return PipelineOut(
        stage=(stage.data.get("to_stage") or stage.data.get("stage")) if stage else None,
        stage_since=stage.at if stage else None,
        stage_event_id=stage.event_id if stage else None,
        owner_id=entry.owner.data.get("owner_id") if entry.owner else None,
        last_interaction=InteractionOut(
            **_sourced(last), **_pick(last.data, "interaction_id", "kind", "occurred_on", "summary")
        )
        if last
        else None,
        open_follow_ups=len(entry.open_follow_ups()),
        trust=TrustAssessmentOut(
            **_sourced(trust),
            **_pick(trust.data, "assessed_on", "openness", "reliability", "mission_support"),
            direction=direction or "steady",
        )
        if trust
        else None,
        commitments=[
            CommitmentOut(
                **_sourced(c),
                commitment_id=c.data["commitment_id"],
                what=c.data["what"],
                resources=c.data.get("resources", []),
            )
            for c in entry.commitments.values()
        ],
    )


def flag_out(a: Attention) -> Flag:
    return Flag(
        flag=a.flag, detail=a.detail, since=a.since, subject=a.subject, event_ids=list(a.events)
    )


def _agreement(health: domain.AgreementHealth) -> AgreementOut:
    deal = health.deal
    return AgreementOut(
        agreement_id=deal.agreement_id,
        title=deal.content.title,
        status=deal.status,
        parties=deal.bound(),
        current_version=deal.current,
        in_force_version=deal.in_force_version,
        in_force_from=deal.in_force_from,
        ends_on=deal.ends_on,
        reviews=len(deal.reviews),
        deliverables_kept=health.kept,
        deliverables_missed=health.missed,
        last_reviewed_to=health.last_review.review.period_to if health.last_review else None,
        attention=[flag_out(a) for a in health.flags],
        healthy=not health.flags,
    )
