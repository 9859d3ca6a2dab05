"""A small campaign's log, every event dated, for the review metrics and Partner 360 tests.

c1 wants two objectives (o2 is withdrawn on 1 March). Unite (p1) and Oxfam (p2) are identified
on 5 January and scored the next day; p3, a second record of Unite, is identified on 12 January,
scored and opened in the pipeline on the 13th, and merged into p1 on 20 January. p1 goes
prioritised (7 Jan), contacted (9 Jan), in dialogue (14 Jan), interested (21 Jan), commits
(4 Feb) and is moved to committed (6 Feb); its trust is assessed on 16 January (2, 3, 3) and
2 February (3, 4, 4). p2 is opened as identified (8 Jan), prioritised (10 Jan) and declines
(20 Jan). Agreement a1 with p1 serves o1: drafted 9 Feb, sent 10 Feb (sign by 20 Feb), signed
16 Feb; r1 (p1's, due 15 March) is reported missed and clear_roles rated 2 in a review that
occurred on 1 April but was recorded on 3 April; a1 is terminated on 4 May. Everything happens
at 09:30 UTC and is recorded then, but that review."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from coalition.shared.contracts.agreement import (
    AgreementContent,
    AgreementDrafted,
    AgreementSentForSignature,
    AgreementSigned,
    AgreementTerminated,
    DeliverableReport,
    Feedback,
    Goal,
    PartnershipReviewed,
    PartySigned,
    Responsibility,
)
from coalition.shared.contracts.engagement import (
    CommitmentMade,
    EngagementOpened,
    EngagementStageChanged,
    InteractionRecorded,
    TrustAssessed,
)
from coalition.shared.contracts.research import (
    CollaborationRecorded,
    KeyPersonRecorded,
    KeyPersonRemoved,
    ObjectiveSet,
    ObjectiveWithdrawn,
    PartnerArchived,
    PartnerIdentified,
    PartnerLinkedToCrm,
    PartnerPositionRecorded,
    PartnersMerged,
    RelationshipRecorded,
    StakeholderRecorded,
)
from coalition.shared.contracts.research.network import NodeRef
from coalition.shared.contracts.scoring import PartnerScored
from coalition.shared.events.envelope import DomainEvent, Metadata, RecordedEvent

CAMPAIGN = "c1"


def at(day: str, hour: int = 9, minute: int = 30) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour, minute), UTC)


@dataclass
class Log:
    events: list[RecordedEvent] = field(default_factory=list)
    ids: dict[str, uuid.UUID] = field(default_factory=dict)
    """A name the test gives an event -> its id."""

    def add(
        self, day: str, payload: DomainEvent, name: str | None = None, recorded: str | None = None
    ) -> RecordedEvent:
        position = len(self.events) + 1
        event = RecordedEvent(
            event_id=uuid.uuid4(),
            stream_id=f"s-{position}",
            stream_type=payload.service,
            stream_version=1,
            position=position,
            event_type=payload.event_type,
            schema_version=payload.schema_version,
            payload=payload.model_dump(mode="json"),
            metadata=Metadata(
                actor="staff:maria", reason="why", campaign_id=CAMPAIGN, occurred_at=at(day)
            ),
            recorded_at=at(recorded or day),
            previous_hash="0" * 64,
            hash="a" * 64,
        )
        self.events.append(event)
        if name:
            self.ids[name] = event.event_id
        return event


def entry(partner: str) -> dict[str, str]:
    return {
        "engagement_id": f"{CAMPAIGN}.{partner}",
        "partner_id": partner,
        "campaign_id": CAMPAIGN,
    }


def moved(partner: str, start: str, to: str) -> EngagementStageChanged:
    return EngagementStageChanged(**entry(partner), from_stage=start, to_stage=to)


def scored(partner: str, score: float) -> PartnerScored:
    return PartnerScored(
        partner_id=partner,
        campaign_id=CAMPAIGN,
        score=score,
        components={"alignment": score},
        model="default",
        model_version=0,
        inputs=[],
    )


def trust(
    assessment: str, day: str, openness: int, reliability: int, mission: int
) -> TrustAssessed:
    return TrustAssessed(
        **entry("p1"),
        assessment_id=assessment,
        interaction_id="i1",
        assessed_on=date.fromisoformat(day),
        openness=openness,
        reliability=reliability,
        mission_support=mission,
    )


CONTENT = AgreementContent(
    title="Living wage pact",
    parties=["p1"],
    terms="We campaign together.",
    goals=[Goal(goal_id="g1", statement="Pass the bill", objective_id="o1")],
    responsibilities=[
        Responsibility(
            responsibility_id="r1",
            party_id="p1",
            task="Organise the rally",
            deliverable="500 members out",
            due_on=date(2026, 3, 15),
        ),
        Responsibility(
            responsibility_id="r2",
            party_id=CAMPAIGN,
            task="Brief the press",
            deliverable="Three briefings",
            due_on=date(2026, 5, 1),
        ),
    ],
    ends_on=date(2026, 12, 31),
    review_every_days=60,
)
AGREEMENT = {"agreement_id": "a1", "campaign_id": CAMPAIGN}


def story() -> Log:
    log = Log()
    objective = {"campaign_id": CAMPAIGN, "metric": "votes", "target": 7}
    log.add(
        "2026-01-05",
        ObjectiveSet(**objective, objective_id="o1", title="Pass the bill", priority="critical"),
        "o1",
    )
    log.add(
        "2026-01-05",
        ObjectiveSet(**objective, objective_id="o2", title="Win the press", priority="high"),
        "o2",
    )
    for partner, name in (("p1", "Unite"), ("p2", "Oxfam")):
        log.add(
            "2026-01-05",
            PartnerIdentified(partner_id=partner, campaign_id=CAMPAIGN, name=name, kind="union"),
            f"{partner}.identified",
        )
    log.add(
        "2026-01-05",
        StakeholderRecorded(
            stakeholder_id="s1", campaign_id=CAMPAIGN, name="Jane Doe", kind="policymaker"
        ),
    )
    log.add(
        "2026-01-05",
        PartnerPositionRecorded(
            partner_id="p1",
            campaign_id=CAMPAIGN,
            issue="minimum-wage",
            stance="strongly_support",
            evidence="https://unite.example",
        ),
        "position",
    )
    log.add(
        "2026-01-05",
        RelationshipRecorded(
            relationship_id="t1",
            campaign_id=CAMPAIGN,
            source=NodeRef(type="partner", id="p1"),
            target=NodeRef(type="stakeholder", id="s1"),
            relationship="lobbies",
            weight=0.7,
        ),
        "tie",
    )
    people = {"partner_id": "p1", "campaign_id": CAMPAIGN}
    log.add(
        "2026-01-05",
        KeyPersonRecorded(
            **people, person_id="crm:1", name="Sharon Graham", role="General secretary"
        ),
        "person",
    )
    log.add("2026-01-05", KeyPersonRecorded(**people, person_id="crm:2", name="Left Soon"))
    log.add("2026-01-05", KeyPersonRemoved(**people, person_id="crm:2"))
    log.add(
        "2026-01-05",
        CollaborationRecorded(
            **people,
            collaboration_id="nhs-pay",
            with_whom=["Oxfam"],
            on_what="NHS pay",
            outcome="succeeded",
        ),
        "collaboration",
    )
    log.add(
        "2026-01-05", PartnerLinkedToCrm(**people, connector="civicrm", external_id="1001"), "crm"
    )
    log.add("2026-01-06", scored("p1", 0.8), "p1.scored")
    log.add("2026-01-06", scored("p2", 0.5), "p2.scored")
    log.add(
        "2026-01-07",
        EngagementOpened(**entry("p1"), stage="prioritised", owner_id="staff:maria"),
        "p1.opened",
    )
    log.add("2026-01-08", EngagementOpened(**entry("p2"), stage="identified"), "p2.opened")
    log.add("2026-01-09", moved("p1", "prioritised", "contacted"), "p1.contacted")
    log.add("2026-01-10", moved("p2", "identified", "prioritised"), "p2.prioritised")
    log.add(
        "2026-01-12",
        PartnerIdentified(
            partner_id="p3", campaign_id=CAMPAIGN, name="Unite the Union", kind="union"
        ),
        "p3.identified",
    )
    log.add("2026-01-13", scored("p3", 0.7), "p3.scored")
    log.add("2026-01-13", EngagementOpened(**entry("p3"), stage="identified"), "p3.opened")
    log.add("2026-01-14", moved("p1", "contacted", "in_dialogue"), "p1.in_dialogue")
    log.add(
        "2026-01-16",
        InteractionRecorded(
            **entry("p1"),
            interaction_id="i1",
            kind="meeting",
            occurred_on=date(2026, 1, 16),
            our_participants=["staff:maria"],
            their_participants=[],
            summary="Met the general secretary",
        ),
        "meeting",
    )
    log.add("2026-01-16", trust("t1", "2026-01-16", 2, 3, 3), "trust1")
    log.add("2026-01-20", moved("p2", "prioritised", "declined"), "p2.declined")
    log.add(
        "2026-01-20",
        PartnersMerged(
            partner_id="p1",
            campaign_id=CAMPAIGN,
            merged_partner_id="p3",
            merged_name="Unite the Union",
        ),
        "merged",
    )
    log.add(
        "2026-01-20",
        PartnerArchived(partner_id="p3", campaign_id=CAMPAIGN, merged_into="p1"),
        "p3.archived",
    )
    log.add("2026-01-21", moved("p1", "in_dialogue", "interested"), "p1.interested")
    log.add("2026-02-02", trust("t2", "2026-02-02", 3, 4, 4), "trust2")
    log.add(
        "2026-02-04",
        CommitmentMade(**entry("p1"), commitment_id="k1", what="Turn out members"),
        "commitment",
    )
    log.add("2026-02-06", moved("p1", "interested", "committed"), "p1.committed")
    log.add(
        "2026-02-09",
        AgreementDrafted(**AGREEMENT, **CONTENT.model_dump(), terms_hash="h1"),
        "drafted",
    )
    log.add(
        "2026-02-10",
        AgreementSentForSignature(
            **AGREEMENT, parties=["p1"], version=1, terms_hash="h1", sign_by=date(2026, 2, 20)
        ),
        "sent",
    )
    log.add(
        "2026-02-16",
        PartySigned(**AGREEMENT, partner_id="p1", signatory="Chair", terms_hash="h1"),
        "party_signed",
    )
    log.add(
        "2026-02-16",
        AgreementSigned(**AGREEMENT, parties=["p1"], terms_hash="h1", ends_on=date(2026, 12, 31)),
        "signed",
    )
    log.add(
        "2026-03-01", ObjectiveWithdrawn(campaign_id=CAMPAIGN, objective_id="o2"), "o2.withdrawn"
    )
    log.add(
        "2026-04-01",
        PartnershipReviewed(
            **AGREEMENT,
            parties=["p1"],
            review_id="q1",
            period_from=date(2026, 2, 16),
            period_to=date(2026, 3, 31),
            deliverables=[
                DeliverableReport(responsibility_id="r1", status="missed"),
                DeliverableReport(responsibility_id="r2", status="not_due"),
            ],
            feedback=[Feedback(party_id="p1", ratings={"clear_roles": 2, "shared_vision": 5})],
            promised=1,
            delivered=0,
            missed=["r1"],
        ),
        "review",
        recorded="2026-04-03",
    )
    log.add(
        "2026-05-04",
        AgreementTerminated(
            **AGREEMENT, parties=["p1"], terminated_by=CAMPAIGN, effective_on=date(2026, 5, 4)
        ),
        "terminated",
    )
    return log
