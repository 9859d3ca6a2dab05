"""The stand-in's three APIs over one in-memory set of organisations.

- CiviCRM API v4 REST: `POST /civicrm/ajax/api4/Contact/{get,update}`, form field `params`
  (JSON), `X-Civi-Auth: Bearer <key>`; `select`, `where` (`=`, `>=`), `orderBy`, `limit`,
  `offset`; answers `{"values": [...], "count": n}`; an update sets `modified_date`.
- Action Network API v2: `GET /api/v2/people` with `OSDI-API-Token`, `filter=modified_date gt
  '<time>'`, HAL pages (`_embedded["osdi:people"]`, `_links.next.href`, `per_page`);
  `PUT /api/v2/people/{id}` merges `custom_fields`.
- Generic: `GET /api/orgs?modified_since=` -> `{"items": [...], "next": url}`,
  `PATCH /api/orgs/{id}`; `Authorization: Bearer <key>`.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

DATA = Path(__file__).parent / "organisations.csv"
"""24 real organisations registered in Washington DC: an extract of the IRS Exempt Organizations
Business Master File (US federal public data, 2020), as published in
goodsystem-org/irs-tax-exemption-organization-data (`eo_dc.csv`)."""
KINDS = {"03": "ngo", "04": "advocacy_group", "05": "union", "06": "business_association"}
PEOPLE = [("Maria", "Lopez"), ("John", "Okafor"), ("Aisha", "Khan"), ("Tom", "Berg"), ("Li", "Wei")]


@dataclass
class Organisation:
    id: int
    uuid: str
    name: str
    kind: str
    city: str
    modified: datetime
    contact: tuple[str, str]
    custom: dict[str, Any] = field(default_factory=dict)


@dataclass
class Crm:
    key: str
    organisations: dict[int, Organisation] = field(default_factory=dict)
    writes: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    per_page: int = 2

    def seed(self, count: int, start: datetime) -> None:
        """`count` real DC organisations, one of each IRS subsection in turn."""
        with DATA.open(newline="") as source:
            rows = [row for row in csv.DictReader(source) if row["SUBSECTION"] in KINDS]
        picked = rows[:count]
        for number, row in enumerate(picked, start=1):
            self.organisations[number] = Organisation(
                id=number,
                uuid=f"a1b2c3d4-0000-4000-8000-{row['EIN'].zfill(12)}",
                name=row["NAME"].title(),
                kind=KINDS[row["SUBSECTION"]],
                city=row["CITY"].title(),
                modified=start + timedelta(minutes=number),
                contact=PEOPLE[(number - 1) % len(PEOPLE)],
            )

    def touch(self, number: int, when: datetime, **changes: Any) -> None:
        org = self.organisations[number]
        for name, value in changes.items():
            setattr(org, name, value)
        org.modified = when

    # -- CiviCRM ----------------------------------------------------------------------------

    def civicrm_contact(self, org: Organisation) -> dict[str, Any]:
        return {
            "id": org.id,
            "contact_type": "Organization",
            "organization_name": org.name,
            "address_primary.city": org.city,
            "Coalition.org_type": org.kind,
            "modified_date": org.modified.strftime("%Y-%m-%d %H:%M:%S"),
            **{f"Coalition.{k}": v for k, v in org.custom.items()},
        }

    def civicrm_individual(self, org: Organisation) -> dict[str, Any]:
        return {
            "id": 1000 + org.id,
            "contact_type": "Individual",
            "display_name": " ".join(org.contact),
            "job_title": "Campaigns lead",
            "employer_id": org.id,
            "modified_date": org.modified.strftime("%Y-%m-%d %H:%M:%S"),
        }

    async def civicrm(self, request: Request) -> JSONResponse:
        if request.headers.get("x-civi-auth") != f"Bearer {self.key}":
            return JSONResponse({"error_code": 401, "error_message": "Unauthorized"}, 401)
        form = parse_qs((await request.body()).decode())  # application/x-www-form-urlencoded
        params = json.loads(form["params"][0])
        action = request.path_params["action"]
        if action == "update":
            [[_, _, number]] = params["where"]
            org = self.organisations[int(number)]
            values = params["values"]
            org.custom.update({k.removeprefix("Coalition."): v for k, v in values.items()})
            org.modified = datetime.now(UTC)
            self.writes.append(("civicrm", str(number), values))
            return JSONResponse({"values": [self.civicrm_contact(org)], "count": 1})
        contacts = [self.civicrm_contact(org) for org in self.organisations.values()]
        contacts += [self.civicrm_individual(org) for org in self.organisations.values()]
        for name, operator, *value_list in params.get("where", []):
            value = value_list[0] if value_list else None
            if operator == "IS NOT NULL":
                contacts = [c for c in contacts if c.get(name) is not None]
            elif operator == "=":
                contacts = [c for c in contacts if c.get(name) == value]
            elif operator == ">=":
                contacts = [c for c in contacts if str(c.get(name)) >= str(value)]
        contacts.sort(key=lambda c: (c["modified_date"], c["id"]))
        offset, limit = params.get("offset", 0), params.get("limit", 25)
        page = contacts[offset : offset + limit]
        select = params.get("select")
        if select:
            page = [{k: v for k, v in c.items() if k in select} for c in page]
        return JSONResponse({"values": page, "count": len(page)})

    # -- Action Network ---------------------------------------------------------------------

    def osdi_person(self, org: Organisation) -> dict[str, Any]:
        return {
            "identifiers": [f"action_network:{org.uuid}", f"civicrm:{org.id}"],
            "given_name": org.contact[0],
            "family_name": org.contact[1],
            "modified_date": org.modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "custom_fields": {"organization": org.name, "org_type": org.kind, **org.custom},
            "_links": {"self": {"href": f"/api/v2/people/{org.uuid}"}},
        }

    async def people(self, request: Request) -> JSONResponse:
        if request.headers.get("osdi-api-token") != self.key:
            return JSONResponse({"error": "API Key invalid or not present"}, 401)
        orgs = sorted(self.organisations.values(), key=lambda o: (o.modified, o.id))
        query = request.query_params.get("filter", "")
        if query:
            name, operator, value = query.split(" ", 2)
            assert (name, operator) == ("modified_date", "gt"), query
            since = datetime.fromisoformat(value.strip("'").replace("Z", "+00:00"))
            orgs = [o for o in orgs if o.modified > since]
        page = int(request.query_params.get("page", "1"))
        chunk = orgs[(page - 1) * self.per_page : page * self.per_page]
        links: dict[str, Any] = {"self": {"href": str(request.url)}}
        if page * self.per_page < len(orgs):
            following = request.url.include_query_params(page=page + 1)
            links["next"] = {"href": str(following)}
        return JSONResponse(
            {
                "total_pages": max(1, -(-len(orgs) // self.per_page)),
                "per_page": self.per_page,
                "page": page,
                "_links": links,
                "_embedded": {"osdi:people": [self.osdi_person(o) for o in chunk]},
            },
            media_type="application/hal+json",
        )

    async def person(self, request: Request) -> JSONResponse:
        if request.headers.get("osdi-api-token") != self.key:
            return JSONResponse({"error": "API Key invalid or not present"}, 401)
        org = next(o for o in self.organisations.values() if o.uuid == request.path_params["id"])
        body = await request.json()
        org.custom.update(body.get("custom_fields", {}))
        org.modified = datetime.now(UTC)
        self.writes.append(("action_network", org.uuid, body))
        return JSONResponse(self.osdi_person(org), media_type="application/hal+json")

    # -- generic ----------------------------------------------------------------------------

    async def orgs(self, request: Request) -> JSONResponse:
        if request.headers.get("authorization") != f"Bearer {self.key}":
            return JSONResponse({"message": "unauthorised"}, 401)
        since = request.query_params.get("modified_since")
        items = [
            {
                "id": o.id,
                "profile": {"legal_name": o.name, "type": o.kind},
                "modified_at": o.modified.isoformat(),
                "coalition": dict(o.custom),
            }
            for o in sorted(self.organisations.values(), key=lambda o: o.id)
            if since is None or o.modified >= datetime.fromisoformat(since)
        ]
        return JSONResponse({"items": items, "next": None})

    async def org(self, request: Request) -> JSONResponse:
        if request.headers.get("authorization") != f"Bearer {self.key}":
            return JSONResponse({"message": "unauthorised"}, 401)
        org = self.organisations[int(request.path_params["id"])]
        body = await request.json()
        org.custom.update(body.get("coalition", {}))
        self.writes.append(("generic", str(org.id), body))
        return JSONResponse({"id": org.id})

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/civicrm/ajax/api4/Contact/{action}", self.civicrm, methods=["POST"]),
                Route("/api/v2/people", self.people, methods=["GET"]),
                Route("/api/v2/people/{id}", self.person, methods=["PUT"]),
                Route("/api/orgs", self.orgs, methods=["GET"]),
                Route("/api/orgs/{id}", self.org, methods=["PATCH"]),
            ]
        )
