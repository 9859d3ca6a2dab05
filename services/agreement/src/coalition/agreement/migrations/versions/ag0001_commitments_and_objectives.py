"""Agreement's copies of engagement's commitments and research's objectives.

Revision ID: ag0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ag0001"
down_revision = None
branch_labels = ("agreement",)
depends_on = "es0001"


def upgrade() -> None:
    op.create_table(
        "agreement_commitments",
        sa.Column("campaign_id", sa.String(100), primary_key=True),
        sa.Column("partner_id", sa.String(100), primary_key=True),
        sa.Column("commitment_id", sa.String(100), primary_key=True),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("resources", sa.JSON(), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("event_id", sa.String(40), nullable=False),
    )
    op.create_table(
        "agreement_objectives",
        sa.Column("campaign_id", sa.String(100), primary_key=True),
        sa.Column("objective_id", sa.String(100), primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("event_id", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("agreement_objectives")
    op.drop_table("agreement_commitments")
