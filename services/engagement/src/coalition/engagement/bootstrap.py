"""Wiring: what the shared skeleton runs for engagement."""

from coalition.engagement.entrypoints.api import router
from coalition.engagement.entrypoints.subscribers import subscriptions
from coalition.shared.service import ServiceSpec

service = ServiceSpec(
    name="engagement",
    title="Engagement",
    description="The outreach pipeline: conversations, meetings, rapport and commitments.",
    routers=[router],
    subscriptions=subscriptions,
)
