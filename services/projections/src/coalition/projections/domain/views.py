"""What an event changes in the partner list and which partners' timelines it belongs to.

Pure functions of the event alone, so that live processing and a rebuild that replays the same
events in the same order cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
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
                    "country": p.get("country"),
                    "status": "active",
                }
            }
        case "PartnerProfileUpdated":
            return {
                p["partner_id"]: {"name": p["name"], "kind": p["kind"], "country": p.get("country")}
            }
        case "PartnerArchived":
            return {p["partner_id"]: {"status": "archived", "merged_into": p.get("merged_into")}}
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
        case "EngagementStageChanged":
            return {p["partner_id"]: {"stage": p["to_stage"]}}
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
    status = AGREEMENT_STATUS.get(event.event_type)
    if status is not None:
        return {
            party: {"agreement_id": p["agreement_id"], "agreement_status": status}
            for party in p.get("parties", [])
        }
    return {}


AGREEMENT_STATUS = {
    "AgreementSentForSignature": "sent_for_signature",
    "AgreementRenewed": "in_force",
    "AgreementSuspended": "suspended",
    "AgreementResumed": "in_force",
    "AgreementTerminated": "terminated",
    "AgreementExpired": "expired",
    "AgreementWithdrawn": "withdrawn",
}
"""The agreement status each lifecycle event leaves its parties' rows in."""


def fold_partner_changes(events: Iterable[RecordedEvent]) -> PartnerChanges:
    """What a run of events changes in the partner list, folded into one set of columns per
    partner (a later change wins), each with the time and id of the last event that changed it:
    the same rows as applying the events one at a time."""
    folded: PartnerChanges = {}
    for event in events:
        for partner_id, changes in partner_changes(event).items():
            folded.setdefault(partner_id, {}).update(
                changes, updated_at=event.metadata.occurred_at, last_event_id=event.event_id
            )
    return folded


def partners_concerned(event: RecordedEvent) -> list[str]:
    """The partners on whose audit timeline this event appears."""
    p = event.payload
    if isinstance(p.get("parties"), list):
        return [str(party) for party in p["parties"]]
    if event.event_type == "AgreementAmended":
        return [str(party) for party in p["content"]["parties"]]
    if event.event_type == "PartnersMerged":
        return [str(p["partner_id"]), str(p["merged_partner_id"])]
    if event.event_type == "CoalitionRecommended":
        return [str(member["partner_id"]) for member in p["members"]]
    if event.event_type in ("RelationshipRecorded", "RelationshipEnded"):
        ends = [p["source"], p["target"]]
        return list(dict.fromkeys(str(end["id"]) for end in ends if end["type"] == "partner"))
    if "partner_id" in p:
        return [str(p["partner_id"])]
    return []


STANCES = {
    "strongly_oppose": "strongly opposes",
    "oppose": "opposes",
    "neutral": "is neutral on",
    "support": "supports",
    "strongly_support": "strongly supports",
}


def _end(end: dict[str, Any]) -> str:
    return f"{end['type']} {end['id']}"


def _rule(rule: dict[str, Any]) -> str:
    match rule.get("rule"):
        case "opposes_issue":
            return f"a partner at or below '{rule['stance_at_most']}' on {rule['issue']}"
        case "funded_by":
            return f"a partner funded by {rule['funder']}"
        case "is_kind":
            return f"a partner of kind {rule['kind']}"
    return str(rule)


def summary(event: RecordedEvent) -> str:
    """One line a person can read in an audit timeline."""
    p = event.payload
    match event.event_type:
        case "PartnerIdentified":
            return f"{p['name']} ({p['kind']}) identified as a prospective partner"
        case "PartnerProfileUpdated":
            changed = ", ".join(p.get("changed") or []) or "profile"
            return f"profile updated ({changed}): {p['name']} ({p['kind']})"
        case "KeyPersonRemoved":
            return f"key person {p['person_id']} removed"
        case "PartnerPositionRecorded":
            return f"{STANCES[p['stance']]} {p['issue']} (source: {p['evidence']})"
        case "CollaborationRecorded":
            return (
                f"collaborated with {', '.join(p['with_whom'])} on {p['on_what']}: {p['outcome']}"
            )
        case "PartnersMerged":
            return f"{p['merged_partner_id']} ({p['merged_name']}) merged into {p['partner_id']}"
        case "PartnerArchived":
            if p.get("merged_into"):
                return f"archived: a duplicate of {p['merged_into']}"
            return "archived: no longer considered"
        case "CampaignLaunched":
            return f"campaign '{p['name']}' launched"
        case "CampaignValuesStated":
            return f"values stated: {', '.join(p['values'])}"
        case "ObjectiveSet":
            unit = f" {p['unit']}" if p.get("unit") else ""
            return f"objective ({p['priority']}): {p['title']}, target {p['target']:g}{unit}"
        case "ObjectiveWithdrawn":
            return f"objective {p['objective_id']} withdrawn"
        case "PolicyPositionTaken":
            return f"campaign {STANCES[p['stance']]} {p['issue']} (weight {p['weight']:g})"
        case "PolicyPositionWithdrawn":
            return f"campaign position on {p['issue']} withdrawn"
        case "DealBreakerDeclared":
            return f"deal-breaker {p['deal_breaker_id']}: rules out {_rule(p['rule'])}"
        case "DealBreakerLifted":
            return f"deal-breaker {p['deal_breaker_id']} lifted"
        case "CampaignNeedsStated":
            needs = [*p["constituencies"], *p["regions"], *p["capabilities"]]
            return f"needs stated: {', '.join(needs) or 'none'}"
        case "FileImported":
            return (
                f"{p['source']} file imported ({p['file_format']}): {p['rows']} rows, "
                f"{p['created']} created, {p['updated']} updated, {p['rejected']} rejected"
            )
        case "StakeholderRecorded":
            return f"stakeholder {p['name']} ({p['kind']}) recorded"
        case "RelationshipRecorded":
            tie = p["relationship"].replace("_", " ")
            return f"{_end(p['source'])} {tie} {_end(p['target'])} (weight {p['weight']:g})"
        case "RelationshipEnded":
            tie = p["relationship"].replace("_", " ")
            return f"ended: {_end(p['source'])} {tie} {_end(p['target'])}"
        case "KeyPersonRecorded":
            return f"key person: {p['name']}" + (f", {p['role']}" if p.get("role") else "")
        case "PartnerLinkedToCrm":
            return f"linked to {p['connector']} record {p['external_id']}"
        case "PartnerScored":
            text = f"scored {p['score']:.2f} under {p['model']} v{p['model_version']}"
            if p.get("excluded"):
                named = "; ".join(e["explanation"] for e in p.get("exclusions", []))
                text += f": excluded by a deal-breaker ({named})"
            elif p.get("recommended"):
                text += ", in the recommended coalition"
            return text
        case "ScoringModelPublished":
            return f"scoring model {p['name']} v{p['version']} published"
        case "CoalitionRecommended":
            names = ", ".join(m["name"] for m in p["members"]) or "nobody"
            return f"coalition recommended: {names}; {p['coverage']:.0%} of the needs covered" + (
                f", uncovered: {', '.join(p['uncovered'])}" if p["uncovered"] else ""
            )
        case "EngagementOpened":
            return f"pipeline entry opened as {p['stage']}"
        case "EngagementStageChanged":
            skipped = f" (skipping {', '.join(p['skipped'])})" if p.get("skipped") else ""
            return f"moved from {p['from_stage']} to {p['to_stage']}{skipped}"
        case "EngagementOwnerAssigned":
            return f"now carried by {p['owner_id']}"
        case "InteractionRecorded":
            due = len(p.get("follow_ups", []))
            return f"{p['kind']} on {p['occurred_on']}: {p['summary'][:120]} ({due} follow-up(s))"
        case "FollowUpCompleted":
            return f"follow-up {p['follow_up_id']} done on {p['completed_on']}"
        case "TrustAssessed":
            return (
                f"trust: openness {p['openness']}/4, reliability {p['reliability']}/4, "
                f"mission support {p['mission_support']}/4"
            )
        case "ProjectIdeaRaised":
            return f"{p['kind'].replace('_', ' ')} idea: {p['title']}"
        case "CommitmentMade":
            brings = f" (brings {', '.join(p['resources'])})" if p.get("resources") else ""
            return f"committed: {p['what'][:120]}{brings}"
        case "CommitmentWithdrawn":
            return f"commitment {p['commitment_id']} withdrawn"
        case "AutoOpenSet":
            return f"auto-open {'on' if p['enabled'] else 'off'}"
        case "OutreachCapacitySet":
            return f"{p['staff_id']} can carry {p['max_partners']} partner(s)"
        case "AgreementDrafted":
            return f"agreement '{p['title']}' drafted with {len(p['parties'])} part(ies)"
        case "PartySigned":
            return f"{p['partner_id']} signed (by {p['signatory']})"
        case "AgreementSigned":
            if p.get("supersedes_version"):
                return (
                    f"version {p['version']} signed by every party: in force, "
                    f"replacing v{p['supersedes_version']}"
                )
            return "agreement signed by every party: in force"
        case "AgreementAmended":
            changed = ", ".join(c["path"] for c in p["changes"])
            return f"version {p['version']} proposed by {p['proposed_by']}: {changed}"
        case "AgreementSentForSignature":
            by = f", to sign by {p['sign_by']}" if p.get("sign_by") else ""
            return f"version {p['version']} sent for signature{by}"
        case "AgreementRenewed":
            return f"renewed until {p['ends_on']} (was {p['previous_ends_on']})"
        case "AgreementSuspended":
            return f"suspended at the request of {p['requested_by']}"
        case "AgreementResumed":
            return "resumed: in force again"
        case "AgreementTerminated":
            return f"terminated by {p['terminated_by']}, effective {p['effective_on']}"
        case "AgreementExpired":
            return f"expired: it ended {p['ended_on']}"
        case "AgreementWithdrawn":
            return "draft withdrawn"
        case "PartnershipReviewed":
            missed = f"; missed: {', '.join(p['missed'])}" if p.get("missed") else ""
            return (
                f"reviewed {p['period_from']} to {p['period_to']}: "
                f"{p['delivered']} of {p['promised']} deliverables kept{missed}"
            )
    return event.event_type
