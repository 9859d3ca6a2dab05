"""Network measures of the stakeholder network: how central each partner and stakeholder is,
and the chain of ties that shows a conflict of interest. Pure: no I/O, same input, same output.

The network is the campaign's typed, directed ties (`A funds B`), each with a recorded strength
(0..1). A campaign's scoring model says how much each type of tie carries influence
(`tie_weights`); a tie's *effective weight* is its strength times that. Ties of effective
weight 0 (`opposed_to` by default; below MIN_WEIGHT, 1e-9, counts as 0), self-ties and ties to
nodes outside the network carry nothing and are left out of every measure.

Measures (what Kumu calls them in brackets; see docs/scoring-network.md):

- PageRank (Kumu's eigenvector-like measure): the directed graph, an edge source -> target
  weighted by the effective weight, parallel ties between the same ordered pair added up;
  damping 0.85, igraph's PRPACK solver; a node with no outgoing tie (dangling) teleports
  uniformly, igraph's default. Directed because influence flows along the tie: a funder's
  weight counts for the organisation it funds. `pagerank` sums to 1 over the graph, so it
  shrinks as the network grows; `pagerank_scaled` (x the number of nodes, 1.0 for an average
  node) is comparable across campaigns.
- Betweenness (Kumu's betweenness): brokerage between the others, on the UNDIRECTED graph
  (a broker passes word both ways), parallel ties in either direction combined into one edge
  whose weight is the sum of their effective weights, distance = 1 / combined weight (a strong
  tie is a short one). Normalised by the (n-1)(n-2)/2 unordered pairs of the other nodes and
  capped at 1. Exact up to `exact_up_to` nodes (exact on 10,000 nodes / 100,000 ties takes about
  a minute); above that, estimated from `pivots` source nodes (Brandes & Pich): the nodes whose
  keys have the smallest sha256, so the same network always gets the same estimate and the
  pivots never depend on the ties, scaled by n / pivots and flagged `betweenness_sampled`.
- Degree, in/out degree, weighted degree (Kumu's degree, indegree, outdegree, strength): the
  ties touching the node with positive effective weight, and the sum of those weights.
- Reach (Kumu's reach): distinct other nodes within two steps, ties followed either way.

Why these: the scoring issue requires that a new tie from an influential stakeholder never
lowers the partner's influence. Each measure has that property for the node the tie touches:
- PageRank of v when a tie u -> v is added or strengthened: only row u of the transition matrix
  changes, its entry for v rises and every other entry falls or stays (a dangling u goes from
  uniform to mostly v). With Z = (I - 0.85 P)^-1, pi' - pi = 0.85 pi'_u delta Z, so
  pi'_v - pi_v = 0.85 pi'_u sum_{j != v} (-delta_j)(Z_vv - Z_jv) >= 0, since Z_jv (the visits
  to v starting from j) is at most Z_vv (Avrachenkov & Litvak 2006). The number of nodes does
  not change, so `pagerank_scaled` rises with it.
- Betweenness of v for a tie added or strengthened that touches v: every path that becomes
  shortest uses the tie, so goes through v. A pair whose distance falls now depends on v
  entirely; a pair whose distance stays gains shortest paths only through v. Either way each
  pair's share through v can only rise. The sampled estimate keeps this: its pivots do not
  depend on the ties, and it is the same sum over fewer sources.
- Degree, weighted degree and reach only ever count more.
PageRank is not monotone for u (the tie's source gives weight away) and betweenness is not
monotone for nodes the tie does not touch (a new shortcut can bypass them): the guarantee is
for the node the tie points at or touches, which is what the issue asks.

`shortest_path` is breadth-first over ties followed either way, fewest hops first, the smallest
tie ids among equally short chains, so the conflict shown is always the same one.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import igraph

DAMPING = 0.85
MIN_WEIGHT = 1e-9
"""Effective weights below this count as 0: recorded strengths are hundredths, anything this
small is noise, and 1 / weight of a subnormal weight overflows."""


@dataclass(frozen=True, slots=True)
class Tie:
    """One tie of the network, as recorded: `source` relates to `target` as `relationship`."""

    tie_id: str
    source: str  # node key, e.g. "partner:p1" or "stakeholder:s7"
    target: str
    relationship: str  # member_of, funds, allied_with, opposed_to, advises, covers, ...
    weight: float  # strength as recorded, 0..1


@dataclass(frozen=True, slots=True)
class Centrality:
    """One node's measures; see the module docstring for their definitions."""

    pagerank: float  # stationary probability; sums to 1 over the graph
    pagerank_scaled: float  # pagerank * number of nodes (1.0 = an average node)
    betweenness: float  # 0..1, normalised by (n-1)(n-2)/2 (undirected pairs), capped at 1
    betweenness_sampled: bool
    degree: int  # ties touching the node (either direction, effective weight > 0)
    in_degree: int
    out_degree: int
    weighted_degree: float  # sum of effective weights of those ties
    reach: int  # distinct other nodes within two steps, either direction


def effective_weight(tie: Tie, tie_weights: Mapping[str, float]) -> float:
    """How much influence the tie carries: its strength times its type's weight (0 when the
    model does not weigh its type)."""
    return tie.weight * tie_weights.get(tie.relationship, 0.0)


def pivot_order(keys: Iterable[str]) -> list[str]:
    """The nodes in the order sampled betweenness takes its pivots: by the sha256 of the key
    (ties broken by the key), so the pivots depend on the nodes alone."""
    return sorted(keys, key=lambda key: (hashlib.sha256(key.encode()).digest(), key))


def centralities(
    nodes: Iterable[str],
    ties: Iterable[Tie],
    tie_weights: Mapping[str, float],
    *,
    exact_up_to: int = 2000,
    pivots: int = 256,
) -> dict[str, Centrality]:
    """Every node in `nodes` gets an entry (isolated ones too). Ties whose ends are not in
    `nodes`, self-ties and ties whose effective weight is 0 (below `MIN_WEIGHT`, or not
    finite) are ignored. Weights are summed with `math.fsum` and the graphs are built in key
    order, so the order of the input does not change the result."""
    if pivots < 1:
        raise ValueError("pivots must be at least 1")
    keys = sorted(set(nodes))
    n = len(keys)
    if n == 0:
        return {}
    index = {key: i for i, key in enumerate(keys)}
    # The effective weights of the ties from s to t, under the key s * n + t (ints hash and
    # sort faster than pairs; this loop is most of the Python time on a large network).
    directed: dict[int, list[float]] = {}
    in_degree = [0] * n
    out_degree = [0] * n
    node = index.get
    kind_weight = tie_weights.get
    for tie in ties:
        s = node(tie.source)
        t = node(tie.target)
        if s is None or t is None or s == t:
            continue
        weight = tie.weight * kind_weight(tie.relationship, 0.0)  # effective_weight(tie, ...)
        if not MIN_WEIGHT <= weight < math.inf:  # also drops NaN
            continue
        key = s * n + t
        if (entry := directed.get(key)) is None:
            directed[key] = [weight]
        else:
            entry.append(weight)
        out_degree[s] += 1
        in_degree[t] += 1

    pairs: list[tuple[int, int]] = []
    pair_weights: list[float] = []
    touching: list[list[float]] = [[] for _ in range(n)]
    undirected: dict[int, list[float]] = {}
    for key in sorted(directed):
        s, t = divmod(key, n)
        weights = directed[key]
        pairs.append((s, t))
        pair_weights.append(math.fsum(weights))
        touching[s].extend(weights)
        touching[t].extend(weights)
        both = key if s < t else t * n + s
        if (entry := undirected.get(both)) is None:
            undirected[both] = list(weights)
        else:
            entry.extend(weights)
    combined = sorted(undirected)
    edges = [divmod(key, n) for key in combined]

    pagerank = _pagerank(n, pairs, pair_weights)
    graph = igraph.Graph(n=n, edges=edges, directed=False)
    distances = [1.0 / math.fsum(undirected[key]) for key in combined]
    between, sampled = _betweenness(graph, keys, distances, exact_up_to, pivots)
    reach = [int(size) for size in graph.neighborhood_size(order=2, mode="all", mindist=1)]
    return {
        key: Centrality(
            pagerank=pagerank[i],
            pagerank_scaled=pagerank[i] * n,
            betweenness=between[i],
            betweenness_sampled=sampled,
            degree=in_degree[i] + out_degree[i],
            in_degree=in_degree[i],
            out_degree=out_degree[i],
            weighted_degree=math.fsum(touching[i]),
            reach=reach[i],
        )
        for i, key in enumerate(keys)
    }


def _pagerank(n: int, edges: list[tuple[int, int]], weights: list[float]) -> list[float]:
    graph = igraph.Graph(n=n, edges=edges, directed=True)
    values = graph.pagerank(
        directed=True, damping=DAMPING, weights=weights, implementation="prpack"
    )
    return [float(value) for value in values]


def _betweenness(
    graph: igraph.Graph,
    keys: list[str],
    distances: list[float],
    exact_up_to: int,
    pivots: int,
) -> tuple[list[float], bool]:
    n = len(keys)
    sampled = n > exact_up_to and pivots < n
    if n < 3 or not distances:
        return [0.0] * n, sampled
    if not sampled:
        raw = graph.betweenness(directed=False, weights=distances)
        scale = 1.0
    else:
        index = {key: i for i, key in enumerate(keys)}
        sources = sorted(index[key] for key in pivot_order(keys)[:pivots])
        raw = graph.betweenness(directed=False, weights=distances, sources=sources)
        scale = n / pivots
    pairs = (n - 1) * (n - 2) / 2
    return [min(1.0, float(value) * scale / pairs) for value in raw], sampled


def _tie_key(tie: Tie) -> tuple[str, str, str, str, float]:
    """Ties compare by id first; the rest only orders ties that share an id."""
    return (tie.tie_id, tie.source, tie.target, tie.relationship, tie.weight)


class TieIndex:
    """The ties by the nodes they touch, built once for many `shortest_path` queries (building
    it costs more than a query on a large network)."""

    __slots__ = ("_adjacent",)

    def __init__(self, ties: Iterable[Tie]) -> None:
        # Added in key order, so each node's ties are in key order: the first usable one is
        # the smallest.
        adjacent: defaultdict[str, list[tuple[Tie, str]]] = defaultdict(list)
        for tie in sorted(ties, key=_tie_key):
            if tie.source == tie.target:
                continue
            adjacent[tie.source].append((tie, tie.target))
            adjacent[tie.target].append((tie, tie.source))
        self._adjacent: dict[str, list[tuple[Tie, str]]] = dict(adjacent)

    def shortest_path(
        self,
        start: str,
        goals: Collection[str],
        *,
        relationships: Collection[str] | None = None,
        max_hops: int = 3,
    ) -> list[Tie] | None:
        """See `shortest_path`.

        Breadth-first from both ends, a whole layer at a time, always on the side with less to
        expand, until the sides meet: then d = a + b hops, `a` from the start and `b` from the
        goals, and every shortest chain passes a node `a` hops from the start and `b` from a
        goal. The smallest chain is then taken tie by tie: the first of the node's ties (in
        key order) that stays on a shortest chain."""
        if start in goals:
            return []
        wanted = None if relationships is None else frozenset(relationships)
        adjacent = self._adjacent
        nowhere: list[tuple[Tie, str]] = []

        def expand(front: list[str], distance: dict[str, int], depth: int) -> list[str]:
            layer = []
            for node in front:
                for tie, other in adjacent.get(node, nowhere):
                    if other not in distance and (wanted is None or tie.relationship in wanted):
                        distance[other] = depth
                        layer.append(other)
            return layer

        def work(front: list[str]) -> int:
            return sum(len(adjacent.get(node, nowhere)) for node in front)

        forward: dict[str, int] = {start: 0}
        backward: dict[str, int] = dict.fromkeys(goals, 0)
        forward_front, backward_front = [start], list(backward)
        a = b = 0
        while True:
            if a + b >= max_hops or not forward_front or not backward_front:
                return None
            if work(forward_front) <= work(backward_front):
                a += 1
                forward_front = expand(forward_front, forward, a)
                if any(node in backward for node in forward_front):
                    break
            else:
                b += 1
                backward_front = expand(backward_front, backward, b)
                if any(node in forward for node in backward_front):
                    break
        hops = a + b
        # on[k]: the nodes k hops from the start on a shortest chain, for k <= a.
        on: list[set[str]] = [set() for _ in range(a + 1)]
        on[a] = {node for node, k in forward.items() if k == a and node in backward}
        for k in range(a - 1, -1, -1):
            for node in on[k + 1]:
                for tie, other in adjacent.get(node, nowhere):
                    if forward.get(other) == k and (wanted is None or tie.relationship in wanted):
                        on[k].add(other)
        chain: list[Tie] = []
        node = start
        for k in range(1, hops + 1):
            for tie, other in adjacent.get(node, nowhere):
                if wanted is not None and tie.relationship not in wanted:
                    continue
                if (other in on[k]) if k <= a else (backward.get(other) == hops - k):
                    chain.append(tie)
                    node = other
                    break
        return chain


def shortest_path(
    ties: Iterable[Tie],
    start: str,
    goals: Collection[str],
    *,
    relationships: Collection[str] | None = None,
    max_hops: int = 3,
) -> list[Tie] | None:
    """The fewest-hop chain of ties (followed in either direction, only of the given relationship
    types when given) from `start` to any node of `goals`, or None (also beyond `max_hops`);
    [] when `start` is a goal. Deterministic: among equally short chains, the lexicographically
    smallest by tie ids. Used to SHOW a conflict of interest (e.g. partner -> allied_with -> X
    -> funds ... -> an organisation the campaign opposes). For many queries over the same ties,
    build a `TieIndex` once."""
    return TieIndex(ties).shortest_path(
        start, goals, relationships=relationships, max_hops=max_hops
    )
