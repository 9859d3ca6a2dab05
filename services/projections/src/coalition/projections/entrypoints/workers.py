"""Background work of projections: the webhook dispatcher, one per process."""

from __future__ import annotations

from coalition.projections.adapters.webhook_sender import HttpSender
from coalition.projections.service_layer.dispatcher import Dispatcher
from coalition.shared.service import ServiceRuntime


async def dispatch_webhooks(runtime: ServiceRuntime) -> None:
    """Runs until the service stops (the task is cancelled)."""
    settings = runtime.settings
    sender = HttpSender(settings.webhook_timeout_seconds)
    dispatcher = Dispatcher(
        runtime.engine,
        sender.send,
        schedule=settings.webhook_retry_seconds,
        poll_seconds=settings.webhook_poll_seconds,
        batch_size=settings.webhook_batch_size,
    )
    try:
        await dispatcher.run()
    finally:
        await sender.close()
