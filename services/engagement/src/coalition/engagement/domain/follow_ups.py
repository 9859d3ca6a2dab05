"""Follow-ups across a campaign's entries: which are open, which are overdue. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from coalition.engagement.domain.pipeline import Engagement, FollowUpState


@dataclass(frozen=True)
class Due:
    """A follow-up with the entry it belongs to."""

    engagement_id: str
    partner_id: str
    follow_up: FollowUpState

    def position(self) -> str:
        """Where it sorts (earliest due first, then by ids): a page's cursor is this text."""
        f = self.follow_up
        return f"{f.due_on.isoformat()} {self.engagement_id} {f.follow_up_id}"


def overdue(follow_up: FollowUpState, today: date) -> bool:
    """Not done and due before today (one due today is not late yet)."""
    return follow_up.completed_on is None and follow_up.due_on < today


def listed(
    entries: Iterable[Engagement],
    *,
    today: date,
    status: str = "overdue",
    owner_id: str | None = None,
) -> list[Due]:
    """Follow-ups by `status` (`overdue`, `open`, `done` or `all`), of `owner_id` if named,
    earliest due first."""
    found = [
        Due(entry.engagement_id, entry.partner_id, f)
        for entry in entries
        for f in entry.follow_ups.values()
        if (owner_id is None or f.owner_id == owner_id)
        and (
            status == "all"
            or (status == "overdue" and overdue(f, today))
            or (status == "open" and f.completed_on is None)
            or (status == "done" and f.completed_on is not None)
        )
    ]
    return sorted(found, key=Due.position)
