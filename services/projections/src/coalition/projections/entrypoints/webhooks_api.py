"""REST routes of the webhooks: subscriptions per campaign, their delivery log, the dead-letter
list and manual redelivery. Every route checks the caller's campaigns: a subscription of
another campaign answers 404, naming another campaign 403."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from coalition.projections.domain.deliveries import ALL_EVENTS, Status
from coalition.projections.entrypoints.webhook_models import (
    AttemptOut,
    DeliveryOut,
    DeliveryPage,
    Redelivery,
    Webhook,
    WebhookChange,
    WebhookCreate,
    WebhookPage,
    WebhookWithSecret,
)
from coalition.projections.service_layer import deliveries, webhook_subscriptions
from coalition.projections.service_layer.deliveries import Delivery
from coalition.projections.service_layer.webhook_subscriptions import Subscription
from coalition.shared.access.principal import Principal
from coalition.shared.contracts import catalogue
from coalition.shared.web.auth import PrincipalDep, require_campaign, visible
from coalition.shared.web.deps import NOT_MODIFIED, EngineDep, IfMatch, conditional, parse_if_match
from coalition.shared.web.problems import InvalidInputError

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


def _known_types(event_types: list[str]) -> list[str]:
    """422 for a type no service publishes: a typo would otherwise never deliver anything."""
    unknown = [name for name in event_types if name != ALL_EVENTS and name not in catalogue]
    if unknown:
        raise InvalidInputError(
            f"unknown event type(s): {', '.join(unknown)}",
            errors=[{"field": "body.event_types", "message": f"unknown: {', '.join(unknown)}"}],
        )
    return sorted(set(event_types))


def _out(subscription: Subscription) -> Webhook:
    return Webhook(**subscription.__dict__)


def _with_secret(subscription: Subscription, secret: str) -> WebhookWithSecret:
    return WebhookWithSecret(**subscription.__dict__, secret=secret)


def _delivery_out(delivery: Delivery) -> DeliveryOut:
    values = dict(delivery.__dict__)
    values["attempts"] = [AttemptOut(**attempt.__dict__) for attempt in delivery.attempts]
    return DeliveryOut(**values)


def _sequence(cursor: str | None) -> int | None:
    return int(cursor) if cursor is not None else None


Limit = Annotated[int, Query(ge=1, le=500)]
Cursor = Annotated[
    str | None,
    Query(max_length=20, pattern=r"^[0-9]{1,18}$", description="`next_cursor` of the last page."),
]


def _campaigns(principal: Principal, campaign_id: str | None) -> frozenset[str] | None:
    """What a list may show: the campaign named (403 unless the caller's), else every campaign
    of the caller (None: all)."""
    if campaign_id is None:
        return principal.campaign_filter()
    require_campaign(principal, campaign_id)
    return frozenset({campaign_id})


async def _visible_subscription(
    engine: EngineDep, principal: PrincipalDep, subscription_id: str
) -> Subscription:
    subscription = await webhook_subscriptions.get(engine, subscription_id)
    visible(principal, subscription.campaign_id, webhook_subscriptions.not_found(subscription_id))
    return subscription


@router.post("", status_code=201, summary="Subscribe a URL to a campaign's events.")
async def create_webhook(
    body: WebhookCreate, engine: EngineDep, principal: PrincipalDep, response: Response
) -> WebhookWithSecret:
    """The answer holds the signing secret: the only time it is shown (but for rotation)."""
    require_campaign(principal, body.campaign_id)
    subscription, secret = await webhook_subscriptions.create(
        engine,
        campaign_id=body.campaign_id,
        url=body.url,
        event_types=_known_types(body.event_types),
        description=body.description,
        enabled=body.enabled,
        actor=principal.actor,
    )
    response.headers["Location"] = f"webhooks/{subscription.id}"
    response.headers["ETag"] = subscription.etag
    return _with_secret(subscription, secret)


@router.get("", summary="Webhook subscriptions, of one campaign or of all the caller's.")
async def list_webhooks(
    engine: EngineDep,
    principal: PrincipalDep,
    campaign_id: Annotated[str | None, Query(max_length=100)] = None,
    limit: Limit = 100,
    cursor: Annotated[
        str | None, Query(max_length=100, description="`next_cursor` of the last page.")
    ] = None,
) -> WebhookPage:
    campaigns = _campaigns(principal, campaign_id)
    items, next_cursor = await webhook_subscriptions.page(
        engine, campaigns=campaigns, limit=limit, cursor=cursor
    )
    return WebhookPage(items=[_out(item) for item in items], next_cursor=next_cursor)


@router.get(
    "/dead-letters",
    summary="Deliveries that failed every attempt, waiting for a manual redelivery.",
)
async def dead_letters(
    engine: EngineDep,
    principal: PrincipalDep,
    campaign_id: Annotated[str | None, Query(max_length=100)] = None,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> DeliveryPage:
    campaigns = _campaigns(principal, campaign_id)
    items, next_cursor = await deliveries.page(
        engine, campaigns=campaigns, status=Status.DEAD, limit=limit, cursor=_sequence(cursor)
    )
    return DeliveryPage(
        items=[_delivery_out(item) for item in items],
        next_cursor=str(next_cursor) if next_cursor is not None else None,
    )


@router.post(
    "/deliveries/{delivery_id}/redeliver",
    status_code=202,
    summary="Send a delivered or dead delivery again (its log keeps every attempt).",
)
async def redeliver(delivery_id: str, engine: EngineDep, principal: PrincipalDep) -> Redelivery:
    campaign = await deliveries.campaign_of(engine, delivery_id)
    visible(principal, campaign, deliveries.delivery_not_found(delivery_id))
    await deliveries.redeliver(engine, delivery_id, actor=principal.actor)
    return Redelivery(delivery_id=delivery_id, status=Status.PENDING)


@router.get(
    "/{subscription_id}",
    summary="One webhook subscription (never its secret).",
    response_model=Webhook,
    responses=NOT_MODIFIED,
)
async def get_webhook(
    subscription_id: str, engine: EngineDep, principal: PrincipalDep, request: Request
) -> Any:
    subscription = await _visible_subscription(engine, principal, subscription_id)
    return conditional(request, _out(subscription), subscription.etag)


@router.patch("/{subscription_id}", summary="Change the URL, event types, description or enabled.")
async def change_webhook(
    subscription_id: str,
    body: WebhookChange,
    engine: EngineDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> Webhook:
    current = await _visible_subscription(engine, principal, subscription_id)
    changes = body.model_dump(exclude_unset=True)
    for name in ("url", "event_types", "enabled"):
        if name in changes and changes[name] is None:
            raise InvalidInputError(
                f"{name} cannot be null",
                errors=[{"field": f"body.{name}", "message": "cannot be null"}],
            )
    if "event_types" in changes:
        changes["event_types"] = _known_types(changes["event_types"])
    subscription = await webhook_subscriptions.update(
        engine,
        current,
        changes,
        expected_version=parse_if_match(if_match),
        actor=principal.actor,
    )
    response.headers["ETag"] = subscription.etag
    return _out(subscription)


@router.delete(
    "/{subscription_id}",
    status_code=204,
    summary="Stop delivering; the subscription's deliveries and their log go with it.",
)
async def delete_webhook(
    subscription_id: str, engine: EngineDep, principal: PrincipalDep, if_match: IfMatch = None
) -> Response:
    current = await _visible_subscription(engine, principal, subscription_id)
    await webhook_subscriptions.delete(
        engine, current, expected_version=parse_if_match(if_match), actor=principal.actor
    )
    return Response(status_code=204)


@router.post(
    "/{subscription_id}/secret",
    summary="Replace the signing secret; the new one is shown in this answer only.",
)
async def rotate_secret(
    subscription_id: str,
    engine: EngineDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> WebhookWithSecret:
    current = await _visible_subscription(engine, principal, subscription_id)
    subscription, secret = await webhook_subscriptions.rotate_secret(
        engine, current, expected_version=parse_if_match(if_match), actor=principal.actor
    )
    response.headers["ETag"] = subscription.etag
    return _with_secret(subscription, secret)


@router.get(
    "/{subscription_id}/deliveries",
    summary="The delivery log of a subscription: each delivery with every attempt.",
)
async def list_deliveries(
    subscription_id: str,
    engine: EngineDep,
    principal: PrincipalDep,
    status: Status | None = None,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> DeliveryPage:
    await _visible_subscription(engine, principal, subscription_id)
    items, next_cursor = await deliveries.page(
        engine,
        subscription_id=subscription_id,
        status=status,
        limit=limit,
        cursor=_sequence(cursor),
    )
    return DeliveryPage(
        items=[_delivery_out(item) for item in items],
        next_cursor=str(next_cursor) if next_cursor is not None else None,
    )
