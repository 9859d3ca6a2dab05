"""What the network map shows beyond the ties: communities, overlaps, mutual interests, and
where each node is drawn. Pure and deterministic: same graph, same answer.

- Communities: Leiden (Traag, Waltman & van Eck 2019) maximising modularity, igraph's
  implementation, on the undirected graph of the ties that bind (every type but `opposed_to`),
  parallel ties summed, run until stable from a fixed random seed on nodes in id order.
  Numbered 0, 1, ... by size, largest first (then by smallest member id). A node with no such
  tie is in no community (`None`), not in a community of one.
- Overlaps: a node whose binding ties reach communities other than its own is a *bridge*
  (`bridges` names them); a stakeholder tied (any type) to two partners or more is *shared*.
- Mutual interests: partners on the same side (support or oppose) of an issue, two or more;
  beside each, the campaign's own stance on the issue, when it took one.
- Positions: Fruchterman-Reingold on the tied nodes (500 iterations from seeded positions;
  igraph's grid approximation above 1,000 of them, which keeps 10,000 nodes to seconds),
  scaled into a square of side `SIZE`; the untied nodes in rows under it, by kind then label,
  so they stay legible.
"""

from __future__ import annotations

import math
import random
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace

import igraph

from coalition.projections.domain.network_map import PARTNER, STAKEHOLDER, Edge, Node
from coalition.shared.contracts.research import STANCE_VALUES

SEED = 20261129
SIZE = 1000.0
UNBINDING = frozenset({"opposed_to"})
_RNG_LOCK = threading.Lock()
"""igraph draws from one process-wide generator: seeding it is a critical section."""


@dataclass(frozen=True, slots=True)
class Community:
    id: int
    size: int
    label: str  # its best-connected member's label
    partners: int
    stakeholders: int
    kinds: tuple[tuple[str, int], ...]  # kind -> members, most first


@dataclass(frozen=True, slots=True)
class MutualInterest:
    issue: str
    side: str  # support | oppose
    partners: tuple[str, ...]  # node ids
    campaign_stance: str | None


@dataclass(frozen=True, slots=True)
class SharedStakeholder:
    stakeholder: str  # node id
    partners: tuple[str, ...]  # node ids


@dataclass(frozen=True, slots=True)
class NetworkMap:
    campaign_id: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    communities: tuple[Community, ...]
    mutual_interests: tuple[MutualInterest, ...]
    shared_stakeholders: tuple[SharedStakeholder, ...]
    events: int  # events read
    last_position: int  # the last of them in the projections' log (0: none)


def analyse(
    campaign_id: str,
    nodes: Sequence[Node],
    edges: Sequence[Edge],
    campaign_positions: dict[str, str],
    *,
    events: int = 0,
    last_position: int = 0,
) -> NetworkMap:
    index = {node.id: i for i, node in enumerate(nodes)}
    binding: dict[tuple[int, int], float] = defaultdict(float)
    for edge in edges:
        if edge.relationship in UNBINDING or edge.weight <= 0:
            continue
        a, b = sorted((index[edge.source], index[edge.target]))
        binding[(a, b)] += edge.weight
    pairs = sorted(binding)
    membership = _communities(len(nodes), pairs, [binding[pair] for pair in pairs])
    positions = _positions(nodes, pairs, [binding[pair] for pair in pairs])
    degree = Counter[str]()
    partners_of: dict[str, set[str]] = defaultdict(set)
    reaches: dict[int, set[int]] = defaultdict(set)
    for edge in edges:
        degree[edge.source] += 1
        degree[edge.target] += 1
        for one, other in ((edge.source, edge.target), (edge.target, edge.source)):
            if one.startswith(STAKEHOLDER) and other.startswith(PARTNER):
                partners_of[one].add(other)
    for a, b in pairs:
        left, right = membership[a], membership[b]
        if left is not None and right is not None:
            reaches[a].add(right)
            reaches[b].add(left)
    interests = _mutual_interests(nodes, campaign_positions)
    shares: defaultdict[str, set[str]] = defaultdict(set)
    for interest in interests:
        for member in interest.partners:
            shares[member].add(interest.issue)
    placed = []
    for i, node in enumerate(nodes):
        own = membership[i]
        x, y = positions[i]
        placed.append(
            replace(
                node,
                community=own,
                bridges=tuple(sorted(c for c in reaches[i] if c != own)),
                interests=tuple(sorted(shares[node.id])),
                shared_by=len(partners_of[node.id]),
                degree=degree[node.id],
                x=x,
                y=y,
            )
        )
    shared = tuple(
        SharedStakeholder(key, tuple(sorted(partners)))
        for key, partners in sorted(partners_of.items())
        if len(partners) >= 2
    )
    return NetworkMap(
        campaign_id=campaign_id,
        nodes=tuple(placed),
        edges=tuple(edges),
        communities=_describe(placed),
        mutual_interests=interests,
        shared_stakeholders=shared,
        events=events,
        last_position=last_position,
    )


@contextmanager
def _seeded() -> Iterator[random.Random]:
    """igraph's generator seeded for the duration, then given back to `random`."""
    with _RNG_LOCK:
        rng = random.Random(SEED)
        igraph.set_random_number_generator(rng)
        try:
            yield rng
        finally:
            igraph.set_random_number_generator(random)


def _communities(n: int, pairs: list[tuple[int, int]], weights: list[float]) -> list[int | None]:
    """Leiden's membership renumbered by size (largest first), untied nodes None."""
    if not pairs:
        return [None] * n
    graph = igraph.Graph(n=n, edges=pairs, directed=False)
    with _seeded():
        found = graph.community_leiden(
            objective_function="modularity", weights=weights, n_iterations=-1
        )
    tied = {i for pair in pairs for i in pair}
    groups: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(found.membership):
        if i in tied:
            groups[label].append(i)
    ordered = sorted(groups.values(), key=lambda members: (-len(members), min(members)))
    membership: list[int | None] = [None] * n
    for number, members in enumerate(ordered):
        for i in members:
            membership[i] = number
    return membership


def _positions(
    nodes: Sequence[Node], pairs: list[tuple[int, int]], weights: list[float]
) -> list[tuple[float, float]]:
    n = len(nodes)
    positions = [(0.0, 0.0)] * n
    tied = sorted({i for pair in pairs for i in pair})
    if tied:
        local = {i: k for k, i in enumerate(tied)}
        graph = igraph.Graph(
            n=len(tied), edges=[(local[a], local[b]) for a, b in pairs], directed=False
        )
        # Seeded start in the square igraph would pick itself (side sqrt(n)): a smaller one
        # packs the nodes into few grid cells and makes the grid approximation slow.
        half = math.sqrt(len(tied)) / 2
        with _seeded() as rng:
            start = [[rng.uniform(-half, half), rng.uniform(-half, half)] for _ in tied]
            layout = graph.layout_fruchterman_reingold(
                weights=weights, niter=500, seed=start, grid="auto"
            )
        xs, ys = [c[0] for c in layout.coords], [c[1] for c in layout.coords]
        span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
        for k, i in enumerate(tied):
            positions[i] = (
                round((xs[k] - min(xs)) / span * SIZE, 2),
                round((ys[k] - min(ys)) / span * SIZE, 2),
            )
    placed = set(tied)
    loose = sorted(
        (i for i in range(n) if i not in placed), key=lambda i: (nodes[i].kind, nodes[i].label)
    )
    if loose:
        columns = max(1, math.ceil(math.sqrt(len(loose) * 2)))
        step = SIZE / columns
        top = SIZE + step * 2 if tied else 0.0
        for k, i in enumerate(loose):
            row, column = divmod(k, columns)
            positions[i] = (round(column * step, 2), round(top + row * step, 2))
    return positions


def _mutual_interests(
    nodes: Sequence[Node], campaign_positions: dict[str, str]
) -> tuple[MutualInterest, ...]:
    sides: dict[tuple[str, str], list[str]] = defaultdict(list)
    for node in nodes:
        for issue, stance in node.positions:
            value = STANCE_VALUES[stance]
            if value:
                sides[(issue, "support" if value > 0 else "oppose")].append(node.id)
    found = [
        MutualInterest(issue, side, tuple(sorted(members)), campaign_positions.get(issue))
        for (issue, side), members in sides.items()
        if len(members) >= 2
    ]
    return tuple(sorted(found, key=lambda m: (-len(m.partners), m.issue, m.side)))


def _describe(nodes: Sequence[Node]) -> tuple[Community, ...]:
    members: dict[int, list[Node]] = defaultdict(list)
    for node in nodes:
        if node.community is not None:
            members[node.community].append(node)
    described = []
    for number in sorted(members):
        group = members[number]
        hub = min(group, key=lambda node: (-node.degree, node.id))
        kinds = Counter(node.kind for node in group)
        described.append(
            Community(
                id=number,
                size=len(group),
                label=hub.label,
                partners=sum(node.type == PARTNER for node in group),
                stakeholders=sum(node.type == STAKEHOLDER for node in group),
                kinds=tuple(sorted(kinds.items(), key=lambda item: (-item[1], item[0]))),
            )
        )
    return tuple(described)


@dataclass(frozen=True, slots=True)
class Filters:
    """What a reader asked to see. `kinds` applies to every node; `stages` and `min_score`
    to partners, and a stakeholder stays when it is tied to a partner that stays."""

    kinds: frozenset[str] = frozenset()
    stages: frozenset[str] = frozenset()
    min_score: float | None = None

    @property
    def partner_only(self) -> bool:
        return bool(self.stages) or self.min_score is not None


def _partner_passes(node: Node, filters: Filters) -> bool:
    if filters.stages and node.stage not in filters.stages:
        return False
    return filters.min_score is None or (node.score is not None and node.score >= filters.min_score)


def filtered(network: NetworkMap, filters: Filters) -> NetworkMap:
    """The map with only the nodes the filters keep, and the ties and overlaps among them.
    Communities and positions stay those of the whole map, so a filter never moves a node."""
    kept = {
        node.id
        for node in network.nodes
        if (not filters.kinds or node.kind in filters.kinds)
        and (node.type != PARTNER or _partner_passes(node, filters))
    }
    if filters.partner_only:
        partners = {key for key in kept if key.startswith(PARTNER)}
        tied = {e.source for e in network.edges if e.target in partners} | {
            e.target for e in network.edges if e.source in partners
        }
        kept = partners | {key for key in kept if key in tied}
    edges = tuple(e for e in network.edges if e.source in kept and e.target in kept)
    interests = tuple(
        replace(m, partners=members)
        for m in network.mutual_interests
        if len(members := tuple(p for p in m.partners if p in kept)) >= 2
    )
    shared = tuple(
        replace(s, partners=members)
        for s in network.shared_stakeholders
        if s.stakeholder in kept and len(members := tuple(p for p in s.partners if p in kept)) >= 2
    )
    return replace(
        network,
        nodes=tuple(node for node in network.nodes if node.id in kept),
        edges=edges,
        mutual_interests=interests,
        shared_stakeholders=shared,
    )
