"""What the access database must do on every engine it runs on: subclassed for SQLite and
PostgreSQL, so the two cannot drift."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.shared.access.control import ACCESS_MIGRATIONS, ACCESS_VERSION_TABLE
from coalition.shared.access.keys import key_hash
from coalition.shared.access.rate_limit import RateLimiter
from coalition.shared.access.registry import KeyRegistry, UnknownKeyError
from coalition.shared.access.tables import api_keys, rate_limit_windows
from coalition.shared.db import create_engine, migrate, migrate_only
from coalition.shared.events.envelope import utc_now

CAMPAIGN = frozenset({"living-wage"})
WRITE = frozenset({"research:write"})


class AccessContract:
    @pytest.fixture
    def url(self) -> str:
        raise NotImplementedError

    @pytest_asyncio.fixture
    async def engine(self, url: str) -> AsyncIterator[AsyncEngine]:
        engine = create_engine(url)
        await migrate_only(engine, [ACCESS_MIGRATIONS], ACCESS_VERSION_TABLE)
        yield engine
        await engine.dispose()

    @pytest.fixture
    def registry(self, engine: AsyncEngine) -> KeyRegistry:
        return KeyRegistry(engine, cache_seconds=0)

    async def rows(self, engine: AsyncEngine) -> list[dict[str, Any]]:
        async with engine.connect() as conn:
            return [dict(row._mapping) for row in (await conn.execute(sa.select(api_keys))).all()]

    async def test_a_key_is_shown_once_and_stored_only_as_its_hash(
        self, registry: KeyRegistry, engine: AsyncEngine
    ) -> None:
        issued = await registry.issue(
            name="civicrm", campaigns=CAMPAIGN, scopes=WRITE, created_by="cli:maria"
        )
        assert issued.key.startswith("coal_") and len(issued.key) > 40
        [row] = await self.rows(engine)
        assert issued.key not in " ".join(str(value) for value in row.values())
        assert row["key_hash"] == key_hash(issued.key)
        assert row["hint"] == "…" + issued.key[-4:]
        assert row["created_by"] == "cli:maria"

    async def test_a_key_authenticates_as_its_scopes_and_campaigns(
        self, registry: KeyRegistry
    ) -> None:
        issued = await registry.issue(
            name="civicrm", campaigns=CAMPAIGN, scopes=WRITE, created_by="cli:maria"
        )
        principal = await registry.authenticate(issued.key)
        assert principal is not None
        assert principal.actor == f"key:{issued.record.key_id}"
        assert principal.campaigns == CAMPAIGN
        assert principal.may("research", "write") and principal.may("research", "read")
        assert not principal.may("agreement", "read")
        assert await registry.authenticate(issued.key + "x") is None
        assert await registry.authenticate("coal_" + "a" * 43) is None

    async def test_a_revoked_key_no_longer_authenticates_but_stays_listed_for_audit(
        self, registry: KeyRegistry
    ) -> None:
        issued = await registry.issue(
            name="old crm", campaigns=None, scopes=WRITE, created_by="cli:maria"
        )
        kept = await registry.issue(name="new crm", campaigns=None, scopes=WRITE, created_by="x")
        revoked = await registry.revoke(issued.record.key_id, by="cli:john")
        assert revoked.revoked_by == "cli:john" and revoked.revoked_at is not None
        assert await registry.authenticate(issued.key) is None
        assert await registry.authenticate(kept.key) is not None
        assert [key.key_id for key in await registry.list()] == [kept.record.key_id]
        listed = {key.key_id for key in await registry.list(include_revoked=True)}
        assert listed == {issued.record.key_id, kept.record.key_id}
        again = await registry.revoke(issued.record.key_id, by="cli:someone-else")
        assert again.revoked_by == "cli:john"  # revoking twice changes nothing
        with pytest.raises(UnknownKeyError):
            await registry.revoke("nope", by="cli:john")

    async def test_a_revocation_elsewhere_takes_effect_within_the_cache_time(
        self, engine: AsyncEngine
    ) -> None:
        here = KeyRegistry(engine, cache_seconds=0.3)
        elsewhere = KeyRegistry(engine)  # another process
        issued = await here.issue(name="crm", campaigns=None, scopes=WRITE, created_by="x")
        assert await here.authenticate(issued.key) is not None
        await elsewhere.revoke(issued.record.key_id, by="cli:john")
        await asyncio.sleep(0.35)
        assert await here.authenticate(issued.key) is None

    async def test_an_expired_key_does_not_authenticate(self, registry: KeyRegistry) -> None:
        issued = await registry.issue(
            name="temp",
            campaigns=None,
            scopes=WRITE,
            created_by="x",
            expires_at=utc_now() - timedelta(seconds=1),
        )
        assert await registry.authenticate(issued.key) is None

    async def test_a_first_admin_key_is_issued_once(self, registry: KeyRegistry) -> None:
        first = await registry.ensure_admin(None)
        assert first is not None
        principal = await registry.authenticate(first)
        assert principal is not None and principal.is_admin and principal.campaigns is None
        assert await registry.ensure_admin(None) is None

    async def test_an_operator_supplied_admin_key_is_registered_once(
        self, registry: KeyRegistry, engine: AsyncEngine
    ) -> None:
        supplied = "an-operator-chosen-admin-key-of-some-length"
        assert await asyncio.gather(
            registry.ensure_admin(supplied), registry.ensure_admin(supplied)
        )
        assert len(await self.rows(engine)) == 1
        principal = await registry.authenticate(supplied)
        assert principal is not None and principal.is_admin
        with pytest.raises(ValueError):
            await registry.issue(
                name="short", campaigns=None, scopes=WRITE, created_by="x", key="too-short"
            )

    async def test_requests_are_counted_per_caller_across_instances(
        self, engine: AsyncEngine
    ) -> None:
        one, two = RateLimiter(engine), RateLimiter(engine)  # two instances of a service
        now = 1_800_000_010.0  # 10 s into a minute
        decisions = [await (one if i % 2 else two).hit("key:a", 3, now) for i in range(4)]
        assert [d.allowed for d in decisions] == [True, True, True, False]
        assert [d.remaining for d in decisions] == [2, 1, 0, 0]
        assert decisions[-1].reset_seconds == 50
        assert decisions[-1].headers()["Retry-After"] == "50"
        assert (await one.hit("key:b", 3, now)).allowed  # another caller, another budget
        later = await one.hit("key:a", 3, now + 60)  # the next window
        assert later.allowed and later.remaining == 2
        async with engine.connect() as conn:
            windows = (await conn.execute(sa.select(rate_limit_windows))).all()
        assert {(row.subject, row.hits) for row in windows} == {("key:a", 1), ("key:b", 1)}

    async def test_concurrent_requests_are_all_counted(self, engine: AsyncEngine) -> None:
        limiter = RateLimiter(engine)
        now = 1_800_000_000.0
        decisions = await asyncio.gather(*(limiter.hit("key:c", 10, now) for _ in range(15)))
        assert sorted(d.hits for d in decisions) == list(range(1, 16))
        assert sum(d.allowed for d in decisions) == 10

    async def test_it_can_share_a_database_with_a_service_store(self, url: str) -> None:
        engine = create_engine(url)
        try:
            await migrate(engine)  # the event store's own migrations first
            await migrate_only(engine, [ACCESS_MIGRATIONS], ACCESS_VERSION_TABLE)
            await migrate(engine)  # and neither confuses the other afterwards
            registry = KeyRegistry(engine)
            issued = await registry.issue(name="x", campaigns=None, scopes=WRITE, created_by="x")
            assert await registry.authenticate(issued.key) is not None
        finally:
            await engine.dispose()
