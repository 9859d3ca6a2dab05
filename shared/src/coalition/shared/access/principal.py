"""The authenticated caller of a request and what it may do. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Access = Literal["read", "write"]
ADMIN_SCOPE = "admin"
"""Manage API keys and run operations that span every campaign (a read-model rebuild, say)."""
ALL_CAMPAIGNS = "*"
ROLE_SCOPES = frozenset({"engagement:lead"})
"""Roles on top of read and write: `engagement:lead` may skip pipeline stages."""


@dataclass(frozen=True)
class Principal:
    """An API key or a person (bearer token).

    `campaigns` is the set of campaign ids the caller works for, or None for every campaign.
    `scopes` holds `<service>:read`, `<service>:write` (write implies read), `*:read`,
    `*:write` and `admin`.
    """

    actor: str
    campaigns: frozenset[str] | None
    scopes: frozenset[str]
    key_id: str | None = None
    rate_limit_per_minute: int | None = None

    @property
    def is_admin(self) -> bool:
        return ADMIN_SCOPE in self.scopes

    def may(self, service: str, access: Access) -> bool:
        """Whether the caller may `access` the routes of `service`."""
        if self.is_admin:
            return True
        wanted = {f"{service}:write", "*:write"}
        if access == "read":
            wanted |= {f"{service}:read", "*:read"}
        return bool(self.scopes & wanted)

    def sees(self, campaign_id: str | None) -> bool:
        """Whether the caller works for `campaign_id` (a resource of no campaign: admins only)."""
        if self.campaigns is None:
            return True
        return campaign_id is not None and campaign_id in self.campaigns

    def campaign_filter(self) -> frozenset[str] | None:
        """The campaigns a list may show this caller, or None for no restriction."""
        return self.campaigns


def parse_scopes(values: Iterable[str], services: Iterable[str]) -> frozenset[str]:
    """Validate scope names against the installed services; raise ValueError naming a bad one."""
    known = {ADMIN_SCOPE, "*:read", "*:write", *ROLE_SCOPES}
    for service in services:
        known |= {f"{service}:read", f"{service}:write"}
    scopes = frozenset(value.strip() for value in values if value.strip())
    unknown = sorted(scopes - known)
    if unknown:
        raise ValueError(f"unknown scope {unknown[0]!r}; known: {', '.join(sorted(known))}")
    return scopes


def parse_campaigns(values: Iterable[str]) -> frozenset[str] | None:
    """`*` is every campaign (None); otherwise the set of ids named, at least one."""
    campaigns = frozenset(value.strip() for value in values if value.strip())
    if not campaigns:
        raise ValueError("name at least one campaign, or * for every campaign")
    if ALL_CAMPAIGNS in campaigns:
        return None
    return campaigns
