"""The pipeline's stages and the moves between them: a table, so the rule can be read (and
documented) at a glance. Pure."""

from __future__ import annotations

from typing import get_args

from coalition.shared.contracts.engagement import Stage
from coalition.shared.web.problems import DomainError, ForbiddenError

STAGES: tuple[Stage, ...] = get_args(Stage)

LADDER: tuple[Stage, ...] = (
    "identified",
    "prioritised",
    "contacted",
    "in_dialogue",
    "interested",
    "committed",
)
"""The way forward, one rung at a time; jumping rungs is a skip."""

OPEN: frozenset[Stage] = frozenset(LADDER) - {"committed"}
"""Stages a deal-breaker found later can pause (not committed, declined or already paused)."""

MOVES: dict[Stage, frozenset[Stage]] = {
    "identified": frozenset({"prioritised", "declined", "paused"}),
    "prioritised": frozenset({"identified", "contacted", "declined", "paused"}),
    "contacted": frozenset({"in_dialogue", "declined", "paused"}),
    "in_dialogue": frozenset({"interested", "declined", "paused"}),
    "interested": frozenset({"committed", "in_dialogue", "declined", "paused"}),
    "committed": frozenset({"declined"}),
    "declined": frozenset({"identified"}),
    "paused": frozenset({"declined"}),
}
"""Moves anyone who may write may make. A paused entry also resumes where it was paused."""


class InvalidMoveError(DomainError):
    """A move the table does not allow."""

    kind = "invalid-move"


def skipped_between(start: Stage, end: Stage) -> list[Stage] | None:
    """The rungs jumped going forward from `start` to `end`, or None if that is not a forward
    jump of two rungs or more."""
    if start not in LADDER or end not in LADDER:
        return None
    low, high = LADDER.index(start), LADDER.index(end)
    return list(LADDER[low + 1 : high]) if high - low >= 2 else None


def check_move(
    stage: Stage, paused_from: Stage | None, to: Stage, *, may_skip: bool
) -> list[Stage]:
    """The stages skipped by moving from `stage` to `to` (usually none); raise if the move is
    not allowed, or is a skip and the caller's role does not allow skipping."""
    if to == stage:
        raise InvalidMoveError(f"the entry is already {stage}", field="body.to_stage", stage=stage)
    if to in MOVES[stage]:
        return []
    resumes = paused_from is not None and (to == paused_from or to in MOVES[paused_from])
    if stage == "paused" and resumes and to != "paused":
        return []
    start = paused_from if stage == "paused" else stage
    skipped = skipped_between(start, to) if start is not None else None
    if skipped is None:
        allowed = sorted(MOVES[stage] | ({paused_from} if paused_from else set()))
        raise InvalidMoveError(
            f"an entry cannot move from {stage} to {to}; allowed: {', '.join(allowed)}",
            field="body.to_stage",
            stage=stage,
            allowed=allowed,
        )
    if not may_skip:
        raise ForbiddenError(
            f"moving from {start} to {to} skips {', '.join(skipped)}: only a lead may skip stages",
            field="body.to_stage",
        )
    return skipped
