"""Which CRMs to import from and how their fields map onto a partner: a JSON file named by
`COALITION_CRM_CONFIG`. Secrets are never in the file: each connector names the environment
variable that holds its API key."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from coalition.shared.contracts.research import OrganisationKind

PartnerField = Literal["name", "kind", "country", "members"]
StatusField = Literal["stage", "score", "agreement_status"]
ContactField = Literal["name", "role", "organisation"]


class GenericApi(BaseModel):
    """A JSON REST API described by paths: the generic mapping."""

    model_config = ConfigDict(extra="forbid")

    list_path: str = Field(description="GET path of the organisation list, e.g. /api/orgs.")
    since_parameter: str = Field(default="modified_since", description="Query parameter.")
    items: str = Field(default="items", description="Dotted path of the list in the answer.")
    next_link: str | None = Field(default="next", description="Dotted path of the next URL.")
    id_field: str = "id"
    modified_field: str = "modified_at"
    auth_header: str = Field(default="Authorization", description="Carries the secret.")
    auth_prefix: str = Field(default="Bearer ", description="Put before the secret.")
    record_path: str = Field(
        default="/api/orgs/{id}", description="PATCH path of one record, for write-back."
    )


class Connector(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,99}$")
    kind: Literal["civicrm", "action_network", "generic"]
    base_url: str = Field(pattern=r"^https?://")
    secret_env: str = Field(description="Environment variable holding the API key or token.")
    campaign_id: str = Field(description="The campaign imported organisations are partners of.")
    fields: dict[PartnerField, str] = Field(
        description="Partner field -> the CRM field (a dotted path) it comes from."
    )
    default_kind: OrganisationKind = Field(
        default="advocacy_group", description="The kind when the CRM says none we know."
    )
    contact_fields: dict[ContactField, str] = Field(
        default_factory=dict,
        description=(
            "Key people: contact field -> CRM field; `organisation` names the organisation's "
            "record id (CiviCRM `employer_id`). Empty: contacts are not imported."
        ),
    )
    write_back: dict[StatusField, str] = Field(
        default_factory=dict, description="Partner status -> the CRM field it is written to."
    )
    collection: str = Field(
        default="people",
        description="Action Network: the OSDI collection organisations are read from.",
    )
    generic: GenericApi | None = None

    def secret(self) -> str:
        value = os.environ.get(self.secret_env)
        if not value:
            raise LookupError(f"set {self.secret_env} to the API key of connector {self.name}")
        return value


class CrmConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    connectors: list[Connector] = Field(default_factory=list)

    def get(self, name: str) -> Connector | None:
        return next((c for c in self.connectors if c.name == name), None)


def load(path: Path | None) -> CrmConfig:
    if path is None:
        return CrmConfig()
    return CrmConfig.model_validate_json(path.read_text())


_loaded: dict[Path | None, tuple[float, CrmConfig]] = {}


def configured() -> CrmConfig:
    """The connectors of `COALITION_CRM_CONFIG`, re-read when the file changes."""
    from coalition.shared.settings import Settings

    path = Settings().crm_config
    stamp = path.stat().st_mtime if path is not None else 0.0
    cached = _loaded.get(path)
    if cached is None or cached[0] != stamp:
        cached = (stamp, load(path))
        _loaded[path] = cached
    return cached[1]
