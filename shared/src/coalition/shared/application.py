"""The service-layer step every event-sourced command takes: load a stream, let the pure domain
decide which events follow, append them with the expected version."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from coalition.shared.events.envelope import DomainEvent, Metadata, NewEvent, RecordedEvent
from coalition.shared.eventstore.errors import ConcurrencyError, PreconditionFailedError
from coalition.shared.eventstore.store import EventStore, StoreTransaction

Decide = Callable[[Sequence[RecordedEvent]], Sequence[DomainEvent]]
"""Pure: the stream so far -> the new events (or raise a DomainError)."""


async def execute(
    store: EventStore,
    stream_id: str,
    stream_type: str,
    decide: Decide,
    metadata: Metadata,
    *,
    expected_version: int | None = None,
    attempts: int = 3,
) -> list[RecordedEvent]:
    """Run a command against a stream.

    With `expected_version` (the client's `If-Match`), a stale version fails at once with
    `PreconditionFailedError` (HTTP 412).
    Without it the command is re-decided on the fresh stream when another writer got in first,
    a few times, since the domain re-checks every rule against the new state.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    for attempt in range(1, attempts + 1):
        history = await store.read_stream(stream_id)
        current = history[-1].stream_version if history else 0
        if expected_version is not None and expected_version != current:
            raise PreconditionFailedError(stream_id, expected_version, current)
        new = [NewEvent(payload=payload, metadata=metadata) for payload in decide(history)]
        try:
            return await store.append(stream_id, stream_type, new, current)
        except ConcurrencyError as error:
            if expected_version is not None:
                raise PreconditionFailedError(
                    stream_id, expected_version, error.current_version
                ) from error
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


async def execute_in(
    tx: StoreTransaction,
    stream_id: str,
    stream_type: str,
    decide: Decide,
    metadata: Metadata,
) -> list[RecordedEvent]:
    """The same inside a caller's transaction (a reaction to an event, say). The transaction
    holds the append lock from the first read, so no retry is needed."""
    history = await tx.read_stream(stream_id)
    current = history[-1].stream_version if history else 0
    new = [NewEvent(payload=payload, metadata=metadata) for payload in decide(history)]
    return await tx.append(stream_id, stream_type, new, current)
