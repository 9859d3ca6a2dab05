"""One client per CRM API, all answering the same two questions: which organisations changed
since a time, and write these values to a record. Built from each API's published docs:

- CiviCRM API v4 over REST: `POST /civicrm/ajax/api4/{Entity}/{action}` with a form field
  `params` (JSON: select, where, orderBy, limit, offset), `X-Civi-Auth: Bearer <key>`; answers
  `{"values": [...]}`. Organisations are `Contact` records with `contact_type` Organization.
- Action Network API v2 (OSDI): `GET /api/v2/<collection>` with `OSDI-API-Token`, OData-style
  `filter=modified_date gt '<time>'`, HAL answers (`_embedded["osdi:<collection>"]`,
  `_links.next.href`), ids in `identifiers` as `action_network:<uuid>`; `PUT` a record with
  `custom_fields` to write back.
- Generic: a JSON list behind a path, described in the configuration.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx

from coalition.research.adapters.crm.config import Connector

PAGE_SIZE = 100
MAX_PAGES = 1000


class CrmError(Exception):
    """The CRM refused or failed a request; nothing was imported."""


@dataclass(frozen=True)
class CrmRecord:
    external_id: str
    modified: datetime | None
    fields: Mapping[str, Any]


class CrmClient(Protocol):
    async def organisations(self, since: datetime | None) -> list[CrmRecord]: ...

    async def contacts(self, since: datetime | None) -> list[CrmRecord]:
        """People linked to organisations, modified since `since`."""
        ...

    async def write_back(self, external_id: str, values: Mapping[str, Any]) -> None: ...


def dotted(document: Any, path: str) -> Any:
    """`a.b.c` of nested objects, or None where any step is missing. A key that itself holds
    dots (CiviCRM's `Group.field` custom fields, flat in its answers) is taken whole first."""
    if isinstance(document, Mapping) and path in document:
        return document[path]
    for step in path.split("."):
        if not isinstance(document, Mapping):
            return None
        document = document.get(step)
    return document


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def nested(path: str, value: Any) -> dict[str, Any]:
    """`{"a": {"b": value}}` for `a.b`."""
    head, _, rest = path.partition(".")
    return {head: nested(rest, value) if rest else value}


async def _checked(answer: httpx.Response, connector: Connector) -> Any:
    if answer.status_code >= 400:
        raise CrmError(
            f"{connector.name} answered {answer.status_code} to {answer.request.method} "
            f"{answer.request.url.path}"
        )
    try:
        return answer.json()
    except ValueError as error:
        raise CrmError(f"{connector.name} answered something other than JSON") from error


class CiviCrm:
    def __init__(self, connector: Connector, http: httpx.AsyncClient) -> None:
        self.connector = connector
        self.http = http

    async def _call(self, entity: str, action: str, params: dict[str, Any]) -> Any:
        answer = await self.http.post(
            f"{self.connector.base_url.rstrip('/')}/civicrm/ajax/api4/{entity}/{action}",
            data={"params": json.dumps(params)},
            headers={
                "X-Civi-Auth": f"Bearer {self.connector.secret()}",
                "X-Requested-With": "XMLHttpRequest",
            },
        )
        return await _checked(answer, self.connector)

    async def organisations(self, since: datetime | None) -> list[CrmRecord]:
        fields = self.connector.fields.values()
        return await self._contacts([["contact_type", "=", "Organization"]], fields, since)

    async def contacts(self, since: datetime | None) -> list[CrmRecord]:
        """Individuals with an employer: the people who speak for organisations."""
        fields = self.connector.contact_fields.values()
        where = [["contact_type", "=", "Individual"], ["employer_id", "IS NOT NULL"]]
        return await self._contacts(where, fields, since)

    async def _contacts(
        self, where: list[list[Any]], fields: Any, since: datetime | None
    ) -> list[CrmRecord]:
        if since is not None:
            where = [*where, ["modified_date", ">=", since.strftime("%Y-%m-%d %H:%M:%S")]]
        select = sorted({"id", "modified_date", *fields})
        records: list[CrmRecord] = []
        for page in range(MAX_PAGES):
            body = await self._call(
                "Contact",
                "get",
                {
                    "select": select,
                    "where": where,
                    "orderBy": {"modified_date": "ASC", "id": "ASC"},
                    "limit": PAGE_SIZE,
                    "offset": page * PAGE_SIZE,
                },
            )
            values = body.get("values", [])
            records += [
                CrmRecord(str(v["id"]), parse_time(v.get("modified_date")), v) for v in values
            ]
            if len(values) < PAGE_SIZE:
                break
        return records

    async def write_back(self, external_id: str, values: Mapping[str, Any]) -> None:
        await self._call(
            "Contact",
            "update",
            {"where": [["id", "=", int(external_id)]], "values": dict(values)},
        )


class ActionNetwork:
    def __init__(self, connector: Connector, http: httpx.AsyncClient) -> None:
        self.connector = connector
        self.http = http

    def _headers(self) -> dict[str, str]:
        return {"OSDI-API-Token": self.connector.secret()}

    async def organisations(self, since: datetime | None) -> list[CrmRecord]:
        collection = self.connector.collection
        url: str | None = f"{self.connector.base_url.rstrip('/')}/api/v2/{collection}"
        params: dict[str, str] | None = None
        if since is not None:
            params = {"filter": f"modified_date gt '{since.strftime('%Y-%m-%dT%H:%M:%SZ')}'"}
        records: list[CrmRecord] = []
        for _ in range(MAX_PAGES):
            if url is None:
                break
            body = await _checked(
                await self.http.get(url, params=params, headers=self._headers()), self.connector
            )
            params = None  # the next link carries the query (httpx would replace it)
            for item in (
                dotted(body, "_embedded") and body["_embedded"].get(f"osdi:{collection}", [])
            ) or []:
                ours = [i for i in item.get("identifiers", []) if i.startswith("action_network:")]
                if ours:
                    external = ours[0].removeprefix("action_network:")
                    records.append(CrmRecord(external, parse_time(item.get("modified_date")), item))
            url = dotted(body, "_links.next.href")
        return records

    async def contacts(self, since: datetime | None) -> list[CrmRecord]:
        """An Action Network record is a person: the one who speaks for the organisation."""
        return await self.organisations(since)

    async def write_back(self, external_id: str, values: Mapping[str, Any]) -> None:
        custom = {name.removeprefix("custom_fields."): value for name, value in values.items()}
        answer = await self.http.put(
            f"{self.connector.base_url.rstrip('/')}/api/v2/{self.connector.collection}/"
            f"{external_id}",
            json={"custom_fields": custom},
            headers=self._headers(),
        )
        await _checked(answer, self.connector)


class GenericRest:
    def __init__(self, connector: Connector, http: httpx.AsyncClient) -> None:
        if connector.generic is None:
            raise ValueError(f"connector {connector.name} of kind generic needs `generic`")
        self.connector = connector
        self.api = connector.generic
        self.http = http

    def _headers(self) -> dict[str, str]:
        return {self.api.auth_header: f"{self.api.auth_prefix}{self.connector.secret()}"}

    async def organisations(self, since: datetime | None) -> list[CrmRecord]:
        url: str | None = f"{self.connector.base_url.rstrip('/')}{self.api.list_path}"
        params = {self.api.since_parameter: since.isoformat()} if since else None
        records: list[CrmRecord] = []
        for _ in range(MAX_PAGES):
            if url is None:
                break
            body = await _checked(
                await self.http.get(url, params=params, headers=self._headers()), self.connector
            )
            params = None
            for item in dotted(body, self.api.items) or []:
                records.append(
                    CrmRecord(
                        str(dotted(item, self.api.id_field)),
                        parse_time(dotted(item, self.api.modified_field)),
                        item,
                    )
                )
            url = dotted(body, self.api.next_link) if self.api.next_link else None
        return records

    async def contacts(self, since: datetime | None) -> list[CrmRecord]:
        return []  # the generic mapping reads organisations only

    async def write_back(self, external_id: str, values: Mapping[str, Any]) -> None:
        body: dict[str, Any] = {}
        for path, value in values.items():
            body.update(nested(path, value))
        answer = await self.http.patch(
            f"{self.connector.base_url.rstrip('/')}{self.api.record_path.format(id=external_id)}",
            json=body,
            headers=self._headers(),
        )
        await _checked(answer, self.connector)


def client_for(connector: Connector, http: httpx.AsyncClient) -> CrmClient:
    match connector.kind:
        case "civicrm":
            return CiviCrm(connector, http)
        case "action_network":
            return ActionNetwork(connector, http)
        case "generic":
            return GenericRest(connector, http)
