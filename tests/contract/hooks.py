"""Schemathesis hooks for the contract test: every generated POST that carries a valid
`Idempotency-Key` gets a fresh one, as a well-behaved client sends one key per distinct request.
Without this the fuzzer reuses short keys across different bodies and (rightly) gets 422
key-reuse answers. Invalid keys are left alone, so their rejection is still tested here, and
the key's behaviour in full in tests/integration/test_idempotency.py."""

from __future__ import annotations

import re
import uuid
from typing import Any

import schemathesis

VALID_KEY = re.compile(r"^[!-~]([ -~]*[!-~])?$")


@schemathesis.hook
def before_call(context: Any, case: Any, **kwargs: Any) -> None:
    headers = case.headers or {}
    key = headers.get("Idempotency-Key")
    if isinstance(key, str) and VALID_KEY.fullmatch(key) and len(key) <= 255:
        headers["Idempotency-Key"] = str(uuid.uuid4())
        case.headers = headers


@schemathesis.hook
def filter_body(context: Any, body: Any) -> bool:
    """A period that ends before it starts is refused with a 422 naming `ended_on`: a rule
    across two fields that JSON Schema cannot state, so the fuzzer's valid bodies keep to it.
    tests/integration/research checks the refusal itself."""
    if isinstance(body, dict):
        started, ended = body.get("started_on"), body.get("ended_on")
        if isinstance(started, str) and isinstance(ended, str):
            return ended >= started
    return True
