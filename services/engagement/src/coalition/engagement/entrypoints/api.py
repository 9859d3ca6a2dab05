"""REST routes of engagement."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel

from coalition.engagement.domain.pipeline import engagement_id
from coalition.engagement.service_layer import handlers
from coalition.shared.web.auth import PrincipalDep, require_campaign
from coalition.shared.web.deps import StoreDep

router = APIRouter(tags=["pipeline"])


class EngagementPublic(BaseModel):
    engagement_id: str
    campaign_id: str
    partner_id: str
    stage: str
    score: float | None
    version: int


@router.get(
    "/campaigns/{campaign_id}/partners/{partner_id}/engagement",
    summary="The pipeline entry of a partner in a campaign.",
)
async def get_engagement(
    campaign_id: str,
    partner_id: str,
    store: StoreDep,
    principal: PrincipalDep,
    response: Response,
) -> EngagementPublic:
    require_campaign(principal, campaign_id)
    entry = await handlers.get_engagement(store, engagement_id(campaign_id, partner_id))
    response.headers["ETag"] = f'"{entry.version}"'
    return EngagementPublic(**entry.__dict__)
