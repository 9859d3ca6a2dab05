"""Unit tests of the event envelope, the catalogue and the hash chain (no database)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, ClassVar

import pytest
from pydantic import ValidationError

from coalition.shared.contracts import catalogue as product_catalogue
from coalition.shared.contracts.research import PartnerIdentified
from coalition.shared.contracts.scoring import PartnerScored
from coalition.shared.events import (
    Catalogue,
    DomainEvent,
    Metadata,
    NewEvent,
    ReasonRequiredError,
    RecordedEvent,
)
from coalition.shared.events.catalogue import UnknownEventTypeError
from coalition.shared.events.envelope import utc_now
from coalition.shared.eventstore.hashing import (
    GENESIS,
    event_hash,
    recorded_event_hash,
    verify_chain,
    verify_chain_async,
)

# -- event types used only here ---------------------------------------------------------------


class ThingHappened(DomainEvent):
    service = "unit"

    thing_id: str
    count: int = 0


class ThingDecided(DomainEvent):
    service = "unit"
    is_decision = True

    thing_id: str


class Renamed(DomainEvent):
    event_type = "ThingRenamedV2Name"
    schema_version = 2
    service = "unit"

    name: str


class SpecialThingHappened(ThingHappened):
    pass


def meta(**overrides: Any) -> Metadata:
    values: dict[str, Any] = {"actor": "alice@example.org", **overrides}
    return Metadata(**values)


def recorded(new: NewEvent, *, stream_id: str = "thing-1", version: int = 1) -> RecordedEvent:
    """A RecordedEvent as the store would return it (hashes are not needed here)."""
    return RecordedEvent(
        event_id=new.event_id,
        stream_id=stream_id,
        stream_type="thing",
        stream_version=version,
        position=version,
        event_type=new.event_type,
        schema_version=new.schema_version,
        payload=new.payload.model_dump(mode="json"),
        metadata=new.metadata,
        recorded_at=utc_now(),
        previous_hash=GENESIS,
        hash=GENESIS,
    )


# -- DomainEvent --------------------------------------------------------------------------------


def test_event_type_defaults_to_the_class_name() -> None:
    assert ThingHappened.event_type == "ThingHappened"
    assert ThingHappened(thing_id="t").event_type == "ThingHappened"


def test_subclass_of_an_event_gets_its_own_event_type() -> None:
    assert SpecialThingHappened.event_type == "SpecialThingHappened"
    assert ThingHappened.event_type == "ThingHappened"


def test_explicit_event_type_and_schema_version_are_kept() -> None:
    assert Renamed.event_type == "ThingRenamedV2Name"
    assert Renamed.schema_version == 2


def test_defaults_of_an_event_class() -> None:
    assert ThingHappened.schema_version == 1
    assert ThingHappened.is_decision is False
    assert ThingDecided.is_decision is True


def test_event_type_is_not_a_payload_field() -> None:
    assert ThingHappened(thing_id="t", count=2).model_dump() == {"thing_id": "t", "count": 2}


def test_payload_is_frozen_and_rejects_unknown_fields() -> None:
    event = ThingHappened(thing_id="t")
    with pytest.raises(ValidationError):
        event.thing_id = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        ThingHappened(thing_id="t", colour="red")  # type: ignore[call-arg]


# -- Metadata -----------------------------------------------------------------------------------


def test_utc_now_is_timezone_aware_utc() -> None:
    now = utc_now()
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)


def test_metadata_defaults() -> None:
    before = datetime.now(UTC)
    first = meta()
    after = datetime.now(UTC)
    second = meta()
    assert first.reason is None
    assert first.causation_id is None
    assert first.campaign_id is None
    assert isinstance(first.correlation_id, uuid.UUID)
    assert first.correlation_id != second.correlation_id
    assert first.occurred_at.tzinfo is not None
    assert first.occurred_at.utcoffset() == timedelta(0)
    assert before <= first.occurred_at <= after


def test_metadata_requires_an_actor() -> None:
    with pytest.raises(ValidationError):
        Metadata()  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        meta(actor="")


def test_metadata_limits_and_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        meta(reason="x" * 2001)
    with pytest.raises(ValidationError):
        meta(campaign_id="c" * 101)
    with pytest.raises(ValidationError):
        meta(mood="cheerful")


def test_metadata_is_frozen() -> None:
    metadata = meta()
    with pytest.raises(ValidationError):
        metadata.actor = "mallory"  # type: ignore[misc]


def test_metadata_reacting_to_a_cause() -> None:
    cause = recorded(
        NewEvent(
            payload=ThingHappened(thing_id="t"),
            metadata=meta(campaign_id="campaign-7", causation_id=uuid.uuid4()),
        )
    )
    reaction = Metadata.reacting_to(cause, actor="service:scoring", reason="scored on arrival")
    assert reaction.actor == "service:scoring"
    assert reaction.reason == "scored on arrival"
    assert reaction.correlation_id == cause.metadata.correlation_id
    assert reaction.causation_id == cause.event_id
    assert reaction.campaign_id == "campaign-7"
    assert reaction.occurred_at.utcoffset() == timedelta(0)


# -- NewEvent -----------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", [None, "", "   \n\t"])
def test_decision_without_reason_is_refused(reason: str | None) -> None:
    with pytest.raises(ReasonRequiredError, match="ThingDecided is a decision and needs a reason"):
        NewEvent(payload=ThingDecided(thing_id="t"), metadata=meta(reason=reason))


def test_decision_without_reason_raises_reason_required_error_itself() -> None:
    with pytest.raises(ReasonRequiredError):
        NewEvent(payload=ThingDecided(thing_id="t"), metadata=meta())


def test_contract_decision_without_reason_is_refused() -> None:
    payload = PartnerIdentified(partner_id="p-1", campaign_id="c-1", name="Friends", kind="ngo")
    with pytest.raises(ReasonRequiredError):
        NewEvent(payload=payload, metadata=meta())


def test_decision_with_reason_is_accepted() -> None:
    new = NewEvent(payload=ThingDecided(thing_id="t"), metadata=meta(reason="because"))
    assert new.metadata.reason == "because"


def test_non_decision_needs_no_reason() -> None:
    new = NewEvent(payload=ThingHappened(thing_id="t"), metadata=meta())
    assert new.metadata.reason is None


def test_new_event_properties_and_defaults() -> None:
    first = NewEvent(payload=Renamed(name="n"), metadata=meta())
    second = NewEvent(payload=Renamed(name="n"), metadata=meta())
    assert first.event_type == "ThingRenamedV2Name"
    assert first.schema_version == 2
    assert isinstance(first.event_id, uuid.UUID)
    assert first.event_id != second.event_id
    assert isinstance(first.payload, Renamed)


# -- Catalogue ----------------------------------------------------------------------------------


def test_catalogue_register_get_and_decode() -> None:
    catalogue = Catalogue()
    assert catalogue.register(ThingHappened) is ThingHappened
    catalogue.register(Renamed)
    assert catalogue.get("ThingHappened") is ThingHappened
    assert catalogue.get("ThingRenamedV2Name", 2) is Renamed
    assert "ThingHappened" in catalogue
    assert "ThingRenamedV2Name" in catalogue
    assert "Nothing" not in catalogue

    stored = recorded(NewEvent(payload=ThingHappened(thing_id="t", count=3), metadata=meta()))
    decoded = catalogue.decode(stored)
    assert decoded == ThingHappened(thing_id="t", count=3)
    assert isinstance(decoded, ThingHappened)


def test_catalogue_works_as_a_class_decorator() -> None:
    catalogue = Catalogue()

    @catalogue.register
    class Decorated(DomainEvent):
        service = "unit"

    assert catalogue.get("Decorated") is Decorated


def test_catalogue_unknown_type_or_version() -> None:
    catalogue = Catalogue()
    catalogue.register(ThingHappened)
    with pytest.raises(UnknownEventTypeError, match="Nothing v1"):
        catalogue.get("Nothing")
    with pytest.raises(UnknownEventTypeError, match="ThingHappened v2"):
        catalogue.get("ThingHappened", 2)
    stored = recorded(NewEvent(payload=ThingDecided(thing_id="t"), metadata=meta(reason="r")))
    with pytest.raises(UnknownEventTypeError):
        catalogue.decode(stored)
    assert issubclass(UnknownEventTypeError, LookupError)


def test_catalogue_rejects_a_second_class_for_the_same_type_and_version() -> None:
    catalogue = Catalogue()
    catalogue.register(ThingHappened)

    class Impostor(DomainEvent):
        event_type = "ThingHappened"
        service = "unit"

    with pytest.raises(ValueError, match="registered twice"):
        catalogue.register(Impostor)
    assert catalogue.get("ThingHappened") is ThingHappened


def test_catalogue_registering_the_same_class_twice_is_harmless() -> None:
    catalogue = Catalogue()
    catalogue.register(ThingHappened)
    catalogue.register(ThingHappened)
    assert list(catalogue) == [ThingHappened]


def test_catalogue_holds_several_schema_versions_of_one_type() -> None:
    catalogue = Catalogue()

    class OldName(DomainEvent):
        event_type = "ThingRenamedV2Name"
        service = "unit"

        old: str

    catalogue.register(OldName)
    catalogue.register(Renamed)
    assert catalogue.get("ThingRenamedV2Name", 1) is OldName
    assert catalogue.get("ThingRenamedV2Name", 2) is Renamed


def test_catalogue_iterates_in_registration_order() -> None:
    catalogue = Catalogue()

    class Zebra(DomainEvent):
        service = "alpha"

    class Aardvark(DomainEvent):
        service = "beta"

    class Yak(DomainEvent):
        service = "alpha"

    for event_class in (Aardvark, Zebra, Yak, Zebra):
        catalogue.register(event_class)
    assert list(catalogue) == [Aardvark, Zebra, Yak]


def test_product_catalogue_types_every_contract() -> None:
    classes = list(product_catalogue)
    assert PartnerIdentified in classes
    assert PartnerScored in classes
    services = list(dict.fromkeys(event_class.service for event_class in classes))
    assert services == ["research", "scoring", "engagement", "agreement"]
    assert len({(c.event_type, c.schema_version) for c in classes}) == len(classes)
    for event_class in classes:
        assert product_catalogue.get(event_class.event_type, event_class.schema_version) is (
            event_class
        )


# -- hashing ------------------------------------------------------------------------------------

HASH_FIELDS: dict[str, Any] = {
    "previous_hash": GENESIS,
    "event_id": uuid.UUID("00000000-0000-4000-8000-000000000001"),
    "stream_id": "thing-1",
    "stream_type": "thing",
    "stream_version": 1,
    "event_type": "ThingHappened",
    "schema_version": 1,
    "payload": {"thing_id": "t", "count": 1, "nested": {"b": [1, 2], "a": "ü"}},
    "actor": "alice",
    "reason": "why not",
    "correlation_id": uuid.UUID("00000000-0000-4000-8000-000000000002"),
    "causation_id": uuid.UUID("00000000-0000-4000-8000-000000000003"),
    "campaign_id": "campaign-1",
    "occurred_at": datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
    "recorded_at": datetime(2026, 1, 2, 3, 4, 6, 7, tzinfo=UTC),
}

CHANGED_FIELDS: dict[str, Any] = {
    "previous_hash": "f" * 64,
    "event_id": uuid.UUID("00000000-0000-4000-8000-000000000009"),
    "stream_id": "thing-2",
    "stream_type": "other",
    "stream_version": 2,
    "event_type": "ThingDecided",
    "schema_version": 2,
    "payload": {"thing_id": "t", "count": 2, "nested": {"b": [1, 2], "a": "ü"}},
    "actor": "bob",
    "reason": None,
    "correlation_id": uuid.UUID("00000000-0000-4000-8000-000000000008"),
    "causation_id": None,
    "campaign_id": None,
    "occurred_at": datetime(2026, 1, 2, 3, 4, 5, 7, tzinfo=UTC),
    "recorded_at": datetime(2026, 1, 2, 3, 4, 6, 8, tzinfo=UTC),
}


def test_event_hash_is_deterministic_sha256_hex() -> None:
    digest = event_hash(**HASH_FIELDS)
    assert digest == event_hash(**HASH_FIELDS)
    assert len(digest) == 64
    assert int(digest, 16) >= 0


def test_event_hash_ignores_payload_key_order() -> None:
    reordered = {**HASH_FIELDS, "payload": {"nested": {"a": "ü", "b": [1, 2]}, "count": 1}}
    reordered["payload"]["thing_id"] = "t"
    assert event_hash(**reordered) == event_hash(**HASH_FIELDS)


def test_event_hash_depends_on_the_instant_not_its_timezone() -> None:
    plus_two = timezone(timedelta(hours=2))
    shifted = {
        **HASH_FIELDS,
        "occurred_at": HASH_FIELDS["occurred_at"].astimezone(plus_two),
    }
    # The store always hashes UTC; a different rendering of the same instant is a different hash.
    assert event_hash(**shifted) != event_hash(**HASH_FIELDS)


@pytest.mark.parametrize("field", sorted(CHANGED_FIELDS))
def test_event_hash_covers_every_field(field: str) -> None:
    changed = {**HASH_FIELDS, field: CHANGED_FIELDS[field]}
    assert event_hash(**changed) != event_hash(**HASH_FIELDS)


class ChainBuilder:
    """Builds correctly hash-chained RecordedEvents for several streams, in log order."""

    base_time: ClassVar[datetime] = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    def __init__(self) -> None:
        self.position = 0
        self.heads: dict[str, tuple[int, str]] = {}
        self.events: list[RecordedEvent] = []

    def add(self, stream_id: str, count: int = 1) -> ChainBuilder:
        for _ in range(count):
            version, previous = self.heads.get(stream_id, (0, GENESIS))
            self.position += 1
            version += 1
            event = RecordedEvent(
                event_id=uuid.uuid4(),
                stream_id=stream_id,
                stream_type="thing",
                stream_version=version,
                position=self.position,
                event_type="ThingHappened",
                schema_version=1,
                payload={"thing_id": stream_id, "count": version},
                metadata=meta(reason=f"step {self.position}"),
                recorded_at=self.base_time + timedelta(seconds=self.position),
                previous_hash=previous,
                hash=GENESIS,
            )
            event = event.model_copy(update={"hash": recorded_event_hash(event)})
            self.heads[stream_id] = (version, event.hash)
            self.events.append(event)
        return self


def interleaved_log() -> list[RecordedEvent]:
    return ChainBuilder().add("a", 2).add("b", 3).add("a", 2).add("c").add("b", 2).events


def replace(
    log: list[RecordedEvent], index: int, **changes: Any
) -> tuple[list[RecordedEvent], RecordedEvent]:
    tampered = log[index].model_copy(update=changes)
    return [*log[:index], tampered, *log[index + 1 :]], tampered


def test_builder_hashes_match_the_store_formula() -> None:
    first = interleaved_log()[0]
    assert first.previous_hash == GENESIS
    assert first.hash == event_hash(
        previous_hash=GENESIS,
        event_id=first.event_id,
        stream_id=first.stream_id,
        stream_type=first.stream_type,
        stream_version=first.stream_version,
        event_type=first.event_type,
        schema_version=first.schema_version,
        payload=first.payload,
        actor=first.metadata.actor,
        reason=first.metadata.reason,
        correlation_id=first.metadata.correlation_id,
        causation_id=first.metadata.causation_id,
        campaign_id=first.metadata.campaign_id,
        occurred_at=first.metadata.occurred_at,
        recorded_at=first.recorded_at,
    )


def test_verify_chain_accepts_a_clean_log() -> None:
    log = interleaved_log()
    result = verify_chain(log)
    assert result.ok
    assert result.checked == len(log)
    assert result.first_failure_event_id is None
    assert result.first_failure_position is None
    assert result.problem is None


def test_verify_chain_of_nothing_is_ok() -> None:
    result = verify_chain([])
    assert result.ok
    assert result.checked == 0


def test_verify_chain_names_a_tampered_payload() -> None:
    log, tampered = replace(interleaved_log(), 5, payload={"thing_id": "b", "count": 999})
    result = verify_chain(log)
    assert not result.ok
    assert result.first_failure_event_id == tampered.event_id
    assert result.first_failure_position == tampered.position
    assert result.checked == 6
    assert result.problem == "content does not match its hash"


def test_verify_chain_names_tampered_metadata() -> None:
    log = interleaved_log()
    log, tampered = replace(log, 3, metadata=log[3].metadata.model_copy(update={"actor": "eve"}))
    result = verify_chain(log)
    assert result.first_failure_event_id == tampered.event_id
    assert result.problem == "content does not match its hash"


def test_verify_chain_names_a_replaced_hash() -> None:
    log, tampered = replace(interleaved_log(), 2, hash="e" * 64)
    result = verify_chain(log)
    assert result.first_failure_event_id == tampered.event_id
    assert result.problem == "content does not match its hash"


def test_verify_chain_names_a_broken_previous_hash() -> None:
    log, tampered = replace(interleaved_log(), 6, previous_hash="d" * 64)
    result = verify_chain(log)
    assert not result.ok
    assert result.first_failure_event_id == tampered.event_id
    assert result.first_failure_position == tampered.position
    assert result.problem == "previous_hash does not match the preceding event's hash"


def test_verify_chain_detects_a_rehashed_event_by_its_successor() -> None:
    """Recomputing a tampered event's own hash breaks the link from its successor."""
    log = interleaved_log()
    edited = log[2].model_copy(update={"payload": {"thing_id": "b", "count": 0}})
    edited = edited.model_copy(update={"hash": recorded_event_hash(edited)})
    log[2] = edited
    successor = next(e for e in log[3:] if e.stream_id == edited.stream_id)
    result = verify_chain(log)
    assert result.first_failure_event_id == successor.event_id
    assert result.problem == "previous_hash does not match the preceding event's hash"


def test_verify_chain_names_the_event_after_a_version_gap() -> None:
    log = interleaved_log()
    removed = log.pop(3)  # b v2
    successor = log[3]
    assert (successor.stream_id, successor.stream_version) == (removed.stream_id, 3)
    result = verify_chain(log)
    assert not result.ok
    assert result.first_failure_event_id == successor.event_id
    assert result.first_failure_position == successor.position
    assert result.problem == "stream version 3 follows 1"


def test_verify_chain_names_a_stream_that_does_not_start_at_one() -> None:
    log = interleaved_log()
    result = verify_chain(log[1:])
    assert result.first_failure_event_id == log[1].event_id
    assert result.problem == "stream version 2 follows 0"


def test_verify_chain_names_a_duplicated_version() -> None:
    log = interleaved_log()
    result = verify_chain([*log[:3], log[2], *log[3:]])
    assert result.first_failure_position == log[2].position
    assert result.checked == 4
    assert result.problem == "stream version 1 follows 1"


def test_verify_chain_reports_only_the_first_failure() -> None:
    log, _ = replace(interleaved_log(), 8, payload={"thing_id": "c", "count": -1})
    log, first = replace(log, 4, previous_hash="0" * 63 + "1")
    result = verify_chain(log)
    assert result.first_failure_event_id == first.event_id
    assert result.checked == 5


async def _as_async(events: Iterable[RecordedEvent]) -> AsyncIterator[RecordedEvent]:
    for event in events:
        yield event


async def test_verify_chain_async_agrees_with_verify_chain() -> None:
    clean = interleaved_log()
    tampered, _ = replace(clean, 5, payload={"thing_id": "b", "count": 999})
    gap = [*clean[:3], *clean[4:]]
    for log in (clean, tampered, gap, []):
        assert await verify_chain_async(_as_async(log)) == verify_chain(log)
