"""The IRS Exempt Organizations Business Master File (a CSV extract, one state per file), as
rows of the import's own layout. Field meanings are the IRS "EO BMF" data dictionary's.

- `SUBSECTION` (501(c)(n)) gives the kind: 03 charities -> ngo (a church or religious
  organisation, NTEE `X`, -> faith_group), 04 social welfare -> advocacy_group, 05 labour ->
  union, 06 trade associations -> business_association, 07/08/10 clubs and fraternal
  societies -> community_group, anything else -> interest_group.
- `EIN` is the id and `external_ids.irs_ein`; `NTEE_CD` becomes an area of expertise (its
  major group) and `external_ids.ntee`; `REVENUE_AMT` a budget band.
- `GROUP` (group exemption number) with `AFFILIATION` 9 (subordinate) is a chapter of the
  central organisation with the same group number (`AFFILIATION` 6 or 8): a `member_of` tie
  from chapter to parent, when the parent is in the same file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from coalition.research.domain.imports import Row

KINDS = {
    "03": "ngo",
    "04": "advocacy_group",
    "05": "union",
    "06": "business_association",
    "07": "community_group",
    "08": "community_group",
    "10": "community_group",
}
NTEE_MAJOR = {
    "A": "arts, culture and humanities",
    "B": "education",
    "C": "environment",
    "D": "animal-related",
    "E": "health care",
    "F": "mental health",
    "G": "diseases and disorders",
    "H": "medical research",
    "I": "crime and legal",
    "J": "employment",
    "K": "food, agriculture and nutrition",
    "L": "housing and shelter",
    "M": "public safety and disaster relief",
    "N": "recreation and sports",
    "O": "youth development",
    "P": "human services",
    "Q": "international affairs",
    "R": "civil rights and advocacy",
    "S": "community improvement",
    "T": "philanthropy and grantmaking",
    "U": "science and technology",
    "V": "social science",
    "W": "public and societal benefit",
    "X": "religion",
    "Y": "mutual and membership benefit",
    "Z": "unknown",
}
CENTRAL = {"6", "8"}
SUBORDINATE = "9"
NO_GROUP = "0000"


def kind_of(subsection: str, ntee: str) -> str:
    if subsection == "03" and ntee.startswith("X"):
        return "faith_group"
    return KINDS.get(subsection, "interest_group")


def budget_band(revenue: str) -> str | None:
    if not revenue.strip().lstrip("-").isdigit():
        return None
    amount = int(revenue)
    for limit, band in (
        (100_000, "under_100k"),
        (1_000_000, "100k_to_1m"),
        (10_000_000, "1m_to_10m"),
        (100_000_000, "10m_to_100m"),
    ):
        if amount < limit:
            return band
    return "over_100m"


def irs_rows(rows: Iterable[Row]) -> Iterator[Row]:
    """An organisation per IRS record, then the chapter-to-parent ties. A record without an EIN
    or name passes through as it is, so the import rejects it by its column."""
    read = list(rows)
    parents: dict[str, str] = {}
    for row in read:
        raw = row.values
        group = str(raw.get("group", NO_GROUP))
        if str(raw.get("affiliation", "")) in CENTRAL and group != NO_GROUP:
            parents.setdefault(group, str(raw.get("ein", "")))
    ties: list[Row] = []
    for row in read:
        if row.error is not None:
            yield row
            continue
        v = {key: str(value) for key, value in row.values.items()}
        ein, ntee = v.get("ein", ""), v.get("ntee_cd", "")
        yield Row(row.number, organisation(v, ein, ntee))
        parent = parents.get(v.get("group", NO_GROUP))
        if v.get("affiliation") == SUBORDINATE and parent and parent != ein:
            tie = {
                "record": "relationship",
                "source": ein,
                "target": parent,
                "type": "member_of",
                "evidence": f"IRS group exemption {v['group']}",
            }
            ties.append(Row(row.number, tie))
    yield from ties


def organisation(v: dict[str, str], ein: str, ntee: str) -> dict[str, object]:
    external = {"irs_ein": ein} if ein else {}
    if ntee:
        external["ntee"] = ntee
    area = NTEE_MAJOR.get(ntee[:1].upper()) if ntee else None
    return {
        "record": "organisation",
        "id": ein,
        "name": v.get("name", ""),
        "kind": kind_of(v.get("subsection", ""), ntee),
        "country": "US",
        "regions": [region for region in (v.get("state"), v.get("city")) if region],
        "expertise": [area] if area else [],
        "budget_band": budget_band(v.get("revenue_amt", "")),
        "external_ids": external,
    }
