"""The network map's exports, parsed back: GraphML (with ElementTree, and with igraph's own
reader), GEXF 1.3, and the Kumu blueprint's shape."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import igraph

from coalition.projections.domain.map_analysis import NetworkMap, analyse
from coalition.projections.domain.map_formats import as_gexf, as_graphml, as_kumu
from coalition.projections.domain.network_map import Edge, Node
from tests.unit.domain.test_network_map import the_map

G = "{http://graphml.graphdrawing.org/xmlns}"
X = "{http://gexf.net/1.3}"
VIZ = "{http://gexf.net/1.3/viz}"


def graphml_data(element: ET.Element, keys: dict[str, str]) -> dict[str, str]:
    return {keys[d.get("key", "")]: d.text or "" for d in element.findall(f"{G}data")}


def test_graphml_holds_every_node_and_tie_with_their_attributes() -> None:
    network = the_map()
    root = ET.fromstring(as_graphml(network))
    keys = {k.get("id", ""): k.get("attr.name", "") for k in root.findall(f"{G}key")}
    graph = root.find(f"{G}graph")
    assert graph is not None and graph.get("edgedefault") == "directed"
    nodes = {n.get("id"): graphml_data(n, keys) for n in graph.findall(f"{G}node")}
    assert set(nodes) == {node.id for node in network.nodes}
    a = nodes["partner:A"]
    assert (a["label"], a["kind"], a["score"], a["stage"], a["community"]) == (
        "Org A",
        "union",
        "0.8",
        "committed",
        "0",
    )
    assert a["recommended"] == "true" and a["interests"] == "living-wage"
    assert nodes["partner:C"]["bridges"] == "1"
    assert "community" not in nodes["partner:G"]  # none: left out, not written as "None"
    edges = {e.get("id"): e for e in graph.findall(f"{G}edge")}
    assert set(edges) == {edge.id for edge in network.edges}
    hs = edges["hs"]
    assert (hs.get("source"), hs.get("target")) == ("partner:A", "stakeholder:S")
    assert graphml_data(hs, keys) == {"relationship": "funds", "weight": "0.5"}


def test_graphml_reads_back_into_igraph(tmp_path: Path) -> None:
    network = the_map()
    path = tmp_path / "map.graphml"
    path.write_bytes(as_graphml(network))
    graph = igraph.Graph.Read_GraphML(str(path))
    assert (graph.vcount(), graph.ecount()) == (len(network.nodes), len(network.edges))
    assert graph.is_directed()
    a = graph.vs.find(id="partner:A")
    assert (a["label"], a["score"], a["type"]) == ("Org A", 0.8, "partner")
    weights = {e["relationship"]: e["weight"] for e in graph.es}
    assert weights["lobbies"] == 0.8


def test_gexf_declares_its_attributes_and_draws_with_positions_and_colours() -> None:
    network = the_map()
    root = ET.fromstring(as_gexf(network))
    assert root.tag == f"{X}gexf" and root.get("version") == "1.3"
    graph = root.find(f"{X}graph")
    assert graph is not None
    declared = {
        a.get("id"): a.get("type")
        for attrs in graph.findall(f"{X}attributes")
        if attrs.get("class") == "node"
        for a in attrs.findall(f"{X}attribute")
    }
    assert declared["score"] == "double" and declared["community"] == "integer"
    nodes = {n.get("id"): n for n in graph.iter(f"{X}node")}
    assert set(nodes) == {node.id for node in network.nodes}
    a = nodes["partner:A"]
    assert a.get("label") == "Org A"
    values = {v.get("for"): v.get("value") for v in a.iter(f"{X}attvalue")}
    assert values["score"] == "0.8" and values["stage"] == "committed"
    position = a.find(f"{VIZ}position")
    node_a = next(node for node in network.nodes if node.id == "partner:A")
    assert position is not None
    assert float(position.get("x", "nan")) == node_a.x
    assert float(position.get("y", "nan")) == -node_a.y  # GEXF's y axis points up
    colour = a.find(f"{VIZ}color")
    assert colour is not None and (colour.get("r"), colour.get("g"), colour.get("b")) == (
        "31",
        "119",
        "180",
    )
    edges = {e.get("id"): e for e in graph.iter(f"{X}edge")}
    assert set(edges) == {edge.id for edge in network.edges}
    assert edges["as"].get("weight") == "0.8" and edges["as"].get("label") == "lobbies"


def test_kumu_blueprint_has_elements_and_connections_by_label() -> None:
    network = the_map()
    blueprint = json.loads(json.dumps(as_kumu(network)))
    assert set(blueprint) == {"elements", "connections"}
    labels = [element["label"] for element in blueprint["elements"]]
    assert len(labels) == len(set(labels)) == len(network.nodes)
    a = next(e for e in blueprint["elements"] if e["label"] == "Org A")
    assert a["type"] == "union" and a["score"] == 0.8 and a["community"] == 0
    assert "partner" in a["tags"]
    assert {(c["from"], c["to"], c["type"]) for c in blueprint["connections"]} >= {
        ("Org A", "Jane Doe", "lobbies"),
        ("Org E", "Jane Doe", "opposed_to"),
    }
    assert len(blueprint["connections"]) == len(network.edges)
    assert all(c["from"] in labels and c["to"] in labels for c in blueprint["connections"])


def test_kumu_labels_two_nodes_with_one_name_apart() -> None:
    nodes = [
        Node(id="partner:p1", type="partner", record_id="p1", label="Unite", kind="union"),
        Node(id="partner:p2", type="partner", record_id="p2", label="Unite", kind="union"),
    ]
    edges = [
        Edge(id="t", source="partner:p1", target="partner:p2", relationship="allied_with", weight=1)
    ]
    network: NetworkMap = analyse("c", nodes, edges, {})
    blueprint = as_kumu(network)
    labels = [element["label"] for element in blueprint["elements"]]
    assert labels == ["Unite (union p1)", "Unite (union p2)"]
    assert blueprint["connections"][0]["from"] == "Unite (union p1)"


def test_text_is_escaped_not_interpreted() -> None:
    nodes = [
        Node(id="partner:x", type="partner", record_id="x", label='<b>"A & B"</b>', kind="ngo")
    ]
    network = analyse("c", nodes, [], {})
    for document in (as_graphml(network), as_gexf(network)):
        root = ET.fromstring(document)
        assert any(
            '<b>"A & B"</b>' in (element.text or "") or element.get("label") == '<b>"A & B"</b>'
            for element in root.iter()
        )
