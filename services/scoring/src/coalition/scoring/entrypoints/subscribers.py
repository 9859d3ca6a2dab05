"""What scoring reacts to."""

from coalition.scoring.service_layer import handlers
from coalition.shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions("scoring")
subscriptions.on("PartnerIdentified")(handlers.score_new_partner)
