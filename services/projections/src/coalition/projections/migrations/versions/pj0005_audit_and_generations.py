"""Generations of the read models (a rebuild writes a new one beside the served one, then
swaps), and the audit trail's index by actor.

Revision ID: pj0005
Revises: pj0003
Create Date: 2026-11-29
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "pj0005"
down_revision = "pj0003"
branch_labels = None
depends_on = None

Timestamp = sa.DateTime(timezone=True)
PARTNER_COLUMNS = [
    "partner_id",
    "campaign_id",
    "name",
    "kind",
    "country",
    "status",
    "merged_into",
    "score",
    "score_model",
    "stage",
    "agreement_id",
    "agreement_status",
    "updated_at",
    "last_event_id",
]


def upgrade() -> None:
    generations = op.create_table(
        "read_model_generations",
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
    assert generations is not None
    now = datetime.now(UTC)
    bind = op.get_bind()
    head = bind.execute(sa.text("SELECT count(*), coalesce(max(position), 0) FROM received_events"))
    count, position = head.one()
    op.bulk_insert(
        generations,
        [
            {
                "generation": 1,
                "status": "active",
                "started_by": "migration",
                "started_at": now,
                "updated_at": now,
                "events_total": count,
                "events_applied": count,
                "applied_position": position,
                "swapped_at": now,
                "finished_at": now,
            }
        ],
    )
    _partner_list_by_generation()
    with op.batch_alter_table("timeline_entries") as batch:
        batch.add_column(sa.Column("generation", sa.Integer(), nullable=False, server_default="1"))
        batch.drop_constraint("uq_timeline_partner_event", type_="unique")
        batch.drop_index("ix_timeline_partner_time")
        batch.create_unique_constraint(
            "uq_timeline_generation_partner_event", ["generation", "partner_id", "event_id"]
        )
        batch.create_index(
            "ix_timeline_generation_partner_time", ["generation", "partner_id", "occurred_at"]
        )
    op.create_index("ix_received_events_actor", "received_events", ["actor", "position"])


def _partner_list_by_generation() -> None:
    """A new table keyed by (generation, partner id), the rows copied as generation 1: the
    same statements on SQLite and PostgreSQL (neither changes a primary key in place alike)."""
    op.create_table(
        "partner_list_next",
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
    )
    columns = ", ".join(PARTNER_COLUMNS)
    op.execute(
        f"INSERT INTO partner_list_next (generation, {columns}) "
        f"SELECT 1, {columns} FROM partner_list"
    )
    op.drop_index("ix_partner_list_campaign_id", "partner_list")
    op.drop_table("partner_list")
    op.rename_table("partner_list_next", "partner_list")
    op.create_index(
        "ix_partner_list_generation_campaign", "partner_list", ["generation", "campaign_id"]
    )


def downgrade() -> None:
    """Keeps the active generation only."""
    op.drop_index("ix_received_events_actor", "received_events")
    active = "(SELECT generation FROM read_model_generations WHERE status = 'active')"
    op.execute(f"DELETE FROM timeline_entries WHERE generation <> {active}")
    op.execute(f"DELETE FROM partner_list WHERE generation <> {active}")
    with op.batch_alter_table("timeline_entries") as batch:
        batch.drop_index("ix_timeline_generation_partner_time")
        batch.drop_constraint("uq_timeline_generation_partner_event", type_="unique")
        batch.drop_column("generation")
        batch.create_unique_constraint("uq_timeline_partner_event", ["partner_id", "event_id"])
        batch.create_index("ix_timeline_partner_time", ["partner_id", "occurred_at"])
    op.drop_index("ix_partner_list_generation_campaign", "partner_list")
    with op.batch_alter_table("partner_list", recreate="always") as batch:
        batch.drop_constraint("pk_partner_list", type_="primary")
        batch.create_primary_key("partner_list_pkey", ["partner_id"])
        batch.drop_column("generation")
    op.create_index("ix_partner_list_campaign_id", "partner_list", ["campaign_id"])
    op.drop_table("read_model_generations")
