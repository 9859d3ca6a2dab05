"""One sample of every engagement event, for the catalogue, AsyncAPI and timeline tests."""

from __future__ import annotations

from datetime import date

from coalition.shared.contracts.engagement import (
    AutoOpenSet,
    CommitmentMade,
    CommitmentWithdrawn,
    EngagementOpened,
    EngagementOwnerAssigned,
    EngagementStageChanged,
    FollowUp,
    FollowUpCompleted,
    InteractionRecorded,
    OutreachCapacitySet,
    ProjectIdeaRaised,
    TrustAssessed,
)
from coalition.shared.events.envelope import DomainEvent

ENTRY = {"engagement_id": "c1.p1", "partner_id": "p1", "campaign_id": "c1"}

ENGAGEMENT_SAMPLES: dict[str, DomainEvent] = {
    "EngagementOpened": EngagementOpened(**ENTRY, stage="prioritised", score=0.72),
    "EngagementStageChanged": EngagementStageChanged(
        **ENTRY, from_stage="identified", to_stage="contacted", skipped=["prioritised"]
    ),
    "EngagementOwnerAssigned": EngagementOwnerAssigned(
        **ENTRY, owner_id="staff:maria", previous_owner_id=None
    ),
    "InteractionRecorded": InteractionRecorded(
        **ENTRY,
        interaction_id="i1",
        kind="meeting",
        occurred_on=date(2026, 11, 20),
        our_participants=["staff:maria"],
        their_participants=["civicrm:1001"],
        summary="Met the general secretary; keen on a joint rally.",
        interests=["living wage", "rally"],
        concerns=["timing before the ballot"],
        follow_ups=[
            FollowUp(
                follow_up_id="f1",
                what="Send the briefing",
                due_on=date(2026, 11, 27),
                owner_id="staff:maria",
            )
        ],
    ),
    "FollowUpCompleted": FollowUpCompleted(
        **ENTRY, follow_up_id="f1", completed_on=date(2026, 11, 26)
    ),
    "TrustAssessed": TrustAssessed(
        **ENTRY,
        assessment_id="a1",
        interaction_id="i1",
        assessed_on=date(2026, 11, 20),
        openness=3,
        reliability=2,
        mission_support=4,
        note="Open about their ballot; missed one promised call.",
    ),
    "ProjectIdeaRaised": ProjectIdeaRaised(
        **ENTRY,
        idea_id="d1",
        kind="coordinated_advocacy",
        title="Joint testimony at the council",
        interaction_id="i1",
        with_partners=["p2"],
        synergy="members+media",
    ),
    "CommitmentMade": CommitmentMade(
        **ENTRY,
        commitment_id="k1",
        what="Turn out 200 members at the hearing",
        resources=["members", "venue"],
    ),
    "CommitmentWithdrawn": CommitmentWithdrawn(**ENTRY, commitment_id="k1"),
    "AutoOpenSet": AutoOpenSet(campaign_id="c1", enabled=True),
    "OutreachCapacitySet": OutreachCapacitySet(
        campaign_id="c1", staff_id="staff:maria", max_partners=6
    ),
}
