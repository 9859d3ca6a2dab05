"""Scoring use cases: take in the facts other services publish, publish a model, re-score a
campaign, and answer what-if questions (and re-evaluate a past coalition) without recording
anything."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from coalition.scoring.adapters import repository
from coalition.scoring.domain import facts as facts_model
from coalition.scoring.domain import model as models
from coalition.scoring.domain.reevaluation import Reevaluation, compare
from coalition.scoring.domain.rescore import Outcome, Recorded, rescore
from coalition.shared.contracts import catalogue
from coalition.shared.contracts.scoring import ModelRules, PartnerScored
from coalition.shared.events.envelope import Metadata, NewEvent, RecordedEvent, utc_now
from coalition.shared.eventstore.errors import PreconditionFailedError
from coalition.shared.eventstore.schema import events
from coalition.shared.eventstore.store import (
    EventStore,
    StoreTransaction,
    StreamAppend,
    as_utc,
)

ACTOR = "service:scoring"


async def take_in(fact: RecordedEvent, tx: StoreTransaction) -> None:
    """React to any event: keep the facts scoring scores from, and mark the campaign for a
    re-score. Everything else (scoring's own events among them) is ignored."""
    if fact.event_type not in facts_model.FACT_EVENTS:
        return
    changes = facts_model.changes_for(fact)
    if not changes:
        return
    service = catalogue.get(fact.event_type, fact.schema_version).service
    await repository.write_facts(tx.connection, changes, fact, service)
    for campaign_id in sorted({change.campaign_id for change in changes}):
        await repository.mark_pending(
            tx.connection,
            campaign_id,
            cause_event_id=fact.event_id,
            correlation_id=fact.metadata.correlation_id,
            actor=fact.metadata.actor,
        )


async def publish_model(
    store: EventStore,
    campaign_id: str,
    name: str,
    rules: ModelRules,
    description: str | None,
    metadata: Metadata,
    *,
    expected_version: int | None,
) -> list[RecordedEvent]:
    """Publish the next version of the campaign's model; the campaign is re-scored by it."""
    stream = models.model_stream(campaign_id)
    async with store.transaction() as tx:
        history = await tx.read_stream(stream)
        current = history[-1].stream_version if history else 0
        if expected_version is not None and expected_version != current:
            raise PreconditionFailedError(stream, expected_version, current)
        decided = models.publish(history, campaign_id, name, rules, description)
        new = [NewEvent(payload=payload, metadata=metadata) for payload in decided]
        recorded = await tx.append(stream, models.MODEL_STREAM_TYPE, new, current)
        if recorded:
            await repository.mark_pending(
                tx.connection,
                campaign_id,
                cause_event_id=recorded[-1].event_id,
                correlation_id=metadata.correlation_id,
                actor=metadata.actor,
            )
        return recorded or history[-1:]


async def request_rescore(store: EventStore, campaign_id: str, metadata: Metadata) -> None:
    """Re-score the campaign soon, even though no fact changed (after a fix, say)."""
    async with store.transaction() as tx:
        await repository.mark_pending(
            tx.connection,
            campaign_id,
            cause_event_id=None,
            correlation_id=metadata.correlation_id,
            actor=metadata.actor,
        )


async def load_facts(
    conn: AsyncConnection, campaign_id: str
) -> tuple[facts_model.CampaignFacts, dict[str, int], str]:
    rows = await repository.fact_rows(conn, campaign_id)
    marks = await repository.watermarks(conn, campaign_id)
    return (
        facts_model.CampaignFacts.from_rows(campaign_id, rows),
        marks,
        facts_model.digest(rows),
    )


async def rescore_campaign(store: EventStore, claim: repository.Claim) -> Outcome:
    """Re-score one campaign and record what changed, all in one transaction."""
    campaign_id = claim.campaign_id
    async with store.engine.connect() as conn:
        facts, marks, digest = await load_facts(conn, campaign_id)
        previous = await repository.current_records(conn, campaign_id)
        coalition_before = await repository.coalition_row(conn, campaign_id)
    model = models.current(await store.read_stream(models.model_stream(campaign_id)))
    outcome = await asyncio.to_thread(
        rescore,
        facts,
        model,
        previous,
        coalition_before["payload"] if coalition_before else None,
        inputs_through=marks,
        facts_digest=digest,
    )
    base = Metadata(
        actor=ACTOR,
        reason="re-scored",
        correlation_id=claim.correlation_id or Metadata(actor=ACTOR).correlation_id,
        causation_id=claim.cause_event_id,
        campaign_id=campaign_id,
    )
    async with store.transaction() as tx:
        appends = [
            StreamAppend(
                models.score_stream(campaign_id, scored.partner_id),
                models.SCORE_STREAM_TYPE,
                [NewEvent(payload=scored, metadata=_caused(base, scored, facts, previous))],
                None,
            )
            for scored in outcome.changed
        ]
        recorded = await tx.append_many(appends)
        await repository.record_current(tx.connection, recorded)
        await repository.forget_current(
            tx.connection, campaign_id, {s.partner_id for s in outcome.scores}
        )
        stream_version = coalition_before["stream_version"] if coalition_before else 0
        if outcome.recommendation_changed:
            reason = explain_coalition(outcome)
            appended = await tx.append(
                models.recommendation_stream(campaign_id),
                models.RECOMMENDATION_STREAM_TYPE,
                [
                    NewEvent(
                        payload=outcome.recommendation,
                        metadata=base.model_copy(update={"reason": reason}),
                    )
                ],
                None,
            )
            stream_version = appended[-1].stream_version
        await repository.save_coalition(
            tx.connection,
            campaign_id,
            outcome.recommendation.model_dump(mode="json"),
            [synergy_json(s) for s in outcome.synergies],
            stream_version,
            utc_now(),
        )
        await repository.finish(tx.connection, claim)
    return outcome


def _caused(
    base: Metadata,
    scored: PartnerScored,
    facts: facts_model.CampaignFacts,
    previous: Mapping[str, Recorded],
) -> Metadata:
    """A first score is caused by the newest fact about the partner itself (its
    identification, say), in that fact's conversation; a later one by what set off the
    re-score."""
    update: dict[str, Any] = {"reason": explain(scored)}
    partner = facts.partners.get(scored.partner_id)
    if scored.partner_id not in previous and partner is not None and partner.latest[1]:
        _position, event_id, correlation_id = partner.latest
        update["causation_id"] = uuid.UUID(event_id)
        if correlation_id:
            update["correlation_id"] = uuid.UUID(correlation_id)
    return base.model_copy(update=update)


def explain(scored: PartnerScored) -> str:
    """The reason recorded with a score: the formula with this partner's numbers."""
    head = f"{scored.model} v{scored.model_version}"
    if scored.excluded:
        named = "; ".join(e.explanation for e in scored.exclusions)
        return f"{head}: excluded by a deal-breaker: {named}"[:2000]
    weighted = {part.name: part for part in scored.breakdown}
    terms = " + ".join(
        f"{weighted[name].weight:g}x{name} {weighted[name].value:.2f}"
        for name in ("influence", "alignment", "capacity", "complementarity")
    )
    risk = weighted["risk"]
    text = (
        f"{head}: ({terms}) / weights, less {risk.weight:g}x risk {risk.value:.2f} "
        f"= {scored.score:.3f}"
    )
    if scored.recommended:
        text += "; in the recommended coalition"
    return text[:2000]


def explain_coalition(outcome: Outcome) -> str:
    chosen = outcome.recommendation
    names = ", ".join(m.name for m in chosen.members) or "nobody"
    return (
        f"{len(chosen.members)} partners ({names}) cover {chosen.coverage:.0%} of the needs, "
        f"issues and objectives; uncovered: {', '.join(chosen.uncovered) or 'nothing'}"
    )[:2000]


def synergy_json(synergy: Any) -> dict[str, Any]:
    return {
        "partners": list(synergy.partners),
        "strength": synergy.strength,
        "shared_issues": synergy.shared_issues,
        "complementary": synergy.complementary,
        "ties": synergy.ties,
    }


async def what_if(
    store: EventStore, campaign_id: str, rules: ModelRules, name: str
) -> tuple[Outcome, int]:
    """Score the campaign under a draft model, recording nothing; (outcome, facts count)."""
    async with store.engine.connect() as conn:
        facts, marks, digest = await load_facts(conn, campaign_id)
    draft = models.Model(name, 0, rules)
    outcome = await asyncio.to_thread(
        rescore, facts, draft, {}, None, inputs_through=marks, facts_digest=digest
    )
    return outcome, len(facts.partners)


def sorted_scores(scores: Sequence[PartnerScored]) -> list[PartnerScored]:
    return sorted(scores, key=lambda s: (s.excluded, -s.score, s.partner_id))


async def re_evaluate(
    store: EventStore,
    campaign_id: str,
    as_of: datetime,
    model: models.Model,
    *,
    signed_until: datetime | None = None,
) -> tuple[Reevaluation, int]:
    """Score the campaign as its facts stood at `as_of` under `model`, recording nothing, and
    compare with what scoring recorded by then and whom the campaign signed (by
    `signed_until`; every signature if None). Returns the comparison and the facts' count."""
    async with store.engine.connect() as conn:
        rows = await repository.fact_rows_as_of(conn, campaign_id, as_of)
        signed = await repository.signed_partners(conn, campaign_id, signed_until)
        recorded_scores = await _recorded_scores(conn, campaign_id, as_of)
    facts = facts_model.CampaignFacts.from_rows(campaign_id, rows)
    outcome = await asyncio.to_thread(
        rescore, facts, model, {}, None, inputs_through={}, facts_digest=facts_model.digest(rows)
    )
    recommended = await store.read_stream(models.recommendation_stream(campaign_id), as_of=as_of)
    members = (
        [str(member["partner_id"]) for member in recommended[-1].payload["members"]]
        if recommended
        else []
    )
    report = compare(outcome.scores, outcome.recommendation, recorded_scores, members, signed)
    return report, len(rows)


async def _recorded_scores(
    conn: AsyncConnection, campaign_id: str, as_of: datetime
) -> dict[str, float]:
    """Each partner's latest score recorded by `as_of`."""
    query = (
        sa.select(events.c.payload)
        .where(
            events.c.campaign_id == campaign_id,
            events.c.event_type == "PartnerScored",
            events.c.recorded_at <= as_utc(as_of),
        )
        .order_by(events.c.position)
    )
    latest: dict[str, float] = {}
    for (payload,) in (await conn.execute(query)).all():
        latest[str(payload["partner_id"])] = float(payload["score"])
    return latest
