"""The network map over REST: JSON, GraphML, GEXF or a Kumu blueprint (`format`), filtered by
kind, stage and score, as of a past moment; and the web page that draws it.

The page and its static files are public, as `/docs` is: they hold no data. The page takes the
key in the browser (from `#key=` in its address, or typed in) and sends it as
`Authorization: Bearer` with each request for data, which the key's campaigns govern as
everywhere else (docs/network-map.md)."""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from coalition.projections.domain import map_formats
from coalition.projections.domain.map_analysis import Filters, filtered
from coalition.projections.entrypoints.network_map_models import (
    KumuBlueprint,
    MapFilters,
    NetworkMapBody,
    body,
)
from coalition.projections.service_layer import network_map as maps
from coalition.shared.contracts.engagement import Stage
from coalition.shared.contracts.research import OrganisationKind, StakeholderKind
from coalition.shared.web.auth import PrincipalDep, require_campaign
from coalition.shared.web.deps import NOT_MODIFIED, EngineDep, matches
from coalition.shared.web.models import Moment

router = APIRouter(tags=["network map"])

Format = Literal["json", "graphml", "gexf", "kumu"]
Kind = Literal[OrganisationKind, StakeholderKind]
MEDIA_TYPES: dict[str, str] = {
    "json": "application/json",
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "kumu": "application/json",
}
PAGE_PATH = "/network-map"
ASSETS: dict[str, tuple[str, str]] = {
    f"{PAGE_PATH}/network-map.js": ("network_map.js", "text/javascript; charset=utf-8"),
    f"{PAGE_PATH}/network-map.css": ("network_map.css", "text/css; charset=utf-8"),
    f"{PAGE_PATH}/cytoscape.min.js": (
        "vendor/cytoscape/cytoscape.min.js",
        "text/javascript; charset=utf-8",
    ),
}
PUBLIC_PATHS = frozenset({PAGE_PATH, *ASSETS})
"""Served without a key (see the module's docstring); `bootstrap` declares them."""
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@router.get(
    "/campaigns/{campaign_id}/network-map",
    summary="The campaign's partners and stakeholders as a graph, with communities and overlaps.",
    response_model=NetworkMapBody | KumuBlueprint,
    responses={
        **NOT_MODIFIED,
        200: {
            "description": (
                "`format=json` (the default) or `kumu`: JSON; `graphml` and `gexf`: XML files "
                "for Gephi, yEd, igraph or NetworkX."
            ),
            "content": {
                "application/graphml+xml": {"schema": {"type": "string"}},
                "application/gexf+xml": {"schema": {"type": "string"}},
            },
        },
    },
)
async def campaign_network_map(
    campaign_id: Annotated[str, Path(max_length=100)],
    engine: EngineDep,
    principal: PrincipalDep,
    request: Request,
    format: Annotated[
        Format,
        Query(description="json (default), graphml, gexf, or kumu (a Kumu JSON blueprint)."),
    ] = "json",
    kind: Annotated[
        list[Kind] | None,
        Query(description="Only nodes of these kinds (partners' or stakeholders'); repeatable."),
    ] = None,
    stage: Annotated[
        list[Stage] | None,
        Query(
            description=(
                "Only partners in these pipeline stages (and the stakeholders tied to them); "
                "repeatable."
            )
        ),
    ] = None,
    min_score: Annotated[
        float | None,
        Query(
            ge=0.0,
            le=1.0,
            description="Only partners scored at least this (and the stakeholders tied to them).",
        ),
    ] = None,
    as_of: Annotated[
        Moment | None,
        Query(
            description=(
                "The map as the log stood at this moment (RFC 3339 with offset): the events "
                "recorded at or before it."
            )
        ),
    ] = None,
) -> Any:
    """Computed from the campaign's events each time (cached by version): communities and
    positions are those of the whole map, so filters never move a node (ADR 14)."""
    require_campaign(principal, campaign_id)
    filters = MapFilters(
        kind=sorted(set(kind or [])), stage=sorted(set(stage or [])), min_score=min_score
    )
    async with engine.connect() as conn:
        version = await maps.version(conn, campaign_id, as_of)
    asked = json.dumps([format, filters.model_dump(), as_of and as_of.isoformat()])
    etag = f'W/"map-{version.tag}-{hashlib.sha256(asked.encode()).hexdigest()[:16]}"'
    if matches(request, etag):
        return Response(status_code=304, headers={"ETag": etag})
    whole = await maps.network_map(engine, version)
    shown = filtered(
        whole,
        Filters(frozenset(filters.kind), frozenset(filters.stage), filters.min_score),
    )
    headers = {"ETag": etag}
    if format == "json":
        return JSONResponse(body(shown, as_of, filters).model_dump(mode="json"), headers=headers)
    headers["Content-Disposition"] = f'attachment; filename="{_filename(campaign_id, format)}"'
    if format == "kumu":
        return JSONResponse(map_formats.as_kumu(shown), headers=headers)
    document = map_formats.as_graphml(shown) if format == "graphml" else map_formats.as_gexf(shown)
    return Response(document, media_type=MEDIA_TYPES[format], headers=headers)


def _filename(campaign_id: str, format: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", campaign_id).strip("-.") or "campaign"
    extension = "kumu.json" if format == "kumu" else format
    return f"{safe}-network-map.{extension}"


@router.get(
    PAGE_PATH,
    summary="The web page that draws a campaign's network map (public: it holds no data).",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}},
)
async def network_map_page() -> HTMLResponse:
    """`?campaign_id=` names the campaign; the key comes with `#key=` or is typed in."""
    return HTMLResponse(
        _static("network_map.html").decode(),
        headers={
            "Content-Security-Policy": CSP,
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-cache",
        },
    )


@cache
def _static(name: str) -> bytes:
    return resources.files("coalition.projections.entrypoints").joinpath("web", name).read_bytes()


def _asset_route(path: str, name: str, media_type: str) -> None:
    async def asset(request: Request) -> Response:
        content = _static(name)
        etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
        headers = {"ETag": etag, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
        if matches(request, etag):
            return Response(status_code=304, headers=headers)
        return Response(content, media_type=media_type, headers=headers)

    router.add_api_route(path, asset, methods=["GET"], include_in_schema=False)


for _path, (_name, _media_type) in ASSETS.items():
    _asset_route(_path, _name, _media_type)
