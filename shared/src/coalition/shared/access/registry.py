"""The API keys of a deployment: issue (the key is shown once), list, revoke, and look up the
caller of a request by the key it presents."""

from __future__ import annotations

import time
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.shared.access.keys import (
    MIN_SUPPLIED_KEY_LENGTH,
    hint,
    key_hash,
    new_key,
    new_key_id,
)
from coalition.shared.access.principal import ADMIN_SCOPE, Principal
from coalition.shared.access.tables import api_keys
from coalition.shared.db import writing
from coalition.shared.events.envelope import utc_now
from coalition.shared.eventstore.store import as_utc

CACHE_LIMIT = 10_000


class UnknownKeyError(LookupError):
    def __init__(self, key_id: str) -> None:
        super().__init__(f"no API key {key_id}")
        self.key_id = key_id


@dataclass(frozen=True)
class ApiKey:
    """What is known of an issued key (never the key itself)."""

    key_id: str
    name: str
    hint: str
    campaigns: tuple[str, ...] | None
    scopes: tuple[str, ...]
    rate_limit_per_minute: int | None
    created_at: datetime
    created_by: str
    expires_at: datetime | None
    revoked_at: datetime | None
    revoked_by: str | None

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)

    def principal(self) -> Principal:
        return Principal(
            actor=f"key:{self.key_id}",
            campaigns=None if self.campaigns is None else frozenset(self.campaigns),
            scopes=frozenset(self.scopes),
            key_id=self.key_id,
            rate_limit_per_minute=self.rate_limit_per_minute,
        )

    @classmethod
    def from_row(cls, row: sa.Row[Any]) -> ApiKey:
        values = row._mapping
        return cls(
            key_id=values["key_id"],
            name=values["name"],
            hint=values["hint"],
            campaigns=None if values["campaigns"] is None else tuple(values["campaigns"]),
            scopes=tuple(values["scopes"]),
            rate_limit_per_minute=values["rate_limit_per_minute"],
            created_at=as_utc(values["created_at"]),
            created_by=values["created_by"],
            expires_at=None if values["expires_at"] is None else as_utc(values["expires_at"]),
            revoked_at=None if values["revoked_at"] is None else as_utc(values["revoked_at"]),
            revoked_by=values["revoked_by"],
        )


@dataclass(frozen=True)
class IssuedKey:
    key: str
    """The key itself: shown to the person who issued it, once, and stored nowhere."""
    record: ApiKey


class KeyRegistry:
    """The table `api_keys` of the access database, with a short per-process cache of lookups
    (`cache_seconds`): a key revoked in another process stops working within that time, one
    revoked through this registry at once."""

    def __init__(self, engine: AsyncEngine, *, cache_seconds: float = 5.0) -> None:
        self.engine = engine
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, ApiKey | None]] = {}

    async def issue(
        self,
        *,
        name: str,
        campaigns: frozenset[str] | None,
        scopes: frozenset[str],
        created_by: str,
        rate_limit_per_minute: int | None = None,
        expires_at: datetime | None = None,
        key: str | None = None,
    ) -> IssuedKey:
        """A new key; `key` lets an operator supply one (the first admin key, from the
        environment), otherwise a random one is made."""
        if key is not None and len(key) < MIN_SUPPLIED_KEY_LENGTH:
            raise ValueError(f"a supplied key needs at least {MIN_SUPPLIED_KEY_LENGTH} characters")
        secret = key or new_key()
        record = ApiKey(
            key_id=new_key_id(),
            name=name,
            hint=hint(secret),
            campaigns=None if campaigns is None else tuple(sorted(campaigns)),
            scopes=tuple(sorted(scopes)),
            rate_limit_per_minute=rate_limit_per_minute,
            created_at=utc_now(),
            created_by=created_by,
            expires_at=expires_at,
            revoked_at=None,
            revoked_by=None,
        )
        async with writing(self.engine) as conn:
            await conn.execute(
                api_keys.insert().values(
                    key_hash=key_hash(secret),
                    **{
                        **record.__dict__,
                        "campaigns": None if campaigns is None else list(record.campaigns or ()),
                        "scopes": list(record.scopes),
                    },
                )
            )
        self._cache.pop(key_hash(secret), None)
        return IssuedKey(secret, record)

    async def list(self, *, include_revoked: bool = False) -> list[ApiKey]:
        query = sa.select(api_keys).order_by(api_keys.c.created_at, api_keys.c.key_id)
        if not include_revoked:
            query = query.where(api_keys.c.revoked_at.is_(None))
        async with self.engine.connect() as conn:
            return [ApiKey.from_row(row) for row in (await conn.execute(query)).all()]

    async def get(self, key_id: str) -> ApiKey:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(sa.select(api_keys).where(api_keys.c.key_id == key_id))
            ).first()
        if row is None:
            raise UnknownKeyError(key_id)
        return ApiKey.from_row(row)

    async def revoke(self, key_id: str, *, by: str) -> ApiKey:
        """Revoke a key for good; revoking a revoked key changes nothing."""
        async with writing(self.engine) as conn:
            await conn.execute(
                api_keys.update()
                .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=utc_now(), revoked_by=by)
            )
        self._cache.clear()
        return await self.get(key_id)

    async def authenticate(self, key: str) -> Principal | None:
        """The caller a presented key stands for, or None (unknown, revoked or expired)."""
        digest = key_hash(key)
        now = time.monotonic()
        cached = self._cache.get(digest)
        if cached is not None and now - cached[0] < self.cache_seconds:
            record = cached[1]
        else:
            async with self.engine.connect() as conn:
                row = (
                    await conn.execute(sa.select(api_keys).where(api_keys.c.key_hash == digest))
                ).first()
            record = None if row is None else ApiKey.from_row(row)
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            self._cache[digest] = (now, record)
        if record is None or not record.active(utc_now()):
            return None
        return record.principal()

    async def ensure_admin(self, supplied: str | None) -> str | None:
        """Make sure someone can get in. With a key `supplied` by the operator, register it as an
        admin key if it is not known yet; without one, issue a first admin key if no active
        admin key exists. Returns a newly issued key (to show once), else None."""
        if supplied is not None:
            async with self.engine.connect() as conn:
                known = (
                    await conn.execute(
                        sa.select(api_keys.c.key_id).where(
                            api_keys.c.key_hash == key_hash(supplied)
                        )
                    )
                ).first()
            if known is None:
                # Another instance starting at the same time may win; its row is as good.
                with suppress(IntegrityError):
                    await self.issue(
                        name="admin (COALITION_ADMIN_KEY)",
                        campaigns=None,
                        scopes=frozenset({ADMIN_SCOPE}),
                        created_by="system:environment",
                        key=supplied,
                    )
            return None
        now = utc_now()
        if any(ADMIN_SCOPE in key.scopes and key.active(now) for key in await self.list()):
            return None
        issued = await self.issue(
            name="first admin key",
            campaigns=None,
            scopes=frozenset({ADMIN_SCOPE}),
            created_by="system:first-run",
        )
        return issued.key
