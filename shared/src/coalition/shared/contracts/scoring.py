"""Events the scoring service publishes."""

from __future__ import annotations

from pydantic import Field

from coalition.shared.events.envelope import DomainEvent


class PartnerScored(DomainEvent):
    """A partner received a score for a campaign under a named, versioned scoring model."""

    service = "scoring"
    is_decision = True

    partner_id: str
    campaign_id: str
    score: float = Field(ge=0.0, le=1.0)
    components: dict[str, float] = Field(description="Each component 0..1, by name.")
    model: str = Field(description="Scoring model name.")
    model_version: int = Field(ge=1)
    inputs: list[str] = Field(
        description="Event ids of the facts the score was computed from, so it can be reproduced."
    )


__all__ = ["PartnerScored"]
