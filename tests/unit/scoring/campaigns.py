"""Small campaigns for scoring tests, built from the events research would publish."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from coalition.scoring.domain.facts import CampaignFacts, FactRow, fold
from coalition.shared.contracts import catalogue
from coalition.shared.contracts.research import (
    CampaignLaunched,
    CampaignNeedsStated,
    CollaborationRecorded,
    DealBreakerDeclared,
    NodeRef,
    PartnerIdentified,
    PartnerPositionRecorded,
    PolicyPositionTaken,
    RelationshipRecorded,
    StakeholderRecorded,
)
from coalition.shared.events.envelope import DomainEvent, RecordedEvent
from tests.unit.domain.histories import recorded

CAMPAIGN = "living-wage"


class Campaign:
    """A campaign's facts, event by event; `facts()` folds them as scoring does."""

    def __init__(self, campaign_id: str = CAMPAIGN) -> None:
        self.campaign_id = campaign_id
        self.events: list[RecordedEvent] = []
        self._positions = itertools.count(1)
        self.add(CampaignLaunched(campaign_id=campaign_id, name="Living wage now"))

    def add(self, payload: DomainEvent) -> RecordedEvent:
        event = recorded(payload, next(self._positions))
        self.events.append(event)
        return event

    def stance(self, issue: str, stance: str, weight: float = 1.0) -> Campaign:
        self.add(
            PolicyPositionTaken(
                campaign_id=self.campaign_id,
                issue=issue,
                stance=stance,
                weight=weight,
            )
        )
        return self

    def partner(self, partner_id: str, kind: str = "ngo", **profile: Any) -> Campaign:
        self.add(
            PartnerIdentified(
                partner_id=partner_id,
                campaign_id=self.campaign_id,
                name=profile.pop("name", partner_id.title()),
                kind=kind,
                **profile,
            )
        )
        return self

    def position(self, partner_id: str, issue: str, stance: str) -> Campaign:
        self.add(
            PartnerPositionRecorded(
                partner_id=partner_id,
                campaign_id=self.campaign_id,
                issue=issue,
                stance=stance,
                evidence=f"statement by {partner_id}",
            )
        )
        return self

    def stakeholder(self, stakeholder_id: str, kind: str, name: str | None = None) -> Campaign:
        self.add(
            StakeholderRecorded(
                stakeholder_id=stakeholder_id,
                campaign_id=self.campaign_id,
                name=name or stakeholder_id.title(),
                kind=kind,
            )
        )
        return self

    def tie(self, source: str, relationship: str, target: str, weight: float = 1.0) -> Campaign:
        """`source`/`target` as `partner:x` or `stakeholder:y`."""
        s_type, s_id = source.split(":")
        t_type, t_id = target.split(":")
        self.add(
            RelationshipRecorded(
                relationship_id=f"{source}>{relationship}>{target}",
                campaign_id=self.campaign_id,
                source=NodeRef(type=s_type, id=s_id),
                target=NodeRef(type=t_type, id=t_id),
                relationship=relationship,
                weight=weight,
            )
        )
        return self

    def deal_breaker(self, deal_breaker_id: str, **rule: Any) -> Campaign:
        self.add(
            DealBreakerDeclared.model_validate(
                {"campaign_id": self.campaign_id, "deal_breaker_id": deal_breaker_id, "rule": rule}
            )
        )
        return self

    def needs(
        self,
        constituencies: list[str] | None = None,
        regions: list[str] | None = None,
        capabilities: list[str] | None = None,
    ) -> Campaign:
        self.add(
            CampaignNeedsStated(
                campaign_id=self.campaign_id,
                constituencies=constituencies or [],
                regions=regions or [],
                capabilities=capabilities or [],
            )
        )
        return self

    def collaboration(self, partner_id: str, with_whom: str, outcome: str) -> Campaign:
        self.add(
            CollaborationRecorded(
                partner_id=partner_id,
                campaign_id=self.campaign_id,
                collaboration_id=f"{partner_id}-{with_whom}",
                with_whom=[with_whom],
                on_what="a joint march",
                outcome=outcome,
            )
        )
        return self

    def event(self, event_type: str, **payload: Any) -> Campaign:
        """Any catalogued event (another service's, say) by type and payload."""
        self.add(catalogue.get(event_type).model_validate(payload))
        return self

    def raw(self, event_type: str, service: str, **payload: Any) -> Campaign:
        """An event by type and payload as another service records it, without its class."""
        template = recorded(CampaignLaunched(campaign_id=self.campaign_id, name="x"), 0)
        self.events.append(
            template.model_copy(
                update={
                    "event_id": uuid.uuid4(),
                    "event_type": event_type,
                    "payload": payload,
                    "position": next(self._positions),
                    "stream_type": service,
                }
            )
        )
        return self

    def rows(self) -> dict[tuple[str, str], FactRow]:
        rows: dict[tuple[str, str], FactRow] = {}
        for event in self.events:
            fold(rows, event, event.stream_type)
        return rows

    def facts(self) -> CampaignFacts:
        return CampaignFacts.from_rows(self.campaign_id, self.rows().values())
