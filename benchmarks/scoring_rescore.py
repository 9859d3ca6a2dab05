"""A whole campaign re-scored: 10,000 candidate organisations and 100,000 ties (the scoring
issue's scale), on PostgreSQL through the service layer.

Steps timed: the pure re-score (every partner assessed, the coalition recommended), then
`rescore_campaign` as the worker runs it (read the facts, re-score, record every changed
`PartnerScored` in one transaction): the first time (every partner recorded), again with
nothing changed (nothing recorded), and after one new tie (the partners whose numbers moved).

`python -m benchmarks.scoring_rescore` runs it alone; `make bench` runs it too.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from benchmarks.postgres import Server
from benchmarks.scoring_network import synthetic_network
from coalition.scoring.adapters import repository
from coalition.scoring.adapters.tables import scoring_facts, scoring_watermarks
from coalition.scoring.bootstrap import service as scoring_service
from coalition.scoring.domain import assessment
from coalition.scoring.domain import model as models
from coalition.scoring.domain.facts import CampaignFacts, FactRow
from coalition.scoring.domain.rescore import rescore
from coalition.scoring.service_layer import handlers
from coalition.shared.db import create_engine, migrate
from coalition.shared.eventstore import EventStore

CAMPAIGN = "bench"
KINDS = ("ngo", "union", "advocacy_group", "business_association", "party", "faith_group")
STAKEHOLDERS = ("policymaker", "official", "journalist", "media_outlet", "funder", "organisation")
ISSUES = ("living-wage", "housing", "childcare", "transit", "climate")
STANCES = ("strongly_oppose", "oppose", "neutral", "support", "strongly_support")
REGIONS = ("North", "South", "East", "West", "Centre")
SKILLS = ("legal", "media", "research", "organising", "printing", "venues")
BUDGETS = ("under_100k", "100k_to_1m", "1m_to_10m", "10m_to_100m", "over_100m")


def campaign_rows(nodes: int, ties: int, seed: int = 3) -> list[FactRow]:
    """The facts of a synthetic campaign: positions, needs, a deal-breaker, objectives, and a
    network of `nodes` organisations and stakeholders (about 80% partners) and `ties` ties."""
    rng = random.Random(seed)
    keys, network = synthetic_network(nodes, ties, seed=7)
    rows: list[FactRow] = []
    position = iter(range(1, 10**9))

    def row(kind: str, key: str, data: dict[str, object]) -> None:
        rows.append(FactRow(kind, key, data, str(uuid.uuid4()), "research", next(position)))

    row("campaign", "", {"name": "Benchmark", "values": []})
    for issue in ISSUES:
        row("issue", issue, {"stance": rng.choice(STANCES[2:]), "weight": rng.choice([0.5, 1.0])})
    row("needs", "", {"constituencies": ["low paid workers"], "regions": list(REGIONS),
                      "capabilities": list(SKILLS)})  # fmt: skip
    row("deal_breaker", "no-parties", {"rule": {"rule": "is_kind", "kind": "party"}})
    row("objective", "o1", {"title": "Living wage ordinance passed", "priority": "critical"})
    for key in keys:
        record, ident = key.split(":")
        if record == "stakeholder":
            row("stakeholder", ident, {"name": f"S {ident}", "kind": rng.choice(STAKEHOLDERS)})
            continue
        profile = {
            "name": f"Organisation {ident}",
            "kind": rng.choice(KINDS),
            "members": rng.randint(0, 500_000),
            "regions": rng.sample(REGIONS, rng.randint(0, 2)),
            "expertise": rng.sample(SKILLS, rng.randint(0, 2)),
            "goals": ["a living wage for low paid workers"] if rng.random() < 0.2 else [],
            "resources": {
                "budget_band": rng.choice(BUDGETS),
                "staff": rng.randint(0, 300),
                "volunteers": rng.randint(0, 5_000),
                "logistics": rng.sample(SKILLS, rng.randint(0, 2)),
            },
        }
        row("partner", ident, profile)
        for issue in rng.sample(ISSUES, rng.randint(0, 3)):
            stance: dict[str, object] = {"stance": rng.choice(STANCES), "evidence": "survey"}
            row("partner_position", f"{ident}|{issue}", stance)
    for tie in network:
        ends = {"source": tie.source, "target": tie.target}
        row("tie", tie.tie_id, {**ends, "relationship": tie.relationship, "weight": tie.weight})
    return rows


@dataclass(frozen=True)
class RescoreResult:
    partners: int
    stakeholders: int
    ties: int
    pure_seconds: list[float]
    first_seconds: float
    first_recorded: int
    again_seconds: float
    again_recorded: int
    one_tie_seconds: float
    one_tie_recorded: int


async def measure(server: Server, nodes: int = 10_000, ties: int = 100_000) -> RescoreResult:
    rows = campaign_rows(nodes, ties)
    facts = CampaignFacts.from_rows(CAMPAIGN, rows)
    pure = []
    for _ in range(3):
        assessment.forget_measures()
        began = time.perf_counter()
        rescore(facts, models.DEFAULT, {}, None, inputs_through={}, facts_digest="")
        pure.append(time.perf_counter() - began)
    async with server.database("scoring_rescore") as name:
        engine = create_engine(server.sqlalchemy_url(name))
        try:
            await migrate(engine, scoring_service.migrations)
            store = EventStore(engine)
            async with engine.begin() as conn:
                await conn.execute(scoring_facts.insert(), [_fact(r) for r in rows])
                await conn.execute(
                    scoring_watermarks.insert().values(
                        campaign_id=CAMPAIGN, service="research", position=rows[-1].position
                    )
                )
            first, first_n = await _rescore(store)
            again, again_n = await _rescore(store)
            async with engine.begin() as conn:
                await conn.execute(scoring_facts.insert().values(**_one_more_tie(facts, rows)))
            one, one_n = await _rescore(store)
        finally:
            await engine.dispose()
    return RescoreResult(
        partners=len(facts.partners),
        stakeholders=len(facts.stakeholders),
        ties=len(facts.ties),
        pure_seconds=pure,
        first_seconds=first,
        first_recorded=first_n,
        again_seconds=again,
        again_recorded=again_n,
        one_tie_seconds=one,
        one_tie_recorded=one_n,
    )


def _fact(row: FactRow) -> dict[str, object]:
    return {
        "campaign_id": CAMPAIGN,
        "kind": row.kind,
        "key": row.key,
        "data": row.data,
        "event_id": row.event_id,
        "service": row.service,
        "position": row.position,
    }


def _one_more_tie(facts: CampaignFacts, rows: list[FactRow]) -> dict[str, object]:
    """A policymaker's new tie to a partner."""
    source = next(
        (f"stakeholder:{sid}" for sid, (_n, kind, _e) in sorted(facts.stakeholders.items())
         if kind == "policymaker"),
        f"partner:{min(facts.partners)}",
    )  # fmt: skip
    target = f"partner:{max(facts.partners)}"
    data = {"source": source, "target": target, "relationship": "advises", "weight": 1.0}
    tie = FactRow("tie", "one-more", data, str(uuid.uuid4()), "research", rows[-1].position + 1)
    return _fact(tie)


async def _rescore(store: EventStore) -> tuple[float, int]:
    async with store.engine.begin() as conn:
        await repository.mark_pending(
            conn, CAMPAIGN, cause_event_id=None, correlation_id=None, actor="benchmark"
        )
    async with store.engine.begin() as conn:
        claim = await repository.claim_next(
            conn,
            "benchmark",
            settle=timedelta(0),
            longest_wait=timedelta(0),
            lease=timedelta(minutes=10),
        )
    assert claim is not None
    began = time.perf_counter()
    outcome = await handlers.rescore_campaign(store, claim)
    return time.perf_counter() - began, len(outcome.changed)


def section(result: RescoreResult) -> str:
    spread = f"{min(result.pure_seconds):.2f}-{max(result.pure_seconds):.2f}"
    return "\n".join(
        [
            "## Re-scoring a whole campaign",
            "",
            f"A synthetic campaign (`benchmarks/scoring_rescore.py`, seeded): {result.partners:,} "
            f"candidate organisations, {result.stakeholders:,} stakeholders, {result.ties:,} ties, "
            "five weighted issues, needs, an objective and a deal-breaker; PostgreSQL.",
            "",
            "| step | seconds | scores recorded |",
            "|---|---:|---:|",
            f"| pure re-score, cold (measure the network, assess and explain everyone, "
            f"recommend the coalition), median of "
            f"{len(result.pure_seconds)} | {statistics.median(result.pure_seconds):.2f} "
            f"({spread}) | - |",
            f"| the worker's re-score, first time (read facts, re-score, record) "
            f"| {result.first_seconds:.2f} | {result.first_recorded:,} |",
            f"| again, nothing changed (the network's measures remembered) "
            f"| {result.again_seconds:.2f} | {result.again_recorded:,} |",
            f"| after one new tie to a partner (the network measured again) "
            f"| {result.one_tie_seconds:.2f} "
            f"| {result.one_tie_recorded:,} |",
            "",
        ]
    )


async def main() -> None:
    server = Server()
    try:
        print(section(await measure(server)), flush=True)
    finally:
        await server.drop_all()


if __name__ == "__main__":
    asyncio.run(main())
