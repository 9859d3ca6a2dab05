"""Research use cases about the stakeholder network: stakeholders, and ties whose ends must be
records of the same campaign."""

from __future__ import annotations

import uuid
from datetime import date
from functools import partial

from coalition.research.domain import network as model
from coalition.research.domain.partner import Partner
from coalition.research.domain.partner import stream_id as partner_stream
from coalition.shared.application import execute
from coalition.shared.contracts.research import NodeRef, RelationshipType, StakeholderRecorded
from coalition.shared.events.envelope import Metadata
from coalition.shared.eventstore.store import EventStore
from coalition.shared.web.problems import NotFoundError


async def record_stakeholder(
    store: EventStore,
    metadata: Metadata,
    description: StakeholderRecorded,
    *,
    new: bool,
    expected_version: int | None = None,
) -> model.Stakeholder:
    """A new stakeholder (its id must be unused) or a new description of a known one."""
    decide = partial(model.record_stakeholder, description=description)
    stream = model.stakeholder_stream(description.stakeholder_id)
    if not new:
        await get_stakeholder(store, description.stakeholder_id)
    await execute(
        store,
        stream,
        model.STAKEHOLDER_STREAM_TYPE,
        decide,
        metadata,
        expected_version=0 if new else expected_version,
    )
    return await get_stakeholder(store, description.stakeholder_id)


def new_stakeholder_id() -> str:
    return str(uuid.uuid4())


async def get_stakeholder(store: EventStore, stakeholder_id: str) -> model.Stakeholder:
    stakeholder = model.Stakeholder.from_history(
        await store.read_stream(model.stakeholder_stream(stakeholder_id))
    )
    if stakeholder is None:
        raise NotFoundError(f"stakeholder {stakeholder_id} not found")
    return stakeholder


async def end_of(store: EventStore, ref: NodeRef) -> model.End:
    """One end of a tie, with the campaign it belongs to (None when there is no such record;
    an archived partner cannot gain new ties)."""
    if ref.type == "partner":
        partner = Partner.from_history(await store.read_stream(partner_stream(ref.id)))
        usable = partner is not None and not partner.archived
        return model.End(ref, partner.campaign_id if partner and usable else None)
    stakeholder = model.Stakeholder.from_history(
        await store.read_stream(model.stakeholder_stream(ref.id))
    )
    return model.End(ref, stakeholder.campaign_id if stakeholder else None)


async def record_relationship(
    store: EventStore,
    metadata: Metadata,
    *,
    campaign_id: str,
    source: NodeRef,
    target: NodeRef,
    relationship: RelationshipType,
    weight: float,
    since: date | None,
    evidence: str | None,
) -> model.Relationship:
    relationship_id = model.relationship_id_for(campaign_id, source, relationship, target)
    decide = partial(
        model.record_relationship,
        campaign_id=campaign_id,
        source=await end_of(store, source),
        target=await end_of(store, target),
        relationship=relationship,
        weight=weight,
        since=since,
        evidence=evidence,
    )
    await execute(
        store,
        model.relationship_stream(relationship_id),
        model.RELATIONSHIP_STREAM_TYPE,
        decide,
        metadata,
    )
    return await get_relationship(store, relationship_id)


async def end_relationship(
    store: EventStore,
    metadata: Metadata,
    relationship_id: str,
    *,
    ended_on: date | None,
    expected_version: int | None = None,
) -> model.Relationship:
    decide = partial(model.end_relationship, ended_on=ended_on)
    await execute(
        store,
        model.relationship_stream(relationship_id),
        model.RELATIONSHIP_STREAM_TYPE,
        decide,
        metadata,
        expected_version=expected_version,
    )
    return await get_relationship(store, relationship_id)


async def get_relationship(store: EventStore, relationship_id: str) -> model.Relationship:
    tie = model.Relationship.from_history(
        await store.read_stream(model.relationship_stream(relationship_id))
    )
    if tie is None:
        raise NotFoundError(f"relationship {relationship_id} not found")
    return tie
