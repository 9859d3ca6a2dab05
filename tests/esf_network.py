"""The whole European Social Forum network (tests/data/esf-network.graphml: 1,080 nodes, 500
edges) as a campaign's events, for the network map's tests and its page.

Research's `esf` import keeps the 895 organisations and their 242 "Is Part Of" ties and leaves
the forums' seminars, plenaries and workshops out (docs/imports.md). To load every node, as the
network-map issue asks of the page, this helper records the organisations as partners and the
forum events as stakeholders (kind `other`), "Is Part Of" as `member_of` and "Participated To"
as `member_of` too (the closest tie type), each with its own relationship id. The graph is the
file's; only the vocabulary is ours."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from coalition.shared.contracts.research import (
    NodeRef,
    PartnerIdentified,
    RelationshipRecorded,
    StakeholderRecorded,
)
from coalition.shared.contracts.scoring import PartnerScored
from coalition.shared.events.envelope import DomainEvent, Metadata, RecordedEvent

ESF_FILE = Path(__file__).parent / "data" / "esf-network.graphml"
NS = {"g": "http://graphml.graphdrawing.org/xmlns"}
FORUM_EVENTS = ("Seminary", "Plenary Session", "Workshop", "Other confluence space")
KINDS = {
    "Trade Union": "union",
    "Political party": "party",
    "Media": "media",
    "Publisher": "media",
    "Network or federation": "advocacy_group",
    "Network+": "advocacy_group",
    "Affinity group or collective": "community_group",
    "Local authority/ local government body": "government_body",
}
START = datetime(2026, 11, 1, tzinfo=UTC)


def _data(element: ET.Element) -> dict[str, str]:
    return {d.get("key", ""): (d.text or "") for d in element.findall("g:data", NS)}


def node_id(graphml_id: str) -> str:
    return f"esf-{graphml_id}"


def is_forum_event(kind: str) -> bool:
    return kind.startswith(FORUM_EVENTS)


def payloads(campaign_id: str) -> Iterator[DomainEvent]:
    """Every node, then every edge, in the file's order; every third partner scored."""
    root = ET.parse(ESF_FILE).getroot()
    types: dict[str, str] = {}
    for number, node in enumerate(root.iterfind(".//g:node", NS)):
        data, graphml_id = _data(node), node.get("id", "")
        kind = data.get("type", "")
        name = (data.get("name") or data.get("acronym") or f"ESF node {graphml_id}")[:300]
        if is_forum_event(kind):
            types[graphml_id] = "stakeholder"
            yield StakeholderRecorded(
                stakeholder_id=node_id(graphml_id),
                campaign_id=campaign_id,
                name=name,
                kind="other",
                role=kind[:300],
            )
            continue
        types[graphml_id] = "partner"
        yield PartnerIdentified(
            partner_id=node_id(graphml_id),
            campaign_id=campaign_id,
            name=name,
            kind=KINDS.get(kind, "ngo"),
            country=(data.get("country") or None),
        )
        if number % 3 == 0:
            yield PartnerScored(
                partner_id=node_id(graphml_id),
                campaign_id=campaign_id,
                score=round((number % 100) / 100, 2),
                components={},
                model="default",
                model_version=0,
                inputs=[],
            )
    for number, edge in enumerate(root.iterfind(".//g:edge", NS)):
        source, target = edge.get("source", ""), edge.get("target", "")
        yield RelationshipRecorded(
            relationship_id=f"esf-tie-{number}",
            campaign_id=campaign_id,
            source=NodeRef(type=types[source], id=node_id(source)),
            target=NodeRef(type=types[target], id=node_id(target)),
            relationship="member_of",
            weight=1.0,
        )


def events(campaign_id: str) -> list[RecordedEvent]:
    """The payloads as recorded events, one a second from START, positions from 1."""
    recorded = []
    for position, payload in enumerate(payloads(campaign_id), start=1):
        moment = START + timedelta(seconds=position)
        recorded.append(
            RecordedEvent(
                event_id=uuid.uuid5(uuid.NAMESPACE_URL, f"{campaign_id}/{position}"),
                stream_id=f"esf-{position}",
                stream_type=payload.service,
                stream_version=1,
                position=position,
                event_type=payload.event_type,
                schema_version=payload.schema_version,
                payload=payload.model_dump(mode="json"),
                metadata=Metadata(
                    actor="test:esf",
                    reason="the European Social Forum network",
                    campaign_id=campaign_id,
                    occurred_at=moment,
                ),
                recorded_at=moment,
                previous_hash="0" * 64,
                hash="0" * 64,
            )
        )
    return recorded
