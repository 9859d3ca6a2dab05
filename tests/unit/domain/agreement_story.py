"""Build an agreement's history by taking the domain's own decisions in turn, each recorded on
a day of the test's choosing: the tests read like the story they check."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import partial

from coalition.agreement.domain import agreement as model
from coalition.shared.contracts import catalogue
from coalition.shared.contracts.agreement import (
    AgreementContent,
    Goal,
    Responsibility,
)
from coalition.shared.events.envelope import DomainEvent, Metadata, RecordedEvent

CAMPAIGN = "c1"
AGREEMENT = "a1"
DAY = date(2026, 3, 2)


def content(**changes: object) -> AgreementContent:
    """A two-party agreement with one goal and two responsibilities, one year long."""
    base = AgreementContent(
        title="Clean air pact",
        parties=["p1", "p2"],
        terms="1. We campaign together.\n2. We share our lists.",
        goals=[Goal(goal_id="g1", statement="Pass the clean air bill", objective_id="o1")],
        responsibilities=[
            Responsibility(
                responsibility_id="r1",
                party_id="p1",
                task="Organise the rally",
                deliverable="A rally of 500 people",
                due_on=date(2026, 6, 1),
            ),
            Responsibility(
                responsibility_id="r2",
                party_id=CAMPAIGN,
                task="Brief the press",
                deliverable="Three briefings",
                due_on=date(2026, 9, 1),
            ),
        ],
        starts_on=date(2026, 3, 1),
        ends_on=date(2027, 2, 28),
        review_every_days=90,
    )
    return base.model_copy(update=changes)


@dataclass
class Story:
    """An agreement's stream, grown by decisions."""

    history: list[RecordedEvent] = field(default_factory=list)
    day: date = DAY

    def on(self, day: date) -> Story:
        self.day = day
        return self

    def take(self, decide: Callable[[Sequence[RecordedEvent]], Sequence[DomainEvent]]) -> Story:
        for event in decide(self.history):
            self.record(event)
        return self

    def record(self, event: DomainEvent, actor: str = "alice") -> None:
        version = len(self.history) + 1
        occurred = datetime.combine(self.day, time(9, 30), tzinfo=UTC)
        self.history.append(
            RecordedEvent(
                event_id=uuid.uuid4(),
                stream_id=model.stream_id(AGREEMENT),
                stream_type=model.STREAM_TYPE,
                stream_version=version,
                position=version,
                event_type=event.event_type,
                schema_version=event.schema_version,
                payload=event.model_dump(mode="json"),
                metadata=Metadata(
                    actor=actor, reason="why", campaign_id=CAMPAIGN, occurred_at=occurred
                ),
                recorded_at=occurred,
                previous_hash="0" * 64,
                hash="a" * 64,
            )
        )

    @property
    def state(self) -> model.Agreement:
        return model.current(self.history)

    @property
    def types(self) -> list[str]:
        return [event.event_type for event in self.history]

    def decoded(self) -> list[DomainEvent]:
        return [catalogue.decode(event) for event in self.history]

    # the usual steps ---------------------------------------------------------------------------

    def drafted(self, **changes: object) -> Story:
        return self.take(
            lambda h: model.draft(
                h, agreement_id=AGREEMENT, campaign_id=CAMPAIGN, content=content(**changes)
            )
        )

    def amended(self, by: str = "p2", **changes: object) -> Story:
        new = self.state.content.model_copy(update=changes)
        return self.take(lambda h: model.amend(h, proposed_by=by, content=new))

    def sent(self, sign_by: date | None = None) -> Story:
        return self.take(lambda h: model.send_for_signature(h, sign_by=sign_by))

    def signed_by(self, *parties: str) -> Story:
        for party in parties:
            now = self.state.current
            self.take(
                partial(
                    model.sign,
                    partner_id=party,
                    signatory=f"signatory of {party}",
                    signed_terms_hash=now.terms_hash,
                    version=now.number,
                )
            )
        return self

    def in_force(self) -> Story:
        return self.drafted().sent().signed_by("p1", "p2")
