"""Wiring: what the shared skeleton runs for agreement."""

from coalition.agreement.entrypoints.api import router
from coalition.shared.service import ServiceSpec

service = ServiceSpec(
    name="agreement",
    title="Agreement",
    description="Agreements with partners: drafts, signatures, amendments, renewals, reviews.",
    routers=[router],
)
