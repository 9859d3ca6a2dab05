"""Agreement use cases: each loads an agreement's stream, lets the pure domain decide, appends
at the version the client saw (if it named one). Reads rebuild agreements from their streams."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa

from coalition.agreement.adapters import repository
from coalition.agreement.domain import agreement as model
from coalition.agreement.domain.commitments import Commitment, start_from
from coalition.shared.application import Decide, execute
from coalition.shared.contracts.agreement import AgreementContent
from coalition.shared.events.envelope import Metadata, NewEvent, RecordedEvent
from coalition.shared.eventstore.errors import PreconditionFailedError
from coalition.shared.eventstore.schema import events
from coalition.shared.eventstore.store import EventStore
from coalition.shared.web.problems import NotFoundError


async def draft_agreement(
    store: EventStore,
    metadata: Metadata,
    *,
    campaign_id: str,
    content: AgreementContent,
    commitments: Sequence[str] = (),
) -> model.Agreement:
    """A new agreement (version 1), starting from the cited commitments, its goals checked
    against the campaign's objectives where research has told us of them."""
    async with store.engine.connect() as conn:
        known = await repository.commitments(conn, campaign_id) if commitments else {}
        objectives = await repository.objectives(conn, campaign_id)
    content = start_from(content, commitments, known)
    model.check_goals(content, objectives)
    agreement_id = str(uuid.uuid4())
    await execute(
        store,
        model.stream_id(agreement_id),
        model.STREAM_TYPE,
        lambda history: model.draft(
            history,
            agreement_id=agreement_id,
            campaign_id=campaign_id,
            content=content,
            commitments=commitments,
        ),
        metadata,
        expected_version=0,
    )
    return await get_agreement(store, agreement_id)


async def change_agreement(
    store: EventStore,
    metadata: Metadata,
    agreement_id: str,
    decide: Decide,
    *,
    expected_version: int | None = None,
) -> model.Agreement:
    """Any command on an existing agreement; returns the agreement as it now is.

    The stream is read under the store's append lock, so commands on one agreement queue
    rather than conflict: eight parties signing at the same moment all sign, each decided on
    the signatures before it, and exactly one of them brings the agreement into force."""
    stream = model.stream_id(agreement_id)
    async with store.transaction() as tx:
        history = await tx.read_stream(stream)
        if not history:
            raise NotFoundError(f"agreement {agreement_id} not found", agreement_id=agreement_id)
        current = history[-1].stream_version
        if expected_version is not None and expected_version != current:
            raise PreconditionFailedError(stream, expected_version, current)
        new = [NewEvent(payload=payload, metadata=metadata) for payload in decide(history)]
        await tx.append(stream, model.STREAM_TYPE, new, current)
    return await get_agreement(store, agreement_id)


async def get_agreement(store: EventStore, agreement_id: str) -> model.Agreement:
    state = model.Agreement.from_history(await store.read_stream(model.stream_id(agreement_id)))
    if state is None:
        raise NotFoundError(f"agreement {agreement_id} not found", agreement_id=agreement_id)
    return state


async def history_of(store: EventStore, agreement_id: str) -> list[RecordedEvent]:
    history = await store.read_stream(model.stream_id(agreement_id))
    if not history:
        raise NotFoundError(f"agreement {agreement_id} not found", agreement_id=agreement_id)
    return history


async def campaign_agreements(store: EventStore, campaign_id: str) -> list[model.Agreement]:
    """Every agreement of the campaign, rebuilt from its stream: one indexed query."""
    return [a for a in await _agreements(store, events.c.campaign_id == campaign_id)]


async def binding_agreements(store: EventStore) -> list[model.Agreement]:
    """Agreements that came into force (all campaigns): the ones that can expire."""
    return [
        a
        for a in await _agreements(store, events.c.event_type == "AgreementSigned")
        if a.status in model.BINDING
    ]


async def _agreements(
    store: EventStore, condition: sa.ColumnElement[bool]
) -> list[model.Agreement]:
    """In the order they were drafted."""
    streams = await store.streams_where(model.STREAM_TYPE, condition)
    return [a for a in map(model.Agreement.from_history, streams) if a is not None]


async def commitments(store: EventStore, campaign_id: str) -> dict[str, Commitment]:
    async with store.engine.connect() as conn:
        return await repository.commitments(conn, campaign_id)


async def objectives(store: EventStore, campaign_id: str) -> dict[str, str] | None:
    async with store.engine.connect() as conn:
        return await repository.objectives(conn, campaign_id)


EXPIRY_ACTOR = "service:agreement"


async def expire_due(store: EventStore, today: date) -> list[str]:
    """Record `AgreementExpired` for every agreement whose end date passed before `today`.
    Safe with several instances: the append is at the version read, and a second instance's
    decision on the expired agreement is empty."""
    expired: list[str] = []
    for agreement in await binding_agreements(store):
        if not model.is_past_end(agreement, today):
            continue
        assert agreement.ends_on is not None
        metadata = Metadata(
            actor=EXPIRY_ACTOR,
            reason=f"its end date, {agreement.ends_on.isoformat()}, passed without renewal",
            campaign_id=agreement.campaign_id,
        )
        recorded = await execute(
            store,
            model.stream_id(agreement.agreement_id),
            model.STREAM_TYPE,
            lambda history: model.expire(history, today=today),
            metadata,
        )
        if recorded:
            expired.append(agreement.agreement_id)
    return expired
