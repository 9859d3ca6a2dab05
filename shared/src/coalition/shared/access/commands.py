"""`coalition keys issue|list|revoke` and `coalition token`: managing access from the shell of a
machine that can reach the access database (which is what makes it trusted)."""

from __future__ import annotations

import asyncio
import getpass
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Annotated

import typer

from coalition.shared.access.control import AccessControl
from coalition.shared.access.principal import parse_campaigns, parse_scopes
from coalition.shared.access.registry import UnknownKeyError
from coalition.shared.events.envelope import utc_now
from coalition.shared.settings import Settings

keys = typer.Typer(help="API keys: issue (shown once), list, revoke.", no_args_is_help=True)

CampaignOption = Annotated[
    list[str],
    typer.Option("--campaign", "-c", help="A campaign id the key works for (repeat), or *."),
]
ScopeOption = Annotated[
    list[str],
    typer.Option(
        "--scope",
        "-s",
        help="research:read, research:write, ..., *:read, *:write or admin (repeat).",
    ),
]


@asynccontextmanager
async def access_control() -> AsyncIterator[AccessControl]:
    access = AccessControl(Settings())
    await access.start()
    try:
        yield access
    finally:
        await access.stop()


def _installed_services() -> list[str]:
    from coalition.shared.registry import installed_services

    return list(installed_services())


def _iso(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _operator() -> str:
    return f"cli:{getpass.getuser()}"


@keys.command("issue")
def issue(
    name: Annotated[str, typer.Option(help="What the key is for (a CRM, a person).")],
    campaign: CampaignOption,
    scope: ScopeOption,
    rate_limit: Annotated[
        int | None, typer.Option(min=1, help="Requests per minute (default: the setting).")
    ] = None,
    expires_in_days: Annotated[int | None, typer.Option(min=1, help="Expiry.")] = None,
) -> None:
    """Issue a key. It is printed once, here, and stored only as a hash."""
    try:
        campaigns = parse_campaigns(campaign)
        scopes = parse_scopes(scope, _installed_services())
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    if not scopes:
        raise typer.BadParameter("name at least one --scope")
    expires_at = utc_now() + timedelta(days=expires_in_days) if expires_in_days else None

    async def run() -> None:
        async with access_control() as access:
            issued = await access.keys.issue(
                name=name,
                campaigns=campaigns,
                scopes=scopes,
                created_by=_operator(),
                rate_limit_per_minute=rate_limit,
                expires_at=expires_at,
            )
        typer.echo(f"key_id: {issued.record.key_id}", err=True)
        typer.echo("The key (shown once; store it in your CRM's secret store):", err=True)
        typer.echo(issued.key)

    asyncio.run(run())


@keys.command("list")
def list_keys(
    include_revoked: Annotated[bool, typer.Option("--all", help="Revoked keys too.")] = False,
) -> None:
    """The keys (JSON lines): id, name, last four characters, campaigns, scopes, dates."""

    async def run() -> None:
        async with access_control() as access:
            for key in await access.keys.list(include_revoked=include_revoked):
                typer.echo(json.dumps(key.__dict__, default=_iso, ensure_ascii=False))

    asyncio.run(run())


@keys.command("revoke")
def revoke(key_id: Annotated[str, typer.Argument(help="The key's id (see `keys list`).")]) -> None:
    """Revoke a key for good (every service refuses it within COALITION_AUTH_CACHE_SECONDS)."""

    async def run() -> None:
        async with access_control() as access:
            key = await access.keys.revoke(key_id, by=_operator())
        typer.echo(f"revoked {key.key_id} ({key.name}) at {key.revoked_at}")

    try:
        asyncio.run(run())
    except UnknownKeyError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None


def token(
    subject: Annotated[str, typer.Option(help="The person (becomes the actor `user:<sub>`).")],
    campaign: CampaignOption,
    scope: ScopeOption,
    hours: Annotated[int, typer.Option(min=1, max=720, help="Lifetime.")] = 8,
) -> None:
    """Mint a person's bearer token signed with COALITION_JWT_SECRET (without an identity
    provider: a small team, a demo, a test)."""
    try:
        campaigns = parse_campaigns(campaign)
        scopes = parse_scopes(scope, _installed_services())
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    tokens = AccessControl(Settings()).tokens
    try:
        typer.echo(
            tokens.mint(subject, campaigns=campaigns, scopes=scopes, ttl=timedelta(hours=hours))
        )
    except RuntimeError as error:
        raise typer.BadParameter(str(error)) from None


async def first_admin_key(settings: Settings) -> str | None:
    """Without COALITION_ADMIN_KEY, a first admin key when no admin key exists yet (returned,
    to be shown once); with it, None (the key is registered as the services start)."""
    access = AccessControl(settings)
    await access.start()
    try:
        return None if settings.admin_key else await access.keys.ensure_admin(None)
    finally:
        await access.stop()
