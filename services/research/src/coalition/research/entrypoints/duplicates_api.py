"""REST routes of duplicates: the candidates of a campaign, and the merge of one partner into
another (an audited decision: who, why, and how alike the two looked)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from coalition.research.domain.duplicates import DEFAULT_MIN_SIMILARITY
from coalition.research.entrypoints.api import PartnerPublic, public, visible_partner
from coalition.research.service_layer import duplicates
from coalition.shared.web.auth import PrincipalDep, require_campaign
from coalition.shared.web.deps import ContextDep, IfMatch, StoreDep, parse_if_match
from coalition.shared.web.models import Identifier, Reason, RequestBody

router = APIRouter(tags=["duplicates"])


class DuplicateCandidate(BaseModel):
    partner_id: str = Field(description="The suggested survivor (the longer history).")
    partner_name: str
    duplicate_id: str = Field(description="The partner to merge into it.")
    duplicate_name: str
    similarity: float = Field(ge=0.0, le=1.0, description="How alike the two look, 0 to 1.")
    reasons: list[str] = Field(description='Why: "same irs_ein", "name 0.93 token_sort_ratio".')


class CandidatePage(BaseModel):
    items: list[DuplicateCandidate]
    next_cursor: str | None


class MergeCreate(RequestBody):
    duplicate_id: Identifier = Field(description="The partner merged into this one.")
    similarity: float | None = Field(
        default=None, ge=0.0, le=1.0, description="How alike the two looked, when proposed."
    )
    reason: Reason = Field(description="Why the two are one organisation.")


@router.get(
    "/campaigns/{campaign_id}/duplicate-candidates",
    summary="Partners of the campaign that may be one organisation, most alike first.",
)
async def list_candidates(
    campaign_id: Identifier,
    store: StoreDep,
    principal: PrincipalDep,
    min_similarity: Annotated[
        float, Query(ge=0.5, le=1.0, description="Leave out pairs less alike than this.")
    ] = DEFAULT_MIN_SIMILARITY,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[
        str | None, Query(max_length=400, description="`next_cursor` of the previous page.")
    ] = None,
) -> CandidatePage:
    """Computed from the partners' streams on each request; archived partners are left out."""
    require_campaign(principal, campaign_id)
    page = await duplicates.candidates(
        store,
        campaign_id,
        min_similarity=min_similarity,
        after=cursor,
        limit=limit,
    )
    items = [
        DuplicateCandidate(
            partner_id=c.partner_id,
            partner_name=page.names[c.partner_id],
            duplicate_id=c.duplicate_id,
            duplicate_name=page.names[c.duplicate_id],
            similarity=c.similarity,
            reasons=list(c.reasons),
        )
        for c in page.items
    ]
    next_cursor = duplicates.position(page.items[-1]) if page.more else None
    return CandidatePage(items=items, next_cursor=next_cursor)


@router.post(
    "/partners/{partner_id}/merges",
    summary="Merge a duplicate into this partner; the duplicate is archived, both keep their "
    "history.",
)
async def merge_duplicate(
    partner_id: str,
    body: MergeCreate,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> PartnerPublic:
    """Returns the partner that remains, with its new version as `ETag`."""
    partner = await visible_partner(store, principal, partner_id)
    await visible_partner(store, principal, body.duplicate_id)
    survivor = await duplicates.merge(
        store,
        context.metadata(reason=body.reason, campaign_id=partner.campaign_id),
        survivor_id=partner_id,
        duplicate_id=body.duplicate_id,
        similarity=body.similarity,
        expected_version=parse_if_match(if_match),
    )
    response.headers["ETag"] = f'"{survivor.version}"'
    return public(survivor)
