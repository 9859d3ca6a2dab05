"""The authenticated caller in a route: `PrincipalDep`, and the two campaign checks every route
makes. Authentication itself (API key or bearer token, then the rate limit) happens in
`coalition.shared.web.authn.AuthMiddleware`, before the route runs; the middleware also checks
the service-level scope (read for GET/HEAD, write otherwise)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from coalition.shared.access.principal import Principal
from coalition.shared.web.problems import ForbiddenError, NotFoundError

PRINCIPAL_STATE = "principal"


def principal_of(request: Request) -> Principal:
    """The caller the middleware authenticated."""
    principal = getattr(request.state, PRINCIPAL_STATE, None)
    if not isinstance(principal, Principal):  # a route outside the middleware: a bug
        raise RuntimeError("no authenticated principal on this request")
    return principal


PrincipalDep = Annotated[Principal, Depends(principal_of)]


def require_campaign(principal: Principal, campaign_id: str | None) -> None:
    """The caller names a campaign (in a body, path or query): 403 unless it works for it."""
    if not principal.sees(campaign_id):
        raise ForbiddenError(
            f"this key is not scoped to campaign {campaign_id}", campaign_id=campaign_id
        )


def visible(principal: Principal, campaign_id: str | None, not_found: NotFoundError) -> None:
    """A resource fetched by id belongs to `campaign_id`: to a caller of other campaigns it
    does not exist (404, the same answer as for an unknown id, so ids leak nothing)."""
    if not principal.sees(campaign_id):
        raise not_found
