"""The AsyncAPI document and the standalone JSON Schemas are generated from the catalogue; they
must describe every event, accept what the code publishes and reject what it never would.

No copy of the official AsyncAPI 3.0.0 JSON Schema ships in a Python package here, so the
document's structure is checked by hand against the rules of the specification: required keys,
the keys each object allows, and every `$ref` resolving inside the document. Payloads and headers
are validated with a JSON Schema library when one is installed (`jsonschema`, or `jsonschema_rs`
that schemathesis brings), else against the pydantic models.
"""

from __future__ import annotations

import importlib
import json
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from coalition.shared.cli import app
from coalition.shared.contracts import catalogue
from coalition.shared.contracts.asyncapi import _hoist, asyncapi_document, event_json_schemas
from coalition.shared.contracts.research import (
    CrmImportCompleted,
    KeyPersonRecorded,
    PartnerIdentified,
    PartnerLinkedToCrm,
    PartnerProfileUpdated,
)
from coalition.shared.events.envelope import DomainEvent, Metadata, RecordedEvent
from coalition.shared.messaging.cloudevents import event_subject, to_headers
from tests.unit.agreement_samples import AGREEMENT_SAMPLES
from tests.unit.domain.histories import OCCURRED_AT, recorded
from tests.unit.engagement_samples import ENGAGEMENT_SAMPLES
from tests.unit.research_samples import RESEARCH_SAMPLES
from tests.unit.scoring_samples import SCORING_SAMPLES

DOC = Path(__file__).parents[2] / "docs" / "asyncapi.json"
TERMS_HASH = "3" * 64

SAMPLES: dict[str, DomainEvent] = {
    "PartnerProfileUpdated": PartnerProfileUpdated(
        partner_id="p-1", campaign_id="living-wage", name="Unite", kind="union", members=1
    ),
    "KeyPersonRecorded": KeyPersonRecorded(
        partner_id="p-1",
        campaign_id="living-wage",
        person_id="civicrm:1001",
        name="Maria Lopez",
        role="Campaigns lead",
    ),
    "PartnerLinkedToCrm": PartnerLinkedToCrm(
        partner_id="p-1", campaign_id="living-wage", connector="civicrm", external_id="42"
    ),
    "CrmImportCompleted": CrmImportCompleted(
        connector="civicrm",
        campaign_id="living-wage",
        modified_through=datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
        identified=12,
        updated=1,
        unchanged=3,
    ),
    "PartnerIdentified": PartnerIdentified(
        partner_id="p1",
        campaign_id="c1",
        name="Fédération «Süd»",
        kind="union",
        country="DE",
        members=12_345,
    ),
    **SCORING_SAMPLES,
    **RESEARCH_SAMPLES,
    **ENGAGEMENT_SAMPLES,
    **AGREEMENT_SAMPLES,
}
"""One real payload per event type; a test fails when an event type has none."""

EVENTS = list(catalogue)
EVENT_IDS = [event.event_type for event in EVENTS]
COMPONENT_KEY = re.compile(r"^[\w\d\.\-_]+$")
EXTENSION = re.compile(r"^x-[\w\d\.\x2d_]+$")
ALLOWED_KEYS = {
    "document": {
        "asyncapi",
        "id",
        "info",
        "servers",
        "defaultContentType",
        "channels",
        "operations",
        "components",
    },
    "info": {
        "title",
        "version",
        "description",
        "termsOfService",
        "contact",
        "license",
        "tags",
        "externalDocs",
    },
    "server": {
        "host",
        "pathname",
        "title",
        "summary",
        "description",
        "protocol",
        "protocolVersion",
        "variables",
        "security",
        "tags",
        "externalDocs",
        "bindings",
    },
    "channel": {
        "address",
        "messages",
        "title",
        "summary",
        "description",
        "servers",
        "parameters",
        "tags",
        "externalDocs",
        "bindings",
    },
    "operation": {
        "action",
        "channel",
        "title",
        "summary",
        "description",
        "security",
        "tags",
        "externalDocs",
        "bindings",
        "traits",
        "messages",
        "reply",
    },
    "message": {
        "headers",
        "payload",
        "correlationId",
        "contentType",
        "name",
        "title",
        "summary",
        "description",
        "tags",
        "externalDocs",
        "bindings",
        "examples",
        "traits",
        "deprecated",
    },
    "components": {
        "schemas",
        "servers",
        "channels",
        "operations",
        "messages",
        "securitySchemes",
        "serverVariables",
        "parameters",
        "correlationIds",
        "replies",
        "replyAddresses",
        "externalDocs",
        "tags",
        "operationTraits",
        "messageTraits",
        "serverBindings",
        "channelBindings",
        "operationBindings",
        "messageBindings",
    },
}
"""The fixed fields of each AsyncAPI 3.0.0 object; any other key must be an `x-` extension."""


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return asyncapi_document()


def schema_validator(schema: dict[str, Any]) -> Callable[[Any], bool] | None:
    """`is_valid` of a JSON Schema validator checking formats, or None without a library."""
    for name in ("jsonschema", "jsonschema_rs"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if name == "jsonschema":
            cls = module.validators.validator_for(schema)
            cls.check_schema(schema)
            checker: Callable[[Any], bool] = cls(schema, format_checker=cls.FORMAT_CHECKER).is_valid
            return checker
        rs_checker: Callable[[Any], bool] = module.validator_for(
            schema, validate_formats=True
        ).is_valid
        return rs_checker
    return None


def in_document(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    """`schema` with the document's `components` beside it, so `#/components/...` resolves."""
    return {**schema, "components": {"schemas": document["components"]["schemas"]}}


def recorded_event(
    payload: DomainEvent,
    *,
    reason: str | None = "Because the campaign needs them",
    causation_id: uuid.UUID | None = None,
    campaign_id: str | None = "c1",
) -> RecordedEvent:
    base = recorded(payload, 3, stream_id=f"{payload.service}-stream 1", actor="Alice Smith")
    return base.model_copy(
        update={
            "position": 17,
            "metadata": Metadata(
                actor="Alice Smith",
                reason=reason,
                correlation_id=uuid.UUID("22222222-2222-4222-8222-222222222222"),
                causation_id=causation_id,
                campaign_id=campaign_id,
                occurred_at=OCCURRED_AT,
            ),
        }
    )


def resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"{ref} points outside the document"
    node: Any = document
    for token in ref[2:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and token in node, f"{ref} does not resolve"
        node = node[token]
    return node


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def assert_keys(kind: str, obj: dict[str, Any]) -> None:
    unknown = {key for key in obj if key not in ALLOWED_KEYS[kind] and not EXTENSION.match(key)}
    assert not unknown, f"{kind} has keys AsyncAPI 3.0.0 does not allow: {unknown}"


def test_every_event_type_has_a_sample() -> None:
    assert set(SAMPLES) == {event.event_type for event in EVENTS}
    for event_type, payload in SAMPLES.items():
        assert catalogue.get(event_type) is type(payload)


@pytest.mark.parametrize("event", EVENTS, ids=EVENT_IDS)
def test_every_event_has_a_channel_an_operation_and_a_message(
    event: type[DomainEvent], document: dict[str, Any]
) -> None:
    name = event.event_type
    channel = document["channels"][name]
    assert channel["address"] == event_subject("coalition", event.service, name)
    assert channel["messages"] == {name: {"$ref": f"#/components/messages/{name}"}}

    operation = document["operations"][f"send{name}"]
    assert operation["action"] == "send"
    assert operation["channel"] == {"$ref": f"#/channels/{name}"}
    assert operation["messages"] == [{"$ref": f"#/channels/{name}/messages/{name}"}]
    assert {"name": event.service} in operation["tags"]
    assert event.service in operation["description"]

    message = document["components"]["messages"][name]
    assert message["x-decision"] is event.is_decision
    assert message["contentType"] == "application/json"
    assert message["payload"] == document["components"]["schemas"][name]
    assert message["payload"]["required"] == event.model_json_schema()["required"]


def test_nothing_is_described_that_the_catalogue_does_not_have(document: dict[str, Any]) -> None:
    names = {event.event_type for event in EVENTS}
    assert set(document["channels"]) == names
    assert set(document["operations"]) == {f"send{name}" for name in names}
    assert set(document["components"]["messages"]) == names


def test_the_subject_prefix_is_a_parameter() -> None:
    addresses = [channel["address"] for channel in asyncapi_document("acme")["channels"].values()]
    assert addresses and all(address.startswith("acme.") for address in addresses)


def test_the_document_has_the_structure_asyncapi_3_requires(document: dict[str, Any]) -> None:
    assert_keys("document", document)
    assert document["asyncapi"] == "3.0.0"
    assert_keys("info", document["info"])
    assert document["info"]["title"] == "Coalition events"
    assert document["info"]["version"] == "1.0.0"
    assert "binary mode" in document["info"]["description"]
    assert document["defaultContentType"] == "application/json"
    for server in document["servers"].values():
        assert_keys("server", server)
    assert document["servers"]["local"]["protocol"] == "nats"
    assert document["servers"]["local"]["host"] == "127.0.0.1:4222"
    assert "default local server" in document["servers"]["local"]["description"]

    assert_keys("components", document["components"])
    for section in ("channels", "operations"):
        assert all(COMPONENT_KEY.match(key) for key in document[section])
    for section in ("schemas", "messages"):
        assert all(COMPONENT_KEY.match(key) for key in document["components"][section])
    for channel in document["channels"].values():
        assert_keys("channel", channel)
    for message in document["components"]["messages"].values():
        assert_keys("message", message)
        assert isinstance(message["headers"], dict)
        assert message["headers"]["type"] == "object"
        assert isinstance(message["payload"], dict)
    for operation in document["operations"].values():
        assert_keys("operation", operation)
        assert operation["action"] in {"send", "receive"}
        assert set(operation["channel"]) == {"$ref"}
        channel_ref = operation["channel"]["$ref"]
        for message in operation["messages"]:
            # A Reference Object each, to a message of the operation's own channel.
            assert set(message) == {"$ref"}
            assert message["$ref"].startswith(f"{channel_ref}/messages/")


def test_every_reference_resolves_inside_the_document(document: dict[str, Any]) -> None:
    found = list(refs(document))
    assert found
    for ref in found:
        assert isinstance(resolve(document, ref), dict)


@pytest.mark.parametrize("event", EVENTS, ids=EVENT_IDS)
def test_the_payload_schema_accepts_a_real_payload_and_rejects_a_broken_one(
    event: type[DomainEvent], document: dict[str, Any]
) -> None:
    schema = document["components"]["messages"][event.event_type]["payload"]
    payload = SAMPLES[event.event_type].model_dump(mode="json")
    required = schema["required"]
    assert required
    is_valid = schema_validator(in_document(schema, document))
    if is_valid is None:  # no JSON Schema library: the schema must at least say what pydantic does
        assert set(schema["properties"]) == set(payload)
        assert set(required) == {n for n, f in event.model_fields.items() if f.is_required()}
        event.model_validate(payload)
        return
    assert is_valid(payload)
    for field in required:
        assert not is_valid({k: v for k, v in payload.items() if k != field}), field
    assert not is_valid({**payload, "unexpected": 1})


@pytest.mark.parametrize("event", EVENTS, ids=EVENT_IDS)
def test_the_headers_schema_lists_exactly_what_to_headers_writes(
    event: type[DomainEvent], document: dict[str, Any]
) -> None:
    schema = document["components"]["messages"][event.event_type]["headers"]
    payload = SAMPLES[event.event_type]
    every = to_headers(
        recorded_event(payload, causation_id=uuid.uuid4()), source_service=event.service
    )
    least = to_headers(
        recorded_event(payload, reason="why" if event.is_decision else None, campaign_id=None),
        source_service=event.service,
    )
    assert set(schema["properties"]) == set(every)
    assert set(schema["required"]) == set(least)
    for name, header in schema["properties"].items():
        assert header["type"] == "string"
        assert header["description"], name

    is_valid = schema_validator(schema)
    if is_valid is None:
        for headers in (every, least):
            for name, header in schema["properties"].items():
                if "const" in header and name in headers:
                    assert headers[name] == header["const"], name
                if "pattern" in header and name in headers:
                    assert re.match(header["pattern"], headers[name]), name
        return
    assert is_valid(every)
    assert is_valid(least)
    assert not is_valid({k: v for k, v in least.items() if k != "ce-id"})
    assert not is_valid({**least, "ce-specversion": "0.3"})
    assert not is_valid({**least, "ce-hash": "not a hash"})
    if event.is_decision:
        assert not is_valid({k: v for k, v in least.items() if k != "ce-reason"})


@pytest.mark.parametrize("event", EVENTS, ids=EVENT_IDS)
def test_standalone_schemas_are_identified_by_ce_dataschema(event: type[DomainEvent]) -> None:
    schemas = event_json_schemas()
    assert set(schemas) == {e.event_type for e in EVENTS}
    schema = schemas[event.event_type]
    headers = to_headers(recorded_event(SAMPLES[event.event_type]), source_service=event.service)
    assert schema["$id"] == headers["ce-dataschema"]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"] == event.model_json_schema()["properties"]

    is_valid = schema_validator(schema)
    payload = SAMPLES[event.event_type].model_dump(mode="json")
    if is_valid is not None:
        assert is_valid(payload)
        assert not is_valid({k: v for k, v in payload.items() if k != schema["required"][0]})


class _Address(BaseModel):
    city: str


class _Moved(BaseModel):
    to: _Address


def test_nested_models_move_into_components_and_stay_reachable() -> None:
    schemas: dict[str, Any] = {}
    payload = _hoist(
        schemas, "Moved", _Moved.model_json_schema(ref_template="#/components/schemas/{model}")
    )
    assert "$defs" not in payload
    assert set(schemas) == {"Moved", "_Address"}
    document = {"components": {"schemas": schemas}}
    for ref in refs(payload):
        assert resolve(document, ref) == schemas["_Address"]
    with pytest.raises(ValueError, match="two different schemas"):
        _hoist(schemas, "_Address", {"type": "string"})


def test_the_committed_document_is_up_to_date(document: dict[str, Any]) -> None:
    expected = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    assert DOC.read_text() == expected, "run: coalition asyncapi > docs/asyncapi.json"


def test_the_cli_prints_the_document() -> None:
    result = CliRunner().invoke(app, ["asyncapi"])
    assert result.exit_code == 0, result.output
    assert result.stdout == DOC.read_text()
    acme = CliRunner().invoke(app, ["asyncapi", "--prefix", "acme"])
    assert json.loads(acme.stdout) == asyncapi_document("acme")
