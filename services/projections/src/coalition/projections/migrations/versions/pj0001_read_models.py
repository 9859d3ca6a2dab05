"""Received events and the first read models (partner list, audit timeline).

Revision ID: pj0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

from coalition.projections.adapters import tables

revision = "pj0001"
down_revision = None
branch_labels = ("projections",)
depends_on = "es0001"


def upgrade() -> None:
    bind = op.get_bind()
    for table in (tables.received_events, tables.partner_list, tables.timeline_entries):
        table.create(bind)


def downgrade() -> None:
    bind = op.get_bind()
    for table in (tables.timeline_entries, tables.partner_list, tables.received_events):
        table.drop(bind)
