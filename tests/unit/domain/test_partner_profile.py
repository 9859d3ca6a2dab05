"""A partner's profile, people, positions, collaborations, archive and merge (pure)."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest

from coalition.research.domain import partner as model
from coalition.shared.contracts.research import Profile, Resources
from coalition.shared.web.problems import DomainError, InvalidInputError, NotFoundError
from tests.unit.domain.stream import Stream

UNITE = Profile(
    name="Unite the Union",
    kind="union",
    country="GB",
    members=1_200_000,
    aliases=["Unite", "Unite"],
    external_ids={"certification-officer": "717T"},
)


def identified(partner_id: str = "p1", profile: Profile = UNITE) -> Stream:
    stream = Stream()
    stream.apply(partial(model.identify, partner_id=partner_id, campaign_id="c1", profile=profile))
    return stream


def state(stream: Stream) -> model.Partner:
    partner = model.Partner.from_history(stream.history)
    assert partner is not None
    return partner


def test_the_profile_is_kept_whole_and_tidied() -> None:
    partner = state(identified())
    assert partner.profile.aliases == ["Unite"]
    assert partner.profile.external_ids == {"certification-officer": "717T"}


def test_an_update_names_what_changed_and_keeps_the_rest() -> None:
    stream = identified()
    resources = Resources(budget_band="over_100m", staff=1_300, logistics=["venues"])
    [update] = stream.apply(
        partial(
            model.update_profile, changes={"mission": "Organise workers", "resources": resources}
        )
    )
    assert update.changed == ["mission", "resources"]  # type: ignore[attr-defined]
    partner = state(stream)
    assert partner.profile.mission == "Organise workers"
    assert partner.profile.resources.staff == 1_300
    assert partner.profile.members == 1_200_000
    assert (
        stream.apply(partial(model.update_profile, changes={"mission": "Organise workers"})) == []
    )


def test_an_update_with_a_wrong_value_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        model.update_profile(identified().history, changes={"kind": "guild"})


def test_key_people_are_recorded_corrected_and_removed() -> None:
    stream = identified()
    maria = model.KeyPerson("Maria Lopez", "Campaigns lead", "maria@unite.example")
    stream.apply(partial(model.record_key_person, person_id="staff:1", person=maria))
    assert stream.apply(partial(model.record_key_person, person_id="staff:1", person=maria)) == []
    stream.apply(partial(model.remove_key_person, person_id="staff:1"))
    assert state(stream).key_people == {}
    with pytest.raises(NotFoundError):
        stream.apply(partial(model.remove_key_person, person_id="staff:1"))


def test_a_position_is_kept_per_issue_with_its_evidence() -> None:
    stream = identified()
    record = partial(model.record_position, evidence=" https://unite.example/lw ")
    stream.apply(partial(record, issue="Living Wage", stance="support"))
    assert stream.apply(partial(record, issue="living-wage", stance="support")) == []
    stream.apply(partial(record, issue="living-wage", stance="strongly_support"))
    position = state(stream).positions["living-wage"]
    assert (position.stance, position.evidence) == ("strongly_support", "https://unite.example/lw")


def test_a_collaboration_cannot_end_before_it_started() -> None:
    backwards = model.Collaboration(
        ("GMB",), "NHS pay", date(2024, 1, 1), date(2023, 1, 1), "failed"
    )
    with pytest.raises(InvalidInputError) as refused:
        model.record_collaboration(
            identified().history, collaboration_id="k1", collaboration=backwards
        )
    assert refused.value.extra["field"] == "body.ended_on"


def test_an_archived_partner_accepts_no_further_change() -> None:
    stream = identified()
    stream.apply(model.archive)
    assert state(stream).archived
    with pytest.raises(DomainError, match="archived"):
        stream.apply(partial(model.update_profile, changes={"mission": "x"}))
    with pytest.raises(DomainError):
        stream.apply(model.archive)


def test_a_merge_keeps_both_histories_and_carries_what_the_survivor_lacked() -> None:
    survivor = identified()
    duplicate = identified(
        "p2",
        Profile(
            name="UNITE",
            kind="union",
            mission="Organise workers",
            external_ids={"irs_ein": "123", "certification-officer": "other"},
        ),
    )
    duplicate.apply(
        partial(model.record_key_person, person_id="crm:7", person=model.KeyPerson("Ann", None))
    )
    merge = model.merge(survivor.history, duplicate.history, similarity=0.92)
    survivor.append(merge.survivor)
    duplicate.append(merge.duplicate)
    kept = state(survivor)
    assert kept.merged_from == ("p2",)
    assert kept.profile.aliases == ["Unite", "UNITE"]
    assert kept.profile.mission == "Organise workers"
    assert kept.profile.external_ids == {"irs_ein": "123", "certification-officer": "717T"}
    assert set(kept.key_people) == {"crm:7"}
    gone = state(duplicate)
    assert (gone.archived, gone.merged_into, gone.version) == (True, "p1", 3)
    with pytest.raises(DomainError, match="merged into p1"):
        model.merge(survivor.history, duplicate.history)


def test_a_partner_is_not_merged_with_itself() -> None:
    stream = identified()
    with pytest.raises(InvalidInputError):
        model.merge(stream.history, stream.history)
