"""The published language: every event type the services exchange, registered in one catalogue.

Services own their events (research owns `PartnerIdentified`), but the contracts live here so
that a consumer can type an event without importing the producing service.
"""

from coalition.shared.contracts import agreement, engagement, research, scoring
from coalition.shared.events.catalogue import catalogue

catalogue_order = [
    *research.EVENTS,
    *(
        getattr(module, name)
        for module in (scoring, engagement, agreement)
        for name in module.__all__
    ),
]
for _event in catalogue_order:
    catalogue.register(_event)

__all__ = ["agreement", "catalogue", "engagement", "research", "scoring"]
