"""The recommended coalition and the synergies within it.

A campaign needs a set of partners, not a ranking: the set of at most N partners that covers
the most of its needs, issues and objectives within its outreach capacity, deal-breakers
excluded. That is weighted maximum coverage (NP-hard); the greedy choice (always the partner
adding the most still-uncovered weight, the better score breaking ties) is within 1 - 1/e of
the best set and says, member by member, what each one adds. Once nothing is left to cover,
the remaining places go to the best scores, marked as adding strength only.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from coalition.scoring.domain import coverage
from coalition.scoring.domain.assessment import Assessment
from coalition.scoring.domain.facts import CampaignFacts
from coalition.shared.contracts.scoring import CoalitionMember, ModelRules

EFFORT = 1.0
"""Outreach effort per partner: one place in a staff member's load (engagement's measure)."""


@dataclass(frozen=True, slots=True)
class Recommendation:
    members: list[CoalitionMember]
    coverage: float
    uncovered: list[str]
    capacity: float


def items(facts: CampaignFacts, already: Mapping[str, str]) -> dict[str, float]:
    """What a coalition should cover -> its weight: each stated need 1, each issue the
    campaign takes a side on its weight, each objective by priority; needs current partners
    already cover are left out."""
    found = {item: 1.0 for item in coverage.needs(facts) if item not in already}
    found.update(coverage.issue_items(facts))
    found.update({k: w for k, (_t, w) in coverage.objective_items(facts).items()})
    return found


def capacity(facts: CampaignFacts, rules: ModelRules) -> float:
    """The model's outreach capacity, else the staff capacity engagement reported, else room
    for a full coalition."""
    if rules.outreach_capacity is not None:
        return rules.outreach_capacity
    if facts.staff_capacity:
        return float(sum(facts.staff_capacity.values()))
    return rules.coalition_size * EFFORT


def recommend(
    candidates: Sequence[Assessment],
    wanted: Mapping[str, float],
    *,
    size: int,
    capacity: float,
    committed: frozenset[str] = frozenset(),
) -> Recommendation:
    """Greedy weighted maximum coverage under a size and an effort budget."""
    pool = sorted(
        (a for a in candidates if not a.excluded and a.partner_id not in committed),
        key=lambda a: (-a.score, a.partner_id),
    )
    open_items = dict(wanted)
    members: list[CoalitionMember] = []
    budget = capacity
    while pool and len(members) < size and budget >= EFFORT:
        best, gain = None, 0.0
        for candidate in pool:  # sorted by score: the first of equal gains wins
            adds = sum(open_items[item] for item in candidate.covers if item in open_items)
            if adds > gain + 1e-12:
                best, gain = candidate, adds
        if best is None:
            best = pool[0]
        added = sorted(item for item in best.covers if item in open_items)
        for item in added:
            del open_items[item]
        members.append(
            CoalitionMember.model_construct(
                partner_id=best.partner_id,
                name=best.name,
                score=best.score,
                adds=added or ["strength only: nothing left uncovered that it covers"],
                effort=EFFORT,
            )
        )
        pool.remove(best)
        budget -= EFFORT
    total = sum(wanted.values())
    covered = total - sum(open_items.values())
    return Recommendation(
        members=members,
        coverage=round(covered / total, 3) if total else 0.0,
        uncovered=sorted(open_items),
        capacity=capacity,
    )


@dataclass(frozen=True, slots=True)
class Synergy:
    """Two or three partners with joint-project potential, and why."""

    partners: tuple[str, ...]
    strength: float
    shared_issues: list[str]
    complementary: list[str]
    ties: list[str]


def synergies(
    chosen: Sequence[Assessment],
    facts: CampaignFacts,
    tie_words: Mapping[frozenset[str], list[str]],
    *,
    limit: int = 20,
) -> list[Synergy]:
    """Pairs (and triads whose three pairs all show synergy) with joint-project potential:
    issues both stand for with the campaign, needs one covers that the other does not, and
    ties that already join them. Strength = 0.4 shared + 0.3 complementary + 0.3 tied."""
    pairs: list[Synergy] = []
    strong: set[frozenset[str]] = set()
    for a, b in itertools.combinations(sorted(chosen, key=lambda x: x.partner_id), 2):
        issues_a = {i for i in a.covers if i.startswith("issue:")}
        issues_b = {i for i in b.covers if i.startswith("issue:")}
        shared = sorted(issues_a & issues_b)
        needs_a = {i for i in a.covers if not i.startswith(("issue:", "objective:"))}
        needs_b = {i for i in b.covers if not i.startswith(("issue:", "objective:"))}
        union = needs_a | needs_b
        complementary = sorted(needs_a ^ needs_b)
        joined = tie_words.get(frozenset({a.partner_id, b.partner_id}), [])
        issue_share = len(shared) / max(1, len(issues_a | issues_b))
        complement_share = len(complementary) / len(union) if union else 0.0
        strength = 0.4 * issue_share + 0.3 * complement_share + 0.3 * bool(joined)
        if strength <= 0:
            continue
        pair = Synergy(
            (a.partner_id, b.partner_id), round(strength, 3), shared, complementary, joined
        )
        pairs.append(pair)
        if strength >= 0.5:
            strong.add(frozenset(pair.partners))
    triads: list[Synergy] = []
    by_id = {p.partners: p for p in pairs}
    members = sorted({pid for pair in strong for pid in pair})
    for trio in itertools.combinations(members, 3):
        duos = [tuple(sorted(d)) for d in itertools.combinations(trio, 2)]
        if all(frozenset(d) in strong for d in duos):
            parts = [by_id[d] for d in duos if d in by_id]
            triads.append(
                Synergy(
                    trio,
                    round(sum(p.strength for p in parts) / 3, 3),
                    sorted(set.intersection(*(set(p.shared_issues) for p in parts))),
                    sorted(set().union(*(p.complementary for p in parts))),
                    sorted(set().union(*(p.ties for p in parts))),
                )
            )
    found = sorted([*triads, *pairs], key=lambda s: (-s.strength, s.partners))
    return found[:limit]
