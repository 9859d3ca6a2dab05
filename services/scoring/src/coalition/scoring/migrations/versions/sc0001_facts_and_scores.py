"""Scoring's facts, watermarks, pending re-scores, current scores and coalitions.

Revision ID: sc0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "sc0001"
down_revision = None
branch_labels = ("scoring",)
depends_on = "es0001"

Timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "scoring_facts",
        sa.Column("campaign_id", sa.String(100), primary_key=True),
        sa.Column("kind", sa.String(40), primary_key=True),
        sa.Column("key", sa.String(400), primary_key=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("event_id", sa.String(40), nullable=False),
        sa.Column("service", sa.String(50), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("correlation_id", sa.String(40), nullable=True),
    )
    op.create_table(
        "scoring_watermarks",
        sa.Column("campaign_id", sa.String(100), primary_key=True),
        sa.Column("service", sa.String(50), primary_key=True),
        sa.Column("position", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "scoring_pending",
        sa.Column("campaign_id", sa.String(100), primary_key=True),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("first_marked_at", Timestamp, nullable=False),
        sa.Column("marked_at", Timestamp, nullable=False),
        sa.Column("cause_event_id", sa.Uuid(), nullable=True),
        sa.Column("correlation_id", sa.Uuid(), nullable=True),
        sa.Column("actor", sa.String(200), nullable=True),
        sa.Column("claimed_until", Timestamp, nullable=True),
        sa.Column("claimed_by", sa.String(100), nullable=True),
    )
    op.create_table(
        "scoring_current",
        sa.Column("campaign_id", sa.String(100), primary_key=True),
        sa.Column("partner_id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("excluded", sa.Boolean(), nullable=False),
        sa.Column("recommended", sa.Boolean(), nullable=False),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=False),
        sa.Column("stream_version", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("recorded_at", Timestamp, nullable=False),
    )
    op.create_index(
        "ix_scoring_current_rank",
        "scoring_current",
        ["campaign_id", "excluded", "score", "partner_id"],
    )
    op.create_table(
        "scoring_coalitions",
        sa.Column("campaign_id", sa.String(100), primary_key=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("synergies", sa.JSON(), nullable=False),
        sa.Column("stream_version", sa.Integer(), nullable=False),
        sa.Column("rescored_at", Timestamp, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "scoring_coalitions",
        "scoring_current",
        "scoring_pending",
        "scoring_watermarks",
        "scoring_facts",
    ):
        op.drop_table(table)
