"""The one command-line entry point: `coalition serve all` (or one service), and tools."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import typer

from coalition.shared.access.commands import first_admin_key, keys, token
from coalition.shared.eventstore.store import EventStore
from coalition.shared.settings import Settings

app = typer.Typer(
    help="Coalition: find, weigh, win and keep coalition partners.", no_args_is_help=True
)
app.add_typer(keys, name="keys")
app.command()(token)


@asynccontextmanager
async def service_store(service: str) -> AsyncIterator[EventStore]:
    """The event store of one installed service, migrated, for the commands that read it."""
    from coalition.shared.db import create_engine
    from coalition.shared.db import migrate as run_migrations
    from coalition.shared.registry import select

    [spec] = select(service)
    engine = create_engine(Settings().database_url_for(service))
    try:
        await run_migrations(engine, spec.migrations)
        yield EventStore(engine)
    finally:
        await engine.dispose()


@app.command()
def serve(
    service: Annotated[
        str, typer.Argument(help="`all`, or research, scoring, engagement, agreement, projections.")
    ] = "all",
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT", help="Port to listen on.")] = 8000,
) -> None:
    """Serve one service, or all of them in one process, each under /<service>."""
    import uvicorn
    from sqlalchemy.engine import make_url

    from coalition.shared.registry import select
    from coalition.shared.web.app import build_app
    from coalition.shared.web.logging import configure_logging

    settings = Settings()
    configure_logging(settings.log_format, settings.log_level)
    specs = select(service)
    database = (
        make_url(settings.database_url).render_as_string(hide_password=True)
        if settings.database_url
        else f"SQLite under {settings.data_dir}"
    )
    typer.echo(
        f"Coalition: {', '.join(spec.name for spec in specs)} on http://{host}:{port} "
        f"(database: {database}, broker: {settings.nats_url or 'embedded NATS'})",
        err=True,
    )
    first_key = asyncio.run(first_admin_key(settings))
    if first_key is not None:  # printed, never logged: it exists nowhere else
        typer.echo(
            "\nFirst admin API key (shown once; `coalition keys issue` makes scoped ones):\n"
            f"  export COALITION_KEY={first_key}\n"
            '  curl -H "Authorization: Bearer $COALITION_KEY" '
            f"http://{host}:{port}/projections/partners\n"
        )
    uvicorn.run(
        build_app(specs, settings),
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        log_config=None,  # our handler formats uvicorn's records too
        access_log=False,
    )


@app.command()
def services() -> None:
    """List the installed services."""
    from coalition.shared.registry import installed_services

    for name, spec in installed_services().items():
        typer.echo(f"{name}\t{spec.title}")


@app.command()
def verify(service: Annotated[str, typer.Argument(help="Service whose log to verify.")]) -> None:
    """Verify the hash chains of a service's event log; name the first event that fails."""

    async def run() -> bool:
        async with service_store(service) as store:
            result = await store.verify()
        typer.echo(json.dumps({"service": service, **result.__dict__}, default=str))
        return result.ok

    if not asyncio.run(run()):
        raise typer.Exit(1)


@app.command()
def migrate(service: Annotated[str, typer.Argument(help="`all` or one service.")] = "all") -> None:
    """Apply the database migrations of one service or all."""
    from coalition.shared.db import create_engine
    from coalition.shared.db import migrate as run_migrations
    from coalition.shared.registry import select

    async def run() -> None:
        settings = Settings()
        for spec in select(service):
            engine = create_engine(settings.database_url_for(spec.name))
            try:
                await run_migrations(engine, spec.migrations)
            finally:
                await engine.dispose()
            typer.echo(f"{spec.name}: migrated")

    asyncio.run(run())


@app.command("reset-consumers")
def reset_consumers(
    service: Annotated[str, typer.Argument(help="The service whose durable consumers to delete.")],
) -> None:
    """Delete a service's durable consumers, so that its next start re-reads the whole stream
    from the first event. With an empty database, that rebuilds everything the service derived
    from other services' events. Stop the service first."""
    import nats

    from coalition.shared.registry import select

    settings = Settings()
    nats_url = settings.nats_url
    if not nats_url:
        raise typer.BadParameter("set COALITION_NATS_URL to the broker the service uses")
    [spec] = select(service)
    if spec.subscriptions is None:
        typer.echo(f"{service} consumes no events")
        return
    durables = [durable for _, durable, _ in spec.subscriptions.routes(settings.subject_prefix)]

    async def run() -> None:
        connection = await nats.connect(nats_url.split(","))
        try:
            js = connection.jetstream()
            for durable in durables:
                try:
                    await js.delete_consumer(settings.stream_name, durable)
                    typer.echo(f"deleted consumer {durable}")
                except nats.js.errors.NotFoundError:
                    typer.echo(f"no consumer {durable}")
        finally:
            await connection.close()

    asyncio.run(run())


@app.command("dead-letters")
def dead_letters_command(
    service: Annotated[str, typer.Argument(help="The service whose dead letters to list.")],
) -> None:
    """List the events a service's consumers gave up on, with the error (JSON lines)."""
    from coalition.shared.messaging.dead_letters import list_dead_letters

    async def run() -> None:
        async with service_store(service) as store:
            for letter in await list_dead_letters(store):
                typer.echo(json.dumps(letter.__dict__, default=str))

    asyncio.run(run())


@app.command()
def redeliver(
    service: Annotated[str, typer.Argument(help="The service that dead-lettered the event.")],
    letter: Annotated[int, typer.Argument(help="The dead letter's id (see dead-letters).")],
) -> None:
    """Run a dead-lettered event through its handler again, once its cause is fixed."""
    from coalition.shared.messaging.dead_letters import redeliver as run_redelivery
    from coalition.shared.registry import select

    [spec] = select(service)
    if spec.subscriptions is None:
        raise typer.BadParameter(f"{service} consumes no events")
    subscriptions = spec.subscriptions

    async def run() -> bool:
        async with service_store(service) as store:
            return await run_redelivery(store, subscriptions, letter)

    from coalition.shared.web.problems import NotFoundError

    try:
        took_effect = asyncio.run(run())
    except NotFoundError as error:
        typer.echo(error.detail, err=True)
        raise typer.Exit(1) from None
    typer.echo("processed" if took_effect else "had been processed already; letter removed")


@app.command()
def demo() -> None:
    """Load the services' sample data: a demo campaign with real public data (DC exempt
    organisations, the European Social Forum network). With `make run` going, scoring,
    engagement and projections react within a minute; running it again adds nothing."""
    from coalition.shared.registry import installed_services

    async def run() -> None:
        for name, spec in installed_services().items():
            if spec.demo is not None:
                async with service_store(name) as store:
                    typer.echo(f"{name}:\n{await spec.demo(store)}")

    asyncio.run(run())


@app.command()
def asyncapi(
    prefix: Annotated[
        str, typer.Option(help="Subject prefix, as COALITION_SUBJECT_PREFIX.")
    ] = "coalition",
) -> None:
    """Print the events as an AsyncAPI 3.0.0 document (the source of docs/asyncapi.json)."""
    from coalition.shared.contracts.asyncapi import asyncapi_document

    typer.echo(json.dumps(asyncapi_document(prefix), indent=2, ensure_ascii=False))


@app.command("events-doc")
def events_doc() -> None:
    """Print the event catalogue as Markdown (the source of docs/events.md)."""
    from coalition.shared.contracts.catalogue_doc import render

    typer.echo(render(), nl=False)


def main() -> None:
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    app()
