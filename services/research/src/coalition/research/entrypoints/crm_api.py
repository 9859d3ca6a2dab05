"""REST routes of the CRM connectors: list them, run an import, read the import history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import httpx
from fastapi import APIRouter, Path, Response
from pydantic import BaseModel

from coalition.research.adapters.crm.clients import CrmError, client_for
from coalition.research.adapters.crm.config import Connector, configured
from coalition.research.service_layer import crm
from coalition.shared.contracts.research import CrmImportCompleted
from coalition.shared.web.auth import PrincipalDep, require_campaign, visible
from coalition.shared.web.deps import ContextDep, StoreDep
from coalition.shared.web.problems import DomainError, NotFoundError

router = APIRouter(prefix="/crm", tags=["crm"])
ConnectorName = Annotated[str, Path(max_length=100, pattern=r"^[a-z0-9][a-z0-9_-]*$")]


class CrmUnavailableError(DomainError):
    status = 502
    kind = "crm-unavailable"


class ConnectorOut(BaseModel):
    name: str
    kind: str
    base_url: str
    campaign_id: str
    fields: dict[str, str]
    write_back: dict[str, str]


class ImportOut(BaseModel):
    connector: str
    campaign_id: str
    identified: int
    updated: int
    unchanged: int
    skipped: int
    people: int
    modified_through: datetime | None


class ImportHistory(BaseModel):
    items: list[CrmImportCompleted]


def _connector(name: str) -> Connector:
    connector = configured().get(name)
    if connector is None:
        raise NotFoundError(f"no CRM connector {name}", connector=name)
    return connector


@router.get("/connectors", summary="The configured CRM connectors of the caller's campaigns.")
async def list_connectors(principal: PrincipalDep) -> list[ConnectorOut]:
    return [
        ConnectorOut(**c.model_dump(include=set(ConnectorOut.model_fields)))
        for c in configured().connectors
        if principal.sees(c.campaign_id)
    ]


@router.post(
    "/connectors/{name}/imports",
    status_code=201,
    summary="Import the organisations changed in the CRM since the last import.",
    responses={502: {"description": "The CRM refused or failed; nothing was imported."}},
)
async def run_import(
    name: ConnectorName,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
) -> ImportOut:
    connector = _connector(name)
    require_campaign(principal, connector.campaign_id)
    metadata = context.metadata(
        reason=f"imported from CRM connector {connector.name}", campaign_id=connector.campaign_id
    )
    try:
        async with httpx.AsyncClient(timeout=30.0) as http:
            result = await crm.import_organisations(
                store, connector, client_for(connector, http), metadata
            )
    except (CrmError, LookupError, httpx.HTTPError) as error:
        raise CrmUnavailableError(str(error) or type(error).__name__, connector=name) from None
    response.headers["Location"] = f"{name}/imports"
    return ImportOut(connector=name, campaign_id=connector.campaign_id, **result.__dict__)


@router.get("/connectors/{name}/imports", summary="Every import of a connector, oldest first.")
async def import_history(
    name: ConnectorName, store: StoreDep, principal: PrincipalDep
) -> ImportHistory:
    connector = _connector(name)
    visible(principal, connector.campaign_id, NotFoundError(f"no CRM connector {name}"))
    history = await store.read_stream(crm.import_stream(connector))
    return ImportHistory(
        items=[CrmImportCompleted.model_validate(event.payload) for event in history]
    )
