"""Renders the event catalogue as Markdown (`docs/events.md`), from the contracts themselves,
so the documentation cannot drift from the code (a test compares them)."""

from __future__ import annotations

from typing import Any

from coalition.shared.contracts import catalogue

ENVELOPE = """\
# Event catalogue

Generated from `coalition.shared.contracts` by `coalition events-doc > docs/events.md`;
a test fails when this file and the code disagree.

## The envelope (every event)

| field | meaning |
|---|---|
| `event_id` | UUID of the event; also the broker message id (`Nats-Msg-Id`) for de-duplication |
| `stream_id`, `stream_type` | the stream (one aggregate: a partner, an agreement...) and its kind |
| `stream_version` | 1, 2, 3... within the stream; appends state the version they expect |
| `position` | global order in the producing service's log |
| `event_type`, `schema_version` | which contract below, and which version of it |
| `payload` | the fields listed below for the event type |
| `metadata.actor` | who did it: a person, an API key, or `service:<name>` for automatic reactions |
| `metadata.reason` | why; required for every event marked *decision* |
| `metadata.correlation_id` | the conversation: the request's `X-Correlation-ID`, kept by replies |
| `metadata.causation_id` | the event that directly caused this one (none for a request) |
| `metadata.campaign_id` | the campaign the event belongs to |
| `metadata.occurred_at` | when it happened (UTC) |
| `recorded_at` | when the store committed it (UTC); "as of" reads filter on it |
| `previous_hash`, `hash` | the stream's hash chain (SHA-256) |

On the broker each event is a CloudEvent 1.0 in binary mode on subject
`coalition.<service>.<EventType>`: `ce-id` (event id), `ce-source` (`/coalition/<service>`),
`ce-type` (`coalition.<service>.<EventType>.v<version>`), `ce-subject` (stream id), `ce-time`
(occurred at), `ce-dataschema`, and the extensions `ce-eventtype`, `ce-schemaversion`,
`ce-streamtype`, `ce-streamversion`, `ce-position`, `ce-actor`, `ce-reason`,
`ce-correlationid`, `ce-causationid`, `ce-campaignid`, `ce-recordedat`, `ce-previoushash`,
`ce-hash` (values percent-encoded). The body is the payload as JSON.
"""


def _type_name(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"].rsplit("/", 1)[-1])
    if "enum" in schema:
        return " \\| ".join(f"`{value}`" for value in schema["enum"])
    if "anyOf" in schema:
        return " or ".join(_type_name(option, defs) for option in schema["anyOf"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {_type_name(schema.get('items', {}), defs)}"
    if kind == "object" and "additionalProperties" in schema:
        return f"map of {_type_name(schema['additionalProperties'], defs)}"
    return str(kind)


def render() -> str:
    lines = [ENVELOPE]
    current_service = None
    for event in catalogue:
        if event.service != current_service:
            current_service = event.service
            lines.append(f"## {current_service.capitalize()}\n")
        schema = event.model_json_schema()
        defs = schema.get("$defs", {})
        required = set(schema.get("required", []))
        decision = " (decision: a reason is required)" if event.is_decision else ""
        lines.append(f"### `{event.event_type}` v{event.schema_version}{decision}\n")
        lines.append(f"{(event.__doc__ or '').strip()}\n")
        lines.append(f"Subject: `coalition.{event.service}.{event.event_type}`\n")
        lines.append("| field | type | required | description |")
        lines.append("|---|---|---|---|")
        for name, field in schema.get("properties", {}).items():
            description = field.get("description", "")
            lines.append(
                f"| `{name}` | {_type_name(field, defs)} | {'yes' if name in required else 'no'} "
                f"| {description} |"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
