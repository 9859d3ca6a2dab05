"""REST routes of read-model rebuilds (admins only: they span every campaign)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from coalition.projections.service_layer import rebuilds
from coalition.shared.access.principal import Principal
from coalition.shared.web.auth import PrincipalDep
from coalition.shared.web.deps import EngineDep
from coalition.shared.web.problems import ForbiddenError

router = APIRouter(prefix="/rebuilds", tags=["rebuilds"])


class RebuildPublic(BaseModel):
    generation: int = Field(description="The generation of the read models being built.")
    status: str = Field(
        description="`building` (the old generation is still served), `active` (swapped in: "
        "served now), `failed` (see `error`; the old one is still served), or `retired` / "
        "`dropped` for a generation a later rebuild replaced."
    )
    started_by: str
    started_at: datetime
    updated_at: datetime
    events_total: int = Field(description="Events received when the rebuild started.")
    events_applied: int = Field(description="Events applied so far (more may have arrived).")
    applied_position: int = Field(description="The last received position applied.")
    events_per_second: float | None
    swapped_at: datetime | None = Field(description="When the new generation began to serve.")
    finished_at: datetime | None = Field(description="When the old generation was dropped.")
    error: str | None


def _public(progress: rebuilds.Progress) -> RebuildPublic:
    return RebuildPublic(
        generation=progress.generation,
        status=progress.status,
        started_by=progress.started_by,
        started_at=progress.started_at,
        updated_at=progress.updated_at,
        events_total=progress.events_total,
        events_applied=progress.events_applied,
        applied_position=progress.applied_position,
        events_per_second=progress.events_per_second,
        swapped_at=progress.swapped_at,
        finished_at=progress.finished_at,
        error=progress.error,
    )


def _admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise ForbiddenError("rebuilding spans every campaign: it needs an admin key")


@router.post(
    "",
    status_code=202,
    summary="Rebuild every read model from the received events; the old ones are served "
    "until the new ones have caught up (admin keys only).",
)
async def start_rebuild(
    engine: EngineDep, principal: PrincipalDep, response: Response
) -> RebuildPublic:
    """Answers at once (202); follow the progress at `Location`. One rebuild at a time (409
    while one runs)."""
    _admin(principal)
    started = await rebuilds.start(engine, actor=principal.actor)
    rebuilds.run_in_background(engine, started.generation)
    response.headers["Location"] = f"rebuilds/{started.generation}"
    return _public(started)


@router.get("/{generation}", summary="A rebuild's progress (admin keys only).")
async def get_rebuild(
    generation: Annotated[int, Path(ge=1, le=2**31 - 1)], engine: EngineDep, principal: PrincipalDep
) -> RebuildPublic:
    _admin(principal)
    return _public(await rebuilds.get(engine, generation))
