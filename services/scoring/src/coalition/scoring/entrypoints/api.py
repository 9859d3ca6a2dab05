"""REST routes of scoring: each partner's explained score and its history, the ranking, the
recommended coalition with its synergies, the campaign's scoring models, and what-if.

Scores are recorded by the re-scoring worker, never by a request: a request publishes a model
or asks for a re-score, and reads what was recorded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, BeforeValidator, Field

from coalition.scoring.adapters import repository
from coalition.scoring.adapters.tables import scoring_current
from coalition.scoring.domain import model as models
from coalition.scoring.service_layer import handlers
from coalition.shared.contracts.research.network import RelationshipType
from coalition.shared.contracts.scoring import (
    CoalitionMember,
    ComponentScore,
    ComponentWeights,
    Exclusion,
    InfluenceWeights,
    ModelRules,
    Quadrants,
)
from coalition.shared.events.envelope import RecordedEvent
from coalition.shared.web.auth import PrincipalDep, visible
from coalition.shared.web.deps import (
    NOT_MODIFIED,
    ContextDep,
    EngineDep,
    IfMatch,
    StoreDep,
    conditional,
    parse_if_match,
)
from coalition.shared.web.models import (
    Identifier,
    Moment,
    Note,
    Reason,
    RequestBody,
    whole_number,
)
from coalition.shared.web.problems import DomainError, InvalidInputError, NotFoundError

router = APIRouter(tags=["scores"])

CampaignId = Annotated[str, Path(max_length=100, description="The campaign's id.")]
PartnerId = Annotated[str, Path(max_length=100, description="The partner's id.")]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Whole = BeforeValidator(whole_number)
"""JSON Schema's integer admits `63.0`; so do we."""
VersionCursor = Annotated[
    str | None,
    Query(max_length=12, pattern=r"^[0-9]{1,9}$", description="`next_cursor` of the last page."),
]
"""A page of a stream's events starts after this version."""
RANKING_CURSOR = r"^[01]~[01]\.[0-9]{6}~[!-~]{1,100}$"


def _page(
    history: Sequence[RecordedEvent], cursor: str | None, limit: int
) -> tuple[list[RecordedEvent], str | None]:
    """One page of a stream's events after the cursor's version, and the next cursor."""
    after = int(cursor) if cursor else 0
    page = [e for e in history if e.stream_version > after][: limit + 1]
    more = len(page) > limit
    return page[:limit], str(page[limit - 1].stream_version) if more else None


def _seen(principal: Any, campaign_id: str) -> None:
    visible(principal, campaign_id, NotFoundError(f"campaign {campaign_id} not found"))


# -- scores --------------------------------------------------------------------------------


class ScorePublic(BaseModel):
    """A partner's latest recorded score: the composite, every component with its measures and
    evidence, exclusions, its place on the grids and the model that produced it."""

    partner_id: str
    campaign_id: str
    name: str | None
    score: float
    components: dict[str, float]
    breakdown: list[ComponentScore]
    excluded: bool
    exclusions: list[Exclusion]
    quadrants: Quadrants | None
    recommended: bool
    rank: int | None
    model: str
    model_version: int
    method: str
    explanation: str | None = Field(description="The formula with this partner's numbers.")
    inputs: list[str]
    inputs_through: dict[str, int]
    facts_digest: str | None
    event_id: str
    version: int = Field(description="The score stream's version (also the ETag).")
    recorded_at: str

    @classmethod
    def of(cls, payload: dict[str, Any], **extra: Any) -> ScorePublic:
        known = {name: payload.get(name) for name in cls.model_fields if name in payload}
        known.setdefault("name", None)
        return cls.model_validate({**known, **extra})


@router.get(
    "/campaigns/{campaign_id}/partners/{partner_id}/score",
    summary="A partner's latest score, with every component, its evidence and explanation.",
    responses=NOT_MODIFIED,
)
async def get_score(
    campaign_id: CampaignId,
    partner_id: PartnerId,
    engine: EngineDep,
    principal: PrincipalDep,
    request: Request,
) -> ScorePublic:
    _seen(principal, campaign_id)
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                sa.select(scoring_current).where(
                    scoring_current.c.campaign_id == campaign_id,
                    scoring_current.c.partner_id == partner_id,
                )
            )
        ).first()
    if row is None:
        raise NotFoundError(
            f"no score for partner {partner_id} in campaign {campaign_id} (yet)",
            field="path.partner_id",
        )
    body = ScorePublic.of(
        dict(row.payload),
        explanation=row.reason,
        event_id=str(row.event_id),
        version=row.stream_version,
        recorded_at=row.recorded_at.isoformat(),
    )
    return conditional(request, body, f'"{row.stream_version}"')  # type: ignore[return-value]


class ScoreHistoryPage(BaseModel):
    items: list[ScorePublic]
    next_cursor: str | None = Field(description="`cursor` for the next page; none at the end.")


@router.get(
    "/campaigns/{campaign_id}/partners/{partner_id}/scores",
    summary="Every score a partner was given, oldest first: how and why it changed.",
)
async def score_history(
    campaign_id: CampaignId,
    partner_id: PartnerId,
    store: StoreDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: VersionCursor = None,
) -> ScoreHistoryPage:
    _seen(principal, campaign_id)
    history = await store.read_stream(models.score_stream(campaign_id, partner_id))
    if not history:
        raise NotFoundError(
            f"no score for partner {partner_id} in campaign {campaign_id} (yet)",
            field="path.partner_id",
        )
    page, next_cursor = _page(history, cursor, limit)
    items = [
        ScorePublic.of(
            e.payload,
            explanation=e.metadata.reason,
            event_id=str(e.event_id),
            version=e.stream_version,
            recorded_at=e.recorded_at.isoformat(),
        )
        for e in page
    ]
    return ScoreHistoryPage(items=items, next_cursor=next_cursor)


class RankedPartner(BaseModel):
    partner_id: str
    name: str
    score: float
    components: dict[str, float]
    excluded: bool
    recommended: bool
    quadrants: Quadrants | None
    model: str
    model_version: int
    version: int


class RankingPage(BaseModel):
    items: list[RankedPartner] = Field(description="Best first; the excluded last.")
    next_cursor: str | None = Field(description="`cursor` for the next page; none at the end.")
    rescore_pending: bool = Field(description="Facts changed and a re-score is on its way.")


def _cursor_of(row: Any) -> str:
    return f"{int(row.excluded)}~{row.score:.6f}~{row.partner_id}"


def _parse_cursor(cursor: str) -> tuple[bool, float, str]:
    try:
        excluded, score, partner_id = cursor.split("~", 2)
        return excluded == "1", float(score), partner_id
    except ValueError:
        raise InvalidInputError("not a cursor this service issued", field="query.cursor") from None


@router.get(
    "/campaigns/{campaign_id}/scores",
    summary="The campaign's candidates ranked by score, best first, excluded last.",
)
async def ranking(
    campaign_id: CampaignId,
    engine: EngineDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[
        str | None,
        Query(
            max_length=200, pattern=RANKING_CURSOR, description="`next_cursor` of the last page."
        ),
    ] = None,
    excluded: Annotated[bool | None, Query(description="Only the excluded, or only not.")] = None,
    recommended: Annotated[bool | None, Query(description="Only coalition members.")] = None,
) -> RankingPage:
    _seen(principal, campaign_id)
    t = scoring_current.c
    query = sa.select(scoring_current).where(t.campaign_id == campaign_id)
    if excluded is not None:
        query = query.where(t.excluded == excluded)
    if recommended is not None:
        query = query.where(t.recommended == recommended)
    if cursor:
        was_excluded, score, partner_id = _parse_cursor(cursor)
        same = t.excluded.is_(sa.true()) if was_excluded else t.excluded.is_(sa.false())
        later = [
            sa.and_(same, t.score < score),
            sa.and_(same, t.score == score, t.partner_id > partner_id),
        ]
        if not was_excluded:  # the excluded come after every candidate still in
            later.append(t.excluded.is_(sa.true()))
        query = query.where(sa.or_(*later))
    query = query.order_by(t.excluded, t.score.desc(), t.partner_id).limit(limit + 1)
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).all()
        waiting = await repository.pending(conn, campaign_id)
    items = [
        RankedPartner(
            partner_id=row.partner_id,
            name=row.name,
            score=row.score,
            components=row.payload["components"],
            excluded=row.excluded,
            recommended=row.recommended,
            quadrants=row.payload.get("quadrants"),
            model=row.payload["model"],
            model_version=row.payload["model_version"],
            version=row.stream_version,
        )
        for row in rows[:limit]
    ]
    more = len(rows) > limit
    return RankingPage(
        items=items,
        next_cursor=_cursor_of(rows[limit - 1]) if more else None,
        rescore_pending=waiting,
    )


# -- the coalition -------------------------------------------------------------------------


class SynergyPublic(BaseModel):
    partners: list[str] = Field(description="Two or three partners.")
    strength: float = Field(description="0..1.")
    shared_issues: list[str] = Field(description="Issues they all stand for with the campaign.")
    complementary: list[str] = Field(description="Needs one covers and another does not.")
    ties: list[str] = Field(description="Ties and past collaborations already joining them.")


class CoalitionPublic(BaseModel):
    campaign_id: str
    model: str
    model_version: int
    members: list[CoalitionMember] = Field(description="In the order chosen, with what each adds.")
    coverage: float = Field(description="Share of the weighted needs, issues and objectives.")
    uncovered: list[str]
    capacity: float
    synergies: list[SynergyPublic]
    version: int = Field(description="The recommendation stream's version.")
    rescored_at: str
    rescore_pending: bool


@router.get(
    "/campaigns/{campaign_id}/coalition",
    summary="The recommended coalition: who, what each adds, what stays uncovered, synergies.",
)
async def coalition(
    campaign_id: CampaignId, engine: EngineDep, principal: PrincipalDep, response: Response
) -> CoalitionPublic:
    _seen(principal, campaign_id)
    async with engine.connect() as conn:
        row = await repository.coalition_row(conn, campaign_id)
        waiting = await repository.pending(conn, campaign_id)
    if row is None:
        raise NotFoundError(
            f"campaign {campaign_id} has not been scored (yet)", field="path.campaign_id"
        )
    response.headers["ETag"] = f'"{row["stream_version"]}"'
    payload = row["payload"]
    return CoalitionPublic(
        **{k: payload[k] for k in ("campaign_id", "model", "model_version", "members")},
        coverage=payload["coverage"],
        uncovered=payload["uncovered"],
        capacity=payload["capacity"],
        synergies=[SynergyPublic(**s) for s in row["synergies"]],
        version=row["stream_version"],
        rescored_at=row["rescored_at"].isoformat(),
        rescore_pending=waiting,
    )


class RescoreIn(RequestBody):
    reason: Reason


class Accepted(BaseModel):
    campaign_id: str
    status: str = Field(description="`pending`: the re-scoring worker will take it shortly.")


@router.post(
    "/campaigns/{campaign_id}/rescore",
    status_code=202,
    summary="Re-score the campaign now, though no fact changed.",
)
async def rescore(
    campaign_id: CampaignId,
    body: RescoreIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
) -> Accepted:
    _seen(principal, campaign_id)
    metadata = context.metadata(reason=body.reason, campaign_id=campaign_id)
    await handlers.request_rescore(store, campaign_id, metadata)
    return Accepted(campaign_id=campaign_id, status="pending")


# -- models --------------------------------------------------------------------------------


class WeightsIn(RequestBody):
    influence: Unit = 0.3
    alignment: Unit = 0.3
    capacity: Unit = 0.2
    complementarity: Unit = 0.2


class InfluenceIn(RequestBody):
    pagerank: Unit = 0.35
    betweenness: Unit = 0.2
    access: Unit = 0.25
    reach: Unit = 0.2


class RulesIn(RequestBody):
    """A model's rules; what is left out takes the default."""

    weights: WeightsIn = Field(default_factory=WeightsIn)
    risk_penalty: Unit = 0.5
    influence: InfluenceIn = Field(default_factory=InfluenceIn)
    tie_weights: dict[RelationshipType, Unit] = Field(
        default_factory=dict, description="Per tie type, 0..1; the others keep their default."
    )
    high_threshold: Unit = 0.5
    coalition_size: Annotated[int, Field(ge=1, le=100), Whole] = 7
    outreach_capacity: Annotated[float, Field(ge=0.0, le=100_000.0)] | None = None

    def rules(self) -> ModelRules:
        tie_weights = {**ModelRules().tie_weights, **self.tie_weights}
        return ModelRules(
            weights=ComponentWeights(**self.weights.model_dump()),
            risk_penalty=self.risk_penalty,
            influence=InfluenceWeights(**self.influence.model_dump()),
            tie_weights=tie_weights,
            high_threshold=self.high_threshold,
            coalition_size=self.coalition_size,
            outreach_capacity=self.outreach_capacity,
        )


class ModelIn(RequestBody):
    name: Identifier = Field(description="The model's name.")
    rules: RulesIn = Field(default_factory=RulesIn)
    description: Note | None = None
    reason: Reason


class ModelPublic(BaseModel):
    campaign_id: str
    name: str
    version: int = Field(description="0 is the built-in default, never published.")
    rules: ModelRules
    description: str | None
    published: bool


def _model_public(campaign_id: str, model: models.Model, description: str | None) -> ModelPublic:
    return ModelPublic(
        campaign_id=campaign_id,
        name=model.name,
        version=model.version,
        rules=model.rules,
        description=description,
        published=model.version > 0,
    )


@router.post(
    "/campaigns/{campaign_id}/models",
    status_code=201,
    summary="Publish the next version of the campaign's scoring model; it is re-scored by it.",
)
async def publish_model(
    campaign_id: CampaignId,
    body: ModelIn,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    if_match: IfMatch = None,
) -> ModelPublic:
    _seen(principal, campaign_id)
    recorded = await handlers.publish_model(
        store,
        campaign_id,
        body.name,
        body.rules.rules(),
        body.description,
        context.metadata(reason=body.reason, campaign_id=campaign_id),
        expected_version=parse_if_match(if_match),
    )
    latest = recorded[-1]
    response.headers["ETag"] = f'"{latest.stream_version}"'
    published = models.versions([latest])[0]
    return _model_public(campaign_id, published, latest.payload.get("description"))


class ModelPage(BaseModel):
    items: list[ModelPublic]
    next_cursor: str | None = Field(description="`cursor` for the next page; none at the end.")


@router.get(
    "/campaigns/{campaign_id}/models",
    summary="Every published version of the campaign's scoring model, oldest first.",
)
async def list_models(
    campaign_id: CampaignId,
    store: StoreDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: VersionCursor = None,
) -> ModelPage:
    _seen(principal, campaign_id)
    history = await store.read_stream(models.model_stream(campaign_id))
    page, next_cursor = _page(history, cursor, limit)
    items = [
        _model_public(campaign_id, models.versions([e])[0], e.payload.get("description"))
        for e in page
    ]
    return ModelPage(items=items, next_cursor=next_cursor)


@router.get(
    "/campaigns/{campaign_id}/models/{version}",
    summary="One version of the campaign's model; `current` for the one in force.",
)
async def get_model(
    campaign_id: CampaignId,
    version: Annotated[
        str, Path(pattern=r"^(current|[0-9]{1,9})$", description="A version, or `current`.")
    ],
    store: StoreDep,
    principal: PrincipalDep,
    response: Response,
) -> ModelPublic:
    _seen(principal, campaign_id)
    history = await store.read_stream(models.model_stream(campaign_id))
    response.headers["ETag"] = f'"{len(history)}"'
    chosen = (
        models.current(history) if version == "current" else models.version(history, int(version))
    )
    description = next(
        (e.payload.get("description") for e in history if e.payload["version"] == chosen.version),
        None,
    )
    return _model_public(campaign_id, chosen, description)


class WhatIfIn(RequestBody):
    name: Identifier = Field(default="draft", description="A name for the draft.")
    rules: RulesIn = Field(default_factory=RulesIn)
    limit: Annotated[int, Field(ge=1, le=500), Whole] = 20


class WhatIfPartner(BaseModel):
    partner_id: str
    name: str | None
    score: float
    components: dict[str, float]
    excluded: bool
    recommended: bool
    rank: int | None
    current_score: float | None = Field(description="Its recorded score under the current model.")


class WhatIfPublic(BaseModel):
    campaign_id: str
    recorded: bool = Field(description="Always false: a what-if records nothing.")
    candidates: int
    partners: list[WhatIfPartner] = Field(description="The best `limit`, best first.")
    coalition: list[CoalitionMember]
    coverage: float
    uncovered: list[str]


@router.post(
    "/campaigns/{campaign_id}/what-if",
    summary="Score the campaign under a draft model and recommend a coalition; records nothing.",
)
async def what_if(
    campaign_id: CampaignId,
    body: WhatIfIn,
    store: StoreDep,
    engine: EngineDep,
    principal: PrincipalDep,
) -> WhatIfPublic:
    _seen(principal, campaign_id)
    outcome, _count = await handlers.what_if(store, campaign_id, body.rules.rules(), body.name)
    async with engine.connect() as conn:
        recorded = await repository.current_payloads(conn, campaign_id)
    chosen = outcome.recommendation
    return WhatIfPublic(
        campaign_id=campaign_id,
        recorded=False,
        candidates=len(outcome.scores),
        partners=[
            WhatIfPartner(
                partner_id=s.partner_id,
                name=s.name,
                score=s.score,
                components=s.components,
                excluded=s.excluded,
                recommended=s.recommended,
                rank=s.rank,
                current_score=recorded[s.partner_id]["score"] if s.partner_id in recorded else None,
            )
            for s in outcome.scores[: body.limit]
        ],
        coalition=chosen.members,
        coverage=chosen.coverage,
        uncovered=chosen.uncovered,
    )


# -- re-evaluating a past coalition ---------------------------------------------------------


class ReevaluationIn(RequestBody):
    as_of: Moment = Field(description="The moment whose facts are scored (RFC 3339).")
    model_version: Annotated[int, Field(ge=0, le=1_000_000_000), Whole] | None = Field(
        default=None, description="A published version of the campaign's model (0: default)."
    )
    rules: RulesIn | None = Field(default=None, description="A draft model instead.")
    signed_until: Moment | None = Field(
        default=None, description="Count the agreements signed by then (all, if not given)."
    )
    limit: Annotated[int, Field(ge=1, le=500), Whole] = 50


class PartnerThenPublic(BaseModel):
    partner_id: str
    name: str | None
    score: float = Field(description="Under the model asked for, from the facts at `as_of`.")
    excluded: bool
    would_recommend: bool
    recorded_score: float | None = Field(description="Its score as recorded by `as_of`.")
    recorded_recommended: bool = Field(description="In the coalition recorded by `as_of`.")
    signed: bool


class ReevaluationPublic(BaseModel):
    campaign_id: str
    as_of: datetime
    model: str = Field(description="`<name> v<version>`, or the draft's name.")
    recorded: bool = Field(description="Always false: a re-evaluation records nothing.")
    facts: int = Field(description="Facts as they stood at `as_of`.")
    would_recommend: list[str]
    recorded_recommendation: list[str] = Field(description="The coalition recorded by `as_of`.")
    signed: list[str]
    agreed: list[str] = Field(description="Signed, and the model would have chosen them.")
    signed_not_chosen: list[str] = Field(description="Signed; the model would not have chosen.")
    missed: list[str] = Field(description="The model would have chosen them; never signed.")
    newly_recommended: list[str]
    no_longer_recommended: list[str]
    coverage: float
    uncovered: list[str]
    partners: list[PartnerThenPublic] = Field(description="The best `limit`, best first.")


@router.post(
    "/campaigns/{campaign_id}/re-evaluations",
    summary="Re-evaluate the coalition as things stood at a past moment, under a published or "
    "draft model, beside what was recorded and signed; records nothing.",
)
async def re_evaluate(
    campaign_id: CampaignId, body: ReevaluationIn, store: StoreDep, principal: PrincipalDep
) -> ReevaluationPublic:
    _seen(principal, campaign_id)
    if body.rules is not None and body.model_version is not None:
        raise DomainError(
            "name a published version or give draft rules, not both", field="body.rules"
        )
    if body.rules is not None:
        model = models.Model("draft", 0, body.rules.rules())
        label = "draft"
    else:
        history = await store.read_stream(models.model_stream(campaign_id))
        model = (
            models.current(history)
            if body.model_version is None
            else models.version(history, body.model_version)
        )
        label = f"{model.name} v{model.version}"
    report, facts = await handlers.re_evaluate(
        store, campaign_id, body.as_of, model, signed_until=body.signed_until
    )
    return ReevaluationPublic(
        campaign_id=campaign_id,
        as_of=body.as_of,
        model=label,
        recorded=False,
        facts=facts,
        **{
            name: getattr(report, name)
            for name in (
                "would_recommend",
                "recorded_recommendation",
                "signed",
                "agreed",
                "signed_not_chosen",
                "missed",
                "newly_recommended",
                "no_longer_recommended",
                "coverage",
                "uncovered",
            )
        },
        partners=[PartnerThenPublic(**asdict(p)) for p in report.partners[: body.limit]],
    )
