"""Events the engagement service publishes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from coalition.shared.events.envelope import DomainEvent

Stage = Literal[
    "identified",
    "prioritised",
    "contacted",
    "in_dialogue",
    "interested",
    "committed",
    "declined",
    "paused",
]


class EngagementOpened(DomainEvent):
    """A pipeline entry was opened for a partner in a campaign."""

    service = "engagement"
    is_decision = True

    engagement_id: str
    partner_id: str
    campaign_id: str
    stage: Stage
    score: float | None = Field(default=None, ge=0.0, le=1.0)


__all__ = ["EngagementOpened"]
