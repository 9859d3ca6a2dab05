"""Agreement's own tables beside its event store: the commitments and objectives other services
published, kept so a draft can start from a commitment and tie its goals to real objectives."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

agreement_commitments = sa.Table(
    "agreement_commitments",
    metadata,
    sa.Column("campaign_id", sa.String(100), primary_key=True),
    sa.Column("partner_id", sa.String(100), primary_key=True),
    sa.Column("commitment_id", sa.String(100), primary_key=True),
    sa.Column("what", sa.Text(), nullable=False),
    sa.Column("resources", sa.JSON(), nullable=False),
    sa.Column("withdrawn", sa.Boolean(), nullable=False),
    sa.Column("event_id", sa.String(40), nullable=False),
)

agreement_objectives = sa.Table(
    "agreement_objectives",
    metadata,
    sa.Column("campaign_id", sa.String(100), primary_key=True),
    sa.Column("objective_id", sa.String(100), primary_key=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("withdrawn", sa.Boolean(), nullable=False),
    sa.Column("event_id", sa.String(40), nullable=False),
)
