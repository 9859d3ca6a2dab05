"""The scoring service's network measures (pure): hand-checked small networks, the shortest tie
chain, and properties over random networks: values in range, a new or stronger tie never lowers
the measures of the node it touches, the order of the input does not matter."""

from __future__ import annotations

import math
from collections.abc import Collection
from random import Random
from typing import get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coalition.scoring.domain.network import (
    Centrality,
    Tie,
    TieIndex,
    centralities,
    effective_weight,
    pivot_order,
    shortest_path,
)
from coalition.shared.contracts.research.network import RelationshipType

RELATIONSHIPS: tuple[str, ...] = get_args(RelationshipType)
EVEN = dict.fromkeys(RELATIONSHIPS, 1.0)
TOLERANCE = 1e-9


def tie(
    tie_id: str, source: str, target: str, weight: float = 1.0, kind: str = "allied_with"
) -> Tie:
    return Tie(tie_id, source, target, kind, weight)


def measure(nodes: Collection[str], ties: list[Tie], **options: int) -> dict[str, Centrality]:
    return centralities(nodes, ties, EVEN, **options)


# Hand-checked networks


def test_the_hub_of_a_star_brokers_every_pair() -> None:
    leaves = [f"leaf{i}" for i in range(5)]
    result = measure(["hub", *leaves], [tie(f"t{i}", "hub", leaf) for i, leaf in enumerate(leaves)])
    assert result["hub"].betweenness == pytest.approx(1.0)
    assert all(result[leaf].betweenness == 0.0 for leaf in leaves)
    assert not result["hub"].betweenness_sampled
    assert (result["hub"].degree, result["hub"].out_degree, result["hub"].in_degree) == (5, 5, 0)
    assert result["hub"].reach == 5
    assert result["leaf0"].reach == 5  # the hub and the four other leaves, two steps away
    assert result["leaf0"].in_degree == 1


def test_the_middle_of_a_path_brokers_its_ends() -> None:
    result = measure(["a", "b", "c"], [tie("t1", "a", "b"), tie("t2", "c", "b", 0.2)])
    assert result["b"].betweenness == pytest.approx(1.0)
    assert result["a"].betweenness == result["c"].betweenness == 0.0
    assert result["b"].weighted_degree == pytest.approx(1.2)


def test_a_cycle_gives_every_node_the_same_pagerank() -> None:
    nodes = ["a", "b", "c", "d"]
    result = measure(nodes, [tie(f"t{i}", n, nodes[(i + 1) % 4]) for i, n in enumerate(nodes)])
    for node in nodes:
        assert result[node].pagerank == pytest.approx(0.25)
        assert result[node].pagerank_scaled == pytest.approx(1.0)


def power_iteration(n: int, edges: dict[tuple[int, int], float], rounds: int = 500) -> list[float]:
    """PageRank written out: damping 0.85, a node without outgoing ties teleports uniformly."""
    out = [sum(w for (s, _), w in edges.items() if s == i) for i in range(n)]
    rank = [1.0 / n] * n
    for _ in range(rounds):
        dangling = sum(rank[i] for i in range(n) if out[i] == 0)
        new = [0.15 / n + 0.85 * dangling / n] * n
        for (s, t), w in edges.items():
            new[t] += 0.85 * rank[s] * w / out[s]
        rank = new
    return rank


def test_pagerank_of_a_directed_chain_is_the_power_iteration() -> None:
    # a -> b (0.5), a -> c (0.25), b -> c (1.0); c is dangling.
    ties = [tie("t1", "a", "b", 0.5), tie("t2", "a", "c", 0.25), tie("t3", "b", "c", 1.0)]
    result = measure(["a", "b", "c"], ties)
    expected = power_iteration(3, {(0, 1): 0.5, (0, 2): 0.25, (1, 2): 1.0})
    assert [result[k].pagerank for k in "abc"] == pytest.approx(expected, abs=1e-9)
    # By hand: a gets only teleports (0.15/3 + 0.85 c / 3), c the most.
    assert result["a"].pagerank < result["b"].pagerank < result["c"].pagerank
    assert sum(r.pagerank for r in result.values()) == pytest.approx(1.0)


def test_a_type_of_tie_weighed_zero_carries_nothing() -> None:
    ties = [tie("t1", "a", "b", kind="opposed_to"), tie("t2", "b", "c", kind="covers")]
    weights = {**EVEN, "opposed_to": 0.0}
    result = centralities(["a", "b", "c"], ties, weights)
    assert result["a"].degree == 0
    assert result["a"].reach == 0
    assert result["b"].betweenness == 0.0
    assert result["b"].degree == 1
    assert effective_weight(ties[0], weights) == 0.0
    # A type the model does not weigh at all carries nothing either.
    assert effective_weight(ties[1], {"funds": 1.0}) == 0.0
    alone = centralities(["a", "b", "c"], ties, {"funds": 1.0})
    assert {r.degree for r in alone.values()} == {0}
    assert [r.pagerank for r in alone.values()] == pytest.approx([1 / 3] * 3)


def test_a_zero_strength_tie_carries_nothing() -> None:
    result = measure(["a", "b"], [tie("t1", "a", "b", 0.0)])
    assert result["a"].degree == result["b"].degree == 0
    assert result["b"].pagerank == pytest.approx(0.5)


def test_parallel_ties_add_up() -> None:
    # A square a-b-c-d-a. a and b have two ties of 0.5, one each way: combined, 1, so a-b-c
    # (distance 1 + 1) is shorter than a-d-c (1/0.6 + 1); either tie alone (2 + 1) is not.
    ties = [
        tie("t1", "a", "b", 0.5),
        tie("t2", "b", "a", 0.5),
        tie("t3", "b", "c", 1.0),
        tie("t4", "a", "d", 0.6),
        tie("t5", "d", "c", 1.0),
    ]
    result = measure("abcd", ties)
    assert result["b"].betweenness == pytest.approx(1 / 3)  # (a, c) of the 3 pairs without b
    assert result["d"].betweenness == 0.0
    assert result["c"].betweenness == pytest.approx(1 / 3)  # (b, d)
    assert result["a"].degree == 3
    assert result["a"].weighted_degree == pytest.approx(1.6)
    without = measure("abcd", [t for t in ties if t.tie_id != "t2"])
    assert without["d"].betweenness > 0.0
    # PageRank: two ties a -> b add up like one of their summed strength.
    one = measure("abc", [tie("x", "a", "b", 0.6), tie("y", "a", "c", 0.3)])
    two = measure(
        "abc", [tie("x1", "a", "b", 0.2), tie("x2", "a", "b", 0.4), tie("y", "a", "c", 0.3)]
    )
    assert [one[k].pagerank for k in "abc"] == pytest.approx([two[k].pagerank for k in "abc"])


def test_ties_to_unknown_nodes_and_self_ties_are_ignored() -> None:
    ties = [
        tie("t1", "a", "b"),
        tie("t2", "a", "ghost"),
        tie("t3", "ghost", "b"),
        tie("t4", "a", "a"),
    ]
    result = measure(["a", "b", "lonely"], ties)
    assert set(result) == {"a", "b", "lonely"}
    assert result == measure(["a", "b", "lonely"], ties[:1])
    assert result["a"].degree == 1
    lonely = result["lonely"]
    assert (lonely.degree, lonely.weighted_degree, lonely.reach, lonely.betweenness) == (0, 0, 0, 0)
    assert lonely.pagerank > 0.0


def test_reach_counts_two_steps_not_three() -> None:
    ties = [tie("t1", "a", "b"), tie("t2", "c", "b"), tie("t3", "c", "d"), tie("t4", "d", "e")]
    result = measure("abcde", ties)
    assert result["a"].reach == 2  # b and c; d is three steps away
    assert result["b"].reach == 3  # a, c and d
    assert result["c"].reach == 4


def test_no_nodes_no_measures() -> None:
    assert measure([], [tie("t1", "a", "b")]) == {}


def test_sampled_betweenness_is_flagged_and_exact_with_every_node_a_pivot() -> None:
    nodes = [f"n{i}" for i in range(8)]
    ties = [tie(f"t{i}", nodes[i], nodes[(i * 3 + 1) % 8], 0.1 + i / 10) for i in range(8)]
    ties += [tie("hub", "n0", "n5"), tie("hub2", "n0", "n6", 0.3)]
    exact = measure(nodes, ties)
    everyone = measure(nodes, ties, exact_up_to=0, pivots=8)
    assert everyone == exact
    sampled = measure(nodes, ties, exact_up_to=0, pivots=3)
    assert all(r.betweenness_sampled for r in sampled.values())
    assert all(0.0 <= r.betweenness <= 1.0 for r in sampled.values())
    assert [sampled[n].pagerank for n in nodes] == [exact[n].pagerank for n in nodes]
    with pytest.raises(ValueError, match="pivots"):
        measure(nodes, ties, pivots=0)


def test_sampled_betweenness_sums_the_pivots_dependencies_scaled_up() -> None:
    # On the path a-b-c-d-e, source s depends on v for every node beyond v (seen from s).
    path = "abcde"
    ties = [tie(f"t{i}", path[i], path[i + 1]) for i in range(4)]
    pivots = pivot_order(path)[:3]

    def beyond(s: int, v: int) -> int:
        return 4 - v if v > s else v if v < s else 0

    result = measure(path, ties, exact_up_to=0, pivots=3)
    for v, node in enumerate(path):
        # Each pair counted once (half of the two directions), scaled by n / pivots, over the
        # (n-1)(n-2)/2 = 6 pairs without v.
        raw = sum(beyond(path.index(s), v) for s in pivots) / 2
        assert result[node].betweenness == pytest.approx(min(1.0, raw * 5 / 3 / 6))
        assert result[node].betweenness_sampled


def test_the_pivots_depend_on_the_node_keys_alone() -> None:
    keys = [f"partner:p{i}" for i in range(50)]
    assert pivot_order(keys) == pivot_order(reversed(keys))
    assert pivot_order(keys) != sorted(keys)


# The shortest chain of ties

OPPOSED = {"org:enemy"}
CONFLICT = [
    tie("t1", "partner:p1", "x", kind="allied_with"),
    tie("t2", "org:enemy", "x", kind="funds"),  # followed against its direction
    tie("t3", "partner:p1", "y", kind="member_of"),
    tie("t4", "y", "z", kind="member_of"),
    tie("t5", "z", "org:enemy", kind="member_of"),
]


def ids(chain: list[Tie] | None) -> list[str] | None:
    return None if chain is None else [t.tie_id for t in chain]


def test_the_two_hop_chain_is_found() -> None:
    assert ids(shortest_path(CONFLICT, "partner:p1", OPPOSED)) == ["t1", "t2"]


def test_only_the_given_types_of_tie_are_followed() -> None:
    found = shortest_path(CONFLICT, "partner:p1", OPPOSED, relationships={"member_of"})
    assert ids(found) == ["t3", "t4", "t5"]
    assert shortest_path(CONFLICT, "partner:p1", OPPOSED, relationships={"covers"}) is None


def test_no_chain_longer_than_max_hops() -> None:
    only = {"member_of"}
    assert shortest_path(CONFLICT, "partner:p1", OPPOSED, relationships=only, max_hops=2) is None
    assert ids(shortest_path(CONFLICT, "partner:p1", OPPOSED, max_hops=2)) == ["t1", "t2"]
    assert shortest_path(CONFLICT, "partner:p1", OPPOSED, max_hops=1) is None
    assert shortest_path(CONFLICT, "partner:p1", OPPOSED, max_hops=0) is None


def test_equally_short_chains_give_the_smallest_tie_ids() -> None:
    ties = [
        tie("b", "s", "m1"),
        tie("a9", "m1", "g1"),
        tie("c", "s", "m2"),
        tie("a1", "m2", "g2"),
        tie("b2", "m1", "g2"),
    ]
    for order in (ties, ties[::-1], ties[2:] + ties[:2]):
        assert ids(shortest_path(order, "s", {"g1", "g2"})) == ["b", "a9"]
    # A parallel tie with a smaller id is taken instead.
    assert ids(shortest_path([*ties, tie("a", "m1", "s")], "s", {"g1", "g2"})) == ["a", "a9"]


def test_no_chain_when_unreachable_and_none_needed_from_a_goal() -> None:
    assert shortest_path(CONFLICT, "partner:p1", {"nobody"}) is None
    assert shortest_path(CONFLICT, "unknown", OPPOSED) is None
    assert shortest_path([], "a", {"b"}) is None
    assert shortest_path(CONFLICT, "org:enemy", OPPOSED) == []
    assert shortest_path([], "a", {"a"}, max_hops=0) == []


# Properties over random networks

NODES = [f"n{i}" for i in range(25)]


@st.composite
def networks(draw: st.DrawFn, max_ties: int = 60) -> tuple[list[str], list[Tie]]:
    nodes = NODES[: draw(st.integers(1, len(NODES)))]
    ends = st.sampled_from([*nodes, "outsider"]) if draw(st.booleans()) else st.sampled_from(nodes)
    count = draw(st.integers(0, max_ties))
    ties = [
        Tie(
            f"t{i}",
            draw(ends),
            draw(ends),
            draw(st.sampled_from(RELATIONSHIPS)),
            draw(st.floats(0.0, 1.0)),
        )
        for i in range(count)
    ]
    return nodes, ties


tie_weights = st.one_of(
    st.just(EVEN),
    st.fixed_dictionaries({kind: st.floats(0.0, 1.0) for kind in RELATIONSHIPS}),
)
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def not_lower(before: Centrality, after: Centrality, *, pagerank: bool) -> None:
    if pagerank:
        assert after.pagerank_scaled >= before.pagerank_scaled - TOLERANCE
    assert after.betweenness >= before.betweenness - TOLERANCE
    assert after.degree >= before.degree
    assert after.weighted_degree >= before.weighted_degree - TOLERANCE
    assert after.reach >= before.reach


@PROPERTY
@given(networks(), tie_weights)
def test_every_value_is_in_range(
    network: tuple[list[str], list[Tie]], weights: dict[str, float]
) -> None:
    nodes, ties = network
    result = centralities(nodes, ties, weights)
    assert set(result) == set(nodes)
    assert math.fsum(r.pagerank for r in result.values()) == pytest.approx(1.0, abs=1e-9)
    for r in result.values():
        assert 0.0 <= r.pagerank <= 1.0
        assert r.pagerank_scaled == pytest.approx(r.pagerank * len(nodes))
        assert 0.0 <= r.betweenness <= 1.0
        assert not r.betweenness_sampled
        assert r.degree == r.in_degree + r.out_degree
        assert r.weighted_degree >= 0.0
        assert 0 <= r.reach <= len(nodes) - 1


@st.composite
def with_new_tie(draw: st.DrawFn) -> tuple[list[str], list[Tie], dict[str, float], Tie]:
    nodes, ties = draw(networks())
    weights = draw(tie_weights)
    if len(nodes) < 2:
        nodes = NODES[:2]
    source, target = draw(st.permutations(nodes).map(lambda p: (p[0], p[1])))
    carrying = [kind for kind in RELATIONSHIPS if weights[kind] >= 0.001]
    kind = draw(st.sampled_from(carrying or ["allied_with"]))
    if not carrying:
        weights = {**weights, kind: 1.0}
    new = Tie("new", source, target, kind, draw(st.floats(0.001, 1.0)))
    return nodes, ties, weights, new


@PROPERTY
@given(with_new_tie())
def test_a_new_tie_never_lowers_the_node_it_points_at(
    case: tuple[list[str], list[Tie], dict[str, float], Tie],
) -> None:
    nodes, ties, weights, new = case
    assert effective_weight(new, weights) > 0.0
    before = centralities(nodes, ties, weights)
    after = centralities(nodes, [*ties, new], weights)
    not_lower(before[new.target], after[new.target], pagerank=True)
    not_lower(before[new.source], after[new.source], pagerank=False)
    assert after[new.target].degree == before[new.target].degree + 1


@PROPERTY
@given(networks(), tie_weights, st.data())
def test_a_stronger_tie_never_lowers_the_node_it_points_at(
    network: tuple[list[str], list[Tie]], weights: dict[str, float], data: st.DataObject
) -> None:
    nodes, ties = network
    if not ties:
        return
    i = data.draw(st.integers(0, len(ties) - 1))
    old = ties[i]
    stronger = Tie(
        old.tie_id, old.source, old.target, old.relationship, data.draw(st.floats(old.weight, 1.0))
    )
    before = centralities(nodes, ties, weights)
    after = centralities(nodes, [*ties[:i], stronger, *ties[i + 1 :]], weights)
    if old.target in before:
        not_lower(before[old.target], after[old.target], pagerank=True)
    if old.source in before:
        not_lower(before[old.source], after[old.source], pagerank=False)


@PROPERTY
@given(with_new_tie(), st.integers(1, 5))
def test_a_new_tie_never_lowers_sampled_betweenness(
    case: tuple[list[str], list[Tie], dict[str, float], Tie], pivots: int
) -> None:
    nodes, ties, weights, new = case
    before = centralities(nodes, ties, weights, exact_up_to=0, pivots=pivots)
    after = centralities(nodes, [*ties, new], weights, exact_up_to=0, pivots=pivots)
    for node in (new.source, new.target):
        assert after[node].betweenness >= before[node].betweenness - TOLERANCE
        assert after[node].betweenness_sampled == (pivots < len(nodes))


@PROPERTY
@given(networks(), tie_weights, st.randoms(use_true_random=False))
def test_the_order_of_the_input_does_not_matter(
    network: tuple[list[str], list[Tie]], weights: dict[str, float], rng: Random
) -> None:
    nodes, ties = network
    shuffled_nodes, shuffled_ties = list(nodes), list(ties)
    rng.shuffle(shuffled_nodes)
    rng.shuffle(shuffled_ties)
    assert centralities(shuffled_nodes, shuffled_ties, weights) == centralities(
        nodes, ties, weights
    )


def brute_force(
    ties: list[Tie], start: str, goals: set[str], relationships: set[str] | None, max_hops: int
) -> list[Tie] | None:
    """Every simple chain from `start`, the fewest hops, then the smallest by tie keys."""
    if start in goals:
        return []
    usable = [
        t
        for t in ties
        if t.source != t.target and (relationships is None or t.relationship in relationships)
    ]
    found: list[list[Tie]] = []

    def walk(node: str, chain: list[Tie], visited: set[str]) -> None:
        if node in goals:
            found.append(chain)
            return
        if len(chain) == max_hops:
            return
        for t in usable:
            for a, b in ((t.source, t.target), (t.target, t.source)):
                if a == node and b not in visited:
                    walk(b, [*chain, t], visited | {b})

    walk(start, [], {start})
    if not found:
        return None

    def key(chain: list[Tie]) -> tuple[int, list[tuple[str, str, str, str, float]]]:
        return len(chain), [(t.tie_id, t.source, t.target, t.relationship, t.weight) for t in chain]

    return min(found, key=key)


@settings(max_examples=150, deadline=None)
@given(
    networks(max_ties=30),
    st.data(),
    st.one_of(st.none(), st.sets(st.sampled_from(RELATIONSHIPS), min_size=1)),
    st.integers(0, 4),
)
def test_shortest_path_is_the_fewest_hops_then_the_smallest_ids(
    network: tuple[list[str], list[Tie]],
    data: st.DataObject,
    relationships: set[str] | None,
    max_hops: int,
) -> None:
    nodes, ties = network
    nodes = NODES[: max(len(nodes), 2)]
    start = data.draw(st.sampled_from(nodes))
    goals = data.draw(st.sets(st.sampled_from([*nodes, "outsider"]), max_size=3))
    # Repeated ids among the ties are allowed: the rest of the tie orders them.
    ties = [Tie(data.draw(st.sampled_from(["a", "b", t.tie_id])), *_rest(t)) for t in ties]
    expected = brute_force(ties, start, goals, relationships, max_hops)
    found = shortest_path(ties, start, goals, relationships=relationships, max_hops=max_hops)
    assert found == expected
    index = TieIndex(ties[::-1])
    assert (
        index.shortest_path(start, goals, relationships=relationships, max_hops=max_hops) == found
    )


def _rest(t: Tie) -> tuple[str, str, str, float]:
    return t.source, t.target, t.relationship, t.weight


def test_the_benchmark_network_is_campaign_like_and_seeded() -> None:
    from benchmarks.scoring_network import RELATIONSHIPS as USED
    from benchmarks.scoring_network import synthetic_network

    keys, ties = synthetic_network(500, 2_000, seed=3)
    assert (keys, ties) == synthetic_network(500, 2_000, seed=3)
    assert len(keys) == len(set(keys)) == 500
    assert len(ties) == len({t.tie_id for t in ties}) == 2_000
    partners = sum(key.startswith("partner:p") for key in keys)
    assert 0.7 * 500 < partners < 0.9 * 500
    assert all(key.startswith(("partner:p", "stakeholder:s")) for key in keys)
    assert {t.relationship for t in ties} == set(USED) == set(RELATIONSHIPS)
    assert all(t.source != t.target and 0.0 < t.weight <= 1.0 for t in ties)
    known = set(keys)
    assert all(t.source in known and t.target in known for t in ties)
    degrees = sorted(centralities(keys, ties, EVEN).values(), key=lambda c: c.degree)
    assert degrees[-1].degree > 10 * degrees[len(degrees) // 2].degree  # a few hubs
