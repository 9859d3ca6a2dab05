"""The pure parts of the audit trail and of projecting a page at a time: folding a page's
partner-list changes gives what applying them one by one gives; decisions are the event types
whose class says so; a CSV export reads back as the entries, whatever their reasons contain."""

from __future__ import annotations

import csv
import io
from typing import Any

from benchmarks.campaign_events import as_event, campaign_rows

from coalition.projections.domain import audit, views


def one_by_one(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for row in rows:
        event = as_event(row)
        for partner_id, changes in views.partner_changes(event).items():
            table.setdefault(partner_id, {}).update(
                changes, updated_at=event.metadata.occurred_at, last_event_id=event.event_id
            )
    return table


def test_a_folded_page_equals_the_events_applied_one_by_one() -> None:
    rows = list(campaign_rows(400))
    folded: dict[str, dict[str, Any]] = {}
    for start in range(0, len(rows), 37):  # pages of 37: a partner's story spans pages
        for partner_id, values in views.fold_partner_changes(
            as_event(r) for r in rows[start : start + 37]
        ).items():
            folded.setdefault(partner_id, {}).update(values)
    assert folded == one_by_one(rows)
    last = views.fold_partner_changes([as_event(r) for r in rows])
    scored = [r for r in rows if r["event_type"] == "PartnerScored"][-1]
    assert last[scored["payload"]["partner_id"]]["score"] == scored["payload"]["score"]


def test_decisions_are_the_event_types_whose_class_says_so() -> None:
    decisions = audit.decision_types()
    assert {"PartnerIdentified", "PartnerScored", "EngagementStageChanged", "PartySigned"} <= set(
        decisions
    )
    assert "PartnerPositionRecorded" not in decisions and "InteractionRecorded" not in decisions
    assert audit.is_decision("AgreementSigned", 1)
    assert not audit.is_decision("SomethingNobodyRegistered", 1)


def test_a_csv_export_reads_back_as_the_entries() -> None:
    rows = list(campaign_rows(30))
    events = {r["event_id"]: as_event(r) for r in rows}
    entries = []
    for position, row in enumerate(rows, start=1):
        event = events[row["event_id"]]
        cause = events.get(row["causation_id"]) if row["causation_id"] else None
        entries.append(
            audit.entry(position, row["service"], event, audit.cause("x", cause) if cause else None)
        )
    tricky = entries[0].__class__(
        **{**entries[0].__dict__, "reason": 'said "no", then\nyes, after all'}
    )
    text = audit.csv_lines([tricky, *entries[1:]], header=True)
    table = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(table[0]) == audit.CSV_COLUMNS
    assert table[0]["reason"] == 'said "no", then\nyes, after all'
    assert [r["event_id"] for r in table] == [str(e.event_id) for e in entries]
    assert [r["caused_by_type"] for r in table] == [
        e.caused_by.event_type if e.caused_by else "" for e in entries
    ]
    assert all(r["decision"] in ("true", "false") for r in table)
