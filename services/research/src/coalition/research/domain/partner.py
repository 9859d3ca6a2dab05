"""A prospective partner, rebuilt from its stream; and the decisions about it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coalition.shared.contracts.research import OrganisationKind, PartnerIdentified
from coalition.shared.events.envelope import DomainEvent, RecordedEvent
from coalition.shared.web.problems import DomainError, InvalidInputError

STREAM_TYPE = "partner"


def stream_id(partner_id: str) -> str:
    return f"partner-{partner_id}"


@dataclass(frozen=True)
class Partner:
    """What research knows about one prospective partner in one campaign."""

    partner_id: str
    campaign_id: str
    name: str
    kind: str
    country: str | None
    members: int | None
    version: int

    @classmethod
    def from_history(cls, history: Sequence[RecordedEvent]) -> Partner | None:
        partner: Partner | None = None
        for event in history:
            if event.event_type == "PartnerIdentified":
                p = PartnerIdentified.model_validate(event.payload)
                partner = cls(p.partner_id, p.campaign_id, p.name, p.kind, p.country, p.members, 0)
            if partner is not None:
                partner = cls(**{**partner.__dict__, "version": event.stream_version})
        return partner


def identify(
    history: Sequence[RecordedEvent],
    *,
    partner_id: str,
    campaign_id: str,
    name: str,
    kind: OrganisationKind,
    country: str | None,
    members: int | None,
) -> list[DomainEvent]:
    """A partner is identified once; identifying it again is refused."""
    if history:
        raise DomainError(f"partner {partner_id} is already identified", partner_id=partner_id)
    if not name.strip():
        raise InvalidInputError("name must not be blank", field="body.name")
    return [
        PartnerIdentified(
            partner_id=partner_id,
            campaign_id=campaign_id,
            name=name.strip(),
            kind=kind,
            country=country,
            members=members,
        )
    ]
