"""Tables of the event store and of the messaging machinery that lives beside it.

Every service's database holds these tables: the log itself (`events`), the relay's checkpoint
(`relay_checkpoints`), the consumer's record of processed events (`processed_events`), the
dead letters (`dead_letters`) and the responses kept for `Idempotency-Key` retries
(`idempotency_keys`, see `coalition.shared.web.idempotency`). Alembic migrations create them;
this module is the one definition the code queries through.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

metadata = sa.MetaData()

Json = sa.JSON().with_variant(JSONB(), "postgresql")
ExactJson = sa.JSON()
"""Plain `json` on PostgreSQL keeps the payload's text as written; JSONB would normalise numbers
(-0.0 to 0, 1e16 to an integer) and break the hash chain."""
Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.DateTime(timezone=True)


def envelope_columns() -> list[sa.Column[Any]]:
    """The columns of a recorded event but its position: of the log, and of any copy of it
    (the projections keep one). New objects on each call, as a table owns its columns."""
    return [
        sa.Column("event_id", sa.Uuid(), nullable=False, unique=True),
        sa.Column("stream_id", sa.String(200), nullable=False),
        sa.Column("stream_type", sa.String(100), nullable=False),
        sa.Column("stream_version", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("payload", ExactJson, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("correlation_id", sa.Uuid(), nullable=False),
        sa.Column("causation_id", sa.Uuid(), nullable=True),
        sa.Column("campaign_id", sa.String(100), nullable=True),
        sa.Column("occurred_at", Timestamp, nullable=False),
        sa.Column("recorded_at", Timestamp, nullable=False),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    ]


events = sa.Table(
    "events",
    metadata,
    sa.Column("position", Position, primary_key=True, autoincrement=True),
    *envelope_columns(),
    sa.UniqueConstraint("stream_id", "stream_version", name="uq_events_stream_version"),
    sa.Index("ix_events_recorded_at", "recorded_at"),
    sa.Index("ix_events_campaign_id", "campaign_id"),
)

relay_checkpoints = sa.Table(
    "relay_checkpoints",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("position", sa.BigInteger(), nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
)

processed_events = sa.Table(
    "processed_events",
    metadata,
    sa.Column("consumer", sa.String(100), primary_key=True),
    sa.Column("event_id", sa.Uuid(), primary_key=True),
    sa.Column("processed_at", Timestamp, nullable=False),
)

dead_letters = sa.Table(
    "dead_letters",
    metadata,
    sa.Column("id", Position, primary_key=True, autoincrement=True),
    sa.Column("consumer", sa.String(100), nullable=False),
    sa.Column("event_id", sa.Uuid(), nullable=True),
    sa.Column("subject", sa.String(300), nullable=False),
    sa.Column("event_type", sa.String(200), nullable=True),
    sa.Column("deliveries", sa.Integer(), nullable=False),
    sa.Column("error", sa.Text(), nullable=False),
    sa.Column("headers", Json, nullable=False),
    sa.Column("body", sa.Text(), nullable=False),
    sa.Column("failed_at", Timestamp, nullable=False),
)

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("key", sa.String(255), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("method", sa.String(10), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("response_status", sa.Integer(), nullable=True),
    sa.Column("response_headers", Json, nullable=True),
    sa.Column("response_body", sa.LargeBinary(), nullable=True),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("expires_at", Timestamp, nullable=False),
    sa.PrimaryKeyConstraint("actor", "path", "key", name="pk_idempotency_keys"),
    sa.CheckConstraint("status IN ('in_progress', 'completed')", name="ck_idempotency_keys_status"),
)
"""One row per `Idempotency-Key` a client sent, scoped to the actor and the request path (the
service is the database): claimed `in_progress` before the request runs, `completed` with the
response (2xx and 4xx only) after. Rows past `expires_at` are ignored and replaced."""
