"""Wiring: what the shared skeleton runs for research."""

from coalition.research.entrypoints.api import router
from coalition.shared.service import ServiceSpec

service = ServiceSpec(
    name="research",
    title="Research",
    description="Campaigns, prospective partners and the stakeholder network.",
    routers=[router],
)
