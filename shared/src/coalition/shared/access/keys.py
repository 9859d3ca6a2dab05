"""API keys as strings: how one is made and how it is kept. Pure: no I/O.

A key is `coal_` and 43 URL-safe characters (256 random bits). Only its SHA-256 is stored: a
key that random cannot be guessed from its hash, so a slow password hash would add latency to
every request and no safety. The `coal_` prefix lets secret scanners recognise a leaked key.
"""

from __future__ import annotations

import hashlib
import secrets

KEY_PREFIX = "coal_"
MIN_SUPPLIED_KEY_LENGTH = 32
"""A key an operator supplies (`COALITION_ADMIN_KEY`) must be at least this long."""


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def new_key_id() -> str:
    """The public name of a key: shown in lists and recorded as the actor (`key:<id>`)."""
    return secrets.token_hex(6)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def hint(key: str) -> str:
    """The last four characters, so a person can tell their keys apart in a list."""
    return "…" + key[-4:]
