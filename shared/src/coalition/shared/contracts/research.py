"""Events the research service publishes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from coalition.shared.events.envelope import DomainEvent

OrganisationKind = Literal[
    "party",
    "interest_group",
    "ngo",
    "union",
    "business_association",
    "faith_group",
    "community_group",
    "media",
    "think_tank",
    "government_body",
    "advocacy_group",
]


class PartnerIdentified(DomainEvent):
    """A campaign started to consider an organisation as a prospective partner."""

    service = "research"
    is_decision = True

    partner_id: str = Field(description="Stable id of the prospective partner.")
    campaign_id: str = Field(description="The campaign that considers it.")
    name: str = Field(min_length=1, max_length=300, description="The organisation's name.")
    kind: OrganisationKind = Field(description="What kind of organisation it is.")
    country: str | None = Field(default=None, max_length=100, description="Where it is based.")
    members: int | None = Field(default=None, ge=0, description="Members or volunteers.")


class PartnerProfileUpdated(DomainEvent):
    """The organisation's profile changed at its source (a CRM record was edited, say)."""

    service = "research"

    partner_id: str = Field(description="The partner whose profile changed.")
    campaign_id: str = Field(description="The campaign that considers it.")
    name: str = Field(min_length=1, max_length=300, description="The organisation's name.")
    kind: OrganisationKind = Field(description="What kind of organisation it is.")
    country: str | None = Field(default=None, max_length=100, description="Where it is based.")
    members: int | None = Field(default=None, ge=0, description="Members or volunteers.")


class PartnerLinkedToCrm(DomainEvent):
    """The partner is the organisation a CRM record describes: imports find it by this link,
    and its stage, score and agreement are written back to that record."""

    service = "research"

    partner_id: str = Field(description="The partner.")
    campaign_id: str = Field(description="The campaign that considers it.")
    connector: str = Field(max_length=100, description="The configured CRM connector's name.")
    external_id: str = Field(max_length=200, description="The record's id in that CRM.")


class KeyPersonRecorded(DomainEvent):
    """A person who speaks for the partner, from a CRM contact: who and in what role, nothing
    more (no address, phone or e-mail). Recorded again when either changes."""

    service = "research"

    partner_id: str = Field(description="The partner the person speaks for.")
    campaign_id: str = Field(description="The campaign that considers the partner.")
    person_id: str = Field(max_length=300, description="`<connector>:<contact id>`: stable.")
    name: str = Field(min_length=1, max_length=300, description="The person's name.")
    role: str | None = Field(default=None, max_length=300, description="Their role or title.")


class CrmImportCompleted(DomainEvent):
    """An import from a CRM finished; the next one asks only for records modified since
    `modified_through`."""

    service = "research"

    connector: str = Field(max_length=100, description="The configured CRM connector's name.")
    campaign_id: str = Field(description="The campaign the imported partners belong to.")
    modified_through: datetime | None = Field(
        description="The latest modification time seen so far (the next import's start)."
    )
    identified: int = Field(ge=0, description="Organisations new to the campaign.")
    updated: int = Field(ge=0, description="Known organisations whose profile changed.")
    unchanged: int = Field(ge=0, description="Known organisations with nothing new.")
    people: int = Field(default=0, ge=0, description="Key people recorded or changed.")


__all__ = [
    "CrmImportCompleted",
    "KeyPersonRecorded",
    "PartnerIdentified",
    "PartnerLinkedToCrm",
    "PartnerProfileUpdated",
]
