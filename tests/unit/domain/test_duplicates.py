"""Duplicate detection: normalised names, aliases, external ids and fuzzy names, on made-up
records and on real ones (tests/data/irs-dc-names-sample.csv, IRS names as registered)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from coalition.research.domain.duplicates import Candidate, blocks, candidates
from coalition.research.domain.names import normalise
from coalition.research.domain.partner import Partner
from coalition.shared.contracts.research import Profile

SAMPLE = Path(__file__).parents[2] / "data" / "irs-dc-names-sample.csv"


def partner(partner_id: str, name: str, *, version: int = 1, **profile: Any) -> Partner:
    crm_records = profile.pop("crm_records", {})
    archived = profile.pop("archived", False)
    return Partner(
        partner_id,
        "living-wage",
        Profile(name=name, kind="ngo", **profile),
        version,
        crm_records=crm_records,
        archived=archived,
    )


def pairs(found: list[Candidate]) -> set[frozenset[str]]:
    return {frozenset((c.partner_id, c.duplicate_id)) for c in found}


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("The Women's Alliance & Friends, Inc.", "womens alliance and friends"),
        ("UNITE THE UNION", "unite the union"),
        ("Förderverein Grüne Zukunft e.V.", "forderverein grune zukunft"),
        ("Fédération Syndicale Unitaire", "federation syndicale unitaire"),
        ("National Education Association", "national education"),
        ("Sierra Club Foundation, Inc", "sierra club foundation"),
        ("U.S. Chamber of Commerce", "us chamber of commerce"),
        ("Association", "association"),  # nothing but a legal form: kept
        ("ANTIOCH BAPTIST CHURCH-DC", "antioch baptist church dc"),
        ("Straßen Verein", "strassen verein"),
    ],
)
def test_names_are_normalised_to_what_identifies_the_organisation(
    written: str, normalised: str
) -> None:
    assert normalise(written) == normalised


def test_an_ampersand_and_and_are_the_same_name() -> None:
    found = candidates(
        [
            partner("a", "Friends of the Earth & Partners"),
            partner("b", "Friends of the Earth and Partners Inc"),
        ]
    )
    assert [(c.similarity, c.reasons) for c in found] == [(1.0, ("same name once normalised",))]


def test_an_alias_matching_a_name_is_an_alias_match() -> None:
    found = candidates(
        [
            partner("a", "American Civil Liberties Union", aliases=["ACLU"]),
            partner("b", "A.C.L.U."),
        ]
    )
    assert [(c.partner_id, c.duplicate_id, c.reasons) for c in found] == [
        ("a", "b", ("alias match",))
    ]


def test_the_same_external_id_is_a_candidate_whatever_the_names() -> None:
    found = candidates(
        [
            partner("a", "Unite the Union", external_ids={"irs_ein": "52-1234567"}),
            partner("b", "Unite", external_ids={"irs_ein": "521234567"}),
            partner("c", "Unison", crm_records={"civicrm": "17"}),
            partner("d", "UNISON the public service union", crm_records={"civicrm": "17"}),
        ]
    )
    assert {(c.partner_id, c.duplicate_id): c.reasons for c in found} == {
        ("a", "b"): ("same irs_ein",),
        ("c", "d"): ("same civicrm record",),
    }
    assert {c.similarity for c in found} == {1.0}


def test_different_ids_in_one_registry_are_different_organisations() -> None:
    chapters = [
        partner(f"p{n}", "PHI BETA KAPPA SOCIETY", external_ids={"irs_ein": f"01054783{n}"})
        for n in range(3)
    ]
    assert candidates(chapters) == []


def test_the_suggested_survivor_has_the_longer_history() -> None:
    [found] = candidates([partner("a", "Unite", version=1), partner("b", "UNITE", version=5)])
    assert (found.partner_id, found.duplicate_id) == ("b", "a")


def test_archived_partners_are_never_candidates() -> None:
    found = candidates([partner("a", "Unite"), partner("b", "Unite", archived=True)])
    assert found == []


def test_a_group_of_one_name_is_paired_with_its_likely_survivor_only() -> None:
    group = [partner(f"p{n:03d}", "AARP", version=1 + (n == 7)) for n in range(40)]
    found = candidates(group)
    assert len(found) == 39  # not 780
    assert {c.partner_id for c in found} == {"p007"}


def test_fuzzy_matches_say_their_score_and_scorer() -> None:
    [found] = candidates(
        [partner("a", "Toastmasters International"), partner("b", "TOASTMASTER INTERNATIONAL")]
    )
    assert found.similarity == 0.98
    assert found.reasons == ("name 0.98 token_sort_ratio",)


def test_min_similarity_filters_and_the_list_is_most_alike_first() -> None:
    everyone = [
        partner("a", "Unite"),
        partner("b", "Unite Inc"),
        partner("c", "Freedoms Watch"),
        partner("d", "Freedom Watch Inc"),
    ]
    assert [c.similarity for c in candidates(everyone, min_similarity=0.9)] == [1.0, 0.96]
    assert [c.similarity for c in candidates(everyone, min_similarity=0.97)] == [1.0]


def test_names_go_into_the_blocks_of_their_two_rarest_words() -> None:
    found = blocks(["antioch baptist church", "morning star baptist church", "antioch church"])
    assert found == {
        "antioch": ["antioch baptist church", "antioch church"],
        "baptist": ["antioch baptist church"],  # for the other, two words are rarer
        "morning": ["morning star baptist church"],
        "star": ["morning star baptist church"],
        "church": ["antioch church"],
    }


def irs_sample(*, with_ein: bool) -> list[Partner]:
    with SAMPLE.open(newline="") as file:
        rows = list(csv.DictReader(file))
    return [
        partner(row["EIN"], row["NAME"], external_ids={"irs_ein": row["EIN"]} if with_ein else {})
        for row in rows
    ]


def test_real_names_registered_twice_are_found_and_nothing_else() -> None:
    found = candidates(irs_sample(with_ein=False), min_similarity=0.9)
    fuzzy = {c for c in found if c.reasons[0].startswith("name")}
    assert pairs(list(fuzzy)) == {
        frozenset(pair)
        for pair in [
            ("203823618", "300559132"),  # NATIONAL CONFERENCE / CONFRENCE OF STATE SOCIETIES
            ("300559132", "541993305"),
            ("203823618", "541993305"),
            ("232160304", "464761753"),  # PUBLIC ADMINISTRATION / ADMINSTRATION
            ("237245937", "237276387"),  # PRINCE HALL GRAND / GRNAD LODGE
            ("256061859", "526055614"),  # MOVING PICTURE / PICTURES
            ("201481593", "521683345"),  # TOASTMASTERS / TOASTMASTER INTERNATIONAL
            ("201481593", "901248683"),  # TOASTOASTMASTERS
            ("521683345", "901248683"),
            ("510208784", "510208801"),  # CTRL & EPIDEMIOLOGY INC / CTRL AND EPIDEMIOLOGY IN
            ("260540871", "521948015"),  # FREEDOMS WATCH / FREEDOM WATCH INC
            ("521145358", "911786535"),  # ANTIOCH BAPTIST CHURCH-DC / ANTIOCH BAPTIST CHURCH
        ]
    }
    same_name = {c.duplicate_id for c in found if c.reasons == ("same name once normalised",)}
    assert {"010572370", "010722919", "010838420", "016018624"} <= same_name  # PHI BETA KAPPA


def test_real_names_with_their_own_eins_are_not_merged_by_name() -> None:
    assert candidates(irs_sample(with_ein=True)) == []
