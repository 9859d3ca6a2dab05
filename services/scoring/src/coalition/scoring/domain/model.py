"""Scoring models: a campaign's named, versioned weights and rules, and the built-in default.

A campaign that has published no model is scored by `coalition-default` version 0: the
defaults of `ModelRules` under this method. Those defaults are part of the method: changing
them means a new `METHOD`, so that every recorded score can still be reproduced.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coalition.shared.contracts.scoring import ModelRules, ScoringModelPublished
from coalition.shared.events.envelope import DomainEvent, RecordedEvent
from coalition.shared.web.problems import InvalidInputError, NotFoundError

METHOD = "coalition-score/1"
"""The version of the scoring code itself; recorded with every score."""

SCORE_STREAM_TYPE = "partner-score"
MODEL_STREAM_TYPE = "scoring-model"
RECOMMENDATION_STREAM_TYPE = "coalition-recommendation"


@dataclass(frozen=True, slots=True)
class Model:
    """One version of a scoring model."""

    name: str
    version: int
    rules: ModelRules


DEFAULT = Model("coalition-default", 0, ModelRules())


def score_stream(campaign_id: str, partner_id: str) -> str:
    return f"score-{campaign_id}-{partner_id}"


def model_stream(campaign_id: str) -> str:
    return f"scoring-model-{campaign_id}"


def recommendation_stream(campaign_id: str) -> str:
    return f"coalition-{campaign_id}"


def versions(history: Sequence[RecordedEvent]) -> list[Model]:
    """Every published version of a campaign's model, oldest first."""
    published = [ScoringModelPublished.model_validate(event.payload) for event in history]
    return [Model(p.name, p.version, p.rules) for p in published]


def current(history: Sequence[RecordedEvent]) -> Model:
    """The model a campaign is scored by now."""
    published = versions(history)
    return published[-1] if published else DEFAULT


def version(history: Sequence[RecordedEvent], number: int) -> Model:
    """One version, 0 being the default."""
    if number == 0:
        return DEFAULT
    for model in versions(history):
        if model.version == number:
            return model
    raise NotFoundError(f"the campaign has no model version {number}", field="path.version")


def publish(
    history: Sequence[RecordedEvent],
    campaign_id: str,
    name: str,
    rules: ModelRules,
    description: str | None,
) -> list[DomainEvent]:
    """The next version. Publishing the very same rules under the same name again records
    nothing: the campaign is already scored by them."""
    latest = current(history)
    if history and latest.name == name and latest.rules == rules:
        return []
    weights = rules.weights
    if weights.influence + weights.alignment + weights.capacity + weights.complementarity <= 0:
        raise InvalidInputError(
            "at least one component weight must be above 0", field="body.rules.weights"
        )
    return [
        ScoringModelPublished(
            campaign_id=campaign_id,
            name=name,
            version=len(history) + 1,
            rules=rules,
            description=description,
        )
    ]
