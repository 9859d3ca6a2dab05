"""A scripted campaign as projections receives it: partners identified and researched, scored
(caused by their identification), engaged and moved through the pipeline (caused by the score),
recommended into coalitions, drafted into agreements and signed, some archived; across two
campaigns and several people. Rows of `received_events` (not pydantic objects), so that a
million can be generated and copied into PostgreSQL quickly; `as_event` makes one an event."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from coalition.shared.events.envelope import Metadata, RecordedEvent

CAMPAIGNS = ("living-wage", "clean-air")
PEOPLE = ("key:maria", "key:li", "user:sam")
KINDS = ("union", "ngo", "faith_group", "think_tank", "media")
STAGES = ("prioritised", "contacted", "in_dialogue", "interested", "committed")
START = datetime(2026, 1, 1, tzinfo=UTC)
NOT_HASHED = "0" * 64

Row = dict[str, Any]


class _Script:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.versions: dict[str, int] = {}
        self.positions: dict[str, int] = {}
        self.clock = START
        self.rows: list[Row] = []

    def event(
        self,
        service: str,
        stream: tuple[str, str],
        event_type: str,
        payload: dict[str, Any],
        *,
        campaign: str,
        actor: str,
        reason: str | None,
        cause: Row | None = None,
    ) -> Row:
        stream_type, stream_id = stream
        self.versions[stream_id] = self.versions.get(stream_id, 0) + 1
        self.positions[service] = self.positions.get(service, 0) + 1
        self.clock += timedelta(seconds=self.random.randint(1, 90))
        row: Row = {
            "event_id": uuid.UUID(int=self.random.getrandbits(128), version=4),
            "stream_id": stream_id,
            "stream_type": stream_type,
            "stream_version": self.versions[stream_id],
            "event_type": event_type,
            "schema_version": 1,
            "payload": payload,
            "actor": actor,
            "reason": reason,
            "correlation_id": (
                cause["correlation_id"]
                if cause
                else uuid.UUID(int=self.random.getrandbits(128), version=4)
            ),
            "causation_id": cause["event_id"] if cause else None,
            "campaign_id": campaign,
            "occurred_at": self.clock,
            "recorded_at": self.clock + timedelta(milliseconds=self.random.randint(1, 50)),
            "previous_hash": NOT_HASHED,
            "hash": NOT_HASHED,
            "service": service,
            "source_position": self.positions[service],
        }
        self.rows.append(row)
        return row


def _partner(script: _Script, number: int, coalition: list[str]) -> None:
    r = script.random
    campaign = CAMPAIGNS[number % len(CAMPAIGNS)]
    partner = f"p{number:07d}"
    person = r.choice(PEOPLE)
    name = f"Organisation {number}"
    kind = r.choice(KINDS)
    identified = script.event(
        "research",
        ("partner", partner),
        "PartnerIdentified",
        {"partner_id": partner, "campaign_id": campaign, "name": name, "kind": kind},
        campaign=campaign,
        actor=person,
        reason="met them at the coalition fair",
    )
    script.event(
        "research",
        ("partner", partner),
        "PartnerPositionRecorded",
        {
            "partner_id": partner,
            "issue": "minimum-wage",
            "stance": r.choice(["support", "strongly_support", "neutral"]),
            "evidence": f"https://example.org/{partner}",
        },
        campaign=campaign,
        actor=person,
        reason="their website",
    )
    score = round(r.random(), 4)
    scored = script.event(
        "scoring",
        ("score", f"{campaign}:{partner}"),
        "PartnerScored",
        {
            "partner_id": partner,
            "campaign_id": campaign,
            "score": score,
            "model": "default",
            "model_version": 1,
            "excluded": False,
            "recommended": score > 0.5,
        },
        campaign=campaign,
        actor="service:scoring",
        reason=f"0.4 x alignment + 0.6 x influence = {score}",
        cause=identified,
    )
    if score <= 0.3:
        return
    stage = STAGES[0]
    moved = script.event(
        "engagement",
        ("engagement", f"{campaign}:{partner}"),
        "EngagementOpened",
        {"partner_id": partner, "campaign_id": campaign, "stage": stage},
        campaign=campaign,
        actor="service:engagement",
        reason="recommended by the score",
        cause=scored,
    )
    for to_stage in STAGES[1 : r.randint(2, len(STAGES))]:
        moved = script.event(
            "engagement",
            ("engagement", f"{campaign}:{partner}"),
            "EngagementStageChanged",
            {"partner_id": partner, "from_stage": stage, "to_stage": to_stage, "skipped": []},
            campaign=campaign,
            actor=person,
            reason="after a call",
            cause=moved,
        )
        stage = to_stage
    coalition.append(partner)
    if stage == "committed" and len(coalition) >= 2:
        parties = coalition[-2:]
        agreement = f"a-{partner}"
        drafted = script.event(
            "agreement",
            ("agreement", agreement),
            "AgreementDrafted",
            {"agreement_id": agreement, "title": f"Pact {number}", "parties": parties},
            campaign=campaign,
            actor=person,
            reason="agreed at the steering group",
        )
        for party in parties:
            script.event(
                "agreement",
                ("agreement", agreement),
                "PartySigned",
                {"agreement_id": agreement, "partner_id": party, "signatory": "Chair"},
                campaign=campaign,
                actor=person,
                reason="signed at the launch",
                cause=drafted,
            )
        script.event(
            "agreement",
            ("agreement", agreement),
            "AgreementSigned",
            {"agreement_id": agreement, "parties": parties},
            campaign=campaign,
            actor="service:agreement",
            reason="every party signed",
            cause=drafted,
        )
    if number % 7 == 0:
        members = [{"partner_id": p, "name": f"Organisation {p}"} for p in coalition[-3:]]
        script.event(
            "scoring",
            ("coalition", campaign),
            "CoalitionRecommended",
            {"campaign_id": campaign, "members": members, "coverage": 0.75, "uncovered": []},
            campaign=campaign,
            actor="service:scoring",
            reason="the best three",
            cause=scored,
        )
    if number % 11 == 0:
        script.event(
            "research",
            ("partner", partner),
            "PartnerArchived",
            {"partner_id": partner, "merged_into": None},
            campaign=campaign,
            actor=person,
            reason="no longer active",
        )


def campaign_rows(events: int, seed: int = 20261129) -> Iterator[Row]:
    """About `events` rows (whole partners' stories), in the order received."""
    script = _Script(seed)
    coalitions: dict[int, list[str]] = {0: [], 1: []}
    emitted = 0
    number = 0
    while emitted < events:
        number += 1
        _partner(script, number, coalitions[number % 2])
        for row in script.rows:
            if emitted >= events:
                return
            emitted += 1
            yield row
        script.rows.clear()


def as_event(row: Row) -> RecordedEvent:
    return RecordedEvent(
        event_id=row["event_id"],
        stream_id=row["stream_id"],
        stream_type=row["stream_type"],
        stream_version=row["stream_version"],
        position=row["source_position"],
        event_type=row["event_type"],
        schema_version=row["schema_version"],
        payload=row["payload"],
        metadata=Metadata(
            actor=row["actor"],
            reason=row["reason"],
            correlation_id=row["correlation_id"],
            causation_id=row["causation_id"],
            campaign_id=row["campaign_id"],
            occurred_at=row["occurred_at"],
        ),
        recorded_at=row["recorded_at"],
        previous_hash=row["previous_hash"],
        hash=row["hash"],
    )
