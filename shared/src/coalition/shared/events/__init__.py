"""The event envelope and the catalogue of event types."""

from coalition.shared.events.catalogue import Catalogue, catalogue
from coalition.shared.events.envelope import (
    DomainEvent,
    Metadata,
    NewEvent,
    ReasonRequiredError,
    RecordedEvent,
)

__all__ = [
    "Catalogue",
    "DomainEvent",
    "Metadata",
    "NewEvent",
    "ReasonRequiredError",
    "RecordedEvent",
    "catalogue",
]
