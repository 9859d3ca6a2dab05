"""Network measures at campaign scale: a synthetic campaign network of 10,000 nodes and 100,000
ties, `centralities` over all of it and `shortest_path` for 1,000 random queries.

`synthetic_network` is reused by other scoring benchmarks. `python -m benchmarks.scoring_network`
runs this section alone and prints it; `make bench` runs it with the rest (`--no-network` not).
"""

from __future__ import annotations

import os
import random
import statistics
import time
from dataclasses import dataclass
from typing import get_args

from coalition.scoring.domain.network import Tie, TieIndex, centralities, shortest_path
from coalition.shared.contracts.research.network import RelationshipType
from coalition.shared.contracts.scoring import ModelRules

HEADING = "## Network measures"
RELATIONSHIPS: tuple[str, ...] = get_args(RelationshipType)
# How common each type of tie is in a campaign's network (allied_with and member_of most).
FREQUENCIES = (25, 12, 25, 8, 8, 6, 8, 8)
STAKEHOLDER_SHARE = 0.2


def synthetic_network(nodes: int, ties: int, seed: int) -> tuple[list[str], list[Tie]]:
    """`nodes` node keys (about 80% "partner:p<i>", the rest "stakeholder:s<i>") and `ties`
    ties among them, seeded. Preferential attachment: each node after the first few ties to
    earlier ones chosen in proportion to their degree, so degrees are power-law-like (a few
    hubs, many small organisations); each tie's direction, type (all eight, in campaign-like
    proportions) and strength (0.05..1) are random."""
    if nodes < 2:
        raise ValueError("a network needs at least two nodes")
    rng = random.Random(seed)
    keys = [
        f"stakeholder:s{i}" if rng.random() < STAKEHOLDER_SHARE else f"partner:p{i}"
        for i in range(nodes)
    ]
    # Each tie's ends, by index; `ends` lists every node once per tie it has (plus once), so a
    # uniform pick from it is a pick in proportion to degree + 1.
    ends: list[int] = [0, 1]
    pairs: list[tuple[int, int]] = []
    per_node, extra = divmod(ties, nodes - 1)
    for i in range(1, nodes):
        count = per_node + (1 if i <= extra else 0)
        for _ in range(count):
            other = rng.choice(ends)
            while other >= i:
                other = rng.choice(ends)
            pairs.append((i, other) if rng.random() < 0.5 else (other, i))
            ends.append(other)
            ends.append(i)
        ends.append(i + 1)
    result = []
    for k, (a, b) in enumerate(pairs):
        (relationship,) = rng.choices(RELATIONSHIPS, weights=FREQUENCIES)
        weight = rng.randint(5, 100) / 100
        result.append(Tie(f"t{k}", keys[a], keys[b], relationship, weight))
    return keys, result


@dataclass(frozen=True)
class NetworkResult:
    nodes: int
    ties: int
    centralities: list[float]
    sampled: bool
    index_seconds: float
    queries: int
    found: int
    queries_seconds: float
    query_once_seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.centralities)


def measure(
    nodes: int = 10_000, ties: int = 100_000, rounds: int = 3, queries: int = 1_000
) -> NetworkResult:
    keys, network = synthetic_network(nodes, ties, seed=7)
    weights = {str(kind): weight for kind, weight in ModelRules().tie_weights.items()}
    seconds = []
    sampled = False
    for _ in range(rounds):
        began = time.perf_counter()
        measures = centralities(keys, network, weights)
        seconds.append(time.perf_counter() - began)
        sampled = next(iter(measures.values())).betweenness_sampled
    rng = random.Random(11)
    opposed = rng.sample(keys, 20)
    starts = [rng.choice(keys) for _ in range(queries)]
    began = time.perf_counter()
    index = TieIndex(network)
    built = time.perf_counter() - began
    found = 0
    for start in starts:
        found += index.shortest_path(start, opposed, max_hops=3) is not None
    searched = time.perf_counter() - began
    once = []
    for start in starts[:rounds]:
        began = time.perf_counter()
        shortest_path(network, start, opposed, max_hops=3)
        once.append(time.perf_counter() - began)
    return NetworkResult(nodes, ties, seconds, sampled, built, queries, found, searched, once)


def section(result: NetworkResult) -> str:
    spread = f"{min(result.centralities):.2f}-{max(result.centralities):.2f}"
    once = statistics.median(result.query_once_seconds)
    return "\n".join(
        [
            HEADING,
            "",
            f"A synthetic campaign network (`benchmarks/scoring_network.py`, seeded): "
            f"{result.nodes:,} nodes, {result.ties:,} ties by preferential attachment, all eight "
            "types of tie, the default tie weights; the pure functions of "
            "`coalition.scoring.domain.network`, on one core.",
            "",
            "| step | seconds |",
            "|---|---:|",
            f"| `centralities` over the whole network, median of {len(result.centralities)} "
            f"({'sampled' if result.sampled else 'exact'} betweenness) "
            f"| {result.median:.2f} ({spread}) |",
            f"| `shortest_path`, {result.queries:,} random queries (a random start, the same 20 "
            f"random goals, at most 3 hops; {result.found:,} found) over one `TieIndex` "
            f"(building it: {result.index_seconds:.2f} s) | {result.queries_seconds:.2f} |",
            f"| `shortest_path(ties, ...)` once, building its own index, median of "
            f"{len(result.query_once_seconds)} | {once:.2f} |",
            "",
            "- PageRank (PRPACK), betweenness and reach are igraph's, on graphs built from "
            "integer edge lists in one call; above 2,000 nodes betweenness is estimated from 256 "
            "pivots (exact on this network takes about a minute).",
            "",
        ]
    )


def main() -> None:
    result = measure(
        int(os.environ.get("COALITION_BENCH_NETWORK_NODES", 10_000)),
        int(os.environ.get("COALITION_BENCH_NETWORK_TIES", 100_000)),
    )
    print(section(result), flush=True)


if __name__ == "__main__":
    main()
