"""Background work of agreement: expiring agreements past their end date."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import structlog

from coalition.agreement.service_layer import handlers
from coalition.shared.service import ServiceRuntime

log = structlog.get_logger(__name__)


async def expiry_sweep(runtime: ServiceRuntime) -> None:
    """Runs until the service stops: at start, then every `agreement_expiry_seconds`."""
    while True:
        try:
            expired = await handlers.expire_due(runtime.store, datetime.now(UTC).date())
            if expired:
                log.info("agreement.expired", agreements=expired)
        except Exception:  # a failed sweep is tried again at the next one
            log.exception("agreement.expiry_sweep_failed")
        await asyncio.sleep(runtime.settings.agreement_expiry_seconds)
