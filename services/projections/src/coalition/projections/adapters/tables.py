"""The projections' tables: the copy of every event received (its own log, the source of any
rebuild), the read models derived from it, and the webhooks (subscriptions, their deliveries
and every attempt, and the audit of changes to subscriptions). Webhook tables are not read
models: a rebuild leaves them alone."""

from __future__ import annotations

import sqlalchemy as sa

from coalition.shared.eventstore.schema import Position, Timestamp, envelope_columns

metadata = sa.MetaData()

received_events = sa.Table(
    "received_events",
    metadata,
    sa.Column("position", Position, primary_key=True, autoincrement=True),
    sa.Column("service", sa.String(50), nullable=False),
    sa.Column("source_position", sa.BigInteger(), nullable=False),
    *envelope_columns(),
    sa.Index("ix_received_events_campaign", "campaign_id", "position"),
    sa.Index("ix_received_events_actor", "actor", "position"),
)

read_model_generations = sa.Table(
    "read_model_generations",
    metadata,
    sa.Column("generation", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("started_by", sa.String(200), nullable=False),
    sa.Column("started_at", Timestamp, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.Column("events_total", sa.BigInteger(), nullable=False),
    sa.Column("events_applied", sa.BigInteger(), nullable=False),
    sa.Column("applied_position", sa.BigInteger(), nullable=False),
    sa.Column("swapped_at", Timestamp, nullable=True),
    sa.Column("finished_at", Timestamp, nullable=True),
    sa.Column("error", sa.String(500), nullable=True),
)
"""One row per generation of the read models: the one `active` (served), at most one
`building` beside it, and the old ones `retired` (rows being dropped) or `dropped`."""

partner_list = sa.Table(
    "partner_list",
    metadata,
    sa.Column("generation", sa.Integer(), nullable=False),
    sa.Column("partner_id", sa.String(100), nullable=False),
    sa.Column("campaign_id", sa.String(100), nullable=True),
    sa.Column("name", sa.String(300), nullable=True),
    sa.Column("kind", sa.String(50), nullable=True),
    sa.Column("country", sa.String(100), nullable=True),
    sa.Column("status", sa.String(20), nullable=True),
    sa.Column("merged_into", sa.String(100), nullable=True),
    sa.Column("score", sa.Float(), nullable=True),
    sa.Column("score_model", sa.String(100), nullable=True),
    sa.Column("stage", sa.String(50), nullable=True),
    sa.Column("agreement_id", sa.String(100), nullable=True),
    sa.Column("agreement_status", sa.String(50), nullable=True),
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.Column("last_event_id", sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint("generation", "partner_id", name="pk_partner_list"),
    sa.Index("ix_partner_list_generation_campaign", "generation", "campaign_id"),
)

timeline_entries = sa.Table(
    "timeline_entries",
    metadata,
    sa.Column("id", Position, primary_key=True, autoincrement=True),
    sa.Column("generation", sa.Integer(), nullable=False),
    sa.Column("partner_id", sa.String(100), nullable=False),
    sa.Column("received_position", sa.BigInteger(), nullable=False),
    sa.Column("event_id", sa.Uuid(), nullable=False),
    sa.Column("service", sa.String(50), nullable=False),
    sa.Column("event_type", sa.String(200), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("reason", sa.Text(), nullable=True),
    sa.Column("summary", sa.Text(), nullable=False),
    sa.Column("occurred_at", Timestamp, nullable=False),
    sa.Column("recorded_at", Timestamp, nullable=False),
    sa.Column("causation_id", sa.Uuid(), nullable=True),
    sa.Column("correlation_id", sa.Uuid(), nullable=False),
    sa.UniqueConstraint(
        "generation", "partner_id", "event_id", name="uq_timeline_generation_partner_event"
    ),
    sa.Index("ix_timeline_generation_partner_time", "generation", "partner_id", "occurred_at"),
)

webhook_subscriptions = sa.Table(
    "webhook_subscriptions",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("campaign_id", sa.String(100), nullable=False, index=True),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("event_types", sa.JSON(), nullable=False),
    sa.Column("description", sa.String(500), nullable=True),
    sa.Column("enabled", sa.Boolean(), nullable=False),
    sa.Column("secret", sa.String(200), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
)

webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    sa.Column("sequence", Position, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(40), nullable=False, unique=True),
    sa.Column(
        "subscription_id",
        sa.String(40),
        sa.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("campaign_id", sa.String(100), nullable=False),
    sa.Column("event_id", sa.Uuid(), nullable=False),
    sa.Column("event_type", sa.String(200), nullable=False),
    sa.Column("partner_key", sa.String(200), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("tries", sa.Integer(), nullable=False),
    sa.Column("next_attempt_at", Timestamp, nullable=True),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.UniqueConstraint("subscription_id", "event_id", name="uq_webhook_delivery_event"),
    sa.Index("ix_webhook_deliveries_order", "subscription_id", "partner_key", "status", "sequence"),
    sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
)

webhook_attempts = sa.Table(
    "webhook_attempts",
    metadata,
    sa.Column("id", Position, primary_key=True, autoincrement=True),
    sa.Column(
        "delivery_id",
        sa.String(40),
        sa.ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("attempted_at", Timestamp, nullable=False),
    sa.Column("status_code", sa.Integer(), nullable=True),
    sa.Column("error", sa.String(500), nullable=True),
    sa.Column("duration_ms", sa.Integer(), nullable=False),
    sa.Column("response_excerpt", sa.String(500), nullable=True),
    sa.Column("succeeded", sa.Boolean(), nullable=False),
)

webhook_audit = sa.Table(
    "webhook_audit",
    metadata,
    sa.Column("id", Position, primary_key=True, autoincrement=True),
    sa.Column("subscription_id", sa.String(40), nullable=False, index=True),
    sa.Column("campaign_id", sa.String(100), nullable=False),
    sa.Column("action", sa.String(50), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("at", Timestamp, nullable=False),
    sa.Column("details", sa.JSON(), nullable=False),
)

READ_MODELS = [partner_list, timeline_entries]
"""Everything a rebuild derives again from `received_events`. Each has a `generation` column:
a rebuild writes a new generation beside the served one and then swaps (docs/audit.md)."""
