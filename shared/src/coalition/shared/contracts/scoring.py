"""Events the scoring service publishes."""

from __future__ import annotations

from pydantic import Field

from coalition.shared.events.envelope import DomainEvent


class PartnerScored(DomainEvent):
    """A partner received a score for a campaign under a named, versioned scoring model."""

    service = "scoring"
    is_decision = True

    partner_id: str = Field(description="The partner scored.")
    campaign_id: str = Field(description="The campaign it was scored for.")
    score: float = Field(ge=0.0, le=1.0, description="The composite score, 0..1.")
    components: dict[str, float] = Field(description="Each component 0..1, by name.")
    model: str = Field(description="Scoring model name.")
    model_version: int = Field(ge=1, description="Scoring model version.")
    inputs: list[str] = Field(
        description="Event ids of the facts the score was computed from, so it can be reproduced."
    )


__all__ = ["PartnerScored"]
