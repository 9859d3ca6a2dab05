"""Wiring: what the shared skeleton runs for research."""

from coalition.research.entrypoints.api import router
from coalition.research.entrypoints.crm_api import router as crm_router
from coalition.research.entrypoints.demo import load as load_demo
from coalition.research.entrypoints.imports_api import router as imports_router
from coalition.research.entrypoints.subscribers import subscriptions
from coalition.shared.service import ServiceSpec

service = ServiceSpec(
    name="research",
    title="Research",
    description=(
        "Campaigns, prospective partners and the stakeholder network; CRM and file imports."
    ),
    routers=[router, crm_router, imports_router],
    subscriptions=subscriptions,
    demo=load_demo,
)
