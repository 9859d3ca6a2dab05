"""REST routes of the audit trail: a campaign's, or any partner's or actor's across the
caller's campaigns; as pages of JSON or as a whole CSV or JSON Lines export."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from coalition.projections.adapters.log_client import remote_verification
from coalition.projections.domain import audit
from coalition.projections.service_layer import audit as trail
from coalition.projections.service_layer.verification import Remote, verify_every_log
from coalition.shared.access.principal import Principal
from coalition.shared.registry import installed_services
from coalition.shared.service import ServiceRuntime
from coalition.shared.web.auth import PrincipalDep, require_campaign
from coalition.shared.web.deps import EngineDep
from coalition.shared.web.log_verification import FirstFailure, LogVerification
from coalition.shared.web.models import Moment
from coalition.shared.web.problems import ForbiddenError

router = APIRouter(tags=["audit"])

ID = r"^[^\x00-\x1f\x7f]{1,200}$"
MEDIA = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}
EXPORTS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A page of entries (JSON), or with `format`, every entry from `cursor` "
        "on as one CSV file (a header row, then one row per entry) or JSON Lines.",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
        },
    }
}


class CausePublic(BaseModel):
    event_type: str
    service: str
    summary: str


class AuditEntry(BaseModel):
    position: int = Field(description="Order received across services (causal order).")
    event_id: uuid.UUID
    service: str = Field(description="The service that recorded the event.")
    event_type: str
    decision: bool = Field(description="Whether the event type records a decision.")
    campaign_id: str | None
    stream_id: str = Field(description="The record the event belongs to.")
    partners: list[str] = Field(description="The partners it concerns.")
    actor: str = Field(description="Who: `key:<id>`, `user:<sub>` or a service.")
    occurred_at: datetime
    recorded_at: datetime
    reason: str | None = Field(description="Why.")
    summary: str = Field(description="One line a person can read.")
    causation_id: uuid.UUID | None = Field(description="The event (or request) that caused it.")
    caused_by: CausePublic | None = Field(description="That event, when it is an event we have.")
    correlation_id: uuid.UUID
    payload: dict[str, Any]


class AuditPage(BaseModel):
    items: list[AuditEntry]
    next_cursor: str | None = Field(description="`cursor` of the next page; none at the end.")


Cursor = Annotated[
    str | None,
    Query(max_length=18, pattern=r"^[0-9]{1,18}$", description="`next_cursor` of the last page."),
]
Limit = Annotated[int, Query(ge=1, le=500)]
Format = Annotated[
    Literal["json", "csv", "jsonl"],
    Query(
        description="`json`: a page. `csv` or `jsonl`: an export of every matching entry from "
        "`cursor` on (`limit` does not apply)."
    ),
]
Include = Annotated[
    Literal["decisions", "all"],
    Query(description="Partnership decisions only (event types marked as decisions), or all."),
]
Filter = Annotated[str | None, Query(max_length=200, pattern=ID)]
Since = Annotated[Moment | None, Query(description="Occurred at or after (RFC 3339).")]
Until = Annotated[Moment | None, Query(description="Occurred before (RFC 3339).")]


def _jsonl(entries: list[audit.Entry]) -> str:
    """One entry per line, each exactly as in a JSON page."""
    return "".join(
        AuditEntry.model_validate(audit.as_json(e)).model_dump_json() + "\n" for e in entries
    )


async def _answer(
    engine: EngineDep, filters: trail.Filters, cursor: str | None, limit: int, fmt: str, name: str
) -> Any:
    after = int(cursor) if cursor is not None else 0
    if fmt == "json":
        entries, following = await trail.page(engine, filters, after=after, limit=limit)
        return AuditPage(
            items=[AuditEntry.model_validate(audit.as_json(e)) for e in entries],
            next_cursor=None if following is None else str(following),
        )

    async def body() -> AsyncIterator[str]:
        first = True
        async for entries in trail.everything(engine, filters, after=after):
            yield (audit.csv_lines(entries, header=first) if fmt == "csv" else _jsonl(entries))
            first = False
        if first and fmt == "csv":
            yield audit.csv_lines([], header=True)

    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "audit"
    disposition = f'attachment; filename="{safe}.{fmt}"'
    return StreamingResponse(
        body(), media_type=MEDIA[fmt], headers={"Content-Disposition": disposition}
    )


def _filters(
    principal: Principal,
    *,
    campaign_id: str | None,
    partner_id: str | None,
    actor: str | None,
    event_type: str | None,
    service: str | None,
    since: datetime | None,
    until: datetime | None,
    include: str,
) -> trail.Filters:
    return trail.Filters(
        visible=principal.campaign_filter(),
        campaign_id=campaign_id,
        partner_id=partner_id,
        actor=actor,
        event_type=event_type,
        service=service,
        since=since,
        until=until,
        decisions_only=include == "decisions",
    )


@router.get(
    "/campaigns/{campaign_id}/audit",
    summary="A campaign's audit trail across services: who, when, why and what caused it.",
    response_model=AuditPage,
    responses=EXPORTS,
)
async def campaign_audit(
    campaign_id: Annotated[str, Path(max_length=100)],
    engine: EngineDep,
    principal: PrincipalDep,
    partner_id: Filter = None,
    actor: Filter = None,
    event_type: Filter = None,
    service: Filter = None,
    since: Since = None,
    until: Until = None,
    include: Include = "decisions",
    cursor: Cursor = None,
    limit: Limit = 100,
    format: Format = "json",
) -> Any:
    """In the order received (causal order across services), read from the projections' own
    copy of every service's log, so campaign decisions that concern no partner (objectives,
    positions, deal-breakers) are there as partner ones are."""
    require_campaign(principal, campaign_id)
    filters = _filters(
        principal,
        campaign_id=campaign_id,
        partner_id=partner_id,
        actor=actor,
        event_type=event_type,
        service=service,
        since=since,
        until=until,
        include=include,
    )
    return await _answer(engine, filters, cursor, limit, format, f"audit-{campaign_id}")


@router.get(
    "/audit",
    summary="The audit trail of a partner or an actor (or anything) across the caller's campaigns.",
    response_model=AuditPage,
    responses=EXPORTS,
)
async def audit_trail(
    engine: EngineDep,
    principal: PrincipalDep,
    actor: Annotated[
        str | None,
        Query(max_length=200, pattern=ID, description="Who: `key:<id>`, `user:<sub>`..."),
    ] = None,
    partner_id: Filter = None,
    campaign_id: Annotated[str | None, Query(max_length=100)] = None,
    event_type: Filter = None,
    service: Filter = None,
    since: Since = None,
    until: Until = None,
    include: Include = "decisions",
    cursor: Cursor = None,
    limit: Limit = 100,
    format: Format = "json",
) -> Any:
    """Only the campaigns the caller works for are shown (events of no campaign: to keys of
    every campaign only), whichever campaign the actor acted in."""
    if campaign_id is not None:
        require_campaign(principal, campaign_id)
    filters = _filters(
        principal,
        campaign_id=campaign_id,
        partner_id=partner_id,
        actor=actor,
        event_type=event_type,
        service=service,
        since=since,
        until=until,
        include=include,
    )
    return await _answer(engine, filters, cursor, limit, format, "audit")


class ServiceLogCheck(BaseModel):
    service: str
    checked_via: Literal["this process", "gateway"] | None = Field(
        description="Verified in this process, or by the service itself through the gateway; "
        "none: not reached (see `error`)."
    )
    ok: bool | None = Field(description="Every chain intact; none when not reached.")
    events_checked: int | None
    first_failure: FirstFailure | None = Field(description="The first event that fails.")
    error: str | None = Field(description="Why the service could not be reached.")


class AuditVerification(BaseModel):
    ok: bool = Field(description="Every service reached and every chain intact.")
    services: list[ServiceLogCheck]


@router.get(
    "/audit/verification",
    summary="Check the hash chains of every service's event log (admin keys only).",
)
async def verify_logs(request: Request, principal: PrincipalDep) -> AuditVerification:
    """Each log is read whole where it lives; the answer names, per service, how many events
    were checked and the first one that fails."""
    if not principal.is_admin:
        raise ForbiddenError("verifying every log spans every campaign: it needs an admin key")
    runtimes: dict[str, ServiceRuntime] = getattr(request.app.state, "runtimes", None) or {
        request.app.state.runtime.spec.name: request.app.state.runtime
    }
    own: ServiceRuntime = request.app.state.runtime
    gateway = own.settings.gateway_url
    remote: Remote | None = None
    if gateway:
        authorization = request.headers.get("authorization") or (
            f"Bearer {request.headers.get('x-api-key', '')}"
        )

        async def ask(service: str) -> LogVerification:
            return await remote_verification(gateway, service, authorization)

        remote = ask
    checks = await verify_every_log(
        list(installed_services()),
        {name: runtime.store for name, runtime in runtimes.items()},
        remote,
    )
    services = [
        ServiceLogCheck(
            service=check.service,
            checked_via=check.via,
            ok=None if check.result is None else check.result.ok,
            events_checked=None if check.result is None else check.result.events_checked,
            first_failure=None if check.result is None else check.result.first_failure,
            error=check.error,
        )
        for check in checks
    ]
    return AuditVerification(ok=all(s.ok for s in services), services=services)
