"""The published language: every event type the services exchange, registered in one catalogue.

Services own their events (research owns `PartnerIdentified`), but the contracts live here so
that a consumer can type an event without importing the producing service.
"""

from coalition.shared.contracts import agreement, engagement, research, scoring
from coalition.shared.events.catalogue import catalogue

for _module in (research, scoring, engagement, agreement):
    for _name in _module.__all__:
        catalogue.register(getattr(_module, _name))

__all__ = ["agreement", "catalogue", "engagement", "research", "scoring"]
