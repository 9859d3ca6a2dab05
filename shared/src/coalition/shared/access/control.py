"""Access control of one process: the access database, its key registry and rate limiter, and
the bearer-token verifier, opened once and shared by every service in the process."""

from __future__ import annotations

from pathlib import Path

from coalition.shared.access.principal import Principal
from coalition.shared.access.rate_limit import RateLimitDecision, RateLimiter
from coalition.shared.access.registry import KeyRegistry
from coalition.shared.access.tokens import BearerTokens, looks_like_jwt
from coalition.shared.db import create_engine, migrate_only
from coalition.shared.settings import Settings

ACCESS_MIGRATIONS = Path(__file__).parent / "migrations" / "versions"
ACCESS_VERSION_TABLE = "access_alembic_version"


class AccessControl:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = create_engine(settings.access_url())
        self.keys = KeyRegistry(self.engine, cache_seconds=settings.auth_cache_seconds)
        self.limiter = RateLimiter(self.engine)
        self.tokens = BearerTokens(
            secret=settings.jwt_secret.get_secret_value() if settings.jwt_secret else None,
            jwks_url=settings.jwt_jwks_url,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
        )

    async def start(self) -> None:
        """Migrate the access database and register the operator's admin key, if one is set."""
        await migrate_only(self.engine, [ACCESS_MIGRATIONS], ACCESS_VERSION_TABLE)
        if self.settings.admin_key is not None:
            await self.keys.ensure_admin(self.settings.admin_key.get_secret_value())

    async def stop(self) -> None:
        await self.engine.dispose()

    async def authenticate(self, credential: str) -> Principal | None:
        """An API key, or a bearer token when one is configured."""
        if self.tokens.enabled and looks_like_jwt(credential):
            return await self.tokens.verify(credential)
        return await self.keys.authenticate(credential)

    async def rate_limit(self, principal: Principal) -> RateLimitDecision:
        limit = principal.rate_limit_per_minute or self.settings.rate_limit_per_minute
        return await self.limiter.hit(principal.actor, limit)
