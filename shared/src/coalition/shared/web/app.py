"""The app factory: one FastAPI app per service, mounted under `/<service>`, in a process that
runs one service or all of them. The FastStream broker of each service runs in the same
process, started and stopped by the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from coalition.shared.access.control import AccessControl
from coalition.shared.contracts.asyncapi import asyncapi_document
from coalition.shared.messaging.embedded_nats import EmbeddedNats
from coalition.shared.service import ServiceRuntime, ServiceSpec
from coalition.shared.settings import Settings
from coalition.shared.web.authn import AuthMiddleware
from coalition.shared.web.context import correlation_middleware
from coalition.shared.web.idempotency import IdempotencyMiddleware
from coalition.shared.web.limits import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_UPLOAD_BYTES,
    BodySizeLimit,
)
from coalition.shared.web.log_verification import log_router
from coalition.shared.web.openapi import (
    merged_openapi,
    with_idempotency_key,
    with_security,
    without_null_parameters,
)
from coalition.shared.web.problems import PROBLEM_RESPONSES, install_problem_handlers


def runtime_of(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


def health_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="Liveness: the process answers.")
    async def healthz(request: Request) -> dict[str, str]:
        return {"status": "ok", "service": runtime_of(request).spec.name}

    @router.get(
        "/readyz",
        summary="Readiness: the database and the broker are reachable.",
        responses={503: {"description": "Not ready"}},
    )
    async def readyz(request: Request) -> JSONResponse:
        checks = await runtime_of(request).readiness()
        ready = all(checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    return router


def service_app(
    spec: ServiceSpec,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
) -> FastAPI:
    """The FastAPI app of one service (its routes, health, problem details, OpenAPI)."""
    app = FastAPI(
        title=f"Coalition {spec.title}", description=spec.description, version=spec.version
    )
    app.add_middleware(IdempotencyMiddleware)  # keys are scoped to the authenticated caller
    app.add_middleware(  # inside the correlation middleware
        AuthMiddleware, service=spec.name, public_paths=spec.public_paths
    )
    app.middleware("http")(correlation_middleware)
    app.add_middleware(  # outermost
        BodySizeLimit,
        max_bytes=max_body_bytes,
        upload_paths=spec.upload_paths,
        max_upload_bytes=max_upload_bytes,
    )
    install_problem_handlers(app)
    app.include_router(health_router())
    app.include_router(log_router(), responses=PROBLEM_RESPONSES)
    for router in spec.routers:
        app.include_router(router, responses=PROBLEM_RESPONSES)

    def document() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = with_security(
                with_idempotency_key(without_null_parameters(FastAPI.openapi(app))),
                public=spec.public_paths,
            )
        return app.openapi_schema

    app.openapi = document  # type: ignore[method-assign]
    return app


def build_app(specs: Sequence[ServiceSpec], settings: Settings) -> FastAPI:
    """A process serving `specs`, each under `/<name>`. With no NATS URL configured, an embedded
    NATS server with JetStream starts first and stops last."""
    children = {
        spec.name: service_app(spec, settings.max_body_bytes, settings.max_upload_bytes)
        for spec in specs
    }

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            nats_url = settings.nats_url
            if not nats_url:
                embedded = EmbeddedNats(settings.data_dir)
                nats_url = embedded.start()
                stack.callback(embedded.stop)
            access = AccessControl(settings)
            await access.start()
            stack.push_async_callback(access.stop)
            app.state.access = access
            runtimes: dict[str, ServiceRuntime] = {}
            for spec in specs:
                runtime = ServiceRuntime(spec, settings, nats_url)
                await runtime.start()
                stack.push_async_callback(runtime.stop)
                children[spec.name].state.runtime = runtime
                children[spec.name].state.access = access
                runtimes[spec.name] = runtime
            app.state.runtimes = runtimes
            for child in children.values():  # the services of this process, to each other
                child.state.runtimes = runtimes
            app.state.nats_url = nats_url
            yield

    app = FastAPI(title="Coalition", version="0.1.0", lifespan=lifespan, redoc_url=None)
    # A path no service mount matches (a newline in an id, say) is answered here: as a problem too.
    install_problem_handlers(app)

    def whole_surface() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = merged_openapi(
                children,
                title="Coalition",
                version="0.1.0",
                description="Every service of this process, each under its own path prefix.",
            )
        return app.openapi_schema

    app.openapi = whole_surface  # type: ignore[method-assign]

    @app.get("/asyncapi.json", include_in_schema=False)
    async def asyncapi() -> dict[str, Any]:
        """The events this product publishes (AsyncAPI 3.0, a JSON Schema per event)."""
        return asyncapi_document(settings.subject_prefix)

    @app.get("/", include_in_schema=False)
    async def index() -> dict[str, Any]:
        return {
            "name": "Coalition",
            "openapi": "/openapi.json",
            "asyncapi": "/asyncapi.json",
            "docs": "/docs",
            "services": {
                name: {
                    "health": f"/{name}/healthz",
                    "openapi": f"/{name}/openapi.json",
                    "docs": f"/{name}/docs",
                }
                for name in children
            },
        }

    for name, child in children.items():
        app.mount(f"/{name}", child)
    return app
