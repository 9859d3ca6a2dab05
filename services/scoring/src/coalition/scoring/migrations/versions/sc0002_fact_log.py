"""Scoring's log of fact changes, for facts as they stood at a past moment.

Revision ID: sc0002
Revises: sc0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "sc0002"
down_revision = "sc0001"
branch_labels = None
depends_on = None

Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "scoring_fact_log",
        sa.Column("seq", Position, primary_key=True, autoincrement=True),
        sa.Column("campaign_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("event_id", sa.String(40), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("service", sa.String(50), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_scoring_fact_log_campaign", "scoring_fact_log", ["campaign_id", "recorded_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_scoring_fact_log_campaign", table_name="scoring_fact_log")
    op.drop_table("scoring_fact_log")
