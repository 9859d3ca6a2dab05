"""Wiring: what the shared skeleton runs for engagement."""

from coalition.engagement.entrypoints.api import router
from coalition.engagement.entrypoints.dialogue_api import router as dialogue_router
from coalition.engagement.entrypoints.outreach_api import router as outreach_router
from coalition.engagement.entrypoints.subscribers import subscriptions
from coalition.shared.service import ServiceSpec

service = ServiceSpec(
    name="engagement",
    title="Engagement",
    description=(
        "The outreach pipeline: stages, interactions and follow-ups, trust, shared ideas, "
        "commitments and staff capacity."
    ),
    routers=[router, dialogue_router, outreach_router],
    subscriptions=subscriptions,
)
