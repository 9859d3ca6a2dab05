"""A prospective partner, rebuilt from its stream; and the decisions about it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from coalition.shared.contracts.research import (
    KeyPersonRecorded,
    OrganisationKind,
    PartnerIdentified,
    PartnerLinkedToCrm,
    PartnerProfileUpdated,
)
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
    crm_records: dict[str, str] = field(default_factory=dict)
    """connector name -> the id of the CRM record that describes this partner."""
    key_people: dict[str, KeyPerson] = field(default_factory=dict)
    """person id -> who speaks for the partner."""

    @property
    def profile(self) -> Profile:
        return Profile(self.name, self.kind, self.country, self.members)  # type: ignore[arg-type]

    @classmethod
    def from_history(cls, history: Sequence[RecordedEvent]) -> Partner | None:
        partner: Partner | None = None
        for event in history:
            match event.event_type:
                case "PartnerIdentified":
                    p = PartnerIdentified.model_validate(event.payload)
                    partner = cls(
                        p.partner_id, p.campaign_id, p.name, p.kind, p.country, p.members, 0
                    )
                case "PartnerProfileUpdated" if partner is not None:
                    u = PartnerProfileUpdated.model_validate(event.payload)
                    partner = replace(
                        partner, name=u.name, kind=u.kind, country=u.country, members=u.members
                    )
                case "KeyPersonRecorded" if partner is not None:
                    person = KeyPersonRecorded.model_validate(event.payload)
                    people = {
                        **partner.key_people,
                        person.person_id: KeyPerson(person.name, person.role),
                    }
                    partner = replace(partner, key_people=people)
                case "PartnerLinkedToCrm" if partner is not None:
                    link = PartnerLinkedToCrm.model_validate(event.payload)
                    records = {**partner.crm_records, link.connector: link.external_id}
                    partner = replace(partner, crm_records=records)
            if partner is not None:
                partner = replace(partner, version=event.stream_version)
        return partner


@dataclass(frozen=True)
class KeyPerson:
    name: str
    role: str | None


def record_key_person(
    history: Sequence[RecordedEvent], *, person_id: str, person: KeyPerson
) -> list[DomainEvent]:
    """A contact of a known partner, recorded when new or changed; none for an unknown partner
    (the import skips a contact of an organisation it did not import)."""
    partner = Partner.from_history(history)
    if partner is None or partner.key_people.get(person_id) == person:
        return []
    return [
        KeyPersonRecorded(
            partner_id=partner.partner_id,
            campaign_id=partner.campaign_id,
            person_id=person_id,
            name=person.name,
            role=person.role,
        )
    ]


@dataclass(frozen=True)
class Profile:
    """What an import compares: the organisation as its source describes it."""

    name: str
    kind: OrganisationKind
    country: str | None
    members: int | None


def import_record(
    history: Sequence[RecordedEvent],
    *,
    partner_id: str,
    campaign_id: str,
    connector: str,
    external_id: str,
    profile: Profile,
) -> list[DomainEvent]:
    """An organisation read from a CRM: identified and linked the first time, its profile
    updated when it changed, nothing when it did not (so an import can run again safely)."""
    partner = Partner.from_history(history)
    if partner is None:
        return [
            *identify(
                history,
                partner_id=partner_id,
                campaign_id=campaign_id,
                name=profile.name,
                kind=profile.kind,
                country=profile.country,
                members=profile.members,
            ),
            PartnerLinkedToCrm(
                partner_id=partner_id,
                campaign_id=campaign_id,
                connector=connector,
                external_id=external_id,
            ),
        ]
    if partner.profile == profile:
        return []
    return [
        PartnerProfileUpdated(partner_id=partner_id, campaign_id=campaign_id, **profile.__dict__)
    ]


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
