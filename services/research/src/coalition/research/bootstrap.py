"""Wiring: what the shared skeleton runs for research."""

from coalition.research.entrypoints.api import router
from coalition.research.entrypoints.crm_api import router as crm_router
from coalition.research.entrypoints.duplicates_api import router as duplicates_router
from coalition.research.entrypoints.subscribers import subscriptions
from coalition.shared.service import ServiceSpec

service = ServiceSpec(
    name="research",
    title="Research",
    description="Campaigns, prospective partners and the stakeholder network; CRM imports.",
    routers=[router, crm_router, duplicates_router],
    subscriptions=subscriptions,
)
