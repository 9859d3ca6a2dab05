"""Signatures as the Standard Webhooks specification defines them: its published test vector,
and agreement with its reference implementation on our own secrets."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook

from coalition.projections.domain import signing

# The specification's test vector (also in every reference library's tests).
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_specifications_test_vector() -> None:
    assert signing.sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == (
        VECTOR_SIGNATURE
    )


def test_new_secrets_are_whsec_and_32_random_bytes() -> None:
    first, second = signing.new_secret(), signing.new_secret()
    assert first.startswith("whsec_")
    assert len(signing.secret_bytes(first)) == 32
    assert first != second


def test_the_reference_implementation_verifies_our_headers() -> None:
    secret = signing.new_secret()
    body = b'{"type":"PartnerIdentified"}'
    now = int(time.time())
    headers = signing.headers(secret, "msg_1", now, body)
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert Webhook(secret).verify(body, headers) == {"type": "PartnerIdentified"}
    at = datetime.fromtimestamp(now, UTC)
    assert Webhook(secret).sign("msg_1", at, body.decode()) == headers["webhook-signature"]


@pytest.mark.parametrize("bad", ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not base64!", "whsec_"])
def test_malformed_secrets_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        signing.secret_bytes(bad)


def test_a_changed_body_changes_the_signature() -> None:
    secret = "whsec_" + base64.b64encode(b"k" * 24).decode()
    assert signing.sign(secret, "msg", 1, b"{}") != signing.sign(secret, "msg", 1, b"{ }")
