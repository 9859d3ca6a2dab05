"""REST routes of scoring."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel

from coalition.scoring.service_layer import handlers
from coalition.shared.web.auth import PrincipalDep, require_campaign
from coalition.shared.web.deps import StoreDep

router = APIRouter(tags=["scores"])


class ScorePublic(BaseModel):
    partner_id: str
    campaign_id: str
    score: float
    components: dict[str, float]
    model: str
    model_version: int
    explanation: str | None
    inputs: list[str]
    version: int


@router.get(
    "/campaigns/{campaign_id}/partners/{partner_id}/score",
    summary="A partner's latest score in a campaign, with its components and explanation.",
)
async def get_score(
    campaign_id: str,
    partner_id: str,
    store: StoreDep,
    principal: PrincipalDep,
    response: Response,
) -> ScorePublic:
    require_campaign(principal, campaign_id)
    event = await handlers.latest_score(store, campaign_id, partner_id)
    response.headers["ETag"] = f'"{event.stream_version}"'
    return ScorePublic(
        **event.payload, explanation=event.metadata.reason, version=event.stream_version
    )
