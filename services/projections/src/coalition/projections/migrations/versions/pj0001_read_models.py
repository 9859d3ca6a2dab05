"""Received events and the first read models (partner list, audit timeline).

Revision ID: pj0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "pj0001"
down_revision = None
branch_labels = ("projections",)
depends_on = "es0001"

ExactJson = sa.JSON()
Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "received_events",
        sa.Column("position", Position, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.Uuid(), nullable=False, unique=True),
        sa.Column("service", sa.String(50), nullable=False),
        sa.Column("stream_id", sa.String(200), nullable=False),
        sa.Column("stream_type", sa.String(100), nullable=False),
        sa.Column("stream_version", sa.Integer(), nullable=False),
        sa.Column("source_position", sa.BigInteger(), nullable=False),
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
    )
    op.create_table(
        "partner_list",
        sa.Column("partner_id", sa.String(100), primary_key=True),
        sa.Column("campaign_id", sa.String(100), nullable=True),
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
    op.create_index("ix_partner_list_campaign_id", "partner_list", ["campaign_id"])
    op.create_table(
        "timeline_entries",
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
    )
    op.create_index("ix_timeline_partner_time", "timeline_entries", ["partner_id", "occurred_at"])


def downgrade() -> None:
    op.drop_table("timeline_entries")
    op.drop_index("ix_partner_list_campaign_id", "partner_list")
    op.drop_table("partner_list")
    op.drop_table("received_events")
