"""A prospective partner, rebuilt from its stream; and the decisions about it.

Every decision is a pure function: the stream so far (and the command's values) in, the new
events out, or a `DomainError` that says why not. Nothing here reads or writes anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from coalition.research.domain.text import issue_key, unique
from coalition.shared.contracts.research import (
    CollaborationOutcome,
    CollaborationRecorded,
    KeyPersonRecorded,
    KeyPersonRemoved,
    OrganisationKind,
    PartnerArchived,
    PartnerIdentified,
    PartnerLinkedToCrm,
    PartnerPositionRecorded,
    PartnerProfileUpdated,
    PartnersMerged,
    Profile,
    Stance,
)
from coalition.shared.events.envelope import DomainEvent, RecordedEvent
from coalition.shared.web.problems import DomainError, InvalidInputError, NotFoundError

STREAM_TYPE = "partner"


def stream_id(partner_id: str) -> str:
    return f"partner-{partner_id}"


@dataclass(frozen=True)
class KeyPerson:
    name: str
    role: str | None
    contact: str | None = None


@dataclass(frozen=True)
class Position:
    """Where the partner stands on one issue, and what shows it."""

    stance: Stance
    evidence: str
    observed_on: date | None


@dataclass(frozen=True)
class Collaboration:
    with_whom: tuple[str, ...]
    on_what: str
    started_on: date | None
    ended_on: date | None
    outcome: CollaborationOutcome


@dataclass(frozen=True)
class Partner:
    """What research knows about one prospective partner in one campaign."""

    partner_id: str
    campaign_id: str
    profile: Profile
    version: int
    crm_records: dict[str, str] = field(default_factory=dict)
    """connector name -> the id of the CRM record that describes this partner."""
    key_people: dict[str, KeyPerson] = field(default_factory=dict)
    """person id -> who speaks for the partner."""
    positions: dict[str, Position] = field(default_factory=dict)
    """issue -> where the partner stands on it."""
    collaborations: dict[str, Collaboration] = field(default_factory=dict)
    merged_from: tuple[str, ...] = ()
    """Partners merged into this one (their histories stay on their own streams)."""
    archived: bool = False
    merged_into: str | None = None

    @property
    def name(self) -> str:
        return self.profile.name

    @classmethod
    def from_history(cls, history: Sequence[RecordedEvent]) -> Partner | None:
        partner: Partner | None = None
        for event in history:
            partner = evolve(partner, event)
            if partner is not None:
                partner = replace(partner, version=event.stream_version)
        return partner


def evolve(partner: Partner | None, event: RecordedEvent) -> Partner | None:
    """The partner after one more event of its stream."""
    p = event.payload
    if event.event_type == "PartnerIdentified":
        identified = PartnerIdentified.model_validate(p)
        return Partner(identified.partner_id, identified.campaign_id, identified.profile, 0)
    if partner is None:
        return None
    match event.event_type:
        case "PartnerProfileUpdated":
            return replace(partner, profile=PartnerProfileUpdated.model_validate(p).profile)
        case "KeyPersonRecorded":
            person = KeyPersonRecorded.model_validate(p)
            people = {
                **partner.key_people,
                person.person_id: KeyPerson(person.name, person.role, person.contact),
            }
            return replace(partner, key_people=people)
        case "KeyPersonRemoved":
            people = {k: v for k, v in partner.key_people.items() if k != p["person_id"]}
            return replace(partner, key_people=people)
        case "PartnerLinkedToCrm":
            link = PartnerLinkedToCrm.model_validate(p)
            return replace(
                partner, crm_records={**partner.crm_records, link.connector: link.external_id}
            )
        case "PartnerPositionRecorded":
            pos = PartnerPositionRecorded.model_validate(p)
            position = Position(pos.stance, pos.evidence, pos.observed_on)
            return replace(partner, positions={**partner.positions, pos.issue: position})
        case "CollaborationRecorded":
            c = CollaborationRecorded.model_validate(p)
            collaboration = Collaboration(
                tuple(c.with_whom), c.on_what, c.started_on, c.ended_on, c.outcome
            )
            collaborations = {**partner.collaborations, c.collaboration_id: collaboration}
            return replace(partner, collaborations=collaborations)
        case "PartnersMerged":
            return replace(partner, merged_from=(*partner.merged_from, p["merged_partner_id"]))
        case "PartnerArchived":
            return replace(partner, archived=True, merged_into=p.get("merged_into"))
    return partner


# -- identifying and describing ----------------------------------------------------------------


def identify(
    history: Sequence[RecordedEvent], *, partner_id: str, campaign_id: str, profile: Profile
) -> list[DomainEvent]:
    """A partner is identified once; identifying it again is refused."""
    if history:
        raise DomainError(f"partner {partner_id} is already identified", partner_id=partner_id)
    profile = tidy(profile)
    return [PartnerIdentified(partner_id=partner_id, campaign_id=campaign_id, **dict(profile))]


def tidy(profile: Profile) -> Profile:
    """Names without stray blanks; lists without blanks or repeats (in their order)."""
    name = profile.name.strip()
    if not name:
        raise InvalidInputError("name must not be blank", field="body.name")
    return profile.model_copy(
        update={
            "name": name,
            "aliases": unique(a for a in profile.aliases if a.strip() != name),
            "regions": unique(profile.regions),
            "goals": unique(profile.goals),
            "expertise": unique(profile.expertise),
        }
    )


def update_profile(
    history: Sequence[RecordedEvent], *, changes: Mapping[str, Any]
) -> list[DomainEvent]:
    """Set the given profile fields (the others stay); nothing when nothing changes."""
    partner = current(history)
    before = partner.profile
    try:
        after = tidy(Profile.model_validate({**before.model_dump(), **changes}))
    except ValueError as error:  # pydantic's ValidationError is one
        raise InvalidInputError(str(error).splitlines()[0], field="body") from error
    changed = [
        name for name in Profile.model_fields if getattr(before, name) != getattr(after, name)
    ]
    if not changed:
        return []
    return [
        PartnerProfileUpdated(
            partner_id=partner.partner_id,
            campaign_id=partner.campaign_id,
            changed=changed,
            **dict(after),
        )
    ]


def current(history: Sequence[RecordedEvent]) -> Partner:
    """The partner the command is about: it must exist and not be archived."""
    partner = Partner.from_history(history)
    if partner is None:
        raise NotFoundError("partner not found")
    if partner.archived:
        where = f": merged into {partner.merged_into}" if partner.merged_into else ""
        raise DomainError(
            f"partner {partner.partner_id} is archived{where}",
            partner_id=partner.partner_id,
            merged_into=partner.merged_into,
        )
    return partner


def record_key_person(
    history: Sequence[RecordedEvent], *, person_id: str, person: KeyPerson
) -> list[DomainEvent]:
    """A person who speaks for the partner, recorded when new or changed."""
    partner = current(history)
    if partner.key_people.get(person_id) == person:
        return []
    return [
        KeyPersonRecorded(
            partner_id=partner.partner_id,
            campaign_id=partner.campaign_id,
            person_id=person_id,
            name=person.name.strip(),
            role=person.role,
            contact=person.contact,
        )
    ]


def remove_key_person(history: Sequence[RecordedEvent], *, person_id: str) -> list[DomainEvent]:
    partner = current(history)
    if person_id not in partner.key_people:
        raise NotFoundError(f"no key person {person_id} for partner {partner.partner_id}")
    return [
        KeyPersonRemoved(
            partner_id=partner.partner_id, campaign_id=partner.campaign_id, person_id=person_id
        )
    ]


def record_position(
    history: Sequence[RecordedEvent],
    *,
    issue: str,
    stance: Stance,
    evidence: str,
    observed_on: date | None = None,
) -> list[DomainEvent]:
    """Where the partner stands on an issue; nothing when already recorded just so."""
    partner = current(history)
    issue = issue_key(issue)
    position = Position(stance, evidence.strip(), observed_on)
    if partner.positions.get(issue) == position:
        return []
    return [
        PartnerPositionRecorded(
            partner_id=partner.partner_id,
            campaign_id=partner.campaign_id,
            issue=issue,
            stance=stance,
            evidence=position.evidence,
            observed_on=observed_on,
        )
    ]


def record_collaboration(
    history: Sequence[RecordedEvent], *, collaboration_id: str, collaboration: Collaboration
) -> list[DomainEvent]:
    partner = current(history)
    c = collaboration
    if c.started_on and c.ended_on and c.ended_on < c.started_on:
        raise InvalidInputError("ended_on is before started_on", field="body.ended_on")
    if partner.collaborations.get(collaboration_id) == c:
        return []
    return [
        CollaborationRecorded(
            partner_id=partner.partner_id,
            campaign_id=partner.campaign_id,
            collaboration_id=collaboration_id,
            with_whom=list(c.with_whom),
            on_what=c.on_what,
            started_on=c.started_on,
            ended_on=c.ended_on,
            outcome=c.outcome,
        )
    ]


def archive(history: Sequence[RecordedEvent]) -> list[DomainEvent]:
    """The campaign no longer considers the partner; archiving twice is refused."""
    partner = current(history)
    return [PartnerArchived(partner_id=partner.partner_id, campaign_id=partner.campaign_id)]


# -- merging duplicates ------------------------------------------------------------------------


@dataclass(frozen=True)
class Merge:
    """What merging `duplicate` into `survivor` appends to each stream."""

    survivor: list[DomainEvent]
    duplicate: list[DomainEvent]


def merge(
    survivor_history: Sequence[RecordedEvent],
    duplicate_history: Sequence[RecordedEvent],
    *,
    similarity: float | None = None,
) -> Merge:
    """Merge a duplicate into the partner that remains. The survivor takes the duplicate's name
    as an alias and whatever it lacks (external ids, people, positions); the duplicate is
    archived pointing at it. Both histories stay. Refused across campaigns, for a partner
    with itself, and for either side already archived or merged."""
    survivor = current(survivor_history)
    duplicate = current(duplicate_history)
    if survivor.partner_id == duplicate.partner_id:
        raise InvalidInputError("a partner cannot be merged with itself", field="body.duplicate_id")
    if survivor.campaign_id != duplicate.campaign_id:
        raise DomainError("partners of different campaigns cannot be merged")
    events: list[DomainEvent] = [
        PartnersMerged(
            partner_id=survivor.partner_id,
            campaign_id=survivor.campaign_id,
            merged_partner_id=duplicate.partner_id,
            merged_name=duplicate.name,
            similarity=similarity,
        )
    ]
    before, theirs = survivor.profile, duplicate.profile
    combined = {
        "aliases": [*before.aliases, duplicate.name, *theirs.aliases],
        "regions": [*before.regions, *theirs.regions],
        "goals": [*before.goals, *theirs.goals],
        "expertise": [*before.expertise, *theirs.expertise],
        "external_ids": {**theirs.external_ids, **before.external_ids},
        **{
            name: getattr(theirs, name)
            for name in ("country", "members", "mission", "website")
            if getattr(before, name) is None and getattr(theirs, name) is not None
        },
    }
    events += update_profile(survivor_history, changes=combined)
    for person_id, person in sorted(duplicate.key_people.items()):
        if person_id not in survivor.key_people:
            events += record_key_person(survivor_history, person_id=person_id, person=person)
    for issue, position in sorted(duplicate.positions.items()):
        if issue not in survivor.positions:
            events += record_position(
                survivor_history,
                issue=issue,
                stance=position.stance,
                evidence=position.evidence,
                observed_on=position.observed_on,
            )
    archived = PartnerArchived(
        partner_id=duplicate.partner_id,
        campaign_id=duplicate.campaign_id,
        merged_into=survivor.partner_id,
    )
    return Merge(survivor=events, duplicate=[archived])


# -- what a CRM import records -----------------------------------------------------------------


@dataclass(frozen=True)
class CrmProfile:
    """What an import compares: the organisation as its CRM describes it."""

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
    profile: CrmProfile,
) -> list[DomainEvent]:
    """An organisation read from a CRM: identified and linked the first time, its profile
    updated when what the CRM says changed, nothing when it did not (so an import can run
    again safely). An archived partner is left alone."""
    partner = Partner.from_history(history)
    fields = dict(profile.__dict__)
    if partner is None:
        return [
            *identify(
                history,
                partner_id=partner_id,
                campaign_id=campaign_id,
                profile=Profile.model_validate(fields),
            ),
            PartnerLinkedToCrm(
                partner_id=partner_id,
                campaign_id=campaign_id,
                connector=connector,
                external_id=external_id,
            ),
        ]
    if partner.archived:
        return []
    return update_profile(history, changes=fields)


def record_crm_contact(
    history: Sequence[RecordedEvent], *, person_id: str, person: KeyPerson
) -> list[DomainEvent]:
    """A CRM contact of a known partner; none for an unknown or archived partner (the import
    skips a contact of an organisation it did not import)."""
    partner = Partner.from_history(history)
    if partner is None or partner.archived:
        return []
    return record_key_person(history, person_id=person_id, person=person)
