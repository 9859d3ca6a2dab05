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

    engagement_id: str = Field(description="`<campaign_id>.<partner_id>`: one entry per pair.")
    partner_id: str = Field(description="The partner approached.")
    campaign_id: str = Field(description="The campaign approaching it.")
    stage: Stage = Field(description="The stage the entry opens in.")
    score: float | None = Field(
        default=None, ge=0.0, le=1.0, description="The score that opened it, if any."
    )


__all__ = ["EngagementOpened"]
