"""The assessment of every candidate of a campaign under one scoring model: five components,
each 0..1 with the measures and facts behind it, the deal-breakers that exclude, and the
partner's place on the grids practitioners use.

Pure: the same facts and model always give the same assessment (the replay test holds us to
it). The grids (docs/scoring.md): the ODI Alignment, Interest and Influence Matrix, Mendelow's
power-interest grid and the Mitchell-Agle-Wood salience model; network centrality is measured
as Kumu reports it (docs/scoring-network.md).
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left, bisect_right
from collections import OrderedDict, defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from coalition.scoring.domain import coverage
from coalition.scoring.domain.facts import CampaignFacts, PartnerFacts
from coalition.scoring.domain.model import Model
from coalition.scoring.domain.network import Centrality, Tie, centralities
from coalition.scoring.domain.text import term
from coalition.shared.contracts.research import STANCE_VALUES
from coalition.shared.contracts.scoring import (
    Component,
    ComponentScore,
    Evidence,
    Exclusion,
    ModelRules,
    Quadrants,
)

STANCE_NAMES = {value: name.replace("_", " ") for name, value in STANCE_VALUES.items()}
ACCESS_KINDS = {
    "stakeholder": {"policymaker", "official", "journalist", "media_outlet"},
    "partner": {"party", "government_body", "media"},
}
CONFLICT_TIES = frozenset({"funds", "allied_with", "member_of", "shares_staff"})
BUDGET_ORDER = {"under_100k": 1, "100k_to_1m": 2, "1m_to_10m": 3, "10m_to_100m": 4, "over_100m": 5}
MAX_EVIDENCE = 6
MAX_INPUTS = 50


@dataclass(slots=True)
class Assessment:
    """One partner's assessment: everything a `PartnerScored` records but the recommendation."""

    partner_id: str
    name: str
    score: float
    components: dict[str, float]
    breakdown: list[ComponentScore]
    excluded: bool
    exclusions: list[Exclusion]
    quadrants: Quadrants
    inputs: list[str]
    covers: dict[str, str] = field(default_factory=dict)
    """Coverage items (needs, issues, objectives) -> where the profile shows them."""


M = TypeVar("M", bound=BaseModel)


def built(model: type[M], /, **values: Any) -> M:
    """A model from values this module computed, every field given: no validation, no defaults
    (a re-score builds hundreds of thousands; `model_construct` costs ten times as much)."""
    made = model.__new__(model)
    object.__setattr__(made, "__dict__", values)
    object.__setattr__(made, "__pydantic_fields_set__", set(values))
    object.__setattr__(made, "__pydantic_extra__", None)
    object.__setattr__(made, "__pydantic_private__", None)
    return made


def _evidence(fact: str, event_id: str | None = None, path: list[str] | None = None) -> Evidence:
    return built(Evidence, fact=fact[:1000], event_id=event_id, path=path or [])


def _component(
    name: Component,
    value: float,
    weight: float,
    measures: dict[str, float],
    evidence: list[Evidence],
) -> ComponentScore:
    return built(
        ComponentScore,
        name=name,
        value=_round(value),
        weight=weight,
        measures={k: round(v, 6) for k, v in measures.items()},
        evidence=evidence[:MAX_EVIDENCE],
    )


def _round(value: float) -> float:
    """0..1 to three decimals: finer differences are noise, and would re-score for nothing."""
    return round(min(1.0, max(0.0, value)), 3)


def saturate(value: float, half: float) -> float:
    """0 at 0, 0.5 at `half`, towards 1 above: a measure with no natural top, made 0..1 and
    never decreasing."""
    return value / (value + half) if value > 0 else 0.0


NetworkKey = tuple[tuple[str, ...], tuple[Tie, ...], tuple[tuple[str, float], ...]]
_MEASURED: OrderedDict[NetworkKey, dict[str, Centrality]] = OrderedDict()
"""The last few networks measured: a change to a profile or a position leaves the network as
it was, and its measures (a few seconds on 100,000 ties) need not be taken again."""


def measured_network(
    nodes: list[str], ties: list[Tie], tie_weights: dict[str, float]
) -> dict[str, Centrality]:
    """`centralities`, remembered for the last four networks (same nodes, ties, weights)."""
    key = (tuple(nodes), tuple(ties), tuple(sorted(tie_weights.items())))
    found = _MEASURED.get(key)
    if found is None:
        found = centralities(nodes, ties, tie_weights)
        _MEASURED[key] = found
        while len(_MEASURED) > 4:
            _MEASURED.popitem(last=False)
    _MEASURED.move_to_end(key)
    return found


def forget_measures() -> None:
    """Measure every network afresh (a benchmark of the cold path, say)."""
    _MEASURED.clear()


class CampaignContext:
    """What every partner's assessment shares: the network and its measures, the other
    candidates' resources, the needs left uncovered, the organisations the campaign opposes."""

    def __init__(self, facts: CampaignFacts, rules: ModelRules) -> None:
        self.facts = facts
        self.rules = rules
        self.explain = True
        """Whether to gather evidence: a re-score first weighs everyone without it, then
        explains only the partners whose recorded score changes."""
        self.candidates = sorted(
            (p for p in facts.partners.values() if not p.archived), key=lambda p: p.partner_id
        )
        self.kinds: dict[str, tuple[str, str]] = {}
        """node key -> (record type, kind)."""
        self.names: dict[str, str] = {}
        for partner in self.candidates:
            key = f"partner:{partner.partner_id}"
            self.kinds[key] = ("partner", str(partner.profile.get("kind")))
            self.names[key] = partner.name
        for stakeholder_id, (name, kind, _event) in facts.stakeholders.items():
            key = f"stakeholder:{stakeholder_id}"
            self.kinds[key] = ("stakeholder", kind)
            self.names[key] = name
        self.ties = [
            Tie(tie_id, source, target, relationship, weight)
            for tie_id, source, target, relationship, weight, _e in facts.ties
            if source in self.kinds and target in self.kinds and source != target
        ]
        self.tie_events = {t[0]: t[5] for t in facts.ties}
        self.tie_weights: dict[str, float] = {str(k): v for k, v in rules.tie_weights.items()}
        self.network = measured_network(sorted(self.kinds), self.ties, self.tie_weights)
        self.touching: dict[str, list[Tie]] = defaultdict(list)
        for tie in self.ties:
            self.touching[tie.source].append(tie)
            self.touching[tie.target].append(tie)
        self.total_issue_weight = sum(w for _s, w, _e in facts.issues.values())
        self.needs = coverage.needs(facts)
        already: dict[str, str] = {}
        for partner_id in sorted(facts.committed):
            ally = facts.partners.get(partner_id)
            if ally is not None:
                for item in coverage.covered_needs(ally, self.needs):
                    already.setdefault(item, ally.name)
        self.already_covered = already
        self.uncovered = {k: v for k, v in self.needs.items() if k not in already}
        self.objectives = coverage.objective_items(facts)
        self._capacity_columns = self._resource_columns()
        self.alignment = {p.partner_id: alignment(p, self) for p in self.candidates}
        self.opponents = self._opponents()
        self.conflicts = self._conflict_paths()

    def describe(self, tie: Tie) -> str:
        """A tie in words: `Acme Trust funds Unite (0.8)`."""
        source = self.names.get(tie.source, tie.source)
        target = self.names.get(tie.target, tie.target)
        return f"{source} {tie.relationship.replace('_', ' ')} {target} ({tie.weight:g})"

    # -- capacity ------------------------------------------------------------------------

    def _resource_columns(self) -> dict[str, list[float]]:
        columns: dict[str, list[float]] = {name: [] for name in RESOURCE_NAMES}
        for partner in self.candidates:
            for name, value in resource_values(partner).items():
                if value is not None:
                    columns[name].append(value)
        return {name: sorted(values) for name, values in columns.items()}

    def percentile(self, resource: str, value: float) -> float:
        """Share of the other candidates with less of `resource` (ties count half); candidates
        who did not say count as having less."""
        column = self._capacity_columns[resource]
        others = len(self.candidates) - 1
        if others <= 0:
            return 1.0
        unknown = len(self.candidates) - len(column)
        below = bisect_left(column, value)
        equal = bisect_right(column, value) - below - 1
        return min(1.0, (unknown + below + 0.5 * equal) / others)

    # -- risk ----------------------------------------------------------------------------

    def funder_nodes(self, funder: str) -> set[str]:
        """The nodes a `funded_by` deal-breaker names: by id, or by name."""
        wanted = term(funder)
        return {
            key
            for key, name in self.names.items()
            if key.split(":", 1)[1] == funder or term(name) == wanted
        }

    def _opponents(self) -> dict[str, str]:
        """Organisations the campaign opposes -> why: funders its deal-breakers name, and
        candidates whose known positions run against it (alignment under 0.25, known on at
        least half the weighted issues)."""
        found: dict[str, str] = {}
        for deal_breaker_id, (rule, _d, _e) in sorted(self.facts.deal_breakers.items()):
            if rule.get("rule") == "funded_by":
                for key in self.funder_nodes(str(rule["funder"])):
                    found.setdefault(key, f"named by deal-breaker {deal_breaker_id}")
        for partner in self.candidates:
            value, certainty = self.alignment[partner.partner_id][0:2]
            if certainty >= 0.5 and value < 0.25:
                found.setdefault(
                    f"partner:{partner.partner_id}", "its positions oppose the campaign's"
                )
        return found

    def _conflict_paths(self) -> dict[str, list[Tie]]:
        """For every node within two ties (funding, alliance, membership, shared staff) of an
        opponent: the shortest chain, found by one breadth-first search from all opponents."""
        paths: dict[str, list[Tie]] = {key: [] for key in self.opponents}
        queue = deque(sorted(self.opponents))
        while queue:
            node = queue.popleft()
            path = paths[node]
            if len(path) >= 2:
                continue
            for tie in sorted(self.touching.get(node, []), key=lambda t: t.tie_id):
                if tie.relationship not in CONFLICT_TIES:
                    continue
                other = tie.target if tie.source == node else tie.source
                if other not in paths:
                    paths[other] = [tie, *path]
                    queue.append(other)
        return {key: path for key, path in paths.items() if path}


RESOURCE_NAMES = ("budget", "staff", "volunteers", "logistics")


def resource_values(partner: PartnerFacts) -> dict[str, float | None]:
    resources: dict[str, Any] = partner.profile.get("resources") or {}
    band = resources.get("budget_band")
    logistics = resources.get("logistics") or []
    return {
        "budget": float(BUDGET_ORDER[band]) if band in BUDGET_ORDER else None,
        "staff": _number(resources.get("staff")),
        "volunteers": _number(resources.get("volunteers")),
        "logistics": float(len(logistics)) if logistics else None,
    }


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


# -- the components ------------------------------------------------------------------------


def alignment(partner: PartnerFacts, ctx: CampaignContext) -> tuple[float, float, float, float]:
    """(alignment, certainty, interest, urgency) over the campaign's weighted issues.

    Agreement on an issue is 1 - |campaign stance - partner stance| / 4. An issue where the
    partner's stance is unknown adds nothing to alignment and lowers certainty: unknown is
    uncertainty, not agreement. Interest is how strongly the partner takes sides on the
    campaign's issues (either side); urgency, how much of that is a strong stance."""
    total = ctx.total_issue_weight
    if total <= 0:
        return 0.0, 0.0, 0.0, 0.0
    agreed = known = interest = urgency = 0.0
    for issue, (stance, weight, _event) in ctx.facts.issues.items():
        theirs = partner.positions.get(issue)
        if theirs is None:
            continue
        known += weight
        agreed += weight * (1 - abs(stance - theirs[0]) / 4)
        interest += weight * abs(theirs[0]) / 2
        urgency += weight if abs(theirs[0]) == 2 else 0.0
    return agreed / total, known / total, interest / total, urgency / total


def alignment_component(partner: PartnerFacts, ctx: CampaignContext) -> ComponentScore:
    value, certainty, interest, _urgency = ctx.alignment[partner.partner_id]
    evidence: list[Evidence] = []
    unknown = [issue for issue in ctx.facts.issues if issue not in partner.positions]
    measures = {
        "certainty": certainty,
        "upper_bound": value + (1 - certainty),
        "interest": interest,
        "issues_known": float(len(ctx.facts.issues) - len(unknown)),
        "issues": float(len(ctx.facts.issues)),
    }
    weight = ctx.rules.weights.alignment
    if not ctx.explain:
        return _component("alignment", value, weight, measures, evidence)
    unknown = []
    ranked = sorted(ctx.facts.issues.items(), key=lambda item: (-item[1][1], item[0]))
    for issue, (stance, weight, _event) in ranked:
        theirs = partner.positions.get(issue)
        if theirs is None:
            unknown.append(issue)
            continue
        evidence.append(
            _evidence(
                f"{STANCE_NAMES[theirs[0]]} {issue} (the campaign: {STANCE_NAMES[stance]}, "
                f"weight {weight:g}); source: {theirs[1]}",
                theirs[2],
            )
        )
    if unknown:
        evidence.append(_evidence(f"position unknown on {', '.join(unknown)}: counted as 0"))
    if not ctx.facts.issues:
        evidence.append(_evidence("the campaign has taken no policy positions yet"))
    return _component("alignment", value, weight, measures, evidence)


def influence_component(partner: PartnerFacts, ctx: CampaignContext) -> ComponentScore:
    """Network standing (PageRank), brokerage (betweenness), access (ties to policymakers,
    officials and media) and reach (members and audience), blended by the model. Each part
    never falls when the partner gains a tie, so neither does influence."""
    key = f"partner:{partner.partner_id}"
    measured = ctx.network[key]
    weights = ctx.tie_weights
    access = 0.0
    access_ties: list[tuple[float, Tie]] = []
    strongest: list[tuple[float, Tie]] = []
    for tie in ctx.touching.get(key, []):
        effective = tie.weight * weights.get(tie.relationship, 0.0)
        if effective <= 0:
            continue
        other = tie.target if tie.source == key else tie.source
        record, kind = ctx.kinds[other]
        if ctx.explain:
            strongest.append((effective * ctx.network[other].pagerank_scaled, tie))
        if kind in ACCESS_KINDS[record]:
            access += effective
            access_ties.append((effective, tie))
    profile = partner.profile
    resources = profile.get("resources") or {}
    audience = (profile.get("members") or 0) + (resources.get("media_reach") or 0)
    parts = {
        "pagerank": saturate(measured.pagerank_scaled, 1.0),
        "betweenness": saturate(measured.betweenness, 0.02),
        "access": 1 - math.exp(-access),
        "reach": min(1.0, math.log10(1 + audience) / 6),
    }
    blend = ctx.rules.influence
    blend_weights = {
        "pagerank": blend.pagerank,
        "betweenness": blend.betweenness,
        "access": blend.access,
        "reach": blend.reach,
    }
    total = sum(blend_weights.values())
    value = sum(parts[n] * w for n, w in blend_weights.items()) / total if total else 0.0
    evidence = (
        _influence_evidence(ctx, key, access_ties, strongest, audience) if ctx.explain else []
    )
    measures = {
        "pagerank": measured.pagerank,
        "pagerank_scaled": measured.pagerank_scaled,
        "betweenness": measured.betweenness,
        "degree": float(measured.degree),
        "in_degree": float(measured.in_degree),
        "out_degree": float(measured.out_degree),
        "reach_two_steps": float(measured.reach),
        "access": access,
        "audience": float(audience),
        **{f"part_{name}": v for name, v in parts.items()},
    }
    return _component("influence", value, ctx.rules.weights.influence, measures, evidence)


def _influence_evidence(
    ctx: CampaignContext,
    key: str,
    access_ties: list[tuple[float, Tie]],
    strongest: list[tuple[float, Tie]],
    audience: int,
) -> list[Evidence]:
    """The strongest ties to policy and media, then the ties to the most central others."""
    top_access = heapq.nsmallest(3, access_ties, key=lambda a: (-a[0], a[1].tie_id))
    evidence = [
        _evidence(f"tie to policy or media: {ctx.describe(tie)}", ctx.tie_events.get(tie.tie_id))
        for _w, tie in top_access
    ]
    shown = {tie.tie_id for _w, tie in top_access}
    others = [a for a in strongest if a[1].tie_id not in shown]
    evidence += [
        _evidence(f"tie: {ctx.describe(tie)}", ctx.tie_events.get(tie.tie_id))
        for _w, tie in heapq.nsmallest(3, others, key=lambda a: (-a[0], a[1].tie_id))
    ]
    if audience:
        evidence.append(_evidence(f"reaches {audience:,} people (members and audience)"))
    if not ctx.touching.get(key):
        evidence.append(_evidence("no ties recorded in the campaign's network"))
    return evidence


def capacity_component(partner: PartnerFacts, ctx: CampaignContext) -> ComponentScore:
    """Money, staff, volunteers and logistics, each as a percentile among the candidates."""
    values = resource_values(partner)
    parts: dict[str, float] = {}
    evidence: list[Evidence] = []
    for name in RESOURCE_NAMES:
        value = values[name]
        parts[name] = 0.0 if value is None else ctx.percentile(name, value)
        if not ctx.explain:
            continue
        if value is None:
            evidence.append(
                _evidence(f"{name}: not known (counted as the least)", partner.profile_event)
            )
        else:
            shown = _resource_text(partner, name)
            evidence.append(
                _evidence(
                    f"{name}: {shown}, ahead of {parts[name]:.0%} of the other candidates",
                    partner.profile_event,
                )
            )
    value = sum(parts.values()) / len(parts)
    evidence.sort(key=lambda e: "not known" in e.fact)
    return _component(
        "capacity",
        value,
        ctx.rules.weights.capacity,
        {f"percentile_{n}": v for n, v in parts.items()},
        evidence,
    )


def _resource_text(partner: PartnerFacts, name: str) -> str:
    resources = partner.profile.get("resources") or {}
    if name == "budget":
        return f"budget {str(resources.get('budget_band')).replace('_', ' ')}"
    if name == "logistics":
        return ", ".join(resources.get("logistics") or [])
    return f"{resources.get(name)}"


def complementarity_component(
    partner: PartnerFacts, ctx: CampaignContext, covered: Mapping[str, str]
) -> ComponentScore:
    """The share of the campaign's needs that no current partner covers and this one does."""
    gaps = ctx.uncovered
    adds = {item: where for item, where in covered.items() if item in gaps}
    value = len(adds) / len(gaps) if gaps else 0.0
    measures = {
        "needs": float(len(ctx.needs)),
        "uncovered_before": float(len(gaps)),
        "covered_by_partner": float(len(adds)),
    }
    weight = ctx.rules.weights.complementarity
    if not ctx.explain:
        return _component("complementarity", value, weight, measures, [])
    evidence = [
        _evidence(f"covers {item} ({where})", partner.profile_event)
        for item, where in sorted(adds.items())
    ]
    if not ctx.needs:
        evidence.append(_evidence("the campaign has stated no needs yet"))
    elif not gaps:
        evidence.append(_evidence("current partners already cover every stated need"))
    else:
        missing = sorted(set(gaps) - set(adds))
        if missing:
            evidence.append(_evidence(f"does not cover {', '.join(missing[:8])}"))
    return _component("complementarity", value, weight, measures, evidence)


def exclusions(partner: PartnerFacts, ctx: CampaignContext) -> list[Exclusion]:
    """The deal-breakers that rule the partner out, each with the fact that shows it."""
    found: list[Exclusion] = []
    key = f"partner:{partner.partner_id}"
    for deal_breaker_id, (rule, description, _event) in sorted(ctx.facts.deal_breakers.items()):
        kind = rule.get("rule")
        named = description or deal_breaker_id
        if kind == "is_kind" and partner.profile.get("kind") == rule.get("kind"):
            found.append(
                _exclusion(
                    deal_breaker_id,
                    kind,
                    f"{partner.name} is a {str(rule['kind']).replace('_', ' ')} ({named})",
                    [_evidence("its profile", partner.profile_event)],
                )
            )
        elif kind == "opposes_issue":
            issue = str(rule["issue"])
            theirs = partner.positions.get(issue)
            limit = STANCE_VALUES[str(rule.get("stance_at_most", "oppose"))]
            if theirs is not None and theirs[0] <= limit:
                found.append(
                    _exclusion(
                        deal_breaker_id,
                        kind,
                        f"{partner.name} {STANCE_NAMES[theirs[0]]}s {issue} ({named})",
                        [_evidence(f"source: {theirs[1]}", theirs[2])],
                    )
                )
        elif kind == "funded_by":
            funders = ctx.funder_nodes(str(rule["funder"]))
            for tie in sorted(ctx.touching.get(key, []), key=lambda t: t.tie_id):
                if tie.relationship == "funds" and tie.target == key and tie.source in funders:
                    found.append(
                        _exclusion(
                            deal_breaker_id,
                            kind,
                            f"{partner.name} is funded by {ctx.names[tie.source]} ({named})",
                            [
                                _evidence(
                                    "the funding tie",
                                    ctx.tie_events.get(tie.tie_id),
                                    [ctx.describe(tie)],
                                )
                            ],
                        )
                    )
                    break
    return found


def _exclusion(
    deal_breaker_id: str, rule: str, explanation: str, evidence: list[Evidence]
) -> Exclusion:
    return built(
        Exclusion,
        deal_breaker_id=deal_breaker_id,
        rule=rule,
        explanation=explanation[:1000],
        evidence=evidence,
    )


def risk_component(
    partner: PartnerFacts, ctx: CampaignContext, excluded: list[Exclusion]
) -> ComponentScore:
    """Deal-breakers (risk 1), conflicts of interest (a chain of funding, alliance, membership
    or shared staff to an organisation the campaign opposes: one tie 0.5 x its strength, two
    ties 0.25 x both) and failed past collaborations (0.1 each), combined as independent
    risks: 1 - (1 - r1)(1 - r2)..."""
    key = f"partner:{partner.partner_id}"
    evidence: list[Evidence] = []
    risks: list[float] = []
    for exclusion in excluded:
        risks.append(1.0)
        evidence.append(
            _evidence(
                f"deal-breaker {exclusion.deal_breaker_id}: {exclusion.explanation}",
                exclusion.evidence[0].event_id if exclusion.evidence else None,
                exclusion.evidence[0].path if exclusion.evidence else [],
            )
        )
    path = ctx.conflicts.get(key)
    if path:
        opponent = _far_end(key, path)
        strength = math.prod(tie.weight for tie in path)
        risks.append((0.5 if len(path) == 1 else 0.25) * strength)
    if path and ctx.explain:
        evidence.append(
            _evidence(
                f"conflict of interest: tied to {ctx.names.get(opponent, opponent)}, "
                f"{ctx.opponents[opponent]}",
                ctx.tie_events.get(path[0].tie_id),
                [ctx.describe(tie) for tie in path],
            )
        )
    failed = [
        (data, event) for data, event in partner.collaborations if data["outcome"] == "failed"
    ]
    for data, event in failed:
        risks.append(0.1)
        evidence.append(_evidence(f"a failed collaboration: {data['on_what']}", event))
    value = 1 - math.prod(1 - r for r in risks)
    if not risks:
        evidence.append(_evidence("no deal-breaker, conflict of interest or failed collaboration"))
    measures = {
        "deal_breakers": float(len(excluded)),
        "conflict_hops": float(len(path or [])),
        "failed_collaborations": float(len(failed)),
    }
    return _component("risk", value, ctx.rules.risk_penalty, measures, evidence)


def _far_end(start: str, path: Sequence[Tie]) -> str:
    node = start
    for tie in path:
        node = tie.target if tie.source == node else tie.source
    return node


def quadrants(
    partner: PartnerFacts, ctx: CampaignContext, influence: float, align: float
) -> Quadrants:
    """The partner on the ODI AIIM (alignment x interest, influence noted), Mendelow's grid
    (power x interest) and the salience model (power, legitimacy, urgency)."""
    high = ctx.rules.high_threshold
    _value, _certainty, interest, urgency = ctx.alignment[partner.partner_id]
    legitimacy = legitimacy_of(partner)
    odi = {
        (True, True): "allies: work with them closely",
        (True, False): "latent allies: inspire and involve them",
        (False, True): "opponents: challenge or win them over",
        (False, False): "low priority: monitor",
    }[(align >= high, interest >= high)]
    odi += f" ({'high' if influence >= high else 'low'} influence)"
    mendelow = {
        (True, True): "manage closely",
        (True, False): "keep satisfied",
        (False, True): "keep informed",
        (False, False): "monitor",
    }[(influence >= high, interest >= high)]
    salience = SALIENCE[(influence >= high, legitimacy >= high, urgency >= high)]
    return built(
        Quadrants,
        odi=odi,
        mendelow=mendelow,
        salience=salience,
        interest=_round(interest),
        legitimacy=_round(legitimacy),
        urgency=_round(urgency),
    )


SALIENCE = {
    (False, False, False): "non-stakeholder",
    (True, False, False): "dormant",
    (False, True, False): "discretionary",
    (False, False, True): "demanding",
    (True, True, False): "dominant",
    (True, False, True): "dangerous",
    (False, True, True): "dependent",
    (True, True, True): "definitive",
}


def legitimacy_of(partner: PartnerFacts) -> float:
    """Standing others recognise: registered, public, with named people, a stated mission and
    a track record of collaborations that worked."""
    profile = partner.profile
    signs = [
        bool(profile.get("external_ids")),
        bool(profile.get("website")),
        partner.key_people > 0,
        bool(profile.get("mission")),
        any(d["outcome"] in ("succeeded", "partly_succeeded") for d, _e in partner.collaborations),
    ]
    return sum(signs) / len(signs)


# -- the whole campaign --------------------------------------------------------------------


def assess(facts: CampaignFacts, model: Model) -> dict[str, Assessment]:
    """Every candidate of the campaign (archived partners are not candidates)."""
    ctx = CampaignContext(facts, model.rules)
    return {partner.partner_id: assess_partner(partner, ctx) for partner in ctx.candidates}


def assess_partner(partner: PartnerFacts, ctx: CampaignContext) -> Assessment:
    covered = coverage.covered_needs(partner, ctx.needs)
    excluded = exclusions(partner, ctx)
    parts = [
        influence_component(partner, ctx),
        alignment_component(partner, ctx),
        capacity_component(partner, ctx),
        complementarity_component(partner, ctx, covered),
        risk_component(partner, ctx, excluded),
    ]
    components: dict[str, float] = {part.name: part.value for part in parts}
    weights = ctx.rules.weights
    positive = {
        "influence": weights.influence,
        "alignment": weights.alignment,
        "capacity": weights.capacity,
        "complementarity": weights.complementarity,
    }
    base = sum(components[n] * w for n, w in positive.items()) / sum(positive.values())
    score = 0.0 if excluded else base * (1 - ctx.rules.risk_penalty * components["risk"])
    covers = {
        **covered,
        **coverage.covered_issues(partner, ctx.facts),
        **coverage.covered_objectives(partner, ctx.objectives),
    }
    return Assessment(
        partner_id=partner.partner_id,
        name=partner.name,
        score=_round(score),
        components=components,
        breakdown=parts,
        excluded=bool(excluded),
        exclusions=excluded,
        quadrants=quadrants(partner, ctx, components["influence"], components["alignment"]),
        inputs=_inputs(partner, ctx),
        covers=covers,
    )


def _inputs(partner: PartnerFacts, ctx: CampaignContext) -> list[str]:
    """Event ids of the facts about this partner: profile, positions, collaborations, ties."""
    found: list[str] = [partner.profile_event]
    found += [event for _s, _e, event in partner.positions.values()]
    found += [event for _d, event in partner.collaborations]
    key = f"partner:{partner.partner_id}"
    found += [ctx.tie_events[t.tie_id] for t in ctx.touching.get(key, [])]
    unique = list(dict.fromkeys(found))
    return unique[:MAX_INPUTS]


def ranked(assessments: Iterable[Assessment]) -> list[Assessment]:
    """Best first; the excluded last; ties broken by id so a rank is reproducible."""
    return sorted(assessments, key=lambda a: (a.excluded, -a.score, a.partner_id))
