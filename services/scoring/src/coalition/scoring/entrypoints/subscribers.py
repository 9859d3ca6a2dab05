"""What scoring reacts to: every event, of which it keeps the facts it scores from.

One catch-all consumer rather than one per event type: it takes each service's events in the
order that service recorded them, so a partner's profile arrives before its positions."""

from coalition.scoring.service_layer import handlers
from coalition.shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions("scoring")
subscriptions.on_every_event(handlers.take_in)
