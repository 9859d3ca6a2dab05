"""What engagement does when scoring scores a partner (open an entry for a recommended one, if
the campaign turned auto-open on; pause an open one a deal-breaker now rules out) and when an
agreement with a partner comes into force (its entry is committed)."""

from __future__ import annotations

from coalition.engagement.domain import outreach as settings
from coalition.engagement.domain import pipeline
from coalition.shared.application import execute_in
from coalition.shared.contracts.agreement import AgreementSigned
from coalition.shared.contracts.scoring import PartnerScored
from coalition.shared.events.envelope import Metadata, RecordedEvent
from coalition.shared.eventstore.store import StoreTransaction

ACTOR = "service:engagement"


def _metadata(fact: RecordedEvent, scored: PartnerScored, reason: str) -> Metadata:
    # The campaign is set from the payload, so the entry is found by campaign like any other.
    reacting = Metadata.reacting_to(fact, actor=ACTOR, reason=reason)
    return reacting.model_copy(update={"campaign_id": scored.campaign_id})


async def on_partner_scored(fact: RecordedEvent, tx: StoreTransaction) -> None:
    """React to `PartnerScored`: idempotent, since a redelivered score finds the entry open (or
    already paused) and decides nothing."""
    scored = PartnerScored.model_validate(fact.payload)
    stream = pipeline.stream_id(pipeline.engagement_id(scored.campaign_id, scored.partner_id))
    history = await tx.read_stream(stream)
    if scored.excluded:
        paused = pipeline.pause_for_exclusion(history, scored)
        if paused:
            metadata = _metadata(fact, scored, pipeline.exclusion_reason(scored))
            await execute_in(tx, stream, pipeline.STREAM_TYPE, lambda _: paused, metadata)
        return
    if not scored.recommended or history:
        return
    outreach_history = await tx.read_stream(settings.stream_id(scored.campaign_id))
    outreach = settings.Outreach.from_history(scored.campaign_id, outreach_history)
    opened = pipeline.open_for_recommended(history, scored, auto_open=outreach.auto_open)
    if opened:
        metadata = _metadata(fact, scored, pipeline.opening_reason(scored))
        await execute_in(tx, stream, pipeline.STREAM_TYPE, lambda _: opened, metadata)


async def on_agreement_signed(fact: RecordedEvent, tx: StoreTransaction) -> None:
    """React to `AgreementSigned`: each party's open entry short of `committed` moves there.
    Idempotent: a redelivery finds the entries committed and decides nothing."""
    signed = AgreementSigned.model_validate(fact.payload)
    reason = f"agreement {signed.agreement_id} signed by every party (version {signed.version})"
    metadata = Metadata.reacting_to(fact, actor=ACTOR, reason=reason).model_copy(
        update={"campaign_id": signed.campaign_id}
    )
    for partner_id in signed.parties:
        stream = pipeline.stream_id(pipeline.engagement_id(signed.campaign_id, partner_id))
        await execute_in(tx, stream, pipeline.STREAM_TYPE, pipeline.commit_for_signature, metadata)
