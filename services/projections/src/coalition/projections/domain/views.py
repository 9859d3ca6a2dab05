"""What an event changes in the partner list and which partners' timelines it belongs to.

Pure functions of the event alone, so that live processing and a rebuild that replays the same
events in the same order cannot disagree.
"""

from __future__ import annotations

from typing import Any

from coalition.shared.events.envelope import RecordedEvent

PartnerChanges = dict[str, dict[str, Any]]
"""partner id -> columns of its partner-list row to set."""


def partner_changes(event: RecordedEvent) -> PartnerChanges:
    p = event.payload
    match event.event_type:
        case "PartnerIdentified":
            return {
                p["partner_id"]: {
                    "campaign_id": p["campaign_id"],
                    "name": p["name"],
                    "kind": p["kind"],
                }
            }
        case "PartnerProfileUpdated":
            return {p["partner_id"]: {"name": p["name"], "kind": p["kind"]}}
        case "PartnerScored":
            return {
                p["partner_id"]: {
                    "campaign_id": p["campaign_id"],
                    "score": p["score"],
                    "score_model": f"{p['model']} v{p['model_version']}",
                }
            }
        case "EngagementOpened":
            return {p["partner_id"]: {"campaign_id": p["campaign_id"], "stage": p["stage"]}}
        case "AgreementDrafted":
            return {
                party: {"agreement_id": p["agreement_id"], "agreement_status": "drafted"}
                for party in p["parties"]
            }
        case "PartySigned":
            return {
                p["partner_id"]: {"agreement_id": p["agreement_id"], "agreement_status": "signed"}
            }
        case "AgreementSigned":
            return {
                party: {"agreement_id": p["agreement_id"], "agreement_status": "in_force"}
                for party in p["parties"]
            }
    return {}


def partners_concerned(event: RecordedEvent) -> list[str]:
    """The partners on whose audit timeline this event appears."""
    p = event.payload
    if isinstance(p.get("parties"), list):
        return [str(party) for party in p["parties"]]
    if "partner_id" in p:
        return [str(p["partner_id"])]
    return []


def summary(event: RecordedEvent) -> str:
    """One line a person can read in an audit timeline."""
    p = event.payload
    match event.event_type:
        case "PartnerIdentified":
            return f"{p['name']} ({p['kind']}) identified as a prospective partner"
        case "PartnerProfileUpdated":
            return f"profile updated: {p['name']} ({p['kind']})"
        case "KeyPersonRecorded":
            return f"key person: {p['name']}" + (f", {p['role']}" if p.get("role") else "")
        case "PartnerLinkedToCrm":
            return f"linked to {p['connector']} record {p['external_id']}"
        case "PartnerScored":
            return f"scored {p['score']:.2f} under {p['model']} v{p['model_version']}"
        case "EngagementOpened":
            return f"pipeline entry opened as {p['stage']}"
        case "AgreementDrafted":
            return f"agreement '{p['title']}' drafted with {len(p['parties'])} part(ies)"
        case "PartySigned":
            return f"{p['partner_id']} signed (by {p['signatory']})"
        case "AgreementSigned":
            return "agreement signed by every party: in force"
    return event.event_type
