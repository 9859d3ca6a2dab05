"""Which events a read model may see, and which period a figure counts over.

"As of" is what the log held then: events *recorded* at or before the moment, so an answer
about a past date never changes after the fact (a back-dated event recorded later is not in
it). The period (`from`, `to`, whole UTC days) selects by when an event *occurred*. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from coalition.shared.events.envelope import RecordedEvent


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time.max, UTC)


def known(events: Iterable[RecordedEvent], as_of: datetime) -> list[RecordedEvent]:
    """The events the log held at `as_of`, in log order."""
    return [e for e in events if e.recorded_at <= as_of]


@dataclass(frozen=True)
class Window:
    """A period read from the log as of a moment: `start` (None: from the first event) to
    `end`, both inclusive, `end` never after `as_of`."""

    as_of: datetime
    start: datetime | None
    end: datetime

    @property
    def day(self) -> date:
        """The day stock figures (what is in force, what needs attention) are read on."""
        return self.end.date()

    def holds(self, moment: datetime) -> bool:
        return (self.start is None or moment >= self.start) and moment <= self.end

    @classmethod
    def of(cls, as_of: datetime, period_from: date | None, period_to: date | None) -> Window:
        end = min(as_of, end_of_day(period_to)) if period_to is not None else as_of
        start = start_of_day(period_from) if period_from is not None else None
        return cls(as_of, start, end)


def occurred_by(events: Iterable[RecordedEvent], moment: datetime) -> list[RecordedEvent]:
    return [e for e in events if e.metadata.occurred_at <= moment]
