"""The broker connection and the product's one JetStream stream."""

from __future__ import annotations

import dataclasses
import logging

from faststream.nats import JStream, NatsBroker
from nats.js.api import StorageType

from coalition.shared.settings import Settings


def product_stream(settings: Settings) -> JStream:
    """One stream for every event of the product, with de-duplication by message id.

    FastStream is told not to declare it (`declare=False`): it would otherwise rewrite the
    stream's subjects from each subscriber's filter. `ensure_stream` creates it once, whole.
    """
    return JStream(
        name=settings.stream_name,
        subjects=[f"{settings.subject_prefix}.>"],
        duplicate_window=settings.duplicate_window_seconds,
        storage=StorageType.FILE,
        num_replicas=settings.stream_replicas,
        declare=False,
    )


def create_broker(settings: Settings, servers: str, *, name: str) -> NatsBroker:
    return NatsBroker(
        [server.strip() for server in servers.split(",")],
        name=f"coalition-{name}",
        graceful_timeout=10.0,
        # A plain stdlib logger: records reach the root handler, formatted like ours.
        logger=logging.getLogger(f"faststream.{name}"),
    )


async def ensure_stream(broker: NatsBroker, settings: Settings) -> None:
    """Create the stream if absent (idempotent), so a relay can publish before any consumer."""
    stream = product_stream(settings)
    js = broker.connection.jetstream()
    config = dataclasses.replace(stream.config, subjects=list(stream.subjects))
    try:
        await js.stream_info(stream.name)
    except Exception:  # nats.js.errors.NotFoundError; create it
        await js.add_stream(config=config)
