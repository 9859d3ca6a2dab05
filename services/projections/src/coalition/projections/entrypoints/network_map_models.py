"""The network map's JSON shape over REST (and the Kumu blueprint's), documented in OpenAPI."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from coalition.projections.domain.map_analysis import NetworkMap
from coalition.projections.domain.network_map import Edge, Node


class MapNode(BaseModel):
    id: str = Field(description="`partner:<partner_id>` or `stakeholder:<stakeholder_id>`.")
    type: str = Field(description="`partner` or `stakeholder`.")
    record_id: str = Field(description="The partner's or stakeholder's own id.")
    label: str
    kind: str = Field(description="An organisation kind, or a stakeholder kind.")
    country: str | None
    role: str | None = Field(description="A stakeholder's role or office.")
    affiliation: str | None = Field(description="Where a stakeholder sits.")
    score: float | None = Field(description="The partner's latest score, 0..1.")
    excluded: bool = Field(description="A deal-breaker rules the partner out.")
    recommended: bool = Field(description="In the recommended coalition.")
    stage: str | None = Field(description="The partner's pipeline stage.")
    agreement_status: str | None = Field(description="drafted, signed or in_force.")
    positions: dict[str, str] = Field(description="Issue -> the partner's stance.")
    community: int | None = Field(description="Its community; none without a binding tie.")
    bridges: list[int] = Field(description="Other communities its ties reach (an overlap).")
    interests: list[str] = Field(description="Issues it shares a side on with other partners.")
    shared_by: int = Field(description="A stakeholder: how many partners it is tied to.")
    degree: int = Field(description="Ties on the whole map.")
    x: float = Field(description="Where the map draws it.")
    y: float


class MapEdge(BaseModel):
    id: str = Field(description="The relationship's id.")
    source: str
    target: str
    relationship: str = Field(description="The tie type, read from source to target.")
    weight: float = Field(description="Its strength, 0..1.")
    since: str | None


class MapCommunity(BaseModel):
    id: int
    size: int
    label: str = Field(description="Its best-connected member.")
    partners: int
    stakeholders: int
    kinds: dict[str, int] = Field(description="Members by kind, most first.")


class MapMutualInterest(BaseModel):
    issue: str
    side: str = Field(description="`support` or `oppose`.")
    partners: list[str] = Field(description="Node ids of the partners on that side.")
    campaign_stance: str | None = Field(description="The campaign's own stance, if any.")


class MapSharedStakeholder(BaseModel):
    stakeholder: str
    partners: list[str]


class MapFilters(BaseModel):
    kind: list[str]
    stage: list[str]
    min_score: float | None


class NetworkMapBody(BaseModel):
    campaign_id: str
    as_of: datetime | None = Field(description="The moment asked for; none: now.")
    events: int = Field(description="The campaign's events the map was made from.")
    last_position: int = Field(description="The last of them in the projections' log.")
    filters: MapFilters
    nodes: list[MapNode]
    edges: list[MapEdge]
    communities: list[MapCommunity]
    mutual_interests: list[MapMutualInterest]
    shared_stakeholders: list[MapSharedStakeholder]


class KumuBlueprint(BaseModel):
    """Kumu's JSON import: elements (by unique label) and the connections between them."""

    elements: list[dict[str, Any]]
    connections: list[dict[str, Any]]


def _node(node: Node) -> MapNode:
    return MapNode(
        id=node.id,
        type=node.type,
        record_id=node.record_id,
        label=node.label,
        kind=node.kind,
        country=node.country,
        role=node.role,
        affiliation=node.affiliation,
        score=node.score,
        excluded=node.excluded,
        recommended=node.recommended,
        stage=node.stage,
        agreement_status=node.agreement_status,
        positions=dict(node.positions),
        community=node.community,
        bridges=list(node.bridges),
        interests=list(node.interests),
        shared_by=node.shared_by,
        degree=node.degree,
        x=node.x,
        y=node.y,
    )


def _edge(edge: Edge) -> MapEdge:
    return MapEdge(
        id=edge.id,
        source=edge.source,
        target=edge.target,
        relationship=edge.relationship,
        weight=edge.weight,
        since=edge.since,
    )


def body(network: NetworkMap, as_of: datetime | None, filters: MapFilters) -> NetworkMapBody:
    return NetworkMapBody(
        campaign_id=network.campaign_id,
        as_of=as_of,
        events=network.events,
        last_position=network.last_position,
        filters=filters,
        nodes=[_node(node) for node in network.nodes],
        edges=[_edge(edge) for edge in network.edges],
        communities=[
            MapCommunity(
                id=c.id,
                size=c.size,
                label=c.label,
                partners=c.partners,
                stakeholders=c.stakeholders,
                kinds=dict(c.kinds),
            )
            for c in network.communities
        ],
        mutual_interests=[
            MapMutualInterest(
                issue=m.issue,
                side=m.side,
                partners=list(m.partners),
                campaign_stance=m.campaign_stance,
            )
            for m in network.mutual_interests
        ],
        shared_stakeholders=[
            MapSharedStakeholder(stakeholder=s.stakeholder, partners=list(s.partners))
            for s in network.shared_stakeholders
        ],
    )
