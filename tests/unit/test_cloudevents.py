"""CloudEvents 1.0 binary mode: a recorded event survives headers + body exactly."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from coalition.shared.contracts.agreement import AgreementDrafted
from coalition.shared.contracts.research import PartnerIdentified
from coalition.shared.events.envelope import Metadata, RecordedEvent
from coalition.shared.messaging.cloudevents import (
    CONTENT_TYPE,
    MESSAGE_ID_HEADER,
    SPEC_VERSION,
    NotACloudEventError,
    event_subject,
    from_message,
    source_service,
    to_body,
    to_headers,
)
from tests.unit.domain.histories import recorded

AWKWARD_REASON = 'Größe 100% "sicher" — l\'accord\nsecond line\ttab, emoji 🤝 & +plus'


def event_with(
    *,
    reason: str | None = AWKWARD_REASON,
    causation_id: uuid.UUID | None = None,
    campaign_id: str | None = None,
    actor: str = "alice@example.org",
) -> RecordedEvent:
    base = recorded(
        PartnerIdentified(
            partner_id="p1",
            campaign_id="c1",
            name="Fédération «Süd»",
            kind="union",
            country="DE",
            members=12_345,
        ),
        3,
        stream_id="partner-p1",
    )
    return base.model_copy(
        update={
            "position": 17,
            "metadata": Metadata(
                actor=actor,
                reason=reason,
                correlation_id=uuid.UUID("22222222-2222-4222-8222-222222222222"),
                causation_id=causation_id,
                campaign_id=campaign_id,
                occurred_at=datetime(2024, 5, 1, 9, 30, 0, 123456, tzinfo=UTC),
            ),
            "recorded_at": datetime(2024, 5, 1, 9, 30, 1, 654321, tzinfo=UTC),
            "previous_hash": "0" * 64,
            "hash": "f" * 64,
        }
    )


def round_trip(event: RecordedEvent, service: str = "research") -> RecordedEvent:
    return from_message(to_headers(event, source_service=service), to_body(event))


# -- round trip -----------------------------------------------------------------------------------


def test_round_trip_with_an_awkward_reason_and_no_causation_or_campaign() -> None:
    event = event_with()

    back = round_trip(event)

    assert back == event
    assert back.metadata.reason == AWKWARD_REASON
    assert back.metadata.causation_id is None
    assert back.metadata.campaign_id is None


def test_round_trip_with_causation_and_campaign() -> None:
    event = event_with(
        causation_id=uuid.UUID("33333333-3333-4333-8333-333333333333"), campaign_id="clean-air"
    )

    assert round_trip(event) == event


def test_round_trip_without_a_reason() -> None:
    event = event_with(reason=None)

    headers = to_headers(event, source_service="research")

    assert "ce-reason" not in headers
    assert from_message(headers, to_body(event)) == event


@pytest.mark.parametrize("reason", ["", "%", "%25", "%zz", '"', "a+b c", "\r\n", "\x00\x7f", "é"])
def test_round_trip_of_edge_case_reasons(reason: str) -> None:
    event = event_with(reason=reason)

    assert round_trip(event).metadata.reason == reason


def test_round_trip_of_a_non_utc_occurred_at() -> None:
    tz = timezone(timedelta(hours=2))
    event = event_with().model_copy(
        update={
            "metadata": event_with().metadata.model_copy(
                update={"occurred_at": datetime(2024, 5, 1, 11, 30, tzinfo=tz)}
            )
        }
    )

    back = round_trip(event)

    assert back.metadata.occurred_at == event.metadata.occurred_at
    assert back.metadata.occurred_at.utcoffset() == timedelta(hours=2)


def test_round_trip_of_a_payload_with_lists_and_unicode() -> None:
    event = recorded(
        AgreementDrafted(
            agreement_id="a1",
            campaign_id="c1",
            title="Pacte «air pur»",
            parties=["p1", "p2"],
            terms='Artikel 1: 100% — "alles"\n',
            terms_hash="b" * 64,
        ),
        1,
        stream_id="agreement-a1",
    )

    assert round_trip(event, "agreement") == event


def test_header_names_are_case_insensitive_on_the_way_in() -> None:
    event = event_with(campaign_id="clean-air")
    headers = {key.upper(): value for key, value in to_headers(event, source_service="x").items()}

    assert from_message(headers, to_body(event)) == event


# -- headers --------------------------------------------------------------------------------------


def test_every_header_value_is_printable_ascii() -> None:
    event = event_with(
        causation_id=uuid.UUID("33333333-3333-4333-8333-333333333333"),
        campaign_id="kampagne-ü",
        actor="Zoë <zoe@example.org>",
    )

    headers = to_headers(event, source_service="research")

    for key, value in headers.items():
        assert key.isascii() and key.isprintable(), key
        # The HTTP binding: printable ASCII without space, '"' (and a literal '%').
        assert all(0x21 <= ord(char) < 0x7F for char in value), (key, value)
        assert '"' not in value, (key, value)


def test_the_required_cloudevents_attributes() -> None:
    event = event_with()

    headers = to_headers(event, source_service="research")

    assert headers["ce-specversion"] == SPEC_VERSION == "1.0"
    assert headers["ce-id"] == str(event.event_id)
    assert headers["ce-source"] == "/coalition/research"
    assert headers["ce-type"] == "coalition.research.PartnerIdentified.v1"
    assert headers["ce-subject"] == "partner-p1"
    assert headers["ce-time"] == "2024-05-01T09:30:00.123456+00:00"
    assert headers["ce-dataschema"] == "urn:coalition:event:PartnerIdentified:1"
    assert headers["content-type"] == CONTENT_TYPE == "application/json"


def test_the_extension_attributes() -> None:
    event = event_with(
        reason="because", causation_id=uuid.UUID("33333333-3333-4333-8333-333333333333")
    )

    headers = to_headers(event, source_service="research")

    assert headers["ce-eventtype"] == "PartnerIdentified"
    assert headers["ce-schemaversion"] == "1"
    assert headers["ce-streamtype"] == "research"
    assert headers["ce-streamversion"] == "3"
    assert headers["ce-position"] == "17"
    assert headers["ce-actor"] == "alice@example.org"
    assert headers["ce-reason"] == "because"
    assert headers["ce-correlationid"] == "22222222-2222-4222-8222-222222222222"
    assert headers["ce-causationid"] == "33333333-3333-4333-8333-333333333333"
    assert "ce-campaignid" not in headers
    assert headers["ce-recordedat"] == "2024-05-01T09:30:01.654321+00:00"
    assert headers["ce-previoushash"] == "0" * 64
    assert headers["ce-hash"] == "f" * 64


def test_the_message_id_is_the_event_id_for_broker_deduplication() -> None:
    event = event_with()

    assert to_headers(event, source_service="research")[MESSAGE_ID_HEADER] == str(event.event_id)


def test_awkward_characters_are_percent_encoded() -> None:
    headers = to_headers(event_with(reason='100% "sure"\né'), source_service="research")

    assert headers["ce-reason"] == "100%25%20%22sure%22%0A%C3%A9"


def test_a_reason_survives_a_transport_that_trims_header_values() -> None:
    # nats-py strips every header value on publish and on receipt.
    event = event_with(reason=" indented and trailing ", actor=" bob ")
    headers = {
        key: value.strip() for key, value in to_headers(event, source_service="research").items()
    }

    assert from_message(headers, to_body(event)) == event


# -- body -----------------------------------------------------------------------------------------


def test_the_body_is_the_payload_as_compact_utf8_json() -> None:
    event = event_with()

    body = to_body(event)

    assert json.loads(body) == event.payload
    assert "Fédération «Süd»".encode() in body
    assert b", " not in body and b": " not in body


def test_an_empty_body_is_an_empty_payload() -> None:
    event = event_with()

    back = from_message(to_headers(event, source_service="research"), b"")

    assert back.payload == {}


# -- not a CloudEvent -----------------------------------------------------------------------------


def test_a_message_without_specversion_is_refused() -> None:
    event = event_with()
    headers = to_headers(event, source_service="research")
    del headers["ce-specversion"]

    with pytest.raises(NotACloudEventError):
        from_message(headers, to_body(event))


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("ce-streamversion", None),
        ("ce-streamversion", "two"),
        ("ce-correlationid", "nope"),
        ("ce-time", "yesterday"),
    ],
)
def test_a_message_with_a_missing_or_malformed_attribute_is_refused(
    header: str, value: str | None
) -> None:
    event = event_with()
    headers = to_headers(event, source_service="research")
    if value is None:
        del headers[header]
    else:
        headers[header] = value

    with pytest.raises(NotACloudEventError, match="malformed event message"):
        from_message(headers, to_body(event))


def test_source_service_ignores_header_case() -> None:
    assert source_service({"Ce-Source": "/coalition/scoring"}) == "scoring"


def test_a_message_with_another_specversion_is_refused() -> None:
    event = event_with()
    headers = {**to_headers(event, source_service="research"), "ce-specversion": "0.3"}

    with pytest.raises(NotACloudEventError):
        from_message(headers, to_body(event))


def test_a_message_without_an_id_is_refused() -> None:
    event = event_with()
    headers = to_headers(event, source_service="research")
    del headers["ce-id"]

    with pytest.raises(NotACloudEventError):
        from_message(headers, to_body(event))


def test_a_plain_message_is_refused() -> None:
    with pytest.raises(NotACloudEventError):
        from_message({}, b'{"hello": "world"}')


def test_not_a_cloud_event_is_a_value_error() -> None:
    assert issubclass(NotACloudEventError, ValueError)


# -- subjects and sources -------------------------------------------------------------------------


def test_event_subject() -> None:
    assert event_subject("coalition", "research", "PartnerIdentified") == (
        "coalition.research.PartnerIdentified"
    )
    assert event_subject("t0123456789", "agreement", "PartySigned") == (
        "t0123456789.agreement.PartySigned"
    )


def test_source_service() -> None:
    headers = to_headers(event_with(), source_service="scoring")

    assert source_service(headers) == "scoring"
    assert source_service({"ce-source": "/coalition/engagement"}) == "engagement"
    assert source_service({"ce-source": "%2Fcoalition%2Fagreement"}) == "agreement"


def test_source_service_without_a_source_is_empty() -> None:
    assert source_service({}) == ""
