"""Wiring: what the shared skeleton runs for scoring."""

from coalition.scoring.entrypoints.api import router
from coalition.scoring.entrypoints.subscribers import subscriptions
from coalition.shared.service import ServiceSpec

service = ServiceSpec(
    name="scoring",
    title="Scoring",
    description="Explainable partner assessment and coalition recommendation.",
    routers=[router],
    subscriptions=subscriptions,
)
