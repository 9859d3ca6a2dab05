"""What engagement reacts to."""

from coalition.engagement.service_layer import reactions
from coalition.shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions("engagement")
subscriptions.on("PartnerScored")(reactions.on_partner_scored)
subscriptions.on("AgreementSigned")(reactions.on_agreement_signed)
