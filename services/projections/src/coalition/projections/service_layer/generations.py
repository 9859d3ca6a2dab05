"""Which generation of the read models is served. Reads name the active generation inside
their own statement, so a swap (one committed UPDATE) moves every later read at once and no
read ever mixes two generations."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from coalition.projections.adapters.tables import read_model_generations

ACTIVE = "active"
BUILDING = "building"
RETIRED = "retired"
"""Swapped out; its rows are being dropped."""
DROPPED = "dropped"
FAILED = "failed"


def active_generation() -> sa.ScalarSelect[Any]:
    """The served generation, as a subquery for a read's WHERE clause."""
    return (
        sa.select(read_model_generations.c.generation)
        .where(read_model_generations.c.status == ACTIVE)
        .scalar_subquery()
    )


def served(table: sa.Table) -> sa.ColumnElement[bool]:
    """`table`'s rows of the served generation."""
    return table.c.generation == active_generation()


async def current(conn: AsyncConnection) -> int:
    """The served generation (live events are projected into it)."""
    value = (await conn.execute(sa.select(active_generation()))).scalar()
    if value is None:  # the migration creates generation 1; nothing removes the active one
        raise RuntimeError("no active read-model generation")
    return int(value)
