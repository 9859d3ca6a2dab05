"""What research reacts to: other services' decisions about a partner, written back to the CRM
record the partner came from."""

from coalition.research.service_layer.write_back import AGREEMENT_STATUS, write_status_back
from coalition.shared.messaging.subscriptions import Subscriptions

subscriptions = Subscriptions("research")
for _event_type in (
    "PartnerScored",
    "EngagementOpened",
    "EngagementStageChanged",
    "AgreementDrafted",
    "AgreementSigned",
    *AGREEMENT_STATUS,
):
    subscriptions.on(_event_type)(write_status_back)
