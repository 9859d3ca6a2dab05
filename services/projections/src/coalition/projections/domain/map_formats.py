"""The network map written for other tools: GraphML (yEd, Gephi, igraph, NetworkX), GEXF 1.3
(Gephi, with positions and community colours) and a Kumu blueprint (JSON with `elements` and
`connections`). Pure: a map in, a document out.

Kumu matches a connection's `from` and `to` to element labels, so labels are made unique here:
a label two nodes share gets the node's kind and the start of its id after it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from typing import Any

from coalition.projections.domain.map_analysis import NetworkMap
from coalition.projections.domain.network_map import Edge, Node

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://gexf.net/1.3"
GEXF_VIZ_NS = "http://gexf.net/1.3/viz"
PALETTE = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (188, 189, 34),
    (23, 190, 207),
    (127, 127, 127),
]
"""Community colours (Tableau 10), in community order; the same on the web page."""
NO_COMMUNITY = (200, 200, 200)

NODE_ATTRIBUTES: list[tuple[str, str]] = [
    ("type", "string"),
    ("kind", "string"),
    ("country", "string"),
    ("score", "double"),
    ("excluded", "boolean"),
    ("recommended", "boolean"),
    ("stage", "string"),
    ("agreement_status", "string"),
    ("community", "int"),
    ("bridges", "string"),
    ("interests", "string"),
    ("shared_by", "int"),
    ("degree", "int"),
    ("record_id", "string"),
]
EDGE_ATTRIBUTES: list[tuple[str, str]] = [
    ("relationship", "string"),
    ("weight", "double"),
    ("since", "string"),
]


def colour(community: int | None) -> tuple[int, int, int]:
    return NO_COMMUNITY if community is None else PALETTE[community % len(PALETTE)]


def _value(node_or_edge: Node | Edge, name: str) -> str | None:
    """An attribute as text, or None when absent (left out of the document)."""
    value = getattr(node_or_edge, name)
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "|".join(str(item) for item in value) if value else None
    return str(value)


def _document(root: ET.Element) -> bytes:
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def as_graphml(network: NetworkMap) -> bytes:
    ET.register_namespace("", GRAPHML_NS)
    root = ET.Element(f"{{{GRAPHML_NS}}}graphml")
    keys = [("label", "string"), *NODE_ATTRIBUTES, ("x", "double"), ("y", "double")]
    for name, kind in keys:
        ET.SubElement(
            root,
            f"{{{GRAPHML_NS}}}key",
            {"id": f"n_{name}", "for": "node", "attr.name": name, "attr.type": kind},
        )
    for name, kind in EDGE_ATTRIBUTES:
        ET.SubElement(
            root,
            f"{{{GRAPHML_NS}}}key",
            {"id": f"e_{name}", "for": "edge", "attr.name": name, "attr.type": kind},
        )
    graph = ET.SubElement(
        root, f"{{{GRAPHML_NS}}}graph", {"id": network.campaign_id, "edgedefault": "directed"}
    )
    for node in network.nodes:
        element = ET.SubElement(graph, f"{{{GRAPHML_NS}}}node", {"id": node.id})
        for name, _ in keys:
            if (text := _value(node, name)) is not None:
                ET.SubElement(element, f"{{{GRAPHML_NS}}}data", {"key": f"n_{name}"}).text = text
    for edge in network.edges:
        element = ET.SubElement(
            graph,
            f"{{{GRAPHML_NS}}}edge",
            {"id": edge.id, "source": edge.source, "target": edge.target},
        )
        for name, _ in EDGE_ATTRIBUTES:
            if (text := _value(edge, name)) is not None:
                ET.SubElement(element, f"{{{GRAPHML_NS}}}data", {"key": f"e_{name}"}).text = text
    return _document(root)


def as_gexf(network: NetworkMap) -> bytes:
    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("viz", GEXF_VIZ_NS)
    g, viz = f"{{{GEXF_NS}}}", f"{{{GEXF_VIZ_NS}}}"
    root = ET.Element(f"{g}gexf", {"version": "1.3"})
    meta = ET.SubElement(root, f"{g}meta")
    ET.SubElement(meta, f"{g}creator").text = "Coalition"
    ET.SubElement(meta, f"{g}description").text = f"Network map of campaign {network.campaign_id}"
    graph = ET.SubElement(root, f"{g}graph", {"defaultedgetype": "directed", "mode": "static"})
    for cls, attributes in (("node", NODE_ATTRIBUTES), ("edge", EDGE_ATTRIBUTES)):
        declared = ET.SubElement(graph, f"{g}attributes", {"class": cls})
        for name, kind in attributes:
            gexf_kind = "integer" if kind == "int" else kind
            ET.SubElement(declared, f"{g}attribute", {"id": name, "title": name, "type": gexf_kind})
    nodes = ET.SubElement(graph, f"{g}nodes")
    for node in network.nodes:
        element = ET.SubElement(nodes, f"{g}node", {"id": node.id, "label": node.label})
        _attvalues(element, g, node, NODE_ATTRIBUTES)
        r, gr, b = colour(node.community)
        ET.SubElement(element, f"{viz}color", {"r": str(r), "g": str(gr), "b": str(b)})
        ET.SubElement(
            element, f"{viz}position", {"x": f"{node.x:g}", "y": f"{-node.y:g}", "z": "0"}
        )
        ET.SubElement(element, f"{viz}size", {"value": f"{4 + 2 * node.degree**0.5:.2f}"})
    edges = ET.SubElement(graph, f"{g}edges")
    for edge in network.edges:
        element = ET.SubElement(
            edges,
            f"{g}edge",
            {
                "id": edge.id,
                "source": edge.source,
                "target": edge.target,
                "label": edge.relationship,
                "weight": f"{edge.weight:g}",
            },
        )
        _attvalues(element, g, edge, EDGE_ATTRIBUTES)
    return _document(root)


def _attvalues(
    element: ET.Element, g: str, item: Node | Edge, attributes: list[tuple[str, str]]
) -> None:
    values = [(name, text) for name, _ in attributes if (text := _value(item, name)) is not None]
    if values:
        holder = ET.SubElement(element, f"{g}attvalues")
        for name, text in values:
            ET.SubElement(holder, f"{g}attvalue", {"for": name, "value": text})


def kumu_labels(nodes: tuple[Node, ...]) -> dict[str, str]:
    """Node id -> a label no other node has."""
    counts = Counter(node.label for node in nodes)
    return {
        node.id: node.label
        if counts[node.label] == 1
        else f"{node.label} ({node.kind} {node.record_id[:8]})"
        for node in nodes
    }


def as_kumu(network: NetworkMap) -> dict[str, Any]:
    labels = kumu_labels(network.nodes)
    elements = []
    for node in network.nodes:
        element: dict[str, Any] = {
            "label": labels[node.id],
            "type": node.kind,
            "record": node.id,
            "tags": [node.type, *(["bridge"] if node.bridges else [])],
        }
        for name in ("country", "score", "stage", "agreement_status", "community"):
            if (value := getattr(node, name)) is not None:
                element[name] = value
        if node.interests:
            element["interests"] = list(node.interests)
        elements.append(element)
    connections = [
        {
            "from": labels[edge.source],
            "to": labels[edge.target],
            "type": edge.relationship,
            "direction": "directed",
            "strength": edge.weight,
            **({"since": edge.since} if edge.since else {}),
        }
        for edge in network.edges
    ]
    return {"elements": elements, "connections": connections}
