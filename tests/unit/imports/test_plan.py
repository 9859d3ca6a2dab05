"""The rules of a bulk import, row by row (pure): what each row would create, update or leave
unchanged against the streams as stored, and why a rejected row is rejected, by column."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from coalition.research.domain import partner as model
from coalition.research.domain.imports import Plan, Row, RowResult, parse, partner_id_for
from coalition.shared.events.envelope import RecordedEvent
from tests.unit.domain.histories import recorded

C, SOURCE = "living-wage", "unions-2026"
UNITE = {"id": "u1", "name": "Unite", "kind": "union", "members": "1200000"}
UNISON = {"id": "u2", "name": "Unison", "kind": "union"}


def plan_of(
    rows: Sequence[Mapping[str, object]],
    stored: Mapping[str, Sequence[RecordedEvent]] | None = None,
) -> tuple[Plan, list[RowResult]]:
    plan = Plan(C, SOURCE, stored or {})
    results = [
        plan.decide(number, parse(Row(number, values)))
        for number, values in enumerate(rows, start=2)
    ]
    return plan, results


def as_stored(plan: Plan) -> dict[str, list[RecordedEvent]]:
    """What the store would hold after the plan was written."""
    return {
        stream: [
            recorded(event, version, stream_id=stream)
            for version, event in enumerate(pending.events, start=1)
        ]
        for stream, pending in plan.pending.items()
    }


def outcomes(results: list[RowResult]) -> list[tuple[str, str | None]]:
    return [(r.outcome, r.field) for r in results]


def test_new_rows_create_and_a_second_import_of_the_same_file_changes_nothing() -> None:
    rows = [
        UNITE,
        UNISON,
        {
            "record": "position",
            "id": "u1",
            "issue": "Living wage",
            "stance": "support",
            "evidence": "conference motion 2025",
        },
        {
            "record": "relationship",
            "source": "u2",
            "target": "u1",
            "type": "allied_with",
            "weight": "0.5",
        },
    ]
    plan, first = plan_of(rows)
    assert outcomes(first) == [("created", None)] * 4
    unite = model.stream_id(partner_id_for(C, SOURCE, "u1"))
    assert [e.event_type for e in plan.pending[unite].events] == [
        "PartnerIdentified",
        "PartnerPositionRecorded",
    ]
    again, second = plan_of(rows, as_stored(plan))
    assert outcomes(second) == [("unchanged", None)] * 4
    assert not again.pending


def test_a_changed_column_updates_and_absent_columns_are_left_alone() -> None:
    plan, _ = plan_of([{**UNITE, "country": "GB", "external_ids": "crm=9"}])
    changed = {
        "id": "u1",
        "name": "Unite",
        "kind": "union",
        "members": "1300000",
        "external_ids": "irs_ein=1",
    }
    later, [result] = plan_of([changed], as_stored(plan))
    assert result.outcome == "updated"
    [update] = next(iter(later.pending.values())).events
    assert update.model_dump()["members"] == 1_300_000
    assert update.model_dump()["country"] == "GB"  # not in the file: kept
    assert update.model_dump()["external_ids"] == {"crm": "9", "irs_ein": "1"}


def test_bad_values_are_rejected_naming_the_column() -> None:
    _, results = plan_of(
        [
            {**UNITE, "kind": "guild"},  # unknown enum value
            {**UNITE, "members": "many"},  # wrong type
            {**UNITE, "members": True},  # a JSON boolean is no count
            {"id": "u3", "kind": "union"},  # no name
            {**UNITE, "colour": "red"},  # unknown column
            {"record": "petition", "id": "x"},  # unknown record type
            {
                "record": "relationship",
                "source": "u1",
                "target": "u2",
                "type": "member_of",
                "weight": "2",
            },  # out of range
        ]
    )
    assert outcomes(results) == [
        ("rejected", "kind"),
        ("rejected", "members"),
        ("rejected", "members"),
        ("rejected", "name"),
        ("rejected", "colour"),
        ("rejected", "record"),
        ("rejected", "weight"),
    ]
    assert "guild" in (results[0].message or "") or "party" in (results[0].message or "")


def test_positions_and_ties_need_organisations_of_the_source() -> None:
    plan, results = plan_of(
        [
            UNITE,
            {
                "record": "position",
                "id": "nobody",
                "issue": "x",
                "stance": "support",
                "evidence": "e",
            },
            {"record": "relationship", "source": "u1", "target": "nobody", "type": "funds"},
            {"record": "relationship", "source": "u1", "target": "u1", "type": "funds"},
            {"record": "position", "id": "u1", "issue": "x", "stance": "maybe", "evidence": "e"},
        ]
    )
    assert outcomes(results) == [
        ("created", None),
        ("rejected", "id"),
        ("rejected", "target"),
        ("rejected", "target"),  # a tie needs two different ends
        ("rejected", "stance"),
    ]
    assert "nobody" in (results[1].message or "")
    assert len(plan.pending) == 1  # only the organisation: rejected rows decide nothing


def test_ids_are_deterministic_per_campaign_source_and_record() -> None:
    assert partner_id_for(C, SOURCE, "u1") == partner_id_for(C, SOURCE, "u1")
    assert partner_id_for(C, SOURCE, "u1") != partner_id_for(C, "other", "u1")
    assert partner_id_for(C, SOURCE, "u1") != partner_id_for("clean-air", SOURCE, "u1")
