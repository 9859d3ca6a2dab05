"""The event catalogue as an AsyncAPI 3.0.0 document (`docs/asyncapi.json`, `coalition asyncapi`)
and as one standalone JSON Schema per event type, generated from the contracts themselves so that
neither can drift from the code (a test compares the committed document with this output).

The headers schema follows `coalition.shared.messaging.cloudevents.to_headers`; a test checks
that the two list the same header names.
"""

from __future__ import annotations

import copy
from typing import Any

from coalition.shared.contracts import catalogue
from coalition.shared.events.envelope import DomainEvent
from coalition.shared.messaging.cloudevents import (
    CONTENT_TYPE,
    MESSAGE_ID_HEADER,
    SPEC_VERSION,
    event_subject,
)

ASYNCAPI_VERSION = "3.0.0"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
DEFAULT_SERVER_HOST = "127.0.0.1:4222"
_UUID = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_SHA256 = "^[0-9a-f]{64}$"
_DIGITS = "^[0-9]+$"
_ENCODED = (
    " Percent-encoded (UTF-8) like every header value: all but printable ASCII, and space, `%`"
    ' and `"`.'
)


def data_schema_id(event: type[DomainEvent]) -> str:
    """The `$id` of an event's JSON Schema, also its `ce-dataschema` header."""
    return f"urn:coalition:event:{event.event_type}:{event.schema_version}"


def _events() -> list[type[DomainEvent]]:
    events = list(catalogue)
    seen: dict[str, int] = {}
    for event in events:
        if event.event_type in seen:
            raise ValueError(
                f"{event.event_type} is registered in versions {seen[event.event_type]} and "
                f"{event.schema_version}; the AsyncAPI document names messages by event type "
                "only, so decide how to publish both versions before registering the second"
            )
        seen[event.event_type] = event.schema_version
    return events


def _description(event: type[DomainEvent]) -> str:
    return (event.__doc__ or "").strip()


def _header(description: str, **keywords: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **keywords}


def headers_schema(event: type[DomainEvent]) -> dict[str, Any]:
    """The JSON Schema of the CloudEvents binary-mode headers `to_headers` writes for `event`."""
    service = event.service
    properties: dict[str, dict[str, Any]] = {
        "ce-specversion": _header("CloudEvents specification version.", const=SPEC_VERSION),
        "ce-id": _header("The event id (UUID).", format="uuid", pattern=_UUID),
        "ce-source": _header(
            "The producing service, `/coalition/<service>`.", const=f"/coalition/{service}"
        ),
        "ce-type": _header(
            "`coalition.<service>.<EventType>.v<version>`.",
            const=f"coalition.{service}.{event.event_type}.v{event.schema_version}",
        ),
        "ce-subject": _header("The stream id (one aggregate)." + _ENCODED, minLength=1),
        "ce-time": _header("When it happened (metadata.occurred_at, UTC).", format="date-time"),
        "ce-dataschema": _header(
            "The `$id` of the payload's JSON Schema.", const=data_schema_id(event)
        ),
        "content-type": _header("The body's media type.", const=CONTENT_TYPE),
        "ce-eventtype": _header("Extension: the event type.", const=event.event_type),
        "ce-schemaversion": _header(
            "Extension: the version of the event type's contract.",
            const=str(event.schema_version),
        ),
        "ce-streamtype": _header(
            "Extension: the kind of stream (aggregate), e.g. `partner`." + _ENCODED, minLength=1
        ),
        "ce-streamversion": _header(
            "Extension: the event's version within its stream (1, 2, 3...).", pattern=_DIGITS
        ),
        "ce-position": _header(
            "Extension: the event's global position in the producing service's log.",
            pattern=_DIGITS,
        ),
        "ce-actor": _header(
            "Extension: who did it: a person, an API key, or `service:<name>`." + _ENCODED,
            minLength=1,
        ),
        "ce-reason": _header(
            "Extension: why; present whenever the event carries a reason, always for decision "
            "events." + _ENCODED
        ),
        "ce-correlationid": _header(
            "Extension: the conversation (the request's `X-Correlation-ID`, kept by replies).",
            format="uuid",
            pattern=_UUID,
        ),
        "ce-causationid": _header(
            "Extension: the event that directly caused this one; absent for a request.",
            format="uuid",
            pattern=_UUID,
        ),
        "ce-campaignid": _header(
            "Extension: the campaign the event belongs to, when it has one." + _ENCODED
        ),
        "ce-recordedat": _header(
            "Extension: when the producing store committed the event (UTC).", format="date-time"
        ),
        "ce-previoushash": _header(
            "Extension: the hash of the stream's previous event (64 zeros for the first).",
            pattern=_SHA256,
        ),
        "ce-hash": _header(
            "Extension: SHA-256 of this event's canonical content and the previous hash.",
            pattern=_SHA256,
        ),
        MESSAGE_ID_HEADER: _header(
            "The event id again: JetStream de-duplicates on it within the duplicate window.",
            format="uuid",
            pattern=_UUID,
        ),
    }
    optional = {"ce-reason", "ce-causationid", "ce-campaignid"}
    if event.is_decision:
        optional.discard("ce-reason")
    return {
        "type": "object",
        "description": "CloudEvents 1.0 binary mode: the envelope as headers.",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
    }


def _hoist(schemas: dict[str, Any], name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """Move `$defs` into `components.schemas`; a name used twice must mean the same schema."""
    schema = copy.deepcopy(schema)
    for def_name, definition in schema.pop("$defs", {}).items():
        _add_schema(schemas, def_name, definition)
    _add_schema(schemas, name, schema)
    return schema


def _add_schema(schemas: dict[str, Any], name: str, schema: dict[str, Any]) -> None:
    if name in schemas and schemas[name] != schema:
        raise ValueError(f"two different schemas are both named {name!r}")
    schemas[name] = schema


def _info_description(prefix: str) -> str:
    return (
        "Every domain event the Coalition services exchange, generated from the event "
        "catalogue (`coalition.shared.contracts`).\n\n"
        f"Each event is published on NATS JetStream subject `{prefix}.<service>.<EventType>` as "
        "a CloudEvent 1.0 in binary mode: the envelope travels as `ce-*` headers (values "
        "percent-encoded) and the body is the event's payload as JSON. Besides the CloudEvents "
        "attributes (`ce-id` is the event id, `ce-subject` the stream id, `ce-time` when it "
        "happened, `ce-dataschema` the payload schema's `$id`), extension headers carry the "
        "rest of the envelope: event type and schema version, stream type and version, global "
        "position, actor, reason, correlation, causation and campaign ids, recorded-at time and "
        "the stream's hash chain. `Nats-Msg-Id` repeats the event id, so JetStream drops a "
        "duplicate published within its duplicate window.\n\n"
        "Events marked `x-decision: true` record a decision and always carry a reason."
    )


def asyncapi_document(prefix: str = "coalition") -> dict[str, Any]:
    """The AsyncAPI 3.0.0 document of every event type, on subjects under `prefix`."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for event in _events():
        name = event.event_type
        payload = _hoist(
            schemas, name, event.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        description = _description(event)
        messages[name] = {
            "name": name,
            "title": f"{name} v{event.schema_version}",
            "summary": description,
            "contentType": CONTENT_TYPE,
            "headers": headers_schema(event),
            "payload": copy.deepcopy(payload),
            "tags": [{"name": event.service}],
            "x-decision": event.is_decision,
        }
        channels[name] = {
            "address": event_subject(prefix, event.service, name),
            "title": name,
            "description": description,
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
        }
        operations[f"send{name}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{name}"},
            "messages": [{"$ref": f"#/channels/{name}/messages/{name}"}],
            "summary": f"The {event.service} service publishes {name}.",
            "description": (
                f"Published by the {event.service} service's relay, in log order, after the "
                "event is committed to its store."
            ),
            "tags": [{"name": event.service}],
        }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "Coalition events",
            "version": "1.0.0",
            "description": _info_description(prefix),
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "local": {
                "host": DEFAULT_SERVER_HOST,
                "protocol": "nats",
                "description": (
                    "The default local server: `nats-server -js` on its standard port "
                    "(`COALITION_NATS_URL=nats://127.0.0.1:4222`). Without that variable, "
                    "`coalition serve` starts an embedded server on a free port instead."
                ),
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }


def event_json_schemas() -> dict[str, dict[str, Any]]:
    """A standalone JSON Schema (draft 2020-12) of each event type's payload, by event type;
    its `$id` is the `ce-dataschema` header of the event's messages."""
    result: dict[str, dict[str, Any]] = {}
    for event in _events():
        result[event.event_type] = {
            "$schema": JSON_SCHEMA_DIALECT,
            "$id": data_schema_id(event),
            **event.model_json_schema(),
        }
    return result
