"""Wiring: what the shared skeleton runs for projections."""

from pathlib import Path

from coalition.projections.entrypoints.api import router
from coalition.projections.entrypoints.audit_api import router as audit_router
from coalition.projections.entrypoints.metrics_api import router as metrics_router
from coalition.projections.entrypoints.network_map_api import PUBLIC_PATHS
from coalition.projections.entrypoints.network_map_api import router as network_map_router
from coalition.projections.entrypoints.partner360_api import router as partner360_router
from coalition.projections.entrypoints.rebuilds_api import router as rebuilds_router
from coalition.projections.entrypoints.subscribers import subscriptions
from coalition.projections.entrypoints.webhooks_api import router as webhooks_router
from coalition.projections.entrypoints.workers import dispatch_webhooks
from coalition.shared.service import ServiceSpec

service = ServiceSpec(
    name="projections",
    title="Projections",
    description=(
        "Read models (partner list, audit timeline, review metrics, network map) and webhooks "
        "to campaigns' CRMs, driven by the same events."
    ),
    routers=[
        router,
        partner360_router,
        metrics_router,
        network_map_router,
        audit_router,
        rebuilds_router,
        webhooks_router,
    ],
    subscriptions=subscriptions,
    migrations=[Path(__file__).parent / "migrations" / "versions"],
    workers=[dispatch_webhooks],
    public_paths=PUBLIC_PATHS,
)
