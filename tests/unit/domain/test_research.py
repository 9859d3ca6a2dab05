"""The research domain: identifying a prospective partner, and rebuilding it from its stream."""

from __future__ import annotations

import pytest

from coalition.research.domain.partner import STREAM_TYPE, Partner, identify, stream_id
from coalition.shared.contracts.research import PartnerIdentified, Profile
from coalition.shared.events.envelope import RecordedEvent
from coalition.shared.web.problems import DomainError, InvalidInputError
from tests.unit.domain.histories import recorded


def identified(
    *,
    partner_id: str = "p1",
    name: str = "Unite",
    kind: str = "union",
    country: str | None = "GB",
    members: int | None = 1_000_000,
) -> PartnerIdentified:
    return PartnerIdentified.model_validate(
        {
            "partner_id": partner_id,
            "campaign_id": "c1",
            "name": name,
            "kind": kind,
            "country": country,
            "members": members,
        }
    )


def test_stream_id_and_type() -> None:
    assert stream_id("p1") == "partner-p1"
    assert STREAM_TYPE == "partner"


def test_identify_on_an_empty_stream_emits_one_partner_identified() -> None:
    events = identify(
        [],
        partner_id="p1",
        campaign_id="c1",
        profile=Profile(
            name="Unite",
            kind="union",
            country="GB",
            members=1_000_000,
        ),
    )

    assert events == [identified()]


def test_identify_strips_the_name() -> None:
    [event] = identify(
        [],
        partner_id="p1",
        campaign_id="c1",
        profile=Profile(
            name="  Friends of the Earth \n",
            kind="ngo",
            country=None,
            members=None,
        ),
    )

    assert isinstance(event, PartnerIdentified)
    assert event.name == "Friends of the Earth"
    assert event.country is None
    assert event.members is None


def test_identify_refuses_a_blank_name_naming_the_field() -> None:
    with pytest.raises(InvalidInputError) as refused:
        identify(
            [],
            partner_id="p1",
            campaign_id="c1",
            profile=Profile(
                name=" \n ",
                kind="ngo",
                country=None,
                members=None,
            ),
        )

    assert refused.value.status == 422
    assert refused.value.extra == {"field": "body.name"}


def test_identify_refuses_when_the_partner_already_has_a_history() -> None:
    history = [recorded(identified(), 1, stream_id="partner-p1")]

    with pytest.raises(DomainError) as raised:
        identify(
            history,
            partner_id="p1",
            campaign_id="c1",
            profile=Profile(
                name="Unite again",
                kind="union",
                country=None,
                members=None,
            ),
        )

    assert raised.value.status == 409
    assert raised.value.kind == "rule-violated"
    assert raised.value.extra == {"partner_id": "p1"}
    assert "p1" in raised.value.detail


def test_partner_from_an_empty_history_is_none() -> None:
    assert Partner.from_history([]) is None


def test_partner_from_history() -> None:
    history = [recorded(identified(members=42, country=None), 1)]

    partner = Partner.from_history(history)

    assert partner == Partner(
        partner_id="p1",
        campaign_id="c1",
        profile=Profile(
            name="Unite",
            kind="union",
            country=None,
            members=42,
        ),
        version=1,
    )


def test_partner_version_follows_every_later_event() -> None:
    first = recorded(identified(), 1)
    later_events: list[RecordedEvent] = [
        first.model_copy(update={"event_type": "PartnerNoted", "stream_version": version})
        for version in (2, 3)
    ]

    partner = Partner.from_history([first, *later_events])

    assert partner is not None
    assert partner.version == 3
    assert partner.name == "Unite"


def test_events_before_identification_are_ignored() -> None:
    stray = recorded(identified(), 1).model_copy(
        update={"event_type": "SomethingElse", "payload": {}}
    )

    partner = Partner.from_history([stray, recorded(identified(name="Later"), 2)])

    assert partner is not None
    assert partner.name == "Later"
    assert partner.version == 2
