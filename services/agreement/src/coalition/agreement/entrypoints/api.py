"""REST routes of agreement."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from coalition.agreement.domain.agreement import Agreement
from coalition.agreement.service_layer import handlers
from coalition.shared.access.principal import Principal
from coalition.shared.eventstore.store import EventStore
from coalition.shared.web.auth import PrincipalDep, require_campaign, visible
from coalition.shared.web.deps import ContextDep, IfMatch, StoreDep, parse_if_match
from coalition.shared.web.models import Identifier, Name, Reason, RequestBody, Text
from coalition.shared.web.problems import NotFoundError

router = APIRouter(tags=["agreements"])


class AgreementCreate(RequestBody):
    campaign_id: Identifier
    title: Name
    parties: list[Identifier] = Field(
        min_length=1, max_length=50, description="Partner ids that sign."
    )
    terms: Text = Field(description="The full text of the terms.")
    reason: Reason


class SignatureCreate(RequestBody):
    partner_id: Identifier
    signatory: Name = Field(description="Who signed for the party.")
    terms_hash: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the terms signed.")
    reason: Reason


class AgreementPublic(BaseModel):
    agreement_id: str
    campaign_id: str
    title: str
    parties: list[str]
    terms: str
    terms_hash: str
    signed_by: dict[str, str]
    status: str
    version: int


async def _visible_agreement(
    store: EventStore, principal: Principal, agreement_id: str
) -> Agreement:
    """The agreement, if it is one of the caller's campaigns'; else 404 as for an unknown id."""
    state = await handlers.get_agreement(store, agreement_id)
    visible(principal, state.campaign_id, NotFoundError(f"agreement {agreement_id} not found"))
    return state


def _public(state: Agreement, response: Response) -> AgreementPublic:
    response.headers["ETag"] = f'"{state.version}"'
    return AgreementPublic(**state.__dict__)


@router.post("/agreements", status_code=201, summary="Draft an agreement.")
async def draft_agreement(
    body: AgreementCreate,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
) -> AgreementPublic:
    require_campaign(principal, body.campaign_id)
    event = await handlers.draft_agreement(
        store,
        context.metadata(reason=body.reason, campaign_id=body.campaign_id),
        campaign_id=body.campaign_id,
        title=body.title,
        parties=body.parties,
        terms=body.terms,
    )
    agreement_id = str(event.payload["agreement_id"])
    response.headers["Location"] = f"agreements/{agreement_id}"
    return _public(await handlers.get_agreement(store, agreement_id), response)


@router.post(
    "/agreements/{agreement_id}/signatures",
    summary="A party signs the agreement; the last signature brings it into force.",
)
async def sign_agreement(
    agreement_id: str,
    body: SignatureCreate,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> AgreementPublic:
    state = await _visible_agreement(store, principal, agreement_id)
    await handlers.sign_agreement(
        store,
        context.metadata(reason=body.reason, campaign_id=state.campaign_id),
        agreement_id=agreement_id,
        partner_id=body.partner_id,
        signatory=body.signatory,
        terms_hash=body.terms_hash,
        expected_version=parse_if_match(if_match),
    )
    return _public(await handlers.get_agreement(store, agreement_id), response)


@router.get("/agreements/{agreement_id}", summary="An agreement and who has signed it.")
async def get_agreement(
    agreement_id: str, store: StoreDep, principal: PrincipalDep, response: Response
) -> AgreementPublic:
    return _public(await _visible_agreement(store, principal, agreement_id), response)
