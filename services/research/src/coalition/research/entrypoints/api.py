"""REST routes of research."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from coalition.research.domain.partner import Partner
from coalition.research.service_layer import handlers
from coalition.shared.contracts.research import OrganisationKind, Profile
from coalition.shared.web.auth import PrincipalDep, require_campaign, visible
from coalition.shared.web.deps import ContextDep, StoreDep
from coalition.shared.web.models import Count, Identifier, Name, Place, Reason, RequestBody
from coalition.shared.web.problems import NotFoundError

router = APIRouter(tags=["partners"])


class PartnerCreate(RequestBody):
    campaign_id: Identifier = Field(description="The campaign that considers the partner.")
    name: Name = Field(description="The organisation's name.")
    kind: OrganisationKind
    country: Place | None = Field(default=None, description="Where it is based.")
    members: Count | None = Field(default=None, description="Members or volunteers.")
    reason: Reason = Field(description="Why this partner is considered.")


class PartnerPublic(BaseModel):
    partner_id: str
    campaign_id: str
    name: str
    kind: str
    country: str | None
    members: int | None
    version: int
    crm_records: dict[str, str] = Field(
        description="Connector name -> the id of the CRM record describing this partner."
    )
    key_people: list[KeyPersonPublic] = Field(description="Who speaks for the partner.")
    aliases: list[str] = Field(description="Other names, the names of merged duplicates too.")
    external_ids: dict[str, str] = Field(description="Registry -> the organisation's id there.")
    archived: bool = Field(description="No longer considered; accepts no further change.")
    merged_into: str | None = Field(description="The partner this duplicate was merged into.")
    merged_from: list[str] = Field(description="Duplicates merged into this partner.")


class KeyPersonPublic(BaseModel):
    person_id: str
    name: str
    role: str | None


class Recorded(BaseModel):
    partner_id: str
    event_id: str
    stream_version: int


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
        profile=Profile(name=body.name, kind=body.kind, country=body.country, members=body.members),
    )
    partner_id = event.payload["partner_id"]
    response.headers["Location"] = f"partners/{partner_id}"
    response.headers["ETag"] = f'"{event.stream_version}"'
    return Recorded(
        partner_id=partner_id, event_id=str(event.event_id), stream_version=event.stream_version
    )


@router.get("/partners/{partner_id}", summary="A prospective partner's profile.")
async def get_partner(
    partner_id: str, store: StoreDep, principal: PrincipalDep, response: Response
) -> PartnerPublic:
    partner = await handlers.get_partner(store, partner_id)
    visible(principal, partner.campaign_id, NotFoundError(f"partner {partner_id} not found"))
    response.headers["ETag"] = f'"{partner.version}"'
    return public(partner)


def public(partner: Partner) -> PartnerPublic:
    """A partner as the API shows it."""
    people = [
        KeyPersonPublic(person_id=person_id, name=person.name, role=person.role)
        for person_id, person in sorted(partner.key_people.items())
    ]
    return PartnerPublic(
        partner_id=partner.partner_id,
        campaign_id=partner.campaign_id,
        name=partner.name,
        kind=partner.profile.kind,
        country=partner.profile.country,
        members=partner.profile.members,
        version=partner.version,
        crm_records=partner.crm_records,
        key_people=people,
        aliases=partner.profile.aliases,
        external_ids=partner.profile.external_ids,
        archived=partner.archived,
        merged_into=partner.merged_into,
        merged_from=list(partner.merged_from),
    )
