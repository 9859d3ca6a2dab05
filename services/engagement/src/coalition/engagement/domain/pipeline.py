"""A pipeline entry: how a campaign approaches one partner."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coalition.shared.contracts.engagement import EngagementOpened
from coalition.shared.contracts.scoring import PartnerScored
from coalition.shared.events.envelope import DomainEvent, RecordedEvent

STREAM_TYPE = "engagement"
PRIORITY_THRESHOLD = 0.6
"""A first score at or above this opens the entry as `prioritised`, below as `identified`."""


def engagement_id(campaign_id: str, partner_id: str) -> str:
    """One entry per campaign and partner, so the id is derived, not invented."""
    return f"{campaign_id}.{partner_id}"


def stream_id(engagement: str) -> str:
    return f"engagement-{engagement}"


@dataclass(frozen=True)
class Engagement:
    engagement_id: str
    campaign_id: str
    partner_id: str
    stage: str
    score: float | None
    version: int

    @classmethod
    def from_history(cls, history: Sequence[RecordedEvent]) -> Engagement | None:
        entry: Engagement | None = None
        for event in history:
            if event.event_type == "EngagementOpened":
                opened = EngagementOpened.model_validate(event.payload)
                entry = cls(
                    opened.engagement_id,
                    opened.campaign_id,
                    opened.partner_id,
                    opened.stage,
                    opened.score,
                    event.stream_version,
                )
            elif entry is not None:
                entry = cls(**{**entry.__dict__, "version": event.stream_version})
        return entry


def open_for_scored_partner(
    history: Sequence[RecordedEvent], fact: RecordedEvent
) -> list[DomainEvent]:
    """Open the entry on a partner's first score; later scores do not reopen it."""
    if history:
        return []
    scored = PartnerScored.model_validate(fact.payload)
    stage = "prioritised" if scored.score >= PRIORITY_THRESHOLD else "identified"
    return [
        EngagementOpened(
            engagement_id=engagement_id(scored.campaign_id, scored.partner_id),
            partner_id=scored.partner_id,
            campaign_id=scored.campaign_id,
            stage=stage,
            score=scored.score,
        )
    ]


def opening_reason(opened: EngagementOpened) -> str:
    comparison = ">=" if opened.stage == "prioritised" else "<"
    # The exact figures, not rounded ones: 0.5999 must not read "0.60 < 0.60".
    return f"opened as {opened.stage}: first score {opened.score} {comparison} {PRIORITY_THRESHOLD}"
