"""Vocabularies the research events share: kinds of organisation, the stance scale."""

from __future__ import annotations

from typing import Literal

OrganisationKind = Literal[
    "party",
    "interest_group",
    "ngo",
    "union",
    "business_association",
    "faith_group",
    "community_group",
    "media",
    "think_tank",
    "government_body",
    "advocacy_group",
]

Stance = Literal["strongly_oppose", "oppose", "neutral", "support", "strongly_support"]
"""Where an organisation stands on an issue, from strongly oppose to strongly support."""

STANCE_VALUES: dict[str, int] = {
    "strongly_oppose": -2,
    "oppose": -1,
    "neutral": 0,
    "support": 1,
    "strongly_support": 2,
}
"""The stance scale as numbers, for comparing and scoring."""

BudgetBand = Literal["under_100k", "100k_to_1m", "1m_to_10m", "10m_to_100m", "over_100m"]
"""Annual budget in the organisation's currency, by order of magnitude."""

Issue = str
"""An issue area, as a short lower-case key (`living-wage`, `climate`)."""
