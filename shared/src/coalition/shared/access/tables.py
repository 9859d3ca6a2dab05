"""The access database: API keys and rate-limit counters, one database for every service of a
deployment (`database_url_for("access")`), so a key works on every service and a revocation
takes effect everywhere."""

from __future__ import annotations

import sqlalchemy as sa

from coalition.shared.eventstore.schema import Json, Timestamp

metadata = sa.MetaData()

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("key_id", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("hint", sa.String(10), nullable=False),
    sa.Column("campaigns", Json, nullable=True),
    sa.Column("scopes", Json, nullable=False),
    sa.Column("rate_limit_per_minute", sa.Integer(), nullable=True),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("expires_at", Timestamp, nullable=True),
    sa.Column("revoked_at", Timestamp, nullable=True),
    sa.Column("revoked_by", sa.String(200), nullable=True),
)
"""One row per key ever issued; `key_hash` is the SHA-256 of the key, the key itself is never
stored. `campaigns` NULL means every campaign. Revoked rows stay, for the audit trail."""

rate_limit_windows = sa.Table(
    "rate_limit_windows",
    metadata,
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("window_start", sa.BigInteger(), nullable=False),
    sa.Column("hits", sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint("subject", "window_start", name="pk_rate_limit_windows"),
)
"""Requests per caller (`key:<id>` or `user:<sub>`) per fixed window (epoch seconds of its
start), counted by every instance of every service alike."""
