"""One sample of every agreement event, for the catalogue and AsyncAPI tests."""

from __future__ import annotations

from datetime import date

from coalition.shared.contracts.agreement import (
    AgreementAmended,
    AgreementContent,
    AgreementDrafted,
    AgreementExpired,
    AgreementRenewed,
    AgreementResumed,
    AgreementSentForSignature,
    AgreementSigned,
    AgreementSuspended,
    AgreementTerminated,
    AgreementWithdrawn,
    Channel,
    ContentChange,
    DecisionRule,
    DeliverableReport,
    Feedback,
    Goal,
    ImpactMeasure,
    PartnershipReviewed,
    PartySigned,
    ResourcePledge,
    Responsibility,
)
from coalition.shared.events.envelope import DomainEvent

TERMS_HASH = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
IDS = {"agreement_id": "a1", "campaign_id": "c1"}
CONTENT = AgreementContent(
    title="Clean air pact",
    parties=["p1", "p2"],
    terms="We campaign together.",
    goals=[Goal(goal_id="g1", statement="Pass the clean air bill", objective_id="o1")],
    responsibilities=[
        Responsibility(
            responsibility_id="r1",
            party_id="p1",
            task="Organise the rally",
            deliverable="500 people at the rally",
            due_on=date(2027, 5, 1),
        )
    ],
    resources=[ResourcePledge(party_id="p2", description="Its list", commitment_id="k1")],
    channels=[Channel(medium="Steering call", cadence="monthly")],
    decision_rule=DecisionRule(rule="majority", majority=0.66),
    starts_on=date(2027, 1, 1),
    ends_on=date(2027, 12, 31),
    notice_days=60,
    exit_terms="Sixty days' notice in writing.",
    review_every_days=90,
)

AGREEMENT_SAMPLES: dict[str, DomainEvent] = {
    "AgreementDrafted": AgreementDrafted(
        **IDS, **dict(CONTENT), terms_hash=TERMS_HASH, commitments=["p2/k1"]
    ),
    "AgreementAmended": AgreementAmended(
        **IDS,
        version=2,
        proposed_by="p2",
        content=CONTENT.model_copy(update={"notice_days": 30}),
        changes=[ContentChange(path="notice_days", change="changed", before=60, after=30)],
        terms_hash=TERMS_HASH,
    ),
    "AgreementSentForSignature": AgreementSentForSignature(
        **IDS, version=2, terms_hash=TERMS_HASH, sign_by=date(2027, 1, 15)
    ),
    "PartySigned": PartySigned(
        **IDS, partner_id="p1", signatory="Ada Lovelace", terms_hash=TERMS_HASH, version=2
    ),
    "AgreementSigned": AgreementSigned(
        **IDS, parties=["p1", "p2"], terms_hash=TERMS_HASH, version=2, ends_on=date(2027, 12, 31)
    ),
    "AgreementRenewed": AgreementRenewed(
        **IDS, previous_ends_on=date(2027, 12, 31), ends_on=date(2028, 12, 31)
    ),
    "AgreementSuspended": AgreementSuspended(**IDS, requested_by="p2"),
    "AgreementResumed": AgreementResumed(**IDS),
    "AgreementTerminated": AgreementTerminated(
        **IDS, terminated_by="c1", effective_on=date(2028, 3, 1)
    ),
    "AgreementExpired": AgreementExpired(**IDS, ended_on=date(2028, 12, 31)),
    "AgreementWithdrawn": AgreementWithdrawn(**IDS),
    "PartnershipReviewed": PartnershipReviewed(
        **IDS,
        review_id="v1",
        period_from=date(2027, 1, 1),
        period_to=date(2027, 3, 31),
        deliverables=[DeliverableReport(responsibility_id="r1", status="not_due")],
        feedback=[Feedback(party_id="p1", ratings={"shared_vision": 4}, comment="Good start")],
        impact=[ImpactMeasure(objective_id="o1", value=12, note="Co-sponsors signed up")],
        promised=0,
        delivered=0,
    ),
}
