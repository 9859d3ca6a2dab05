"""The European Social Forum "Memory project" network (GraphML), as rows of the import's own
layout. Organisations become partners by their `type`; events of the forums (seminars,
plenaries, workshops, conference spaces) are not organisations and are left out, with the
"Participated To" edges that lead to them; "Is Part Of" edges become `member_of` ties."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from coalition.research.domain.imports import Row

KINDS = {
    "NGO or Association": "ngo",
    "Trade Union": "union",
    "Political party": "party",
    "Network or federation": "advocacy_group",
    "Network+": "advocacy_group",
    "Project or campaign of several organisations": "advocacy_group",
    "Social Forum Local/Regional/Thematic": "advocacy_group",
    "Social Forum preparatory working group": "advocacy_group",
    "Affinity group or collective": "community_group",
    "Youth organization": "community_group",
    "Co-operative": "community_group",
    "Media": "media",
    "Publisher": "media",
    "Local authority/ local government body": "government_body",
    "Professional group in action": "interest_group",
    "Foundation or trust": "ngo",
    "Research or documentation entity": "think_tank",
    "Religious or spiritual group": "faith_group",
}
EVENTS = {
    "Seminary",
    "Plenary Session",
    "Workshop",
    "Other confluence space - annual conference",
    "Autonomous space connected to an ESF",
}
MEMBERSHIP = "Is Part Of"


def kind_of(node_type: str) -> str | None:
    """The kind of an ESF node type; None for an event of the forums. Other organisations
    ("Other - public school", ...) are NGOs."""
    if node_type in EVENTS:
        return None
    return KINDS.get(node_type, "ngo")


def esf_rows(rows: Iterable[Row]) -> Iterator[Row]:
    read = list(rows)
    organisations: set[str] = set()
    for row in read:
        raw = row.values
        if raw.get("record") == "organisation" and kind_of(str(raw.get("type", ""))) is not None:
            organisations.add(str(raw.get("id", "")))
    for row in read:
        v = {key: str(value) for key, value in row.values.items()}
        if v.get("record") == "organisation" and v.get("id") in organisations:
            yield Row(row.number, organisation(v))
        elif (
            v.get("record") == "relationship"
            and v.get("type") == MEMBERSHIP
            and {v.get("source"), v.get("target")} <= organisations
        ):
            tie = {"record": "relationship", "source": v["source"], "target": v["target"]}
            yield Row(row.number, {**tie, "type": "member_of", "evidence": "ESF memory project"})


def organisation(v: dict[str, str]) -> dict[str, object]:
    name, acronym = v.get("name", ""), v.get("acronym", "")
    return {
        "record": "organisation",
        "id": v.get("id", ""),
        "name": name,
        "kind": kind_of(v.get("type", "")),
        "country": v.get("country") or None,
        "regions": [v["location"]] if v.get("location") else [],
        "aliases": [acronym] if acronym and acronym != name else [],
        "mission": (v.get("description") or None),
        "website": v.get("website") or None,
        "expertise": [v["theme"].strip()] if v.get("theme") else [],
        "external_ids": {"esf": v.get("nid") or v.get("id", "")},
    }
