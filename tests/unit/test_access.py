"""Who may do what (pure): scopes, campaigns, bearer tokens, rate-limit arithmetic, and how a
request presents its credential."""

from __future__ import annotations

import time
from datetime import timedelta

import jwt
import pytest
from starlette.datastructures import Headers

from coalition.shared.access.principal import Principal, parse_campaigns, parse_scopes
from coalition.shared.access.rate_limit import RateLimitDecision, window_of
from coalition.shared.access.tokens import BearerTokens
from coalition.shared.web.authn import credential_of
from coalition.shared.web.problems import route_path

SERVICES = ["research", "agreement"]
SECRET = "a-shared-secret-for-bearer-tokens-in-tests"


def principal(scopes: set[str], campaigns: set[str] | None = None) -> Principal:
    return Principal(
        actor="key:x",
        campaigns=None if campaigns is None else frozenset(campaigns),
        scopes=frozenset(scopes),
    )


def test_write_implies_read_and_scopes_are_per_service() -> None:
    writer = principal({"research:write"})
    assert writer.may("research", "write") and writer.may("research", "read")
    assert not writer.may("agreement", "read")
    reader = principal({"*:read"})
    assert reader.may("agreement", "read") and not reader.may("agreement", "write")
    assert principal({"admin"}).may("agreement", "write")
    assert not principal(set()).may("research", "read")


def test_campaigns_bound_what_a_caller_sees() -> None:
    scoped = principal({"*:write"}, {"living-wage"})
    assert scoped.sees("living-wage") and not scoped.sees("clean-air")
    assert not scoped.sees(None)  # a resource of no campaign: only for every-campaign keys
    assert principal({"*:write"}).sees(None)
    assert scoped.campaign_filter() == frozenset({"living-wage"})


def test_scope_and_campaign_names_are_checked() -> None:
    assert parse_scopes(["research:write", " admin "], SERVICES) == {"research:write", "admin"}
    with pytest.raises(ValueError, match="research:delete"):
        parse_scopes(["research:delete"], SERVICES)
    with pytest.raises(ValueError, match="scoring:read"):
        parse_scopes(["scoring:read"], SERVICES)  # not installed here
    assert parse_campaigns(["living-wage", "clean-air"]) == frozenset({"living-wage", "clean-air"})
    assert parse_campaigns(["*"]) is None
    with pytest.raises(ValueError):
        parse_campaigns([" "])


async def test_a_minted_token_verifies_as_the_person_with_its_claims() -> None:
    tokens = BearerTokens(secret=SECRET, issuer="https://id.campaign.example")
    token = tokens.mint(
        "maria@campaign.example",
        campaigns=frozenset({"living-wage"}),
        scopes=frozenset({"research:write", "projections:read"}),
    )
    person = await tokens.verify(token)
    assert person == Principal(
        actor="user:maria@campaign.example",
        campaigns=frozenset({"living-wage"}),
        scopes=frozenset({"research:write", "projections:read"}),
    )
    everywhere = tokens.mint("ops", campaigns=None, scopes=frozenset({"admin"}))
    assert (await tokens.verify(everywhere)) == principal_of_admin("user:ops")


def principal_of_admin(actor: str) -> Principal:
    return Principal(actor=actor, campaigns=None, scopes=frozenset({"admin"}))


@pytest.mark.parametrize(
    "change",
    [
        {"exp": -60},  # expired beyond the leeway
        {"aud": "another-api"},
        {"iss": "https://someone-else.example"},
        {"campaigns": "living-wage"},  # neither a list nor "*"
        {"sub": ""},
    ],
)
async def test_a_token_that_does_not_hold_up_is_refused(change: dict[str, object]) -> None:
    tokens = BearerTokens(secret=SECRET, issuer="https://id.campaign.example")
    claims: dict[str, object] = {
        "sub": "maria",
        "aud": "coalition",
        "iss": "https://id.campaign.example",
        "campaigns": ["living-wage"],
        "scope": "research:read",
        "exp": 3600,
    }
    claims.update(change)
    claims["exp"] = int(time.time()) + int(str(claims["exp"]))
    assert await tokens.verify(jwt.encode(claims, SECRET, algorithm="HS256")) is None


async def test_a_token_signed_with_another_secret_or_none_is_refused() -> None:
    ours = BearerTokens(secret=SECRET)
    theirs = BearerTokens(secret="another-secret-of-the-same-kind-and-length")
    token = theirs.mint("mallory", campaigns=None, scopes=frozenset({"admin"}))
    assert await ours.verify(token) is None
    unsigned = jwt.encode({"sub": "mallory", "exp": 9_999_999_999}, key=None, algorithm="none")  # type: ignore[arg-type]
    assert await ours.verify(unsigned) is None
    assert await BearerTokens().verify(token) is None  # no tokens configured at all
    with pytest.raises(RuntimeError):
        BearerTokens().mint("x", campaigns=None, scopes=frozenset(), ttl=timedelta(minutes=1))


def test_windows_and_headers() -> None:
    assert window_of(1_800_000_010.4, 60) == (1_800_000_000, 50)  # 1_800_000_000 % 60 == 0
    start, reset = window_of(120.0, 60)
    assert (start, reset) == (120, 60)
    decision = RateLimitDecision(limit=100, hits=101, reset_seconds=7, window_seconds=60)
    assert not decision.allowed
    assert decision.headers() == {
        "RateLimit-Policy": '"per-key";q=100;w=60',
        "RateLimit": '"per-key";r=0;t=7',
        "RateLimit-Limit": "100",
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": "7",
        "Retry-After": "7",
    }
    assert "Retry-After" not in RateLimitDecision(100, 5, 7, 60).headers()


def test_the_credential_comes_from_authorization_or_x_api_key() -> None:
    assert credential_of(Headers({"authorization": "Bearer coal_abc"})) == "coal_abc"
    assert credential_of(Headers({"authorization": "bearer  coal_abc "})) == "coal_abc"
    assert credential_of(Headers({"x-api-key": "coal_abc"})) == "coal_abc"
    assert credential_of(Headers({"authorization": "Basic dXNlcjpwYXNz"})) is None
    assert credential_of(Headers({"authorization": "Bearer "})) is None
    assert credential_of(Headers({})) is None


def test_public_paths_are_judged_inside_the_service_mount() -> None:
    assert route_path({"path": "/research/healthz", "root_path": "/research"}) == "/healthz"
    assert route_path({"path": "/healthz", "root_path": ""}) == "/healthz"


def test_the_access_database_is_one_per_deployment() -> None:
    from coalition.shared.settings import Settings

    template = Settings(database_url="postgresql+asyncpg://db/coalition_{service}")
    assert template.access_url() == "postgresql+asyncpg://db/coalition_access"
    per_service = Settings(
        database_url="postgresql+asyncpg://db/coalition_research",
        access_database_url="postgresql+asyncpg://db/coalition_access",
    )
    assert per_service.access_url() == "postgresql+asyncpg://db/coalition_access"
