"""Scoring's own tables beside its event store: the facts it scores from (a copy of what other
services published), how far each service's log was taken in, the campaigns waiting to be
re-scored, and the latest recorded score and coalition (read models of scoring's own log)."""

from __future__ import annotations

import sqlalchemy as sa

from coalition.shared.eventstore.schema import Position, Timestamp

metadata = sa.MetaData()

scoring_facts = sa.Table(
    "scoring_facts",
    metadata,
    sa.Column("campaign_id", sa.String(100), primary_key=True),
    sa.Column("kind", sa.String(40), primary_key=True),
    sa.Column("key", sa.String(400), primary_key=True),
    sa.Column("data", sa.JSON(), nullable=True),
    sa.Column("event_id", sa.String(40), nullable=False),
    sa.Column("service", sa.String(50), nullable=False),
    sa.Column("position", sa.BigInteger(), nullable=False),
    sa.Column("correlation_id", sa.String(40), nullable=True),
)

scoring_watermarks = sa.Table(
    "scoring_watermarks",
    metadata,
    sa.Column("campaign_id", sa.String(100), primary_key=True),
    sa.Column("service", sa.String(50), primary_key=True),
    sa.Column("position", sa.BigInteger(), nullable=False),
)

scoring_pending = sa.Table(
    "scoring_pending",
    metadata,
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

scoring_current = sa.Table(
    "scoring_current",
    metadata,
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
    sa.Index("ix_scoring_current_rank", "campaign_id", "excluded", "score", "partner_id"),
)

scoring_coalitions = sa.Table(
    "scoring_coalitions",
    metadata,
    sa.Column("campaign_id", sa.String(100), primary_key=True),
    sa.Column("payload", sa.JSON(), nullable=False),
    sa.Column("synergies", sa.JSON(), nullable=False),
    sa.Column("stream_version", sa.Integer(), nullable=False),
    sa.Column("rescored_at", Timestamp, nullable=False),
)

scoring_fact_log = sa.Table(
    "scoring_fact_log",
    metadata,
    sa.Column("seq", Position, primary_key=True, autoincrement=True),
    sa.Column("campaign_id", sa.String(100), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("key", sa.String(400), nullable=False),
    sa.Column("data", sa.JSON(), nullable=True),
    sa.Column("event_id", sa.String(40), nullable=False),
    sa.Column("event_type", sa.String(200), nullable=False),
    sa.Column("service", sa.String(50), nullable=False),
    sa.Column("position", sa.BigInteger(), nullable=False),
    sa.Column("recorded_at", Timestamp, nullable=False),
    sa.Index("ix_scoring_fact_log_campaign", "campaign_id", "recorded_at"),
)
"""Every fact change as it came, so the facts can be read as they stood at any moment (a past
coalition re-evaluated); `scoring_facts` holds only the latest."""
