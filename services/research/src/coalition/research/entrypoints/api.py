"""REST routes of research about prospective partners: identify one, describe it, record who
speaks for it, where it stands and what it did before, and archive it.

Every change answers with the partner as it now is and its `ETag`; every change accepts
`If-Match` (412 when the partner changed meanwhile) and needs a reason, kept in the audit trail.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from coalition.research.domain import partner as model
from coalition.research.service_layer import handlers
from coalition.shared.contracts.research import (
    BudgetBand,
    CollaborationOutcome,
    OrganisationKind,
    Profile,
    Resources,
    Stance,
)
from coalition.shared.events.envelope import DomainEvent, RecordedEvent
from coalition.shared.web.auth import PrincipalDep, require_campaign, visible
from coalition.shared.web.deps import ContextDep, IfMatch, StoreDep, parse_if_match
from coalition.shared.web.models import (
    Count,
    Day,
    Identifier,
    Labels,
    Name,
    Note,
    Place,
    Reason,
    ReasonQuery,
    RequestBody,
)
from coalition.shared.web.problems import NotFoundError

router = APIRouter(tags=["partners"])

PartnerId = Annotated[str, Path(max_length=100, description="The partner's id.")]
Website = Annotated[
    str,
    Field(
        min_length=1,
        max_length=2000,
        # Printable ASCII only (an international domain in its punycode form): a class that
        # JSON Schema's and Python's regex engines read alike, unlike `\s`.
        pattern=r"^https?://[!-~]+$",
        description="`http://` or `https://` and printable ASCII.",
    ),
]


class ExternalIdIn(RequestBody):
    registry: Identifier = Field(description="The registry or system: `irs_ein`, `esf`.")
    id: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        description="The organisation's id there."
    )


class ResourcesIn(RequestBody):
    budget_band: BudgetBand | None = Field(default=None, description="Annual budget, by band.")
    staff: Count | None = Field(default=None, description="Paid staff.")
    volunteers: Count | None = Field(default=None, description="Active volunteers.")
    media_reach: Count | None = Field(default=None, description="People its channels reach.")
    logistics: Labels = Field(default=[], description="Venues, transport, printing...")


class ProfileIn(RequestBody):
    """An organisation's whole profile: what is left out is cleared."""

    name: Name = Field(description="The organisation's name.")
    kind: OrganisationKind
    country: Place | None = Field(default=None, description="Where it is based.")
    members: Count | None = Field(default=None, description="Members or volunteers.")
    aliases: Labels = Field(default=[], description="Acronyms, former or translated names.")
    regions: Labels = Field(default=[], description="Regions it is active in.")
    mission: Note | None = Field(default=None, description="Its mission.")
    goals: Labels = Field(default=[], description="Its stated goals.")
    website: Website | None = Field(default=None, description="Its website.")
    resources: ResourcesIn = Field(default_factory=ResourcesIn, description="What it brings.")
    expertise: Labels = Field(default=[], description="Areas of expertise.")
    external_ids: Annotated[list[ExternalIdIn], Field(max_length=50)] = Field(
        default=[], description="Its ids in registries and other systems (one per registry)."
    )

    def profile(self) -> Profile:
        fields = self.model_dump(exclude={"campaign_id", "reason"})
        fields["resources"] = Resources(**fields["resources"])
        fields["external_ids"] = {item.registry: item.id for item in self.external_ids}
        return Profile(**fields)


class PartnerCreate(ProfileIn):
    campaign_id: Identifier = Field(description="The campaign that considers the partner.")
    reason: Reason = Field(description="Why this partner is considered.")


class ProfileUpdate(ProfileIn):
    reason: Reason = Field(description="Why the profile changed (a source, a correction).")


class KeyPersonIn(RequestBody):
    name: Name = Field(description="The person's name.")
    role: Name | None = Field(default=None, description="Their role or title.")
    contact: Note | None = Field(default=None, description="How to reach them.")
    reason: Reason


class PositionIn(RequestBody):
    stance: Stance
    evidence: Note = Field(description="The source: a URL, a statement, a vote.")
    observed_on: Day | None = Field(default=None, description="When the position was seen.")
    reason: Reason


class CollaborationIn(RequestBody):
    with_whom: Annotated[list[Name], Field(min_length=1, max_length=100)] = Field(
        description="The other organisations (names or partner ids)."
    )
    on_what: Note = Field(description="What they worked on.")
    started_on: Day | None = None
    ended_on: Day | None = Field(default=None, description="Not before `started_on`.")
    outcome: CollaborationOutcome
    reason: Reason


class ArchiveIn(RequestBody):
    reason: Reason = Field(description="Why the campaign no longer considers the partner.")


class KeyPersonPublic(BaseModel):
    person_id: str
    name: str
    role: str | None
    contact: str | None


class PositionPublic(BaseModel):
    issue: str
    stance: Stance
    evidence: str
    observed_on: str | None


class CollaborationPublic(BaseModel):
    collaboration_id: str
    with_whom: list[str]
    on_what: str
    started_on: str | None
    ended_on: str | None
    outcome: CollaborationOutcome


class PartnerPublic(BaseModel):
    partner_id: str
    campaign_id: str
    version: int
    status: str = Field(description="`active`, or `archived` (no further change).")
    merged_into: str | None = Field(description="The partner this duplicate was merged into.")
    merged_from: list[str] = Field(description="Duplicates merged into this partner.")
    name: str
    kind: str
    country: str | None
    members: int | None
    aliases: list[str]
    regions: list[str]
    mission: str | None
    goals: list[str]
    website: str | None
    resources: Resources
    expertise: list[str]
    external_ids: dict[str, str]
    crm_records: dict[str, str] = Field(
        description="Connector name -> the id of the CRM record describing this partner."
    )
    key_people: list[KeyPersonPublic] = Field(description="Who speaks for the partner.")
    positions: list[PositionPublic] = Field(description="Where it stands, by issue.")
    collaborations: list[CollaborationPublic] = Field(description="What it did before.")

    @classmethod
    def of(cls, partner: model.Partner) -> PartnerPublic:
        return cls(
            partner_id=partner.partner_id,
            campaign_id=partner.campaign_id,
            version=partner.version,
            status="archived" if partner.archived else "active",
            merged_into=partner.merged_into,
            merged_from=list(partner.merged_from),
            crm_records=partner.crm_records,
            key_people=[
                KeyPersonPublic(person_id=key, **person.__dict__)
                for key, person in sorted(partner.key_people.items())
            ],
            positions=[
                PositionPublic(
                    issue=issue,
                    stance=p.stance,
                    evidence=p.evidence,
                    observed_on=p.observed_on.isoformat() if p.observed_on else None,
                )
                for issue, p in sorted(partner.positions.items())
            ],
            collaborations=[
                CollaborationPublic(
                    collaboration_id=key,
                    with_whom=list(c.with_whom),
                    on_what=c.on_what,
                    started_on=c.started_on.isoformat() if c.started_on else None,
                    ended_on=c.ended_on.isoformat() if c.ended_on else None,
                    outcome=c.outcome,
                )
                for key, c in sorted(partner.collaborations.items())
            ],
            **dict(partner.profile),
        )


class Recorded(BaseModel):
    partner_id: str
    event_id: str
    stream_version: int


def public(partner: model.Partner) -> PartnerPublic:
    """The partner as every route answers it."""
    return PartnerPublic.of(partner)


def _answer(partner: model.Partner, response: Response) -> PartnerPublic:
    response.headers["ETag"] = f'"{partner.version}"'
    return PartnerPublic.of(partner)


async def visible_partner(
    store: StoreDep, principal: PrincipalDep, partner_id: str
) -> model.Partner:
    """The partner, if it is one of the caller's campaigns'; else 404 as for an unknown id."""
    partner = await handlers.get_partner(store, partner_id)
    visible(principal, partner.campaign_id, NotFoundError(f"partner {partner_id} not found"))
    return partner


async def _change(
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    partner_id: str,
    reason: str,
    decide: Callable[[Sequence[RecordedEvent]], Sequence[DomainEvent]],
    if_match: str | None,
    response: Response,
) -> PartnerPublic:
    partner = await visible_partner(store, principal, partner_id)
    changed = await handlers.change_partner(
        store,
        context.metadata(reason=reason, campaign_id=partner.campaign_id),
        partner_id,
        decide,
        expected_version=parse_if_match(if_match),
    )
    return _answer(changed, response)


@router.post("/partners", status_code=201, summary="Identify a prospective partner.")
async def identify_partner(
    body: PartnerCreate,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
) -> Recorded:
    require_campaign(principal, body.campaign_id)
    event = await handlers.identify_partner(
        store,
        context.metadata(reason=body.reason, campaign_id=body.campaign_id),
        campaign_id=body.campaign_id,
        profile=body.profile(),
    )
    partner_id = event.payload["partner_id"]
    response.headers["Location"] = f"partners/{partner_id}"
    response.headers["ETag"] = f'"{event.stream_version}"'
    return Recorded(
        partner_id=partner_id, event_id=str(event.event_id), stream_version=event.stream_version
    )


@router.get("/partners/{partner_id}", summary="A prospective partner's profile and history.")
async def get_partner(
    partner_id: PartnerId, store: StoreDep, principal: PrincipalDep, response: Response
) -> PartnerPublic:
    return _answer(await visible_partner(store, principal, partner_id), response)


@router.put("/partners/{partner_id}/profile", summary="Replace the partner's profile.")
async def update_profile(
    partner_id: PartnerId,
    body: ProfileUpdate,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> PartnerPublic:
    changes = dict(body.profile())
    decide = partial(model.update_profile, changes=changes)
    return await _change(
        store, context, principal, partner_id, body.reason, decide, if_match, response
    )


@router.post(
    "/partners/{partner_id}/key-people",
    status_code=201,
    summary="Record a person who speaks for the partner.",
)
async def add_key_person(
    partner_id: PartnerId,
    body: KeyPersonIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> PartnerPublic:
    person_id = f"staff:{uuid.uuid4()}"
    person = model.KeyPerson(body.name, body.role, body.contact)
    decide = partial(model.record_key_person, person_id=person_id, person=person)
    return await _change(
        store, context, principal, partner_id, body.reason, decide, if_match, response
    )


@router.put(
    "/partners/{partner_id}/key-people/{person_id}",
    summary="Record or correct a person who speaks for the partner.",
)
async def record_key_person(
    partner_id: PartnerId,
    person_id: Annotated[str, Path(max_length=300)],
    body: KeyPersonIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> PartnerPublic:
    person = model.KeyPerson(body.name, body.role, body.contact)
    decide = partial(model.record_key_person, person_id=person_id, person=person)
    return await _change(
        store, context, principal, partner_id, body.reason, decide, if_match, response
    )


@router.delete(
    "/partners/{partner_id}/key-people/{person_id}",
    summary="A person no longer speaks for the partner.",
)
async def remove_key_person(
    partner_id: PartnerId,
    person_id: Annotated[str, Path(max_length=300)],
    reason: ReasonQuery,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> PartnerPublic:
    decide = partial(model.remove_key_person, person_id=person_id)
    return await _change(store, context, principal, partner_id, reason, decide, if_match, response)


@router.put(
    "/partners/{partner_id}/positions/{issue}",
    summary="Record where the partner stands on an issue, with the evidence.",
)
async def record_position(
    partner_id: PartnerId,
    issue: Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[\w .-]*\w[\w .-]*$")],
    body: PositionIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> PartnerPublic:
    decide = partial(
        model.record_position,
        issue=issue,
        stance=body.stance,
        evidence=body.evidence,
        observed_on=body.observed_on,
    )
    return await _change(
        store, context, principal, partner_id, body.reason, decide, if_match, response
    )


@router.put(
    "/partners/{partner_id}/collaborations/{collaboration_id}",
    summary="Record a past collaboration of the partner.",
)
async def record_collaboration(
    partner_id: PartnerId,
    collaboration_id: Annotated[str, Path(max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")],
    body: CollaborationIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> PartnerPublic:
    collaboration = model.Collaboration(
        tuple(body.with_whom), body.on_what, body.started_on, body.ended_on, body.outcome
    )
    decide = partial(
        model.record_collaboration, collaboration_id=collaboration_id, collaboration=collaboration
    )
    return await _change(
        store, context, principal, partner_id, body.reason, decide, if_match, response
    )


@router.post(
    "/partners/{partner_id}/archive",
    summary="The campaign no longer considers the partner (its history stays).",
)
async def archive_partner(
    partner_id: PartnerId,
    body: ArchiveIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> PartnerPublic:
    return await _change(
        store, context, principal, partner_id, body.reason, model.archive, if_match, response
    )
