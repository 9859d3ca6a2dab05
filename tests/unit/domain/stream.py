"""A stream built by applying decisions one after another, as the service layer would."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from coalition.shared.events.envelope import DomainEvent, RecordedEvent
from tests.unit.domain.histories import recorded

Decide = Callable[[Sequence[RecordedEvent]], Sequence[DomainEvent]]


class Stream:
    """The history of one stream; `apply` decides on it and appends what was decided."""

    def __init__(self) -> None:
        self.history: list[RecordedEvent] = []

    def apply(self, decide: Decide) -> list[DomainEvent]:
        decided = list(decide(self.history))
        self.append(decided)
        return decided

    def append(self, events: Sequence[DomainEvent]) -> None:
        for event in events:
            self.history.append(recorded(event, len(self.history) + 1))
