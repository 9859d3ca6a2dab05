"""A campaign's outreach settings, one stream per campaign: whether recommended partners open
entries by themselves, and how many partners each staff member can carry. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from coalition.engagement.domain.pipeline import Engagement
from coalition.shared.contracts.engagement import AutoOpenSet, OutreachCapacitySet
from coalition.shared.events.envelope import DomainEvent, RecordedEvent

STREAM_TYPE = "outreach"


def stream_id(campaign_id: str) -> str:
    return f"outreach-{campaign_id}"


@dataclass(frozen=True)
class Outreach:
    campaign_id: str
    version: int = 0
    auto_open: bool = False
    """Off until the campaign turns it on: no entry opens without someone choosing so."""
    capacity: dict[str, int] = field(default_factory=dict)
    """staff id -> at most this many active entries."""

    @classmethod
    def from_history(cls, campaign_id: str, history: Sequence[RecordedEvent]) -> Outreach:
        outreach = cls(campaign_id)
        for event in history:
            if event.event_type == "AutoOpenSet":
                outreach = replace(outreach, auto_open=bool(event.payload["enabled"]))
            elif event.event_type == "OutreachCapacitySet":
                staff, most = str(event.payload["staff_id"]), int(event.payload["max_partners"])
                outreach = replace(outreach, capacity={**outreach.capacity, staff: most})
            outreach = replace(outreach, version=event.stream_version)
        return outreach


def set_auto_open(
    history: Sequence[RecordedEvent], *, campaign_id: str, enabled: bool
) -> list[DomainEvent]:
    """Turn auto-open on or off (saying it again records nothing)."""
    if Outreach.from_history(campaign_id, history).auto_open == enabled:
        return []
    return [AutoOpenSet(campaign_id=campaign_id, enabled=enabled)]


def set_capacity(
    history: Sequence[RecordedEvent], *, campaign_id: str, staff_id: str, max_partners: int
) -> list[DomainEvent]:
    """How many partners `staff_id` can carry (the same figure again records nothing)."""
    if Outreach.from_history(campaign_id, history).capacity.get(staff_id) == max_partners:
        return []
    return [
        OutreachCapacitySet(campaign_id=campaign_id, staff_id=staff_id, max_partners=max_partners)
    ]


@dataclass(frozen=True)
class Load:
    """A staff member's capacity and what they carry now."""

    staff_id: str
    max_partners: int | None
    active: int

    @property
    def spare(self) -> int | None:
        return None if self.max_partners is None else max(self.max_partners - self.active, 0)


def carried(entries: Iterable[Engagement]) -> Counter[str]:
    """staff id -> how many active entries they own."""
    return Counter(e.owner_id for e in entries if e.owner_id is not None and e.active)


def loads(outreach: Outreach, entries: Iterable[Engagement]) -> list[Load]:
    """Every staff member with a capacity or an entry, by id."""
    counts = carried(entries)
    staff = sorted(set(outreach.capacity) | set(counts))
    return [Load(s, outreach.capacity.get(s), counts.get(s, 0)) for s in staff]
