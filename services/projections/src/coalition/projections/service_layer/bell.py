"""A doorbell between the consumer that records new deliveries and the dispatcher that sends
them, in one process: rung after the recording transaction commits, so the dispatcher wakes at
once instead of at its next poll (the poll still finds work recorded by other instances)."""

from __future__ import annotations

import asyncio


class Bell:
    def __init__(self) -> None:
        self._listeners: set[asyncio.Event] = set()

    def listen(self) -> asyncio.Event:
        listener = asyncio.Event()
        self._listeners.add(listener)
        return listener

    def forget(self, listener: asyncio.Event) -> None:
        self._listeners.discard(listener)

    def ring(self) -> None:
        for listener in self._listeners:
            listener.set()


new_deliveries = Bell()
