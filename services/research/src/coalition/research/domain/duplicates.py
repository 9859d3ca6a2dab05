"""Which partners of a campaign look like one organisation recorded twice, and why.

Partners come from staff, CRM imports and registry files, so one organisation can arrive
under several spellings. Candidates are proposed, never merged here: a merge is a decision
someone takes (see `partner.merge`). Three kinds of evidence, each named in the reasons:

- the same external id (a registry id of the profile, or a CRM record): similarity 1;
- the same name or alias once normalised (`names.normalise`): similarity 1;
- names alike by rapidfuzz's `token_sort_ratio` on the normalised names: its score.

Comparing every pair of 14,000 names is 100 million comparisons; instead names are put in
blocks by their two rarest words, and only names that share a block are scored. Two records
of one organisation share their rarest words unless both are misspelt.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from coalition.research.domain.names import normalise, tokens
from coalition.research.domain.partner import Partner

DEFAULT_MIN_SIMILARITY = 0.85
BLOCKING_WORDS = 2
"""How many of a name's rarest words put it in a block."""
SCORER = "token_sort_ratio"

_ID_NOISE = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class Candidate:
    """Two partners that may be one organisation. `partner_id` is the suggested survivor
    (the one with the longer history), `duplicate_id` the one to merge into it."""

    partner_id: str
    duplicate_id: str
    similarity: float
    reasons: tuple[str, ...]

    @property
    def key(self) -> tuple[float, str, str]:
        """The order of a list of candidates: most alike first, then by ids."""
        return (-self.similarity, self.partner_id, self.duplicate_id)


@dataclass(frozen=True)
class _Evidence:
    similarity: float
    reason: str


Pair = tuple[tuple[str, str], _Evidence]


def candidates(
    partners: Iterable[Partner], *, min_similarity: float = DEFAULT_MIN_SIMILARITY
) -> list[Candidate]:
    """Pairs of live partners at least `min_similarity` alike, most alike first. Archived
    partners (merged ones included) are left out: they accept no merge."""
    live = {p.partner_id: p for p in partners if not p.archived}
    ids = {partner_id: _registry_ids(p) for partner_id, p in live.items()}
    found: dict[tuple[str, str], list[_Evidence]] = defaultdict(list)
    for pair, evidence in (
        *_same_identifiers(live.values()),
        *_same_names(live.values()),
        *_alike_names(live.values(), min_similarity),
    ):
        found[pair].append(evidence)
    result = [
        _candidate(live, pair, evidence)
        for pair, evidence in found.items()
        if not conflicting(ids[pair[0]], ids[pair[1]])
    ]
    return sorted((c for c in result if c.similarity >= min_similarity), key=lambda c: c.key)


def _candidate(
    live: dict[str, Partner], pair: tuple[str, str], evidence: list[_Evidence]
) -> Candidate:
    survivor, duplicate = sorted((live[partner_id] for partner_id in pair), key=survivor_first)
    reasons = tuple(dict.fromkeys(e.reason for e in evidence))
    similarity = round(max(e.similarity for e in evidence), 3)
    return Candidate(survivor.partner_id, duplicate.partner_id, similarity, reasons)


def survivor_first(partner: Partner) -> tuple[int, str]:
    """The partner with the longer history is the better survivor (fewer events to carry)."""
    return (-partner.version, partner.partner_id)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _star(group: Iterable[Partner], evidence: _Evidence) -> Iterable[Pair]:
    """Each member of a group with one thing in common, paired with the group's likely
    survivor: n - 1 candidates rather than n² / 2 (a name shared by 800 local chapters)."""
    members = sorted({p.partner_id: p for p in group}.values(), key=survivor_first)
    for other in members[1:]:
        yield _pair(members[0].partner_id, other.partner_id), evidence


def identifiers(partner: Partner) -> set[tuple[str, str]]:
    """(registry, id) pairs that name the organisation: its registry ids and CRM records.
    Ids compare without case, blanks or dashes (`52-1234567` is `521234567`)."""
    pairs = {(registry, value) for registry, value in partner.profile.external_ids.items()}
    pairs |= {(f"{connector} record", value) for connector, value in partner.crm_records.items()}
    return {
        (registry.strip(), _ID_NOISE.sub("", value.casefold()))
        for registry, value in pairs
        if _ID_NOISE.sub("", value.casefold())
    }


def _registry_ids(partner: Partner) -> dict[str, set[str]]:
    by_registry: dict[str, set[str]] = defaultdict(set)
    for registry, value in identifiers(partner):
        by_registry[registry].add(value)
    return by_registry


def conflicting(a: dict[str, set[str]], b: dict[str, set[str]]) -> bool:
    """Different ids in one registry and none in common: two organisations of one name (the
    local chapters of a national body, say), not one recorded twice."""
    shared = a.keys() & b.keys()
    return bool(shared) and not any(a[registry] & b[registry] for registry in shared)


def _same_identifiers(partners: Iterable[Partner]) -> Iterable[Pair]:
    by_id: dict[tuple[str, str], list[Partner]] = defaultdict(list)
    for partner in partners:
        for identifier in identifiers(partner):
            by_id[identifier].append(partner)
    for (registry, _), group in by_id.items():
        yield from _star(group, _Evidence(1.0, f"same {registry}"))


def _same_names(partners: Iterable[Partner]) -> Iterable[Pair]:
    """Equal normalised names; where an alias is one of the two, it is an alias match."""
    by_name: dict[str, list[Partner]] = defaultdict(list)
    by_alias: dict[str, list[Partner]] = defaultdict(list)
    for partner in partners:
        by_name[normalise(partner.name)].append(partner)
        for alias in partner.profile.aliases:
            by_alias[normalise(alias)].append(partner)
    alias_match = _Evidence(1.0, "alias match")
    for name, group in by_name.items():
        yield from _star(group, _Evidence(1.0, "same name once normalised"))
        anchor = min(group, key=survivor_first)
        for holder in by_alias.get(name, []):
            if holder.partner_id != anchor.partner_id:
                yield _pair(anchor.partner_id, holder.partner_id), alias_match
    for holders in by_alias.values():
        yield from _star(holders, alias_match)


def blocks(names: Iterable[str]) -> dict[str, list[str]]:
    """Normalised names by blocking word: each name goes into the blocks of its rarest words."""
    words = {name: set(tokens(name)) for name in names}
    frequency = Counter(word for each in words.values() for word in each)
    result: dict[str, list[str]] = defaultdict(list)
    for name, each in words.items():
        for word in sorted(each, key=lambda w: (frequency[w], w))[:BLOCKING_WORDS]:
            result[word].append(name)
    return result


def _alike_names(partners: Iterable[Partner], min_similarity: float) -> Iterable[Pair]:
    """Names scored within their blocks. Each distinct name is scored once, for the likely
    survivor among the partners of that name (the others are paired with it already)."""
    anchors: dict[str, Partner] = {}
    for partner in sorted(partners, key=survivor_first):
        anchors.setdefault(normalise(partner.name), partner)
    neighbours: dict[str, set[str]] = defaultdict(set)
    for members in blocks(anchors).values():
        for name in members:
            neighbours[name].update(members)
    cutoff = min_similarity * 100
    for name, others in neighbours.items():
        # Each pair once: from the name that sorts first.
        choices = {other: other for other in others if other > name}
        for _, score, other in _extract(name, choices, cutoff) if choices else ():
            similarity = round(score / 100, 2)
            pair = _pair(anchors[name].partner_id, anchors[other].partner_id)
            yield pair, _Evidence(similarity, f"name {similarity:.2f} {SCORER}")


def _extract(
    query: str, choices: dict[str, str], cutoff: float
) -> Sequence[tuple[str, float, str]]:
    return process.extract(
        query,
        choices,
        scorer=fuzz.token_sort_ratio,
        processor=None,
        score_cutoff=cutoff,
        limit=None,
    )
