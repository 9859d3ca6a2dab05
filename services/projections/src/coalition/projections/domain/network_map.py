"""The campaign's network map: its partners and stakeholders as a graph, folded from the
campaign's events alone. Pure: the same events in the same order give the same map, live, after
a rebuild, or "as of" a past moment (the log up to it).

- Nodes: prospective partners still considered (an archived one is gone; a merged duplicate's
  ties move to the partner it was merged into) with kind, country, score, exclusion,
  recommendation, pipeline stage, agreement status and positions; stakeholders with kind, role
  and affiliation.
- Edges: the ties research recorded and has not ended, with type, strength (0..1) and since.

The analysis (communities, overlaps, mutual interests, positions) is `analysis.analyse`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from coalition.shared.events.envelope import RecordedEvent

PARTNER, STAKEHOLDER = "partner", "stakeholder"

EVENT_TYPES = frozenset(
    {
        "PartnerIdentified",
        "PartnerProfileUpdated",
        "PartnerArchived",
        "PartnersMerged",
        "PartnerPositionRecorded",
        "PartnerScored",
        "EngagementOpened",
        "EngagementStageChanged",
        "AgreementDrafted",
        "PartySigned",
        "AgreementSigned",
        "StakeholderRecorded",
        "RelationshipRecorded",
        "RelationshipEnded",
        "PolicyPositionTaken",
        "PolicyPositionWithdrawn",
    }
)
"""The only events the map reads: a reader may skip every other type."""


def node_key(node_type: str, record_id: str) -> str:
    """A node's id on the map: partner and stakeholder ids are separate namespaces."""
    return f"{node_type}:{record_id}"


@dataclass(frozen=True, slots=True)
class Node:
    """A partner or stakeholder on the map; the analysis fills community and the flags."""

    id: str
    type: str  # partner | stakeholder
    record_id: str
    label: str
    kind: str
    country: str | None = None
    role: str | None = None
    affiliation: str | None = None
    score: float | None = None
    excluded: bool = False
    recommended: bool = False
    stage: str | None = None
    agreement_status: str | None = None
    positions: tuple[tuple[str, str], ...] = ()  # (issue, stance), by issue
    community: int | None = None
    bridges: tuple[int, ...] = ()  # other communities its ties reach
    interests: tuple[str, ...] = ()  # issues it shares a side on with another partner
    shared_by: int = 0  # a stakeholder: how many partners it is tied to
    degree: int = 0
    x: float = 0.0
    y: float = 0.0


@dataclass(frozen=True, slots=True)
class Edge:
    """A tie recorded by research, read from `source` to `target` (`A funds B`)."""

    id: str
    source: str
    target: str
    relationship: str
    weight: float
    since: str | None = None


@dataclass
class _Partner:
    values: dict[str, Any]
    positions: dict[str, str] = field(default_factory=dict)


@dataclass
class MapFold:
    """The campaign's graph as its events leave it; `apply` them in log order."""

    partners: dict[str, _Partner] = field(default_factory=dict)
    archived: set[str] = field(default_factory=set)
    merged_into: dict[str, str] = field(default_factory=dict)
    stakeholders: dict[str, dict[str, Any]] = field(default_factory=dict)
    ties: dict[str, Edge] = field(default_factory=dict)
    campaign_positions: dict[str, str] = field(default_factory=dict)
    events: int = 0
    last_position: int = 0

    def apply(self, event: RecordedEvent) -> None:
        if event.event_type not in EVENT_TYPES:
            return
        self.events += 1
        self.last_position = max(self.last_position, event.position)
        p = event.payload
        match event.event_type:
            case "PartnerIdentified" | "PartnerProfileUpdated":
                entry = self.partners.setdefault(p["partner_id"], _Partner({}))
                entry.values.update(label=p["name"], kind=p["kind"], country=p.get("country"))
            case "PartnerArchived":
                self.archived.add(p["partner_id"])
                if p.get("merged_into"):
                    self.merged_into[p["partner_id"]] = p["merged_into"]
            case "PartnersMerged":
                self.merged_into[p["merged_partner_id"]] = p["partner_id"]
            case "PartnerPositionRecorded":
                self._partner(p["partner_id"]).positions[p["issue"]] = p["stance"]
            case "PartnerScored":
                self._partner(p["partner_id"]).values.update(
                    score=float(p["score"]),
                    excluded=bool(p.get("excluded", False)),
                    recommended=bool(p.get("recommended", False)),
                )
            case "EngagementOpened":
                self._partner(p["partner_id"]).values["stage"] = p["stage"]
            case "EngagementStageChanged":
                self._partner(p["partner_id"]).values["stage"] = p["to_stage"]
            case "AgreementDrafted" | "AgreementSigned":
                status = "drafted" if event.event_type == "AgreementDrafted" else "in_force"
                for party in p["parties"]:
                    self._partner(party).values["agreement_status"] = status
            case "PartySigned":
                self._partner(p["partner_id"]).values["agreement_status"] = "signed"
            case "StakeholderRecorded":
                self.stakeholders[p["stakeholder_id"]] = {
                    "label": p["name"],
                    "kind": p["kind"],
                    "country": p.get("country"),
                    "role": p.get("role"),
                    "affiliation": p.get("affiliation"),
                }
            case "RelationshipRecorded":
                self.ties[p["relationship_id"]] = Edge(
                    id=p["relationship_id"],
                    source=node_key(p["source"]["type"], p["source"]["id"]),
                    target=node_key(p["target"]["type"], p["target"]["id"]),
                    relationship=p["relationship"],
                    weight=float(p["weight"]),
                    since=p.get("since"),
                )
            case "RelationshipEnded":
                self.ties.pop(p["relationship_id"], None)
            case "PolicyPositionTaken":
                self.campaign_positions[p["issue"]] = p["stance"]
            case "PolicyPositionWithdrawn":
                self.campaign_positions.pop(p["issue"], None)

    def _partner(self, partner_id: str) -> _Partner:
        """Facts from other services may arrive before research's identification is seen."""
        return self.partners.setdefault(partner_id, _Partner({}))

    def _resolve(self, key: str) -> str:
        """A merged duplicate's node is the partner it was merged into (followed to the end)."""
        seen: set[str] = set()
        while key.startswith(f"{PARTNER}:") and key not in seen:
            seen.add(key)
            survivor = self.merged_into.get(key.removeprefix(f"{PARTNER}:"))
            if survivor is None:
                break
            key = node_key(PARTNER, survivor)
        return key

    def graph(self) -> tuple[list[Node], list[Edge]]:
        """Nodes sorted by id; edges sorted by id, between nodes on the map, no self-ties."""
        nodes: dict[str, Node] = {}
        for partner_id, entry in self.partners.items():
            if partner_id in self.archived or "label" not in entry.values:
                continue  # archived, or never identified by research (facts of others only)
            key = node_key(PARTNER, partner_id)
            nodes[key] = Node(
                id=key,
                type=PARTNER,
                record_id=partner_id,
                positions=tuple(sorted(entry.positions.items())),
                **entry.values,
            )
        for stakeholder_id, values in self.stakeholders.items():
            key = node_key(STAKEHOLDER, stakeholder_id)
            nodes[key] = Node(id=key, type=STAKEHOLDER, record_id=stakeholder_id, **values)
        edges = []
        for tie in self.ties.values():
            source, target = self._resolve(tie.source), self._resolve(tie.target)
            if source != target and source in nodes and target in nodes:
                edges.append(replace(tie, source=source, target=target))
        return [nodes[key] for key in sorted(nodes)], sorted(edges, key=lambda edge: edge.id)


def fold(events: Iterable[RecordedEvent]) -> MapFold:
    state = MapFold()
    for event in events:
        state.apply(event)
    return state
