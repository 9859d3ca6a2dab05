"""Rapport over time: the PARTNER tool's trust dimensions, assessment after assessment. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coalition.engagement.domain.pipeline import Assessment

DIMENSIONS = ("openness", "reliability", "mission_support")


@dataclass(frozen=True)
class DimensionTrend:
    dimension: str
    first: int
    latest: int
    change: int
    """latest - first: above 0 trust grew, below 0 it fell."""
    mean: float
    direction: str
    """`rising`, `falling` or `steady` (latest against the one before)."""


def _direction(values: Sequence[int]) -> str:
    if len(values) < 2 or values[-1] == values[-2]:
        return "steady"
    return "rising" if values[-1] > values[-2] else "falling"


def in_order(assessments: Sequence[Assessment]) -> list[Assessment]:
    """Oldest first, by day; assessments of one day in the order recorded."""
    return sorted(assessments, key=lambda a: a.assessed_on)


def trend(assessments: Sequence[Assessment]) -> list[DimensionTrend]:
    """Each dimension's first, latest, change, mean and direction (none without assessments)."""
    ordered = in_order(assessments)
    if not ordered:
        return []
    trends = []
    for dimension in DIMENSIONS:
        values = [int(getattr(a, dimension)) for a in ordered]
        trends.append(
            DimensionTrend(
                dimension,
                values[0],
                values[-1],
                values[-1] - values[0],
                round(sum(values) / len(values), 2),
                _direction(values),
            )
        )
    return trends
