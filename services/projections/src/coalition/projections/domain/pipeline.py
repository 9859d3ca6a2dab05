"""How partners move through a campaign: the first event that took each one to each stage of
the funnel (identified, scored, contacted, committed, signed), and each stay of its engagement
entry in a pipeline stage, with the events that began and ended it. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from coalition.shared.events.envelope import RecordedEvent

FunnelStage = Literal["identified", "scored", "contacted", "committed", "signed"]
FUNNEL: tuple[FunnelStage, ...] = ("identified", "scored", "contacted", "committed", "signed")
CONVERSIONS: tuple[tuple[FunnelStage, FunnelStage], ...] = (
    ("identified", "scored"),
    ("scored", "contacted"),
    ("contacted", "committed"),
    ("committed", "signed"),
    ("identified", "signed"),
)
PIPELINE_STAGES = (
    "identified",
    "prioritised",
    "contacted",
    "in_dialogue",
    "interested",
    "committed",
    "declined",
    "paused",
)
CONTACTED = frozenset({"contacted", "in_dialogue", "interested", "committed"})
"""Pipeline stages at or past first contact: reaching any of them (by a skip too) is contact."""

Reach = dict[FunnelStage, dict[str, RecordedEvent]]
"""Funnel stage -> partner id -> the first event that took the partner there."""


def merged_duplicates(events: Sequence[RecordedEvent]) -> frozenset[str]:
    """Partners archived as duplicates of another: the same organisation, counted once."""
    return frozenset(
        str(e.payload["partner_id"])
        for e in events
        if e.event_type == "PartnerArchived" and e.payload.get("merged_into")
    )


def _stages_reached(event: RecordedEvent) -> list[tuple[FunnelStage, list[str]]]:
    p = event.payload
    match event.event_type:
        case "PartnerIdentified":
            return [("identified", [p["partner_id"]])]
        case "PartnerScored":
            return [("scored", [p["partner_id"]])]
        case "EngagementOpened" | "EngagementStageChanged":
            stage = p["stage"] if event.event_type == "EngagementOpened" else p["to_stage"]
            out: list[tuple[FunnelStage, list[str]]] = []
            if stage in CONTACTED:
                out.append(("contacted", [p["partner_id"]]))
            if stage == "committed":
                out.append(("committed", [p["partner_id"]]))
            return out
        case "CommitmentMade":
            return [("committed", [p["partner_id"]])]
        case "AgreementSigned":
            return [("signed", [str(party) for party in p["parties"]])]
    return []


def reach(events: Sequence[RecordedEvent], duplicates: frozenset[str] | None = None) -> Reach:
    """The first event (in log order) that took each partner to each funnel stage; a partner
    merged into another as a duplicate (in `events`, or named in `duplicates`) is left out."""
    duplicates = merged_duplicates(events) | (duplicates or frozenset())
    found: Reach = {stage: {} for stage in FUNNEL}
    for event in events:
        for stage, partners in _stages_reached(event):
            for partner in partners:
                if partner not in duplicates:
                    found[stage].setdefault(partner, event)
    return found


@dataclass(frozen=True)
class Stay:
    """A time an engagement entry spent in one pipeline stage."""

    partner_id: str
    stage: str
    entered: RecordedEvent
    left: RecordedEvent | None

    def days(self, until: datetime) -> float:
        """Days in the stage: to when it left, or to `until` if it had not left by then."""
        left = self.left_at(until)
        end = left if left is not None else until
        return (end - self.entered.metadata.occurred_at).total_seconds() / 86400

    def left_at(self, moment: datetime) -> datetime | None:
        """When it left, if it had by `moment`."""
        if self.left is None or self.left.metadata.occurred_at > moment:
            return None
        return self.left.metadata.occurred_at


def stays(events: Sequence[RecordedEvent]) -> list[Stay]:
    """Every stay of every entry, from its opening and its moves (log order)."""
    open_: dict[str, tuple[str, RecordedEvent]] = {}
    done: list[Stay] = []
    for event in events:
        p = event.payload
        if event.event_type == "EngagementOpened":
            open_[p["partner_id"]] = (p["stage"], event)
        elif event.event_type == "EngagementStageChanged":
            partner = p["partner_id"]
            if partner in open_:
                stage, entered = open_[partner]
                done.append(Stay(partner, stage, entered, event))
            open_[partner] = (p["to_stage"], event)
    done.extend(Stay(partner, stage, entered, None) for partner, (stage, entered) in open_.items())
    return done
