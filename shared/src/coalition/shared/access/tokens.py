"""Bearer tokens for people: JSON Web Tokens from the campaign's identity provider (verified
with its JWKS) or, without one, signed with a shared secret (`coalition token` mints them).

Claims read: `sub` (the person; the actor becomes `user:<sub>`), `exp` (required), `campaigns`
(a list of campaign ids, or "*"), `scope` (space-separated, as in OAuth 2.0: `research:write
projections:read`, `admin`), and `iss`/`aud` when configured."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import jwt

from coalition.shared.access.principal import ALL_CAMPAIGNS, Principal
from coalition.shared.events.envelope import utc_now

SHARED_SECRET_ALGORITHM = "HS256"
PROVIDER_ALGORITHMS = ["RS256", "ES256", "PS256", "EdDSA"]


def looks_like_jwt(credential: str) -> bool:
    return credential.count(".") == 2 and credential.startswith("eyJ")


class BearerTokens:
    def __init__(
        self,
        *,
        secret: str | None = None,
        jwks_url: str | None = None,
        issuer: str | None = None,
        audience: str = "coalition",
        leeway_seconds: float = 30.0,
    ) -> None:
        self.secret = secret
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway_seconds
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True) if jwks_url else None

    @property
    def enabled(self) -> bool:
        return self.secret is not None or self._jwks is not None

    async def verify(self, token: str) -> Principal | None:
        """The person a token stands for, or None if it is not valid here."""
        try:
            if self._jwks is not None:
                signing = await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)
                key: Any = signing.key
                algorithms = PROVIDER_ALGORITHMS
            elif self.secret is not None:
                key, algorithms = self.secret, [SHARED_SECRET_ALGORITHM]
            else:
                return None
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "sub"]},
            )
        except (jwt.PyJWTError, ValueError):
            return None
        return principal_from_claims(claims)

    def mint(
        self,
        subject: str,
        *,
        campaigns: frozenset[str] | None,
        scopes: frozenset[str],
        ttl: timedelta = timedelta(hours=8),
    ) -> str:
        """A token signed with the shared secret (for local use and tests)."""
        if self.secret is None:
            raise RuntimeError("set COALITION_JWT_SECRET to mint bearer tokens")
        now = utc_now()
        claims: dict[str, Any] = {
            "sub": subject,
            "aud": self.audience,
            "iat": now,
            "exp": now + ttl,
            "campaigns": ALL_CAMPAIGNS if campaigns is None else sorted(campaigns),
            "scope": " ".join(sorted(scopes)),
        }
        if self.issuer:
            claims["iss"] = self.issuer
        return jwt.encode(claims, self.secret, algorithm=SHARED_SECRET_ALGORITHM)


def principal_from_claims(claims: dict[str, Any]) -> Principal | None:
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        return None
    raw = claims.get("campaigns", [])
    if raw == ALL_CAMPAIGNS:
        campaigns: frozenset[str] | None = None
    elif isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        campaigns = frozenset(raw)
    else:
        return None
    scope = claims.get("scope", "")
    if not isinstance(scope, str):
        return None
    return Principal(
        actor=f"user:{subject}"[:200], campaigns=campaigns, scopes=frozenset(scope.split())
    )
