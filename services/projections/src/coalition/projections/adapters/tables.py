"""The projections' tables: the copy of every event received (its own log, the source of any
rebuild) and the read models derived from it."""

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
)

partner_list = sa.Table(
    "partner_list",
    metadata,
    sa.Column("partner_id", sa.String(100), primary_key=True),
    sa.Column("campaign_id", sa.String(100), nullable=True, index=True),
    sa.Column("name", sa.String(300), nullable=True),
    sa.Column("kind", sa.String(50), nullable=True),
    sa.Column("score", sa.Float(), nullable=True),
    sa.Column("score_model", sa.String(100), nullable=True),
    sa.Column("stage", sa.String(50), nullable=True),
    sa.Column("agreement_id", sa.String(100), nullable=True),
    sa.Column("agreement_status", sa.String(50), nullable=True),
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.Column("last_event_id", sa.Uuid(), nullable=False),
)

timeline_entries = sa.Table(
    "timeline_entries",
    metadata,
    sa.Column("id", Position, primary_key=True, autoincrement=True),
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
    sa.UniqueConstraint("partner_id", "event_id", name="uq_timeline_partner_event"),
    sa.Index("ix_timeline_partner_time", "partner_id", "occurred_at"),
)

READ_MODELS = [partner_list, timeline_entries]
"""Everything a rebuild throws away and derives again from `received_events`."""
