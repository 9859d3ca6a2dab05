"""Wiring: what the shared skeleton runs for research."""

from coalition.research.entrypoints.api import router
from coalition.research.entrypoints.campaigns_api import router as campaigns_router
from coalition.research.entrypoints.crm_api import router as crm_router
from coalition.research.entrypoints.demo import load as load_demo
from coalition.research.entrypoints.duplicates_api import router as duplicates_router
from coalition.research.entrypoints.imports_api import router as imports_router
from coalition.research.entrypoints.network_api import router as network_router
from coalition.research.entrypoints.subscribers import subscriptions
from coalition.shared.service import ServiceSpec

service = ServiceSpec(
    name="research",
    title="Research",
    description=(
        "Campaigns, prospective partners and the stakeholder network; CRM and file imports."
    ),
    routers=[
        campaigns_router,
        router,
        duplicates_router,
        network_router,
        imports_router,
        crm_router,
    ],
    subscriptions=subscriptions,
    upload_paths=frozenset({"/imports"}),
    demo=load_demo,
)
