"""The walking skeleton's scoring model, `skeleton` v1: simple, documented, explainable.

score = 0.6 * kind_weight + 0.4 * reach, where
- kind_weight is how much an organisation of that kind typically brings to an advocacy
  coalition (unions and parties carry mobilising power; media and government bodies are
  stakeholders more than partners), and
- reach = log10(1 + members) / 6, capped at 1 (a million members or more is full reach;
  unknown membership counts as 0, not as average).
Later issues replace this with influence, alignment, capacity, complementarity and risk.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from coalition.shared.contracts.research import PartnerIdentified
from coalition.shared.contracts.scoring import PartnerScored
from coalition.shared.events.envelope import DomainEvent, RecordedEvent

MODEL = "skeleton"
MODEL_VERSION = 1
STREAM_TYPE = "partner-score"

KIND_WEIGHTS: dict[str, float] = {
    "union": 0.9,
    "party": 0.8,
    "advocacy_group": 0.8,
    "ngo": 0.7,
    "interest_group": 0.7,
    "community_group": 0.6,
    "faith_group": 0.6,
    "business_association": 0.5,
    "think_tank": 0.5,
    "media": 0.3,
    "government_body": 0.2,
}


def stream_id(campaign_id: str, partner_id: str) -> str:
    return f"score-{campaign_id}-{partner_id}"


def reach(members: int | None) -> float:
    if not members:
        return 0.0
    return min(1.0, math.log10(1 + members) / 6)


def score_identified(history: Sequence[RecordedEvent], fact: RecordedEvent) -> list[DomainEvent]:
    """Score a newly identified partner; nothing new if this fact was already scored or the
    score would not change."""
    partner = PartnerIdentified.model_validate(fact.payload)
    components = {
        "kind": KIND_WEIGHTS.get(partner.kind, 0.5),
        "reach": round(reach(partner.members), 4),
    }
    score = round(0.6 * components["kind"] + 0.4 * components["reach"], 4)
    if history and history[-1].payload.get("score") == score:
        return []
    return [
        PartnerScored(
            partner_id=partner.partner_id,
            campaign_id=partner.campaign_id,
            score=score,
            components=components,
            model=MODEL,
            model_version=MODEL_VERSION,
            inputs=[str(fact.event_id)],
        )
    ]


def explain(scored: PartnerScored) -> str:
    """The reason recorded with a score: every component, in words."""
    parts = ", ".join(f"{name} {value:.2f}" for name, value in sorted(scored.components.items()))
    formula = "0.6*kind + 0.4*reach"
    return f"{scored.model} v{scored.model_version}: {formula} = {scored.score:.2f} ({parts})"
