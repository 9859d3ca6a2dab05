"""Typed errors of the event store."""

from __future__ import annotations


class EventStoreError(Exception):
    """Base class of event store errors."""


class ConcurrencyError(EventStoreError):
    """An append expected a stream version that is no longer current; nothing was written."""

    def __init__(self, stream_id: str, expected_version: int, current_version: int) -> None:
        super().__init__(
            f"stream {stream_id!r} is at version {current_version}, expected {expected_version}"
        )
        self.stream_id = stream_id
        self.expected_version = expected_version
        self.current_version = current_version


class PreconditionFailedError(ConcurrencyError):
    """The version a client said it had (HTTP `If-Match`) is no longer current."""


class DuplicateEventError(EventStoreError):
    """An event with this id is already in the log; nothing was written."""

    def __init__(self, event_ids: list[str]) -> None:
        super().__init__(f"event id(s) already recorded: {', '.join(event_ids)}")
        self.event_ids = event_ids


class StoreBusyError(EventStoreError):
    """The append lock could not be had in time; nothing was written, and trying again is safe."""

    def __init__(self, waited_seconds: float) -> None:
        super().__init__(f"the event store was busy for {waited_seconds:g} s; try again")
        self.waited_seconds = waited_seconds
