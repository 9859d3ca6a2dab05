"""Events the research service publishes."""

from __future__ import annotations

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


__all__ = ["PartnerIdentified"]
