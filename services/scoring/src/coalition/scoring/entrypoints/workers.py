"""The re-scoring worker: re-scores each campaign whose facts or model changed, once its
facts have settled for a moment (a bulk import marks a campaign thousands of times; it is
re-scored a few times, not thousands). Several instances share the work by leases."""

from __future__ import annotations

import asyncio
import os
import socket
from datetime import timedelta

import structlog

from coalition.scoring.adapters import repository
from coalition.scoring.service_layer import handlers
from coalition.shared.db import writing
from coalition.shared.service import ServiceRuntime

log = structlog.get_logger(__name__)

SETTLE = timedelta(seconds=float(os.environ.get("COALITION_SCORING_SETTLE_SECONDS", "0.3")))
LONGEST_WAIT = timedelta(seconds=10)
LEASE = timedelta(minutes=5)
POLL_SECONDS = 0.2


async def rescore_worker(runtime: ServiceRuntime) -> None:
    """Claim, re-score, repeat; sleep a little when nothing is waiting."""
    worker = f"{socket.gethostname()}:{os.getpid()}:{id(runtime)}"
    store = runtime.store
    while True:
        try:
            async with writing(store.engine) as conn:
                claim = await repository.claim_next(
                    conn, worker, settle=SETTLE, longest_wait=LONGEST_WAIT, lease=LEASE
                )
            if claim is None:
                await asyncio.sleep(POLL_SECONDS)
                continue
            try:
                outcome = await handlers.rescore_campaign(store, claim)
            except Exception:
                async with writing(store.engine) as conn:
                    await repository.release(conn, claim)
                raise
            log.info(
                "scoring.rescored",
                campaign_id=claim.campaign_id,
                candidates=len(outcome.scores),
                recorded=len(outcome.changed),
                coalition_changed=outcome.recommendation_changed,
            )
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("scoring.rescore_failed")
            await asyncio.sleep(1.0)
