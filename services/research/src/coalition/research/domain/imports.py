"""A bulk import, row by row: what each record type must hold, and what importing it records.

Pure. Readers (adapters) turn a file into flat rows of values; `parse` checks one row against
its record type and names the field at fault; a `Plan` is handed the streams the file touches,
as stored, and decides each row with the partner and network decisions, keeping what earlier
rows of the same file decided (an organisation identified in row 2 can take a position in
row 3). Nothing here reads or writes anything.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from coalition.research.domain import network
from coalition.research.domain import partner as model
from coalition.research.domain.text import issue_key
from coalition.shared.contracts.research import (
    BudgetBand,
    NodeRef,
    OrganisationKind,
    Profile,
    RelationshipType,
    Stance,
)
from coalition.shared.events.envelope import DomainEvent, Metadata, RecordedEvent
from coalition.shared.web.problems import DomainError

RecordType = Literal["organisation", "position", "relationship"]
Outcome = Literal["created", "updated", "unchanged", "rejected"]
LIST_SEPARATOR = "|"
IMPORT_PARTNER_IDS = uuid.UUID("9b8e4f0a-3c2d-4e6f-a1b7-52c9d0e8f413")


@lru_cache(maxsize=65536)
def partner_id_for(campaign_id: str, source: str, external_id: str) -> str:
    """The same record of the same source is the same partner of the campaign, always: a
    re-import finds what the last one identified."""
    return str(uuid.uuid5(IMPORT_PARTNER_IDS, f"{campaign_id}/{source}/{external_id}"))


# -- the record types ---------------------------------------------------------------------------


def _split(value: object) -> object:
    """A list cell of a flat file: `a|b|c`; a JSON list passes as it is."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]
    return value


def _pairs(value: object) -> object:
    """A mapping cell of a flat file: `irs_ein=530196605|esf=12`; a JSON object passes."""
    if not isinstance(value, str):
        return value
    pairs: dict[str, str] = {}
    for part in value.split(LIST_SEPARATOR):
        if not part.strip():
            continue
        key, equals, item = part.partition("=")
        if not equals or not key.strip() or not item.strip():
            raise ValueError(f"expected registry=id, got {part.strip()!r}")
        pairs[key.strip()] = item.strip()
    return pairs


def _count(value: object) -> object:
    """A whole number, as a number or as digits; never `true`."""
    if isinstance(value, bool):
        raise ValueError("must be a whole number")
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def _number(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("must be a number")
    return value


TextList = Annotated[list[Annotated[str, Field(max_length=300)]], BeforeValidator(_split)]
Pairs = Annotated[dict[str, Annotated[str, Field(max_length=200)]], BeforeValidator(_pairs)]
Count = Annotated[int, Field(ge=0), BeforeValidator(_count)]
Key = Annotated[str, Field(min_length=1, max_length=200)]


class ImportRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class OrganisationRecord(ImportRecord):
    """An organisation: identified when new, its profile updated from the columns present."""

    record: Literal["organisation"] = "organisation"
    id: Key = Field(description="The organisation's id in the source (an EIN, a CRM id).")
    name: str = Field(min_length=1, max_length=300)
    kind: OrganisationKind
    country: str | None = Field(default=None, max_length=100)
    members: Count | None = None
    aliases: TextList = Field(default_factory=list)
    regions: TextList = Field(default_factory=list)
    mission: str | None = Field(default=None, max_length=5000)
    goals: TextList = Field(default_factory=list)
    website: str | None = Field(default=None, max_length=2000)
    expertise: TextList = Field(default_factory=list)
    budget_band: BudgetBand | None = None
    external_ids: Pairs = Field(default_factory=dict)

    def changes(self, before: Profile | None) -> dict[str, Any]:
        """The profile fields this row sets (absent columns leave a known profile alone);
        external ids and resources are added to, not replaced."""
        given = self.model_fields_set - {"record", "id", "budget_band"}
        changes: dict[str, Any] = {name: getattr(self, name) for name in given}
        changes["name"] = self.name
        changes["kind"] = self.kind
        if before is not None:
            changes["external_ids"] = {**before.external_ids, **self.external_ids}
        if self.budget_band is not None:
            resources = before.resources.model_dump() if before else {}
            changes["resources"] = {**resources, "budget_band": self.budget_band}
        return changes


class PositionRecord(ImportRecord):
    """Where an organisation of the source stands on an issue."""

    record: Literal["position"]
    id: Key = Field(description="The organisation's id in the source.")
    issue: str = Field(min_length=1, max_length=100)
    stance: Stance
    evidence: str = Field(min_length=1, max_length=2000)
    observed_on: date | None = None


class RelationshipRecord(ImportRecord):
    """A tie from one organisation of the source to another."""

    record: Literal["relationship"]
    source: Key = Field(description="The id in the source of the organisation it starts at.")
    target: Key = Field(description="The id in the source of the organisation it ends at.")
    type: RelationshipType
    weight: Annotated[float, Field(ge=0.0, le=1.0), BeforeValidator(_number)] = 1.0
    since: date | None = None
    evidence: str | None = Field(default=None, max_length=2000)


Record = OrganisationRecord | PositionRecord | RelationshipRecord
RECORD_TYPES: dict[str, type[ImportRecord]] = {
    "organisation": OrganisationRecord,
    "position": PositionRecord,
    "relationship": RelationshipRecord,
}


@dataclass(frozen=True)
class Rejected:
    """Why a row cannot be imported, and the column at fault."""

    field: str
    message: str
    record: str = "organisation"


@dataclass(frozen=True)
class Row:
    """One row of a file, as a reader found it: its number (a line, or an element of an XML
    file) and its values by column. Blank values count as absent."""

    number: int
    values: Mapping[str, object]
    error: Rejected | None = None
    """Set when the reader could not make values of it (a line that is not JSON, say)."""


def parse(row: Row) -> Record | Rejected:
    """The row as its record type (`record` column, organisation when absent), or the first
    field at fault."""
    if row.error is not None:
        return row.error
    values = {k: v for k, v in row.values.items() if v is not None and v != ""}
    record = str(values.setdefault("record", "organisation")).strip().lower()
    values["record"] = record
    record_type = RECORD_TYPES.get(record)
    if record_type is None:
        known = ", ".join(RECORD_TYPES)
        return Rejected("record", f"unknown record type {record!r}: one of {known}", record)
    try:
        parsed = record_type.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        location = [str(part) for part in first["loc"]]
        field_name = location[0] if location else "record"
        return Rejected(field_name, f"{'.'.join(location)}: {first['msg']}", record)
    assert isinstance(parsed, OrganisationRecord | PositionRecord | RelationshipRecord)
    return parsed


# -- deciding row by row ------------------------------------------------------------------------


@dataclass(frozen=True)
class RowResult:
    """What importing one row does (or would do), and why it cannot when rejected."""

    number: int
    record: str
    key: str | None
    outcome: Outcome
    field: str | None = None
    message: str | None = None


@dataclass
class Pending:
    stream_type: str
    expected_version: int
    events: list[DomainEvent] = field(default_factory=list)


PLANNED = Metadata(actor="import-plan", occurred_at=datetime(2000, 1, 1, tzinfo=UTC))


def streams_of(records: Iterable[Record | Rejected], campaign_id: str, source: str) -> list[str]:
    """Every stream the records touch: the plan needs them as stored before it decides."""
    streams: dict[str, None] = {}
    for record in records:
        match record:
            case OrganisationRecord() | PositionRecord():
                streams[model.stream_id(partner_id_for(campaign_id, source, record.id))] = None
            case RelationshipRecord():
                ends = [_ref(campaign_id, source, key) for key in (record.source, record.target)]
                for end in ends:
                    streams[model.stream_id(end.id)] = None
                tie = network.relationship_id_for(campaign_id, ends[0], record.type, ends[1])
                streams[network.relationship_stream(tie)] = None
    return list(streams)


def _ref(campaign_id: str, source: str, key: str) -> NodeRef:
    return NodeRef(type="partner", id=partner_id_for(campaign_id, source, key))


class Plan:
    """The rows of one file decided in order against the streams as stored, and the events
    each stream would take. Rejected rows leave every stream as it was."""

    def __init__(
        self, campaign_id: str, source: str, stored: Mapping[str, Sequence[RecordedEvent]]
    ) -> None:
        self.campaign_id = campaign_id
        self.source = source
        self._histories = {stream: list(events) for stream, events in stored.items()}
        self.pending: dict[str, Pending] = {}

    def decide(self, number: int, parsed: Record | Rejected) -> RowResult:
        """One row: its outcome, with its events kept for `pending`."""
        match parsed:
            case Rejected():
                return RowResult(
                    number, parsed.record, None, "rejected", parsed.field, parsed.message
                )
            case OrganisationRecord():
                key, decide, stream, stream_type = self._organisation(parsed)
            case PositionRecord():
                key, decide, stream, stream_type = self._position(parsed)
            case RelationshipRecord():
                key, decide, stream, stream_type = self._relationship(parsed)
        history = self._histories.setdefault(stream, [])
        try:
            outcome, events = decide(history)
        except DomainError as error:
            return RowResult(
                number, parsed.record, key, "rejected", _field_of(error, parsed), error.detail
            )
        if events:
            self._record(stream, stream_type, events)
        return RowResult(number, parsed.record, key, outcome)

    # Each record type: (key for the report, decision, stream, stream type).

    def _organisation(self, record: OrganisationRecord) -> tuple[str, Any, str, str]:
        partner_id = partner_id_for(self.campaign_id, self.source, record.id)

        def decide(history: Sequence[RecordedEvent]) -> tuple[Outcome, list[DomainEvent]]:
            known = model.Partner.from_history(history)
            if known is None:
                profile = _profile(record.changes(None))
                created = model.identify(
                    history, partner_id=partner_id, campaign_id=self.campaign_id, profile=profile
                )
                return "created", created
            if known.archived:
                return "unchanged", []
            events = model.update_profile(history, changes=record.changes(known.profile))
            return ("updated" if events else "unchanged"), events

        return record.id, decide, model.stream_id(partner_id), model.STREAM_TYPE

    def _position(self, record: PositionRecord) -> tuple[str, Any, str, str]:
        partner_id = partner_id_for(self.campaign_id, self.source, record.id)

        def decide(history: Sequence[RecordedEvent]) -> tuple[Outcome, list[DomainEvent]]:
            known = model.Partner.from_history(history)
            if known is None:
                raise _missing("id", record.id, self.source)
            events = model.record_position(
                history,
                issue=record.issue,
                stance=record.stance,
                evidence=record.evidence,
                observed_on=record.observed_on,
            )
            new = issue_key(record.issue) not in known.positions
            return ("created" if new else "updated" if events else "unchanged"), events

        return f"{record.id}/{record.issue}", decide, model.stream_id(partner_id), model.STREAM_TYPE

    def _relationship(self, record: RelationshipRecord) -> tuple[str, Any, str, str]:
        source = _ref(self.campaign_id, self.source, record.source)
        target = _ref(self.campaign_id, self.source, record.target)
        tie = network.relationship_id_for(self.campaign_id, source, record.type, target)

        def decide(history: Sequence[RecordedEvent]) -> tuple[Outcome, list[DomainEvent]]:
            ends = []
            for name, key, ref in (
                ("source", record.source, source),
                ("target", record.target, target),
            ):
                campaign = self._campaign_of(model.stream_id(ref.id))
                if campaign is None:
                    raise _missing(name, key, self.source)
                ends.append(network.End(ref, campaign))
            events = network.record_relationship(
                history,
                campaign_id=self.campaign_id,
                source=ends[0],
                target=ends[1],
                relationship=record.type,
                weight=record.weight,
                since=record.since,
                evidence=record.evidence,
            )
            return ("created" if not history else "updated" if events else "unchanged"), events

        key = f"{record.source} {record.type} {record.target}"
        return key, decide, network.relationship_stream(tie), network.RELATIONSHIP_STREAM_TYPE

    def _campaign_of(self, stream: str) -> str | None:
        history = self._histories.get(stream)
        if not history or history[0].event_type != "PartnerIdentified":
            return None
        return str(history[0].payload["campaign_id"])

    def _record(self, stream: str, stream_type: str, events: list[DomainEvent]) -> None:
        history = self._histories[stream]
        pending = self.pending.get(stream)
        if pending is None:
            pending = self.pending[stream] = Pending(stream_type, len(history))
        pending.events += events
        for event in events:
            history.append(_as_recorded(stream, stream_type, len(history) + 1, event))


def _profile(fields: Mapping[str, Any]) -> Profile:
    try:
        return Profile.model_validate(fields)
    except ValidationError as error:
        first = error.errors()[0]
        raise DomainError(first["msg"], field=f"body.{first['loc'][0]}") from error


def _missing(field_name: str, key: str, source: str) -> DomainError:
    return DomainError(
        f"no organisation {key!r} in this file or an earlier import from {source}",
        field=f"body.{field_name}",
    )


def _field_of(error: DomainError, record: Record) -> str:
    """The column a domain refusal names (`body.source.id` is the `source` column)."""
    named = str(error.extra.get("field") or "")
    column = named.removeprefix("body.").split(".")[0]
    if column in type(record).model_fields:
        return column
    return "id" if "id" in type(record).model_fields else "record"


def _as_recorded(stream: str, stream_type: str, version: int, event: DomainEvent) -> RecordedEvent:
    """An event the plan decided, as later rows of the file see it (not stored)."""
    return RecordedEvent.model_construct(
        event_id=uuid.uuid4(),
        stream_id=stream,
        stream_type=stream_type,
        stream_version=version,
        position=0,
        event_type=event.event_type,
        schema_version=event.schema_version,
        payload=event.model_dump(mode="json"),
        metadata=PLANNED,
        recorded_at=PLANNED.occurred_at,
        previous_hash="",
        hash="",
    )
