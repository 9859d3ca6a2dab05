"""The partner list says whether a partner is still considered, and where a duplicate went;
the campaign audit reads received events by campaign.

Revision ID: pj0003
Revises: pj0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "pj0003"
down_revision = "pj0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("partner_list") as batch:
        batch.add_column(sa.Column("status", sa.String(20), nullable=True))
        batch.add_column(sa.Column("merged_into", sa.String(100), nullable=True))
        batch.add_column(sa.Column("country", sa.String(100), nullable=True))
    op.create_index("ix_received_events_campaign", "received_events", ["campaign_id", "position"])


def downgrade() -> None:
    op.drop_index("ix_received_events_campaign", "received_events")
    with op.batch_alter_table("partner_list") as batch:
        batch.drop_column("country")
        batch.drop_column("merged_into")
        batch.drop_column("status")
