"""The network map at campaign scale, pure (no database): the European Social Forum network
(1,080 nodes, 500 ties) folded from its events, and synthetic campaign networks (the scoring
benchmark's generator: preferential attachment, all eight tie types) of 2,000 nodes / 10,000
ties and 10,000 nodes / 100,000 ties; for each, the fold, the analysis (Leiden, the layout,
overlaps), a filter and the three exports. Medians of `--rounds`.

`python -m benchmarks.network_map` prints a Markdown table. Not yet part of `make bench`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from tests.esf_network import events

from benchmarks.scoring_network import synthetic_network
from coalition.projections.domain.map_analysis import Filters, analyse, filtered
from coalition.projections.domain.map_formats import as_gexf, as_graphml, as_kumu
from coalition.projections.domain.network_map import Edge, Node, fold

KINDS = ("union", "ngo", "advocacy_group", "community_group", "party")


def _timed(work: Callable[[], Any], rounds: int) -> tuple[float, Any]:
    seconds, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = work()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


def synthetic(nodes: int, ties: int) -> tuple[list[Node], list[Edge]]:
    keys, network = synthetic_network(nodes, ties, seed=20261129)
    made = [
        Node(
            id=key,
            type=key.split(":")[0],
            record_id=key.split(":")[1],
            label=f"Organisation {key}",
            kind=KINDS[i % len(KINDS)] if key.startswith("partner") else "policymaker",
            score=(i % 100) / 100 if key.startswith("partner") else None,
        )
        for i, key in enumerate(sorted(keys))
    ]
    edges = [Edge(t.tie_id, t.source, t.target, t.relationship, t.weight) for t in network]
    return made, sorted(edges, key=lambda edge: edge.id)


def measure(name: str, nodes: list[Node], edges: list[Edge], rounds: int) -> dict[str, Any]:
    analysis, network = _timed(lambda: analyse("bench", nodes, edges, {}), rounds)
    row: dict[str, Any] = {
        "network": name,
        "nodes": len(nodes),
        "ties": len(edges),
        "communities": len(network.communities),
        "analyse_s": analysis,
    }
    row["filter_s"], _ = _timed(lambda: filtered(network, Filters(min_score=0.5)), rounds)
    row["json_s"], _ = _timed(lambda: json.dumps(as_kumu(network)), rounds)
    row["graphml_s"], _ = _timed(lambda: as_graphml(network), rounds)
    row["gexf_s"], _ = _timed(lambda: as_gexf(network), rounds)
    return row


def run(rounds: int) -> list[dict[str, Any]]:
    esf = events("esf")
    folding, state = _timed(lambda: fold(esf), rounds)
    nodes, edges = state.graph()
    rows = [measure("European Social Forum", nodes, edges, rounds) | {"fold_s": folding}]
    for size, ties in ((2_000, 10_000), (10_000, 100_000)):
        rows.append(measure(f"synthetic {size:,}", *synthetic(size, ties), rounds))
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| network | nodes | ties | communities | fold (s) | analyse (s) | filter (s) "
        "| Kumu JSON (s) | GraphML (s) | GEXF (s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        fold_s = f"{r['fold_s']:.3f}" if "fold_s" in r else "-"
        lines.append(
            f"| {r['network']} | {r['nodes']:,} | {r['ties']:,} | {r['communities']:,} "
            f"| {fold_s} | {r['analyse_s']:.2f} | {r['filter_s']:.3f} | {r['json_s']:.2f} "
            f"| {r['graphml_s']:.2f} | {r['gexf_s']:.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.network_map", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    print(table(run(parser.parse_args().rounds)))


if __name__ == "__main__":
    main()
