"""Wiring: what the shared skeleton runs for agreement."""

from pathlib import Path

from coalition.agreement.entrypoints.api import router
from coalition.agreement.entrypoints.lifecycle_api import router as lifecycle_router
from coalition.agreement.entrypoints.reviews_api import router as reviews_router
from coalition.agreement.entrypoints.subscribers import subscriptions
from coalition.agreement.entrypoints.workers import expiry_sweep
from coalition.shared.service import ServiceSpec

service = ServiceSpec(
    name="agreement",
    title="Agreement",
    description=(
        "Agreements with partners: drafts, amendments, signatures, renewals, suspensions, "
        "terminations, reviews."
    ),
    routers=[router, lifecycle_router, reviews_router],
    subscriptions=subscriptions,
    migrations=[Path(__file__).parent / "migrations" / "versions"],
    workers=[expiry_sweep],
)
