"""Duplicates of one campaign: the candidates, computed from the partners' streams, and the
merge, which writes both streams in one transaction or nothing.

Research keeps no list of partners of its own (the list is a projection), so the candidates
are computed from the log: every stream of type `partner` that has an event of the campaign,
rebuilt with `Partner.from_history`. One indexed query, portable to SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from coalition.research.domain import duplicates
from coalition.research.domain import partner as model
from coalition.research.domain.duplicates import Candidate
from coalition.shared.application import execute_in
from coalition.shared.events.envelope import Metadata
from coalition.shared.eventstore.errors import PreconditionFailedError
from coalition.shared.eventstore.schema import events
from coalition.shared.eventstore.store import EventStore
from coalition.shared.web.problems import NotFoundError


async def campaign_partners(store: EventStore, campaign_id: str) -> list[model.Partner]:
    """Every partner the campaign considers (archived ones too), rebuilt from its stream."""
    streams = await store.streams_where(model.STREAM_TYPE, events.c.campaign_id == campaign_id)
    found = (model.Partner.from_history(stream) for stream in streams)
    return [item for item in found if item is not None and item.campaign_id == campaign_id]


@dataclass(frozen=True)
class CandidatePage:
    items: list[Candidate]
    names: dict[str, str]
    """partner id -> name, for every partner of the campaign."""
    more: bool


def position(candidate: Candidate) -> str:
    """Where a candidate stands in the list, as text that sorts the way the list does (most
    alike first, then by ids): a page's cursor is the position of its last item, and any
    text is a valid cursor."""
    unlike = 1000 - round(candidate.similarity * 1000)
    return f"{unlike:04d} {candidate.partner_id} {candidate.duplicate_id}"


async def candidates(
    store: EventStore,
    campaign_id: str,
    *,
    min_similarity: float = duplicates.DEFAULT_MIN_SIMILARITY,
    after: str | None = None,
    limit: int = 100,
) -> CandidatePage:
    """One page of the campaign's candidates: those after position `after`, and whether more
    follow."""
    partners = await campaign_partners(store, campaign_id)
    found = sorted(duplicates.candidates(partners, min_similarity=min_similarity), key=position)
    if after is not None:
        found = [candidate for candidate in found if position(candidate) > after]
    names = {partner.partner_id: partner.name for partner in partners}
    return CandidatePage(found[:limit], names, len(found) > limit)


async def merge(
    store: EventStore,
    metadata: Metadata,
    *,
    survivor_id: str,
    duplicate_id: str,
    similarity: float | None = None,
    expected_version: int | None = None,
) -> model.Partner:
    """Merge `duplicate_id` into `survivor_id`: the survivor's events and the duplicate's
    archive in one transaction, decided on both streams as they are under the append lock.
    A refusal, a stale `expected_version` (the survivor's) or a failed append writes nothing."""
    survivor_stream, duplicate_stream = model.stream_id(survivor_id), model.stream_id(duplicate_id)
    async with store.transaction() as tx:
        survivor = await tx.read_stream(survivor_stream)
        duplicate = await tx.read_stream(duplicate_stream)
        if not survivor:
            raise NotFoundError(f"partner {survivor_id} not found", partner_id=survivor_id)
        if not duplicate:
            raise NotFoundError(f"partner {duplicate_id} not found", partner_id=duplicate_id)
        current = survivor[-1].stream_version
        if expected_version is not None and expected_version != current:
            raise PreconditionFailedError(survivor_stream, expected_version, current)
        decided = model.merge(survivor, duplicate, similarity=similarity)
        recorded = await execute_in(
            tx, survivor_stream, model.STREAM_TYPE, lambda _: decided.survivor, metadata
        )
        await execute_in(
            tx, duplicate_stream, model.STREAM_TYPE, lambda _: decided.duplicate, metadata
        )
    merged = model.Partner.from_history([*survivor, *recorded])
    assert merged is not None  # the survivor had a history
    return merged
