"""The bodies of the webhook routes: what clients send (strict) and what they get back."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, Field, StringConstraints
from pydantic.json_schema import SkipJsonSchema

import coalition.shared.contracts  # noqa: F401  (registers every event type in the catalogue)
from coalition.projections.domain.deliveries import Status
from coalition.shared.events.catalogue import catalogue
from coalition.shared.web.models import VISIBLE_TEXT, Identifier, RequestBody


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("must be an http or https URL with a host")
    return value


WebhookUrl = Annotated[
    str,
    StringConstraints(
        min_length=8,
        max_length=2000,
        # An ASCII host name or address (IDN as punycode), an optional port, visible ASCII after.
        pattern=r"^https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?(?:[/?#][!-~]*)?$",
    ),
    AfterValidator(_http_url),
]
"""Where deliveries go: http or https (https in production), no credentials in the URL."""

KNOWN_EVENT_TYPES = ["*", *sorted({event.event_type for event in catalogue})]
EventType = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=r"^(\*|[A-Za-z][A-Za-z0-9]*)$"),
    Field(json_schema_extra={"enum": KNOWN_EVENT_TYPES}),
]
"""An event type some service publishes, or `*`; the schema lists them (checked in the route)."""
Description = Annotated[str, StringConstraints(min_length=1, max_length=500, pattern=VISIBLE_TEXT)]
EventTypes = Annotated[
    list[EventType],
    Field(
        min_length=1,
        max_length=100,
        description='Event types to deliver (see docs/events.md), or `["*"]` for every one.',
    ),
]


class WebhookCreate(RequestBody):
    campaign_id: Identifier
    url: WebhookUrl
    event_types: EventTypes
    description: Description | None = Field(
        default=None, description="Why this subscription exists (who uses it, for what)."
    )
    enabled: bool = True


class WebhookChange(RequestBody):
    """Only the fields sent change; `description: null` clears the description."""

    # Absent means unchanged; null is refused (only `description` may be cleared), so the
    # schema does not offer null for these.
    url: WebhookUrl | SkipJsonSchema[None] = None
    event_types: EventTypes | SkipJsonSchema[None] = None
    description: Description | None = None
    enabled: bool | SkipJsonSchema[None] = None


class Webhook(BaseModel):
    id: str
    campaign_id: str
    url: str
    event_types: list[str]
    description: str | None
    enabled: bool
    version: int
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


class WebhookWithSecret(Webhook):
    secret: str = Field(
        description="`whsec_` + base64 key for verifying signatures. Shown only now: keep it."
    )


class WebhookPage(BaseModel):
    items: list[Webhook]
    next_cursor: str | None


class AttemptOut(BaseModel):
    attempted_at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int
    response_excerpt: str | None
    succeeded: bool


class DeliveryOut(BaseModel):
    id: str = Field(description="Also the `webhook-id` header, the same on every attempt.")
    subscription_id: str
    campaign_id: str
    event_id: uuid.UUID
    event_type: str
    partner_key: str
    status: Status
    tries: int = Field(description="Failed attempts since it was recorded or redelivered.")
    next_attempt_at: datetime | None
    created_at: datetime
    updated_at: datetime
    attempts: list[AttemptOut]


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None


class Redelivery(BaseModel):
    delivery_id: str
    status: Status
