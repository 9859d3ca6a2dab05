"""The stand-in on a real port (uvicorn in a thread of the test process)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from tests.crm_standin.app import Crm
from tests.support import free_port


@contextmanager
def serving(crm: Crm) -> Iterator[str]:
    """Serve `crm` over HTTP; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(crm.app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
