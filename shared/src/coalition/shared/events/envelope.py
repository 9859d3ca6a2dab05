"""The envelope every event travels in: what happened, to which stream, who did it, why, when,
and what caused it.

A `DomainEvent` is the payload (one pydantic model per event type). `NewEvent` is a payload plus
its metadata on its way into the store; `RecordedEvent` is what the store hands back, with the
stream version, global position, recorded-at time and hash-chain links it assigned.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


def utc_now() -> datetime:
    """The current time, always timezone-aware UTC (naive datetimes are a bug magnet)."""
    return datetime.now(UTC)


class ReasonRequiredError(Exception):
    """A decision event was created without saying why.

    Not a ValueError on purpose: pydantic would wrap one raised during validation in a
    ValidationError, and callers (the HTTP layer) could no longer tell it apart."""


class DomainEvent(BaseModel):
    """Base class of every event payload.

    Subclasses set `event_type` (past tense, e.g. ``PartnerIdentified``), `schema_version`, the
    owning `service` and whether the event records a *decision* (decisions must carry a reason).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
    service: ClassVar[str]
    is_decision: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "event_type" not in cls.__dict__:
            cls.event_type = cls.__name__


class Metadata(BaseModel):
    """Who did it, why, when, and what caused it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: str = Field(min_length=1, max_length=200, description="Who did it (user or API key).")
    reason: str | None = Field(
        default=None, max_length=2000, description="Why; required for decision events."
    )
    correlation_id: uuid.UUID = Field(
        default_factory=uuid.uuid4, description="The whole conversation this event belongs to."
    )
    causation_id: uuid.UUID | None = Field(
        default=None, description="The event (or request) that directly caused this one."
    )
    campaign_id: str | None = Field(default=None, max_length=100)
    occurred_at: AwareDatetime = Field(default_factory=utc_now)

    @classmethod
    def reacting_to(cls, cause: RecordedEvent, *, actor: str, reason: str | None) -> Metadata:
        """Metadata for an automatic reaction of a service to another event."""
        return cls(
            actor=actor,
            reason=reason,
            correlation_id=cause.metadata.correlation_id,
            causation_id=cause.event_id,
            campaign_id=cause.metadata.campaign_id,
        )


class NewEvent(BaseModel):
    """An event about to be appended to a stream."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    payload: DomainEvent
    metadata: Metadata

    def model_post_init(self, __context: Any) -> None:
        if self.payload.is_decision and not (self.metadata.reason or "").strip():
            raise ReasonRequiredError(f"{self.payload.event_type} is a decision and needs a reason")

    @property
    def event_type(self) -> str:
        return self.payload.event_type

    @property
    def schema_version(self) -> int:
        return self.payload.schema_version


class RecordedEvent(BaseModel):
    """An event as the store recorded it. The payload stays a plain dict here so that a
    reader never fails on an event type it does not know; `Catalogue.decode` types it."""

    model_config = ConfigDict(frozen=True)

    event_id: uuid.UUID
    stream_id: str
    stream_type: str
    stream_version: int
    position: int
    event_type: str
    schema_version: int
    payload: dict[str, Any]
    metadata: Metadata
    recorded_at: datetime
    previous_hash: str
    hash: str
