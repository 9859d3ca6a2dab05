"""Wiring: what the shared skeleton runs for projections."""

from pathlib import Path

from coalition.projections.entrypoints.api import router
from coalition.projections.entrypoints.subscribers import subscriptions
from coalition.shared.service import ServiceSpec

service = ServiceSpec(
    name="projections",
    title="Projections",
    description="Read models: partner list, audit timeline, review metrics, network map.",
    routers=[router],
    subscriptions=subscriptions,
    migrations=[Path(__file__).parent / "migrations" / "versions"],
)
