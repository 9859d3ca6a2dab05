"""Agreement use cases."""

from __future__ import annotations

import uuid
from functools import partial

from coalition.agreement.domain import agreement as model
from coalition.shared.application import execute
from coalition.shared.events.envelope import Metadata, RecordedEvent
from coalition.shared.eventstore.store import EventStore
from coalition.shared.web.problems import NotFoundError


async def draft_agreement(
    store: EventStore,
    metadata: Metadata,
    *,
    campaign_id: str,
    title: str,
    parties: list[str],
    terms: str,
) -> RecordedEvent:
    agreement_id = str(uuid.uuid4())
    decide = partial(
        model.draft,
        agreement_id=agreement_id,
        campaign_id=campaign_id,
        title=title,
        parties=parties,
        terms=terms,
    )
    recorded = await execute(
        store,
        model.stream_id(agreement_id),
        model.STREAM_TYPE,
        decide,
        metadata,
        expected_version=0,
    )
    return recorded[0]


async def sign_agreement(
    store: EventStore,
    metadata: Metadata,
    *,
    agreement_id: str,
    partner_id: str,
    signatory: str,
    terms_hash: str,
    expected_version: int | None,
) -> list[RecordedEvent]:
    decide = partial(
        model.sign, partner_id=partner_id, signatory=signatory, signed_terms_hash=terms_hash
    )
    return await execute(
        store,
        model.stream_id(agreement_id),
        model.STREAM_TYPE,
        decide,
        metadata,
        expected_version=expected_version,
    )


async def get_agreement(store: EventStore, agreement_id: str) -> model.Agreement:
    state = model.Agreement.from_history(await store.read_stream(model.stream_id(agreement_id)))
    if state is None:
        raise NotFoundError(f"agreement {agreement_id} not found", agreement_id=agreement_id)
    return state
