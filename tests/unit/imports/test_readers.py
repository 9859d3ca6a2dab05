"""The readers (pure parsing): CSV, JSON Lines and GraphML become numbered rows of values; a
file that is not of its format at all is refused as a whole; the IRS and ESF layouts map real
data onto organisations and member-of ties."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from coalition.research.adapters.imports import UnreadableFileError, read_rows
from coalition.research.adapters.imports.csv_reader import EXTRA_CELLS
from coalition.research.domain.imports import (
    OrganisationRecord,
    RelationshipRecord,
    parse,
)

DATA = Path(__file__).parents[2] / "data"


def test_csv_rows_are_numbered_by_line_and_blank_cells_are_absent() -> None:
    text = (
        "record,id,name,kind,members,regions,source,target,type\n"
        "organisation,u1,Unite,union,1200000,London|Leeds,,,\n"
        "\n"
        'organisation,u2,"Unison, the union",union,,,,,\n'
        "relationship,,,,,,u2,u1,allied_with\n"
    )
    rows = read_rows(text.encode(), "csv")
    assert [row.number for row in rows] == [2, 4, 5]
    first = parse(rows[0])
    assert isinstance(first, OrganisationRecord)
    assert (first.members, first.regions) == (1_200_000, ["London", "Leeds"])
    assert isinstance(parse(rows[1]), OrganisationRecord)
    tie = parse(rows[2])
    assert isinstance(tie, RelationshipRecord)
    assert (tie.source, tie.target, tie.type, tie.weight) == ("u2", "u1", "allied_with", 1.0)


def test_a_csv_row_with_more_cells_than_columns_is_rejected_naming_them() -> None:
    rows = read_rows(b"id,name,kind\nu1,Unite,union,surplus\n", "csv")
    rejected = parse(rows[0])
    assert getattr(rejected, "field", None) == EXTRA_CELLS


def test_a_file_that_is_not_of_its_format_is_refused_as_a_whole() -> None:
    with pytest.raises(UnreadableFileError, match="empty"):
        read_rows(b"", "csv")
    with pytest.raises(UnreadableFileError, match="UTF-8"):
        read_rows("name\nCaf\u00e9".encode("latin-1"), "csv")
    with pytest.raises(UnreadableFileError, match="XML"):
        read_rows(b"<graphml><graph>", "graphml")


def test_graphml_with_a_dtd_is_refused_before_parsing() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
        b"<graphml><graph><node id='1'/></graph></graphml>"
    )
    with pytest.raises(UnreadableFileError, match="DOCTYPE"):
        read_rows(bomb, "graphml")


def test_json_lines_read_each_line_on_its_own() -> None:
    text = (
        '{"id": "u1", "name": "Unite", "kind": "union", "external_ids": {"crm": "9"}}\n'
        "not json\n"
        "[1, 2]\n"
        '{"record": "position", "id": "u1", "issue": "Living Wage", "stance": "support",'
        ' "evidence": "https://example.org/statement"}\n'
    )
    rows = read_rows(text.encode(), "jsonl")
    assert [row.number for row in rows] == [1, 2, 3, 4]
    organisation = parse(rows[0])
    assert isinstance(organisation, OrganisationRecord)
    assert organisation.external_ids == {"crm": "9"}
    assert [getattr(parse(row), "field", None) for row in rows[1:3]] == ["record", "record"]
    assert parse(rows[3]).record == "position"


def test_graphml_nodes_are_organisations_and_edges_relationships() -> None:
    text = b"""<?xml version='1.0'?>
<graphml xmlns='http://graphml.graphdrawing.org/xmlns'>
<key id='n' for='node' attr.name='name'/><key id='k' for='node' attr.name='kind'/>
<key id='t' for='edge' attr.name='type'/>
<graph edgedefault='directed'>
<node id='a'><data key='n'>Unite</data><data key='k'>union</data></node>
<node id='b'><data key='n'>TUC</data><data key='k'>union</data></node>
<edge source='a' target='b'><data key='t'>member_of</data></edge>
</graph></graphml>"""
    rows = [parse(row) for row in read_rows(text, "graphml")]
    assert [r.record for r in rows] == ["organisation", "organisation", "relationship"]
    assert isinstance(rows[2], RelationshipRecord)
    assert (rows[2].source, rows[2].target, rows[2].type) == ("a", "b", "member_of")


def test_the_irs_extract_maps_subsections_eins_ntee_and_group_exemptions() -> None:
    rows = read_rows((DATA / "irs-eo-dc-sample.csv").read_bytes(), "csv", "irs_eo_bmf")
    records = [parse(row) for row in rows]
    organisations = [r for r in records if isinstance(r, OrganisationRecord)]
    ties = [r for r in records if isinstance(r, RelationshipRecord)]
    assert len(organisations) == 200
    assert all(r.external_ids["irs_ein"] == r.id for r in organisations)
    kinds = Counter(r.kind for r in organisations)
    assert {"ngo", "advocacy_group", "union", "business_association"} <= set(kinds)
    university = next(r for r in organisations if r.id == "010466768")
    assert university.expertise == ["international affairs"]  # NTEE Q300
    assert university.budget_band == "1m_to_10m"  # revenue 2,542,000
    assert ties and all(t.type == "member_of" for t in ties)
    assert {t.evidence for t in ties} >= {
        "IRS group exemption 0024",
        "IRS group exemption 0036",
        "IRS group exemption 0055",
        "IRS group exemption 0064",
    }


def test_the_esf_network_maps_node_types_and_membership_edges() -> None:
    rows = read_rows((DATA / "esf-network.graphml").read_bytes(), "graphml", "esf")
    records = [parse(row) for row in rows]
    assert not [r for r in records if not hasattr(r, "id") and not hasattr(r, "source")]
    organisations = [r for r in records if isinstance(r, OrganisationRecord)]
    kinds = Counter(r.kind for r in organisations)
    assert kinds["ngo"] >= 300 and kinds["union"] == 192 and kinds["party"] == 78
    assert len(organisations) == 1080 - 147 - 31 - 5 - 2  # seminars, plenaries, workshops...
    eleven = next(r for r in organisations if r.id == "0")
    assert (eleven.aliases, eleven.country, eleven.kind) == (
        ["11.11.11"],
        "Belgium",
        "advocacy_group",
    )
    assert eleven.external_ids == {"esf": "0"}
    ties = [r for r in records if isinstance(r, RelationshipRecord)]
    assert ties and {t.type for t in ties} == {"member_of"}
    assert len(ties) <= 242  # only "Is Part Of" edges between organisations
