"""Consuming: durable JetStream consumers through FastStream, processed exactly once in effect.

Delivery is at least once. Each event is processed in one database transaction that records
`(consumer, event_id)` in `processed_events` together with the handler's effect (appended
events, read-model rows), so a redelivered or duplicated event changes nothing. A handler that
raises is redelivered after a backoff, up to `max_deliver` times; the last failure writes a dead
letter (table `dead_letters` and subject `<prefix>.deadletter.<consumer>.<EventType>`) with the
error, and the message is terminated so it does not block the consumer.
"""

from __future__ import annotations

import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
import structlog
from faststream import AckPolicy
from faststream.nats import NatsBroker, PullSub
from faststream.nats.annotations import NatsMessage
from nats.js.api import ConsumerConfig, DeliverPolicy
from sqlalchemy.exc import IntegrityError

from coalition.shared.contracts import catalogue
from coalition.shared.events.envelope import RecordedEvent, utc_now
from coalition.shared.eventstore.schema import dead_letters, processed_events
from coalition.shared.eventstore.store import EventStore, StoreTransaction
from coalition.shared.messaging.bus import product_stream
from coalition.shared.messaging.cloudevents import NotACloudEventError, from_message
from coalition.shared.settings import Settings

log = structlog.get_logger(__name__)

Reaction = Callable[[RecordedEvent, StoreTransaction], Awaitable[None]]
"""A handler: the event, and the transaction its effect must be written in."""


class Subscriptions:
    """The events one service reacts to. Build it at import time; bind it at start-up."""

    def __init__(self, consumer: str) -> None:
        self.consumer = consumer
        self.handlers: dict[str, Reaction] = {}
        self.catch_all: Reaction | None = None

    def on(self, event_type: str) -> Callable[[Reaction], Reaction]:
        def register(handler: Reaction) -> Reaction:
            self.handlers[event_type] = handler
            return handler

        return register

    def on_every_event(self, handler: Reaction) -> Reaction:
        self.catch_all = handler
        return handler

    def routes(self, prefix: str) -> list[tuple[str, str, Reaction]]:
        """(subject, durable consumer name, handler) for every subscription."""
        routes = []
        for event_type, handler in sorted(self.handlers.items()):
            service = catalogue.get(event_type).service
            routes.append(
                (f"{prefix}.{service}.{event_type}", f"{self.consumer}-{event_type}", handler)
            )
        if self.catch_all is not None:
            routes.append((f"{prefix}.*.*", f"{self.consumer}-all", self.catch_all))
        return routes


class Inbox:
    """Processes each event at most once per consumer, atomically with its effect."""

    def __init__(self, store: EventStore, consumer: str) -> None:
        self.store = store
        self.consumer = consumer

    async def already_processed(self, tx: StoreTransaction, event: RecordedEvent) -> bool:
        found = await tx.connection.execute(
            sa.select(processed_events.c.event_id).where(
                processed_events.c.consumer == self.consumer,
                processed_events.c.event_id == event.event_id,
            )
        )
        return found.first() is not None

    async def process(self, event: RecordedEvent, handler: Reaction) -> bool:
        """Run `handler` for `event` unless done before; False when it was a duplicate."""
        try:
            async with self.store.transaction() as tx:
                if await self.already_processed(tx, event):
                    return False
                await tx.connection.execute(
                    processed_events.insert().values(
                        consumer=self.consumer, event_id=event.event_id, processed_at=utc_now()
                    )
                )
                await handler(event, tx)
                return True
        except IntegrityError:
            # A concurrent delivery of the same event won the race: ours rolled back whole.
            async with self.store.transaction() as tx:
                if await self.already_processed(tx, event):
                    return False
            raise

    async def record_dead_letter(
        self,
        *,
        subject: str,
        headers: dict[str, str],
        body: bytes,
        event: RecordedEvent | None,
        deliveries: int,
        error: str,
    ) -> None:
        async with self.store.engine.begin() as conn:
            await conn.execute(
                dead_letters.insert().values(
                    consumer=self.consumer,
                    event_id=event.event_id if event else None,
                    subject=subject,
                    event_type=event.event_type if event else None,
                    deliveries=deliveries,
                    error=error[-8000:],
                    headers=headers,
                    body=body.decode(errors="replace"),
                    failed_at=utc_now(),
                )
            )


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how late a failing event is tried again before it is dead-lettered."""

    max_deliver: int = 5
    backoff_seconds: list[float] = field(default_factory=lambda: [1.0, 5.0, 15.0, 30.0])
    ack_wait_seconds: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            max_deliver=settings.consumer_max_deliver,
            backoff_seconds=list(settings.consumer_backoff_seconds),
            ack_wait_seconds=settings.consumer_ack_wait_seconds,
        )

    def delay_after(self, deliveries: int) -> float:
        if not self.backoff_seconds:
            return 0.0
        return self.backoff_seconds[min(deliveries, len(self.backoff_seconds)) - 1]

    def consumer_config(self) -> ConsumerConfig:
        backoff = self.backoff_seconds[: max(self.max_deliver - 1, 0)] or None
        return ConsumerConfig(
            max_deliver=self.max_deliver,
            ack_wait=self.ack_wait_seconds,
            backoff=backoff,
            deliver_policy=DeliverPolicy.ALL,
        )


def bind_subscriptions(
    broker: NatsBroker,
    settings: Settings,
    store: EventStore,
    subscriptions: Subscriptions,
    retry: RetryPolicy | None = None,
) -> Inbox:
    """Register every subscription of a service on its broker (before the broker starts)."""
    retry = retry or RetryPolicy.from_settings(settings)
    inbox = Inbox(store, subscriptions.consumer)
    stream = product_stream(settings)
    for subject, durable, handler in subscriptions.routes(settings.subject_prefix):
        callback = _message_handler(broker, settings, inbox, handler, retry)
        broker.subscriber(
            subject,
            stream=stream,
            durable=durable,
            # One message per fetch: FastStream handles the messages of one fetch concurrently,
            # which would apply events out of stream order (a rebuild would then differ).
            pull_sub=PullSub(batch_size=1, timeout=1.0),
            config=retry.consumer_config(),
            ack_policy=AckPolicy.NACK_ON_ERROR,
            title=f"{durable}:{subject}",
        )(callback)
    return inbox


def _message_handler(
    broker: NatsBroker,
    settings: Settings,
    inbox: Inbox,
    handler: Reaction,
    retry: RetryPolicy,
) -> Callable[..., Awaitable[None]]:
    async def on_message(message: NatsMessage) -> None:
        raw: Any = message.raw_message
        headers: dict[str, str] = dict(raw.headers or {})
        deliveries = int(raw.metadata.num_delivered) if raw.metadata else 1
        event: RecordedEvent | None = None
        try:
            event = from_message(headers, raw.data)
            structlog.contextvars.bind_contextvars(
                correlation_id=str(event.metadata.correlation_id)
            )
            done = await inbox.process(event, handler)
            log.info(
                "event.processed" if done else "event.duplicate",
                consumer=inbox.consumer,
                event_type=event.event_type,
                event_id=str(event.event_id),
            )
        except Exception as error:
            # A message that is not one of our events will never succeed: no retries.
            hopeless = isinstance(error, NotACloudEventError)
            if deliveries < retry.max_deliver and not hopeless:
                delay = retry.delay_after(deliveries)
                log.warning(
                    "event.failed",
                    consumer=inbox.consumer,
                    subject=raw.subject,
                    deliveries=deliveries,
                    retry_in=delay,
                    error=repr(error),
                )
                await message.nack(delay=delay)
                raise
            await inbox.record_dead_letter(
                subject=raw.subject,
                headers=headers,
                body=raw.data,
                event=event,
                deliveries=deliveries,
                error="".join(traceback.format_exception(error)),
            )
            await broker.publish(
                raw.data,
                f"{settings.subject_prefix}.deadletter.{inbox.consumer}."
                f"{event.event_type if event else 'unreadable'}",
                headers={
                    **headers,
                    "x-error": quote(repr(error)[:500]),
                    "Nats-Msg-Id": f"deadletter:{inbox.consumer}:{raw.subject}:{deliveries}:"
                    f"{event.event_id if event else raw.metadata.sequence.stream}",
                },
                stream=settings.stream_name,
            )
            log.error(
                "event.dead_lettered",
                consumer=inbox.consumer,
                subject=raw.subject,
                error=repr(error),
            )
            await message.reject()
        finally:
            structlog.contextvars.unbind_contextvars("correlation_id")

    return on_message
