"""GraphML: nodes are organisations, edges are relationships; each `<data>` value is a column
named by its key's `attr.name`.

Parsed with the standard library's ElementTree after refusing any document type declaration:
without a DTD there are no entities to expand (no "billion laughs") and nothing external to
fetch, which is what `defusedxml` guards against, without another dependency.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from coalition.research.adapters.imports.errors import UnreadableFileError
from coalition.research.domain.imports import Row

NS = "{http://graphml.graphdrawing.org/xmlns}"
DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _local(tag: str) -> str:
    return tag.removeprefix(NS)


def read_graphml(text: str) -> Iterator[Row]:
    """Nodes first, then edges, numbered by their place among the graph's elements."""
    if DECLARATION.search(text):
        raise UnreadableFileError("GraphML with a DOCTYPE or ENTITY declaration is refused")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise UnreadableFileError(f"not well-formed XML: {error}") from None
    if _local(root.tag) != "graphml":
        raise UnreadableFileError("the root element is not <graphml>")
    names = {
        (key.get("for", "all"), key.get("id", "")): str(key.get("attr.name") or key.get("id", ""))
        for key in root.iter()
        if _local(key.tag) == "key"
    }
    graph = next((e for e in root if _local(e.tag) == "graph"), None)
    if graph is None:
        raise UnreadableFileError("no <graph> element")
    for number, element in enumerate(graph, start=1):
        kind = _local(element.tag)
        if kind not in ("node", "edge"):
            continue
        values: dict[str, object] = {}
        for data in element:
            if _local(data.tag) == "data":
                key = data.get("key", "")
                name = names.get((kind, key)) or names.get(("all", key)) or key
                values[name] = (data.text or "").strip()
        if kind == "node":
            yield Row(number, {"record": "organisation", "id": element.get("id", ""), **values})
        else:
            ends = {"source": element.get("source", ""), "target": element.get("target", "")}
            yield Row(number, {"record": "relationship", **ends, **values})
