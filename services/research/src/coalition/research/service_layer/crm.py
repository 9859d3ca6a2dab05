"""Importing organisations from a CRM, and writing partners' status back to it.

An import first reads every record modified since the last import (so a CRM that refuses,
a wrong key say, leaves nothing half-written), then records each one on its partner's stream:
the partner id is derived from the campaign, connector and record id, so running an import
twice, or two at once, records nothing twice. Its end is an event too, `CrmImportCompleted`,
whose `modified_through` is where the next import starts (records modified at that very time
are read again; an unchanged record records nothing)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, get_args

from coalition.research.adapters.crm.clients import CrmClient, CrmRecord, dotted
from coalition.research.adapters.crm.config import Connector
from coalition.research.domain import partner as model
from coalition.shared.application import execute
from coalition.shared.contracts.research import CrmImportCompleted, OrganisationKind
from coalition.shared.events.envelope import Metadata, NewEvent
from coalition.shared.eventstore.errors import ConcurrencyError
from coalition.shared.eventstore.store import EventStore

IMPORT_STREAM_TYPE = "crm-import"
KINDS = frozenset(get_args(OrganisationKind))
PARTNER_IDS = uuid.UUID("5a4a3c1e-7f0b-4a53-9f5e-6b7f1e0c2d11")


def import_stream(connector: Connector) -> str:
    return f"crm-import-{connector.name}-{connector.campaign_id}"


def partner_id_for(connector: Connector, external_id: str) -> str:
    """The same record of the same connector is the same partner of the campaign, always."""
    key = f"{connector.campaign_id}/{connector.name}/{external_id}"
    return str(uuid.uuid5(PARTNER_IDS, key))


def profile_of(record: CrmRecord, connector: Connector) -> model.CrmProfile | None:
    """The partner profile a record describes, by the connector's mapping; None without a name."""
    values = {field: dotted(record.fields, path) for field, path in connector.fields.items()}
    name = str(values.get("name") or "").strip()[:300]
    if not name:
        return None
    kind = str(values.get("kind") or "").strip().lower().replace(" ", "_")
    members = values.get("members")
    country = values.get("country")
    return model.CrmProfile(
        name=name,
        kind=kind if kind in KINDS else connector.default_kind,  # type: ignore[arg-type]
        country=str(country)[:100] if country else None,
        members=int(members) if isinstance(members, int | str) and str(members).isdigit() else None,
    )


def key_person_of(record: CrmRecord, connector: Connector) -> tuple[str, model.KeyPerson] | None:
    """(the organisation's record id, the person) a contact describes, by the mapping."""
    mapping = connector.contact_fields
    name = str(dotted(record.fields, mapping.get("name", "")) or "").strip()[:300]
    organisation = (
        dotted(record.fields, mapping["organisation"])
        if "organisation" in mapping
        else record.external_id
    )
    if not name or organisation in (None, ""):
        return None
    role = dotted(record.fields, mapping["role"]) if "role" in mapping else None
    return str(organisation), model.KeyPerson(name, str(role)[:300] if role else None)


@dataclass(frozen=True)
class ImportResult:
    identified: int
    updated: int
    unchanged: int
    skipped: int
    people: int
    modified_through: datetime | None


async def last_import(store: EventStore, connector: Connector) -> CrmImportCompleted | None:
    history = await store.read_stream(import_stream(connector))
    return CrmImportCompleted.model_validate(history[-1].payload) if history else None


async def import_organisations(
    store: EventStore, connector: Connector, client: CrmClient, metadata: Metadata
) -> ImportResult:
    previous = await last_import(store, connector)
    since = previous.modified_through if previous else None
    records = await client.organisations(since)  # all of them before anything is written
    contacts = await client.contacts(since) if connector.contact_fields else []
    counts = {"identified": 0, "updated": 0, "unchanged": 0, "skipped": 0, "people": 0}
    for record in records:
        profile = profile_of(record, connector)
        if profile is None:
            counts["skipped"] += 1
            continue
        partner_id = partner_id_for(connector, record.external_id)
        decide = partial(
            model.import_record,
            partner_id=partner_id,
            campaign_id=connector.campaign_id,
            connector=connector.name,
            external_id=record.external_id,
            profile=profile,
        )
        recorded = await execute(
            store, model.stream_id(partner_id), model.STREAM_TYPE, decide, metadata
        )
        kinds = {event.event_type for event in recorded}
        outcome = (
            "identified" if "PartnerIdentified" in kinds else "updated" if kinds else "unchanged"
        )
        counts[outcome] += 1
    for contact in contacts:
        found = key_person_of(contact, connector)
        if found is None:
            continue
        organisation, person = found
        partner_id = partner_id_for(connector, organisation)
        decide = partial(
            model.record_crm_contact,
            person_id=f"{connector.name}:{contact.external_id}",
            person=person,
        )
        recorded = await execute(
            store, model.stream_id(partner_id), model.STREAM_TYPE, decide, metadata
        )
        counts["people"] += len(recorded)
    times = [r.modified for r in [*records, *contacts] if r.modified is not None]
    through = max([*times, *([since] if since else [])], default=None)
    done = CrmImportCompleted(
        connector=connector.name,
        campaign_id=connector.campaign_id,
        modified_through=through,
        identified=counts["identified"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        people=counts["people"],
    )
    stream = import_stream(connector)
    for _ in range(3):  # another import may have finished meanwhile: both are true
        history = await store.read_stream(stream)
        try:
            await store.append(
                stream,
                IMPORT_STREAM_TYPE,
                [NewEvent(payload=done, metadata=metadata)],
                history[-1].stream_version if history else 0,
            )
            break
        except ConcurrencyError:
            continue
    return ImportResult(**counts, modified_through=through)


def status_values(connector: Connector, status: Mapping[str, Any]) -> dict[str, Any]:
    """The CRM fields to write, by the connector's write-back mapping."""
    return {
        crm_field: status[field]
        for field, crm_field in connector.write_back.items()
        if field in status
    }
