"""Publishing recorded events to JetStream as CloudEvents."""

from __future__ import annotations

from faststream.nats import NatsBroker

from coalition.shared.events.envelope import RecordedEvent
from coalition.shared.messaging.cloudevents import event_subject, to_body, to_headers


class JetStreamPublisher:
    """Publishes one service's events to `<prefix>.<service>.<EventType>` and awaits the ack,
    so the relay only moves its checkpoint past events the stream has stored."""

    def __init__(self, broker: NatsBroker, *, service: str, stream: str, prefix: str) -> None:
        self.broker = broker
        self.service = service
        self.stream = stream
        self.prefix = prefix
        self.duplicates = 0

    async def __call__(self, event: RecordedEvent) -> None:
        ack = await self.broker.publish(
            to_body(event),
            event_subject(self.prefix, self.service, event.event_type),
            headers=to_headers(event, source_service=self.service),
            stream=self.stream,
            timeout=10.0,
        )
        if ack is not None and getattr(ack, "duplicate", False):
            self.duplicates += 1
