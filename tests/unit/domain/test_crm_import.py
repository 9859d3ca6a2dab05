"""The import rules of the research domain (pure): a CRM record identifies and links a partner
once, updates its profile only when it changed, and a contact is recorded once per change."""

from __future__ import annotations

from coalition.research.domain.partner import (
    CrmProfile,
    KeyPerson,
    Partner,
    import_record,
)
from coalition.research.domain.partner import record_crm_contact as record_key_person
from coalition.shared.contracts.research import Profile
from coalition.shared.events.envelope import DomainEvent, RecordedEvent
from tests.unit.domain.histories import recorded

UNITE = CrmProfile(name="Unite", kind="union", country="GB", members=1_000_000)


def history_of(*batches: list[DomainEvent]) -> list[RecordedEvent]:
    events = [event for batch in batches for event in batch]
    return [recorded(event, version) for version, event in enumerate(events, start=1)]


def imported(history: list[RecordedEvent], profile: CrmProfile = UNITE) -> list[DomainEvent]:
    return import_record(
        history,
        partner_id="p1",
        campaign_id="c1",
        connector="civicrm",
        external_id="42",
        profile=profile,
    )


def test_a_new_record_identifies_and_links_the_partner() -> None:
    first = imported([])
    assert [event.event_type for event in first] == ["PartnerIdentified", "PartnerLinkedToCrm"]
    partner = Partner.from_history(history_of(first))
    assert partner is not None
    assert partner.crm_records == {"civicrm": "42"} and partner.profile == Profile.model_validate(
        UNITE.__dict__
    )


def test_the_same_record_again_decides_nothing_and_a_changed_one_an_update() -> None:
    history = history_of(imported([]))
    assert imported(history) == []
    renamed = CrmProfile(name="Unite the Union", kind="union", country="GB", members=1_200_000)
    [update] = imported(history, renamed)
    assert update.event_type == "PartnerProfileUpdated"
    partner = Partner.from_history(history_of(imported([]), [update]))
    assert (
        partner is not None
        and partner.profile == Profile.model_validate(renamed.__dict__)
        and partner.version == 3
    )


def test_a_contact_is_recorded_once_per_change_and_never_for_an_unknown_partner() -> None:
    maria = KeyPerson("Maria Lopez", "Campaigns lead")
    assert record_key_person([], person_id="civicrm:7", person=maria) == []
    history = history_of(imported([]))
    [recorded_person] = record_key_person(history, person_id="civicrm:7", person=maria)
    with_maria = history_of(imported([]), [recorded_person])
    assert record_key_person(with_maria, person_id="civicrm:7", person=maria) == []
    promoted = KeyPerson("Maria Lopez", "General secretary")
    assert len(record_key_person(with_maria, person_id="civicrm:7", person=promoted)) == 1
    partner = Partner.from_history(with_maria)
    assert partner is not None and partner.key_people == {"civicrm:7": maria}
