"""One real payload of each research event added for campaigns, profiles and the network."""

from __future__ import annotations

from datetime import date

from coalition.shared.contracts.research import (
    CampaignLaunched,
    CampaignNeedsStated,
    CampaignValuesStated,
    CollaborationRecorded,
    DealBreakerDeclared,
    DealBreakerLifted,
    FileImported,
    FundedBy,
    KeyPersonRemoved,
    NodeRef,
    ObjectiveSet,
    ObjectiveWithdrawn,
    PartnerArchived,
    PartnerPositionRecorded,
    PartnersMerged,
    PolicyPositionTaken,
    PolicyPositionWithdrawn,
    RelationshipEnded,
    RelationshipRecorded,
    StakeholderRecorded,
)
from coalition.shared.events.envelope import DomainEvent

C = "living-wage"

RESEARCH_SAMPLES: dict[str, DomainEvent] = {
    "CampaignLaunched": CampaignLaunched(
        campaign_id=C, name="Living Wage DC", values=["fairness", "dignity at work"]
    ),
    "CampaignValuesStated": CampaignValuesStated(campaign_id=C, values=["fairness"]),
    "ObjectiveSet": ObjectiveSet(
        campaign_id=C,
        objective_id="o1",
        title="Pass the living wage ordinance",
        priority="critical",
        metric="council votes in favour",
        target=7,
        unit="votes",
        due_on=date(2027, 6, 30),
    ),
    "ObjectiveWithdrawn": ObjectiveWithdrawn(campaign_id=C, objective_id="o1"),
    "PolicyPositionTaken": PolicyPositionTaken(
        campaign_id=C, issue="minimum-wage", stance="strongly_support", weight=1.0
    ),
    "PolicyPositionWithdrawn": PolicyPositionWithdrawn(campaign_id=C, issue="minimum-wage"),
    "DealBreakerDeclared": DealBreakerDeclared(
        campaign_id=C,
        deal_breaker_id="d1",
        rule=FundedBy(rule="funded_by", funder="Payday Lenders Association"),
        description="No partner funded by payday lenders.",
    ),
    "DealBreakerLifted": DealBreakerLifted(campaign_id=C, deal_breaker_id="d1"),
    "CampaignNeedsStated": CampaignNeedsStated(
        campaign_id=C,
        constituencies=["low-wage workers"],
        regions=["Ward 7", "Ward 8"],
        capabilities=["legal", "media"],
    ),
    "KeyPersonRemoved": KeyPersonRemoved(partner_id="p-1", campaign_id=C, person_id="civicrm:1"),
    "PartnerPositionRecorded": PartnerPositionRecorded(
        partner_id="p-1",
        campaign_id=C,
        issue="minimum-wage",
        stance="support",
        evidence="https://example.org/statement",
        observed_on=date(2026, 3, 1),
    ),
    "CollaborationRecorded": CollaborationRecorded(
        partner_id="p-1",
        campaign_id=C,
        collaboration_id="k1",
        with_whom=["DC Jobs With Justice"],
        on_what="Paid sick leave campaign",
        started_on=date(2013, 1, 1),
        ended_on=date(2014, 1, 1),
        outcome="succeeded",
    ),
    "PartnersMerged": PartnersMerged(
        partner_id="p-1",
        campaign_id=C,
        merged_partner_id="p-2",
        merged_name="Unite",
        similarity=0.93,
    ),
    "PartnerArchived": PartnerArchived(partner_id="p-2", campaign_id=C, merged_into="p-1"),
    "StakeholderRecorded": StakeholderRecorded(
        stakeholder_id="s1",
        campaign_id=C,
        name="Council member Jane Doe",
        kind="policymaker",
        role="Chair, labor committee",
        affiliation="DC Council",
        country="US",
    ),
    "RelationshipRecorded": RelationshipRecorded(
        relationship_id="r1",
        campaign_id=C,
        source=NodeRef(type="partner", id="p-1"),
        target=NodeRef(type="stakeholder", id="s1"),
        relationship="lobbies",
        weight=0.6,
        since=date(2024, 1, 1),
        evidence="lobbying register",
    ),
    "RelationshipEnded": RelationshipEnded(
        relationship_id="r1",
        campaign_id=C,
        source=NodeRef(type="partner", id="p-1"),
        target=NodeRef(type="stakeholder", id="s1"),
        relationship="lobbies",
        ended_on=date(2026, 1, 1),
    ),
    "FileImported": FileImported(
        import_id="3f0c8e7a-1b2d-4c5e-9f60-7a8b9c0d1e2f",
        campaign_id=C,
        source="irs",
        file_format="csv",
        layout="irs_eo_bmf",
        rows=230,
        created=212,
        updated=3,
        unchanged=15,
        rejected=0,
        skip_bad_rows=False,
        events=215,
    ),
}
