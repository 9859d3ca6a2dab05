"""REST routes of a partnership's follow-through: periodic reviews (delivered against promised,
each side's Wilder feedback, impact against objectives), what needs attention across a
campaign, and the commitments from engagement that drafts start from."""

from __future__ import annotations

import uuid
from datetime import date
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, BeforeValidator, Field

from coalition.agreement.domain import reviews
from coalition.agreement.entrypoints.public import (
    AgreementPath,
    AttentionPublic,
    CampaignPath,
    ChangeDep,
    Cursor,
    Limit,
    attention_public,
    today,
    visible_agreement,
)
from coalition.agreement.service_layer import handlers
from coalition.shared.contracts.agreement import (
    DeliverableReport,
    DeliveryStatus,
    Feedback,
    ImpactMeasure,
    PartnershipReviewed,
    WilderFactor,
)
from coalition.shared.web.auth import PrincipalDep, require_campaign
from coalition.shared.web.deps import StoreDep
from coalition.shared.web.models import (
    Day,
    Identifier,
    Name,
    Note,
    Reason,
    RequestBody,
    whole_number,
)
from coalition.shared.web.problems import NotFoundError

router = APIRouter(tags=["agreement reviews"])
AGREEMENT = "/agreements/{agreement_id}"
Rating = Annotated[int, Field(ge=1, le=5), BeforeValidator(whole_number)]


class DeliverableIn(RequestBody):
    responsibility_id: Identifier
    status: DeliveryStatus
    note: Note | None = None


class FeedbackIn(RequestBody):
    party_id: Identifier = Field(description="The side: a party, or the campaign (by its id).")
    respondent: Name | None = None
    ratings: dict[WilderFactor, Rating] = Field(
        default_factory=dict,
        description="Wilder Collaboration Factors Inventory: 1 strongly disagree .. 5 strongly "
        "agree that the factor holds.",
    )
    comment: Note | None = None


class ImpactIn(RequestBody):
    objective_id: Identifier
    value: float = Field(description="The measured value, in the objective's metric.")
    note: Note | None = None


class ReviewIn(RequestBody):
    review_id: Identifier | None = Field(
        default=None, description="Your own id for it (a CRM record's, say); one is made if not."
    )
    period_from: Day
    period_to: Day
    deliverables: list[DeliverableIn] = Field(max_length=200)
    feedback: list[FeedbackIn] = Field(default_factory=list, max_length=100)
    impact: list[ImpactIn] = Field(default_factory=list, max_length=100)
    reason: Reason


class ReadingPublic(BaseModel):
    factor: str
    category: str
    mean: float
    responses: int
    reading: str = Field(description="strength (4+), discuss (3 to 4) or concern (under 3).")


class ReviewPublic(BaseModel):
    review_id: str
    period_from: date
    period_to: date
    promised: int
    delivered: int
    missed: list[str]
    deliverables: list[DeliverableReport]
    feedback: list[Feedback]
    impact: list[ImpactMeasure]
    readings: list[ReadingPublic] = Field(description="Each factor's mean over the sides.")


class ReviewPage(BaseModel):
    items: list[ReviewPublic]
    next_cursor: str | None


class CampaignAttention(BaseModel):
    agreement_id: str
    title: str
    status: str
    attention: list[AttentionPublic]


class CommitmentPublic(BaseModel):
    ref: str = Field(description="`partner_id/commitment_id`, as a draft cites it.")
    partner_id: str
    commitment_id: str
    what: str
    resources: list[str]
    withdrawn: bool
    agreements: list[str] = Field(description="Agreements that start from it.")


def review_public(review: PartnershipReviewed) -> ReviewPublic:
    return ReviewPublic(
        **review.model_dump(
            include={
                "review_id",
                "period_from",
                "period_to",
                "promised",
                "delivered",
                "missed",
                "deliverables",
                "feedback",
                "impact",
            }
        ),
        readings=[ReadingPublic(**r.__dict__) for r in reviews.readings(review.feedback)],
    )


@router.post(f"{AGREEMENT}/reviews", status_code=201, summary="Record a review of the partnership.")
async def review_agreement(
    body: ReviewIn, store: StoreDep, principal: PrincipalDep, change: ChangeDep
) -> ReviewPublic:
    state = await visible_agreement(store, principal, change.agreement_id)
    objectives = await handlers.objectives(store, state.campaign_id)
    review_id = body.review_id or str(uuid.uuid4())
    decide = partial(
        reviews.review,
        review_id=review_id,
        period_from=body.period_from,
        period_to=body.period_to,
        deliverables=[DeliverableReport.model_validate(d.model_dump()) for d in body.deliverables],
        feedback=[Feedback.model_validate(f.model_dump()) for f in body.feedback],
        impact=[ImpactMeasure.model_validate(i.model_dump()) for i in body.impact],
        objectives=frozenset(objectives) if objectives is not None else None,
    )
    state = await change.apply(body.reason, decide)
    change.response.headers["Location"] = f"reviews/{review_id}"
    return review_public(state.reviews[-1])


@router.get(f"{AGREEMENT}/reviews", summary="The agreement's reviews, oldest first.")
async def list_reviews(
    agreement_id: AgreementPath,
    store: StoreDep,
    principal: PrincipalDep,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> ReviewPage:
    """The cursor is the last review id seen."""
    state = await visible_agreement(store, principal, agreement_id)
    found = list(state.reviews)
    if cursor is not None:
        ids = [r.review_id for r in found]
        found = found[ids.index(cursor) + 1 :] if cursor in ids else []
    page = found[:limit]
    return ReviewPage(
        items=[review_public(r) for r in page],
        next_cursor=page[-1].review_id if len(found) > limit else None,
    )


@router.get(f"{AGREEMENT}/reviews/{{review_id}}", summary="One review, with Wilder's readings.")
async def get_review(
    agreement_id: AgreementPath,
    review_id: Annotated[str, Path(max_length=100)],
    store: StoreDep,
    principal: PrincipalDep,
) -> ReviewPublic:
    state = await visible_agreement(store, principal, agreement_id)
    for review in state.reviews:
        if review.review_id == review_id:
            return review_public(review)
    raise NotFoundError(f"review {review_id} not found", review_id=review_id)


@router.get(
    "/campaigns/{campaign_id}/agreements/attention",
    summary="The campaign's agreements that need attention: missed or overdue deliverables, "
    "overdue reviews, ends close by, late signatures, collaboration concerns.",
)
async def campaign_attention(
    campaign_id: CampaignPath,
    store: StoreDep,
    principal: PrincipalDep,
    as_of: Annotated[Day | None, Query(description="As of this day (today).")] = None,
) -> list[CampaignAttention]:
    require_campaign(principal, campaign_id)
    day = as_of or today()
    found = []
    for agreement in await handlers.campaign_agreements(store, campaign_id):
        flags = reviews.attention(agreement, day)
        if flags:
            found.append(
                CampaignAttention(
                    agreement_id=agreement.agreement_id,
                    title=agreement.content.title,
                    status=agreement.status,
                    attention=attention_public(flags),
                )
            )
    return found


@router.get(
    "/campaigns/{campaign_id}/commitments",
    summary="Commitments partners made in engagement, and the agreements that start from them.",
)
async def list_commitments(
    campaign_id: CampaignPath,
    store: StoreDep,
    principal: PrincipalDep,
    open_only: Annotated[
        bool, Query(alias="open", description="Only standing ones no agreement starts from yet.")
    ] = False,
) -> list[CommitmentPublic]:
    require_campaign(principal, campaign_id)
    cited: dict[str, list[str]] = {}
    for agreement in await handlers.campaign_agreements(store, campaign_id):
        if agreement.status != "withdrawn":
            for ref in agreement.commitments:
                cited.setdefault(ref, []).append(agreement.agreement_id)
    found = [
        CommitmentPublic(
            ref=c.ref,
            partner_id=c.partner_id,
            commitment_id=c.commitment_id,
            what=c.what,
            resources=list(c.resources),
            withdrawn=c.withdrawn,
            agreements=cited.get(c.ref, []),
        )
        for c in (await handlers.commitments(store, campaign_id)).values()
    ]
    if open_only:
        found = [c for c in found if not c.withdrawn and not c.agreements]
    return found
