"""The pure merge rules: what a merge appends to each stream, what it carries over to the
survivor, and when it is refused."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from coalition.research.domain.partner import (
    KeyPerson,
    Merge,
    Partner,
    merge,
    record_key_person,
    record_position,
    stream_id,
)
from coalition.shared.contracts.research import (
    PartnerArchived,
    PartnerIdentified,
    PartnerLinkedToCrm,
    PartnerProfileUpdated,
    PartnersMerged,
)
from coalition.shared.events.envelope import DomainEvent, RecordedEvent
from coalition.shared.web.problems import DomainError, InvalidInputError
from tests.unit.domain.histories import recorded


def history(
    partner_id: str, name: str, campaign_id: str = "c1", **profile: object
) -> list[RecordedEvent]:
    identified = PartnerIdentified.model_validate(
        {"partner_id": partner_id, "campaign_id": campaign_id, "name": name, "kind": "union"}
        | profile
    )
    return [recorded(identified, 1, stream_id=stream_id(partner_id))]


def extend(stream: list[RecordedEvent], events: Sequence[DomainEvent]) -> list[RecordedEvent]:
    start = len(stream)
    return [
        *stream,
        *(
            recorded(event, start + n, stream_id=stream[0].stream_id)
            for n, event in enumerate(events, 1)
        ),
    ]


def applied(
    survivor: list[RecordedEvent], duplicate: list[RecordedEvent], decided: Merge
) -> tuple[list[RecordedEvent], list[RecordedEvent]]:
    return extend(survivor, decided.survivor), extend(duplicate, decided.duplicate)


def rebuilt(stream: list[RecordedEvent]) -> Partner:
    partner = Partner.from_history(stream)
    assert partner is not None
    return partner


def test_a_merge_records_it_on_the_survivor_and_archives_the_duplicate() -> None:
    survivor, duplicate = history("s", "Unite the Union"), history("d", "UNITE")

    decided = merge(survivor, duplicate, similarity=0.93)

    assert decided.survivor[0] == PartnersMerged(
        partner_id="s",
        campaign_id="c1",
        merged_partner_id="d",
        merged_name="UNITE",
        similarity=0.93,
    )
    assert decided.duplicate == [PartnerArchived(partner_id="d", campaign_id="c1", merged_into="s")]


def test_the_survivor_carries_the_duplicates_name_ids_people_and_positions() -> None:
    survivor = history(
        "s", "Unite the Union", aliases=["Unite"], external_ids={"esf": "e-1"}, country=None
    )
    duplicate = history(
        "d", "UNITE UNION", aliases=["Unite the union UK"], external_ids={"irs_ein": "52-1"}
    )
    duplicate = extend(
        duplicate,
        [
            PartnerLinkedToCrm(
                partner_id="d", campaign_id="c1", connector="civicrm", external_id="17"
            ),
            *record_key_person(
                duplicate, person_id="civicrm:9", person=KeyPerson("Sharon Graham", "GS")
            ),
        ],
    )
    duplicate = extend(
        duplicate,
        record_position(duplicate, issue="Living wage", stance="support", evidence="policy"),
    )
    survivor = extend(
        survivor,
        record_position(survivor, issue="climate", stance="neutral", evidence="site"),
    )

    after, archived = applied(survivor, duplicate, merge(survivor, duplicate))

    partner = rebuilt(after)
    assert partner.profile.aliases == ["Unite", "UNITE UNION", "Unite the union UK"]
    assert partner.profile.external_ids == {"esf": "e-1", "irs_ein": "52-1"}
    assert partner.key_people == {"civicrm:9": KeyPerson("Sharon Graham", "GS")}
    assert set(partner.positions) == {"climate", "living-wage"}
    assert partner.merged_from == ("d",)
    gone = rebuilt(archived)
    assert (gone.archived, gone.merged_into) == (True, "s")
    updated = [
        e for e in merge(survivor, duplicate).survivor if isinstance(e, PartnerProfileUpdated)
    ]
    assert updated[0].changed == ["aliases", "external_ids"]


def test_both_histories_are_kept_whole() -> None:
    survivor, duplicate = history("s", "Unite the Union"), history("d", "UNITE")

    after, archived = applied(survivor, duplicate, merge(survivor, duplicate))

    assert after[: len(survivor)] == survivor
    assert archived[: len(duplicate)] == duplicate
    assert [e.event_type for e in archived] == ["PartnerIdentified", "PartnerArchived"]


def test_merging_an_already_merged_partner_is_refused_naming_where_it_went() -> None:
    survivor, duplicate = history("s", "Unite the Union"), history("d", "UNITE")
    _, archived = applied(survivor, duplicate, merge(survivor, duplicate))
    other = history("o", "Unison")

    with pytest.raises(DomainError) as again:
        merge(other, archived)
    assert (again.value.status, again.value.kind) == (409, "rule-violated")
    assert again.value.detail == "partner d is archived: merged into s"
    assert again.value.extra == {"partner_id": "d", "merged_into": "s"}

    with pytest.raises(DomainError) as into_merged:
        merge(archived, other)
    assert into_merged.value.extra["merged_into"] == "s"


def test_a_partner_cannot_be_merged_with_itself() -> None:
    survivor = history("s", "Unite the Union")
    with pytest.raises(InvalidInputError) as refused:
        merge(survivor, survivor)
    assert refused.value.status == 422
    assert refused.value.extra == {"field": "body.duplicate_id"}


def test_partners_of_different_campaigns_are_not_merged() -> None:
    with pytest.raises(DomainError) as refused:
        merge(history("s", "Unite"), history("d", "Unite", campaign_id="c2"))
    assert refused.value.status == 409


def test_an_unknown_partner_cannot_be_merged() -> None:
    with pytest.raises(DomainError) as refused:
        merge(history("s", "Unite"), [])
    assert refused.value.status == 404
