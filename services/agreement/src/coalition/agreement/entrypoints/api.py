"""REST routes of an agreement's content: draft it, read it, list a campaign's, amend it, read
each version and the exact document of a version. Every change needs a reason (kept in the
audit trail), answers with an `ETag` and accepts `If-Match` (412 when stale)."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from coalition.agreement.domain import agreement as model
from coalition.agreement.domain import document
from coalition.agreement.entrypoints.public import (
    AgreementPath,
    AgreementPublic,
    CampaignPath,
    ChangeDep,
    CommitmentRef,
    ContentIn,
    Cursor,
    Limit,
    VersionPublic,
    public,
    today,
    version_public,
    visible_agreement,
    with_etag,
)
from coalition.agreement.service_layer import handlers
from coalition.shared.web.auth import PrincipalDep, require_campaign
from coalition.shared.web.deps import (
    NOT_MODIFIED,
    ContextDep,
    StoreDep,
    conditional,
)
from coalition.shared.web.models import Day, Identifier, Reason
from coalition.shared.web.problems import NotFoundError

router = APIRouter(tags=["agreements"])


class AgreementCreate(ContentIn):
    campaign_id: Identifier
    commitments: list[CommitmentRef] = Field(
        default_factory=list,
        max_length=50,
        description="Engagement commitments it starts from, `partner_id/commitment_id`: each "
        "becomes a resource its partner brings.",
    )
    reason: Reason


class AmendmentCreate(ContentIn):
    proposed_by: Identifier = Field(description="The party proposing it, or the campaign.")
    reason: Reason


class AgreementPage(BaseModel):
    items: list[AgreementPublic]
    next_cursor: str | None


class VersionPage(BaseModel):
    items: list[VersionPublic]
    next_cursor: str | None


@router.post("/agreements", status_code=201, summary="Draft an agreement (version 1).")
async def draft_agreement(
    body: AgreementCreate,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
) -> AgreementPublic:
    require_campaign(principal, body.campaign_id)
    state = await handlers.draft_agreement(
        store,
        context.metadata(reason=body.reason, campaign_id=body.campaign_id),
        campaign_id=body.campaign_id,
        content=body.content(),
        commitments=list(dict.fromkeys(body.commitments)),
    )
    response.headers["Location"] = f"agreements/{state.agreement_id}"
    with_etag(response, state)
    return public(state, today())


@router.get(
    "/agreements/{agreement_id}",
    summary="An agreement: its current version, status, signatures and what needs attention.",
    responses=NOT_MODIFIED,
)
async def get_agreement(
    agreement_id: AgreementPath,
    request: Request,
    store: StoreDep,
    principal: PrincipalDep,
    as_of: Annotated[Day | None, Query(description="Attention as of this day (today).")] = None,
) -> AgreementPublic:
    state = await visible_agreement(store, principal, agreement_id)
    body = public(state, as_of or today())
    return conditional(request, body, f'"{state.version}"')  # type: ignore[return-value]


@router.get(
    "/campaigns/{campaign_id}/agreements",
    summary="The campaign's agreements, oldest first; filter by status, party or attention.",
)
async def list_agreements(
    campaign_id: CampaignPath,
    store: StoreDep,
    principal: PrincipalDep,
    status: Annotated[model.Status | None, Query(description="Only in this state.")] = None,
    party_id: Annotated[Identifier | None, Query(description="Only those it is party to.")] = None,
    needs_attention: Annotated[
        bool | None, Query(description="Only those with something to attend to (or without).")
    ] = None,
    as_of: Annotated[Day | None, Query(description="Attention as of this day (today).")] = None,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> AgreementPage:
    """Ordered by the position of the draft in the log; the cursor is the last id seen."""
    require_campaign(principal, campaign_id)
    day = as_of or today()
    found = [public(a, day) for a in await handlers.campaign_agreements(store, campaign_id)]
    found = [
        a
        for a in found
        if (status is None or a.status == status)
        and (party_id is None or party_id in a.parties)
        and (needs_attention is None or bool(a.attention) == needs_attention)
    ]
    if cursor is not None:
        ids = [a.agreement_id for a in found]
        found = found[ids.index(cursor) + 1 :] if cursor in ids else []
    page = found[:limit]
    return AgreementPage(
        items=page, next_cursor=page[-1].agreement_id if len(found) > limit else None
    )


@router.post(
    "/agreements/{agreement_id}/amendments",
    status_code=201,
    summary="Propose the next version (the whole content, restated); answers with its diff.",
)
async def amend_agreement(
    body: AmendmentCreate, store: StoreDep, principal: PrincipalDep, change: ChangeDep
) -> VersionPublic:
    state = await visible_agreement(store, principal, change.agreement_id)
    content = body.content()
    model.check_goals(content, await handlers.objectives(store, state.campaign_id))
    decide = partial(model.amend, proposed_by=body.proposed_by, content=content)
    state = await change.apply(body.reason, decide)
    change.response.headers["Location"] = f"versions/{state.current.number}"
    return version_public(state, state.current)


@router.get(
    "/agreements/{agreement_id}/versions",
    summary="Every version: who proposed it, what changed, who signed it.",
)
async def list_versions(
    agreement_id: AgreementPath,
    store: StoreDep,
    principal: PrincipalDep,
    limit: Limit = 100,
    cursor: Annotated[
        str | None, Query(pattern=r"^[0-9]{1,9}$", description="`next_cursor` of the page before.")
    ] = None,
) -> VersionPage:
    state = await visible_agreement(store, principal, agreement_id)
    after = int(cursor) if cursor else 0
    found = [v for v in state.versions if v.number > after]
    page = found[:limit]
    return VersionPage(
        items=[version_public(state, v) for v in page],
        next_cursor=str(page[-1].number) if len(found) > limit else None,
    )


async def _version(
    store: StoreDep, principal: PrincipalDep, agreement_id: str, number: int
) -> tuple[model.Agreement, model.Version]:
    state = await visible_agreement(store, principal, agreement_id)
    if not 1 <= number <= len(state.versions):
        raise NotFoundError(f"agreement {agreement_id} has no version {number}", version=number)
    return state, state.versions[number - 1]


VersionNumber = Annotated[int, Path(ge=1, le=1_000_000, description="The version's number.")]


@router.get("/agreements/{agreement_id}/versions/{number}", summary="One version.")
async def get_version(
    agreement_id: AgreementPath,
    number: VersionNumber,
    store: StoreDep,
    principal: PrincipalDep,
) -> VersionPublic:
    state, version = await _version(store, principal, agreement_id, number)
    return version_public(state, version)


@router.get(
    "/agreements/{agreement_id}/versions/{number}/document",
    summary="The exact document of a version, byte for byte: its SHA-256 is the `terms_hash` "
    "each signature records.",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
async def get_document(
    agreement_id: AgreementPath,
    number: VersionNumber,
    store: StoreDep,
    principal: PrincipalDep,
) -> Response:
    state, version = await _version(store, principal, agreement_id, number)
    body = document.canonical(state.agreement_id, state.campaign_id, number, version.content)
    return Response(
        body,
        media_type="application/json",
        headers={"ETag": f'"{version.terms_hash}"', "X-Terms-Hash": version.terms_hash},
    )
