"""What engagement reacts to."""

from coalition.engagement.service_layer import handlers
from coalition.shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions("engagement")
subscriptions.on("PartnerScored")(handlers.open_pipeline_entry)
