"""What agreement keeps of other services' events: engagement's commitments (where drafts
start) and research's objectives (what goals and impact are measured against). Upserts keyed by
the event's own ids, so a redelivery changes nothing."""

from __future__ import annotations

from coalition.agreement.adapters import repository
from coalition.agreement.domain.commitments import Commitment
from coalition.shared.contracts.engagement import CommitmentMade, CommitmentWithdrawn
from coalition.shared.contracts.research.campaign import ObjectiveSet, ObjectiveWithdrawn
from coalition.shared.events.envelope import RecordedEvent
from coalition.shared.eventstore.store import StoreTransaction


async def on_commitment_made(fact: RecordedEvent, tx: StoreTransaction) -> None:
    made = CommitmentMade.model_validate(fact.payload)
    commitment = Commitment(
        made.campaign_id, made.partner_id, made.commitment_id, made.what, tuple(made.resources)
    )
    await repository.keep_commitment(tx.connection, commitment, str(fact.event_id))


async def on_commitment_withdrawn(fact: RecordedEvent, tx: StoreTransaction) -> None:
    gone = CommitmentWithdrawn.model_validate(fact.payload)
    await repository.withdraw_commitment(
        tx.connection, gone.campaign_id, gone.partner_id, gone.commitment_id
    )


async def on_objective_set(fact: RecordedEvent, tx: StoreTransaction) -> None:
    objective = ObjectiveSet.model_validate(fact.payload)
    await repository.keep_objective(
        tx.connection,
        objective.campaign_id,
        objective.objective_id,
        objective.title,
        str(fact.event_id),
    )


async def on_objective_withdrawn(fact: RecordedEvent, tx: StoreTransaction) -> None:
    gone = ObjectiveWithdrawn.model_validate(fact.payload)
    await repository.withdraw_objective(tx.connection, gone.campaign_id, gone.objective_id)
