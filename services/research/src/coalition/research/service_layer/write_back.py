"""Partner status back to the CRM record it came from: the stage when the pipeline entry opens
or moves, the score when it is scored, the agreement's status as it is drafted, comes into
force, is suspended or ends. At least once (a failed write raises, and the consumer retries,
then dead-letters); the values are absolute, so writing one twice does no harm."""

from __future__ import annotations

from typing import Any

import httpx
import structlog

from coalition.research.adapters.crm.clients import client_for
from coalition.research.adapters.crm.config import configured
from coalition.research.domain import partner as model
from coalition.research.service_layer.crm import status_values
from coalition.shared.events.envelope import RecordedEvent
from coalition.shared.eventstore.store import StoreTransaction

log = structlog.get_logger(__name__)
TIMEOUT_SECONDS = 10.0


def status_of(fact: RecordedEvent) -> dict[str, dict[str, Any]]:
    """partner id -> the status fields this event sets."""
    p = fact.payload
    match fact.event_type:
        case "PartnerScored":
            return {str(p["partner_id"]): {"score": p["score"]}}
        case "EngagementOpened":
            return {str(p["partner_id"]): {"stage": p["stage"]}}
        case "EngagementStageChanged":
            return {str(p["partner_id"]): {"stage": p["to_stage"]}}
        case "AgreementDrafted":
            return {str(party): {"agreement_status": "drafted"} for party in p["parties"]}
        case "AgreementSigned":
            return {str(party): {"agreement_status": "in_force"} for party in p["parties"]}
    status = AGREEMENT_STATUS.get(fact.event_type)
    if status is not None:
        return {str(party): {"agreement_status": status} for party in p.get("parties", [])}
    return {}


AGREEMENT_STATUS = {
    "AgreementSuspended": "suspended",
    "AgreementResumed": "in_force",
    "AgreementTerminated": "terminated",
    "AgreementExpired": "expired",
    "AgreementWithdrawn": "withdrawn",
}
"""The status an agreement's later life leaves on each party's CRM record."""


async def write_status_back(fact: RecordedEvent, tx: StoreTransaction) -> None:
    config = configured()
    for partner_id, status in status_of(fact).items():
        partner = model.Partner.from_history(await tx.read_stream(model.stream_id(partner_id)))
        if partner is None:
            continue
        for name, external_id in partner.crm_records.items():
            connector = config.get(name)
            values = status_values(connector, status) if connector else {}
            if connector is None or not values:
                continue
            async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as http:
                await client_for(connector, http).write_back(external_id, values)
            log.info(
                "crm.written_back",
                connector=name,
                external_id=external_id,
                fields=sorted(values),
                event_type=fact.event_type,
            )
