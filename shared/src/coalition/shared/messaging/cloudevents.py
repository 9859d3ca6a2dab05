"""CloudEvents 1.0 in binary mode: the envelope travels as `ce-*` headers, the payload as the
JSON body, so tools that were not written here can read our events.

Extension attributes carry what CloudEvents has no field for (actor, reason, correlation and
causation ids, campaign, stream version, global position, hash chain). Header values are
percent-encoded as the HTTP binding prescribes, so any reason text survives the trip.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote

from coalition.shared.events.envelope import Metadata, RecordedEvent

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
MESSAGE_ID_HEADER = "Nats-Msg-Id"
"""JetStream de-duplicates on this header within the stream's duplicate window."""

_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '%"')
"""Printable ASCII but space, '%' and '"' (the HTTP binding's rule): NATS trims header values,
so a space must be encoded too."""


def _encode(value: str) -> str:
    return quote(value, safe=_SAFE)


def event_subject(prefix: str, service: str, event_type: str) -> str:
    """`<prefix>.<service>.<EventType>`, e.g. `coalition.research.PartnerIdentified`."""
    return f"{prefix}.{service}.{event_type}"


def to_headers(event: RecordedEvent, *, source_service: str) -> dict[str, str]:
    """The CloudEvents binary-mode headers of a recorded event."""
    meta = event.metadata
    headers = {
        "ce-specversion": SPEC_VERSION,
        "ce-id": str(event.event_id),
        "ce-source": f"/coalition/{source_service}",
        "ce-type": f"coalition.{source_service}.{event.event_type}.v{event.schema_version}",
        "ce-subject": event.stream_id,
        "ce-time": meta.occurred_at.isoformat(),
        "ce-dataschema": f"urn:coalition:event:{event.event_type}:{event.schema_version}",
        "content-type": CONTENT_TYPE,
        "ce-eventtype": event.event_type,
        "ce-schemaversion": str(event.schema_version),
        "ce-streamtype": event.stream_type,
        "ce-streamversion": str(event.stream_version),
        "ce-position": str(event.position),
        "ce-actor": meta.actor,
        "ce-correlationid": str(meta.correlation_id),
        "ce-recordedat": event.recorded_at.isoformat(),
        "ce-previoushash": event.previous_hash,
        "ce-hash": event.hash,
        MESSAGE_ID_HEADER: str(event.event_id),
    }
    if meta.reason is not None:
        headers["ce-reason"] = meta.reason
    if meta.causation_id is not None:
        headers["ce-causationid"] = str(meta.causation_id)
    if meta.campaign_id is not None:
        headers["ce-campaignid"] = meta.campaign_id
    return {key: _encode(value) for key, value in headers.items()}


def to_body(event: RecordedEvent) -> bytes:
    return json.dumps(event.payload, separators=(",", ":"), ensure_ascii=False).encode()


class NotACloudEventError(ValueError):
    """A message without the headers of one of our events."""


def from_message(headers: dict[str, str], body: bytes) -> RecordedEvent:
    """Rebuild the recorded event from a binary-mode CloudEvent."""
    h = {key.lower(): unquote(value) for key, value in headers.items()}
    if h.get("ce-specversion") != SPEC_VERSION or "ce-id" not in h:
        raise NotACloudEventError("missing ce-specversion 1.0 or ce-id")
    try:
        return _event_from(h, body)
    except (KeyError, ValueError) as error:
        raise NotACloudEventError(f"malformed event message: {error!r}") from error


def _event_from(h: dict[str, str], body: bytes) -> RecordedEvent:
    def optional(key: str) -> str | None:
        return h.get(key)

    causation = optional("ce-causationid")
    payload: Any = json.loads(body) if body else {}
    return RecordedEvent(
        event_id=uuid.UUID(h["ce-id"]),
        stream_id=h["ce-subject"],
        stream_type=h["ce-streamtype"],
        stream_version=int(h["ce-streamversion"]),
        position=int(h["ce-position"]),
        event_type=h["ce-eventtype"],
        schema_version=int(h["ce-schemaversion"]),
        payload=payload,
        metadata=Metadata(
            actor=h["ce-actor"],
            reason=optional("ce-reason"),
            correlation_id=uuid.UUID(h["ce-correlationid"]),
            causation_id=uuid.UUID(causation) if causation else None,
            campaign_id=optional("ce-campaignid"),
            occurred_at=datetime.fromisoformat(h["ce-time"]),
        ),
        recorded_at=datetime.fromisoformat(h["ce-recordedat"]),
        previous_hash=h["ce-previoushash"],
        hash=h["ce-hash"],
    )


def source_service(headers: dict[str, str]) -> str:
    """The service that published an event, from `ce-source` (`/coalition/<service>`)."""
    lowered = {key.lower(): value for key, value in headers.items()}
    source = unquote(lowered.get("ce-source", ""))
    return source.rsplit("/", 1)[-1]
