"""One catalogue of every event type in the product, so any service can type any event."""

from __future__ import annotations

from collections.abc import Iterator

from coalition.shared.events.envelope import DomainEvent, RecordedEvent


class UnknownEventTypeError(LookupError):
    """An event type that no contract registered."""


class Catalogue:
    """Maps (event type, schema version) to its payload model."""

    def __init__(self) -> None:
        self._types: dict[tuple[str, int], type[DomainEvent]] = {}

    def register(self, event_class: type[DomainEvent]) -> type[DomainEvent]:
        key = (event_class.event_type, event_class.schema_version)
        existing = self._types.get(key)
        if existing is not None and existing is not event_class:
            raise ValueError(f"{key} is registered twice ({existing!r}, {event_class!r})")
        self._types[key] = event_class
        return event_class

    def get(self, event_type: str, schema_version: int = 1) -> type[DomainEvent]:
        try:
            return self._types[(event_type, schema_version)]
        except KeyError:
            raise UnknownEventTypeError(f"{event_type} v{schema_version}") from None

    def decode(self, event: RecordedEvent) -> DomainEvent:
        """The typed payload of a recorded event."""
        return self.get(event.event_type, event.schema_version).model_validate(event.payload)

    def __iter__(self) -> Iterator[type[DomainEvent]]:
        """In registration order: the order of the story (research first, agreement last)."""
        return iter(self._types.values())

    def __contains__(self, event_type: object) -> bool:
        return any(key[0] == event_type for key in self._types)


catalogue = Catalogue()
"""The product's catalogue; `coalition.shared.contracts` registers every event type in it."""
