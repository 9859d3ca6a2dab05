"""Wiring: what the shared skeleton runs for scoring."""

from pathlib import Path

from coalition.scoring.entrypoints.api import router
from coalition.scoring.entrypoints.subscribers import subscriptions
from coalition.scoring.entrypoints.workers import rescore_worker
from coalition.shared.service import ServiceSpec

service = ServiceSpec(
    name="scoring",
    title="Scoring",
    description="Explainable partner assessment and coalition recommendation.",
    routers=[router],
    subscriptions=subscriptions,
    migrations=[Path(__file__).parent / "migrations" / "versions"],
    workers=[rescore_worker],
)
