"""The event store: an append-only, hash-chained, globally ordered log on SQLAlchemy (async),
the same code on SQLite and PostgreSQL. It is also the outbox the relay publishes from."""

from coalition.shared.eventstore.errors import (
    ConcurrencyError,
    DuplicateEventError,
    EventStoreError,
    PreconditionFailedError,
    StoreBusyError,
)
from coalition.shared.eventstore.hashing import ChainVerification, verify_chain
from coalition.shared.eventstore.store import EventStore, StoreTransaction, StreamAppend

__all__ = [
    "ChainVerification",
    "ConcurrencyError",
    "DuplicateEventError",
    "EventStore",
    "EventStoreError",
    "PreconditionFailedError",
    "StoreBusyError",
    "StoreTransaction",
    "StreamAppend",
    "verify_chain",
]
