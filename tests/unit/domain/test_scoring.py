"""The `skeleton` v1 scoring model, with numbers computed by hand."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from typing import get_args

import pytest

from coalition.scoring.domain import model
from coalition.scoring.domain.model import (
    KIND_WEIGHTS,
    MODEL,
    MODEL_VERSION,
    STREAM_TYPE,
    explain,
    reach,
    score_identified,
    stream_id,
)
from coalition.shared.contracts.research import OrganisationKind, PartnerIdentified
from coalition.shared.contracts.scoring import PartnerScored
from coalition.shared.events.envelope import DomainEvent, RecordedEvent
from tests.unit.domain.histories import recorded

FACT_ID = uuid.UUID("11111111-1111-4111-8111-111111111111")


def fact(kind: str, members: int | None) -> RecordedEvent:
    payload = PartnerIdentified.model_validate(
        {
            "partner_id": "p1",
            "campaign_id": "c1",
            "name": "Org",
            "kind": kind,
            "members": members,
        }
    )
    return recorded(payload, 1, stream_id="partner-p1", event_id=FACT_ID)


def scored(score: float, components: dict[str, float] | None = None) -> PartnerScored:
    return PartnerScored(
        partner_id="p1",
        campaign_id="c1",
        score=score,
        components=components or {"kind": 0.9, "reach": 1.0},
        model=MODEL,
        model_version=MODEL_VERSION,
        inputs=[str(FACT_ID)],
    )


def only_score(events: Sequence[DomainEvent]) -> PartnerScored:
    assert len(events) == 1
    [event] = events
    assert isinstance(event, PartnerScored)
    return event


def test_stream_id_and_type() -> None:
    assert stream_id("c1", "p1") == "score-c1-p1"
    assert STREAM_TYPE == "partner-score"


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        (None, 0.0),
        (0, 0.0),
        (9, 1 / 6),  # log10(10) / 6
        (999, 0.5),  # log10(1000) / 6
        (999_999, 1.0),  # log10(1_000_000) / 6
        (1_000_000, 1.0),  # capped
        (10**12, 1.0),  # capped
    ],
)
def test_reach(members: int | None, expected: float) -> None:
    assert reach(members) == pytest.approx(expected, abs=1e-12)


def test_a_union_with_a_million_members() -> None:
    event = only_score(score_identified([], fact("union", 1_000_000)))

    assert event.components == {"kind": 0.9, "reach": 1.0}
    assert event.score == 0.94  # 0.6 * 0.9 + 0.4 * 1.0
    assert event.partner_id == "p1"
    assert event.campaign_id == "c1"
    assert event.model == "skeleton"
    assert event.model_version == 1


def test_an_ngo_with_999_members() -> None:
    event = only_score(score_identified([], fact("ngo", 999)))

    assert event.components == {"kind": 0.7, "reach": 0.5}  # reach = log10(1000) / 6
    assert event.score == 0.62  # 0.6 * 0.7 + 0.4 * 0.5


def test_reach_and_score_are_rounded_to_four_places() -> None:
    event = only_score(score_identified([], fact("ngo", 99)))

    # reach = log10(100) / 6 = 0.33333... -> 0.3333; score = 0.42 + 0.4 * 0.3333 = 0.55332
    assert event.components == {"kind": 0.7, "reach": 0.3333}
    assert event.score == 0.5533


def test_unknown_membership_gives_no_reach() -> None:
    event = only_score(score_identified([], fact("union", None)))

    assert event.components == {"kind": 0.9, "reach": 0.0}
    assert event.score == 0.54  # 0.6 * 0.9


def test_every_organisation_kind_has_a_weight() -> None:
    assert set(KIND_WEIGHTS) == set(get_args(OrganisationKind))
    assert all(0.0 <= weight <= 1.0 for weight in KIND_WEIGHTS.values())


def test_a_kind_without_a_weight_counts_as_half(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(model.KIND_WEIGHTS, "media")

    event = only_score(score_identified([], fact("media", 999)))

    assert event.components == {"kind": 0.5, "reach": 0.5}
    assert event.score == 0.5  # 0.6 * 0.5 + 0.4 * 0.5


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("government_body", 0.12), ("media", 0.18), ("party", 0.48), ("think_tank", 0.3)],
)
def test_kind_weights_without_members(kind: str, expected: float) -> None:
    event = only_score(score_identified([], fact(kind, None)))

    assert event.score == expected
    assert math.isclose(event.score, 0.6 * KIND_WEIGHTS[kind], abs_tol=1e-4)


def test_inputs_hold_the_event_id_of_the_fact() -> None:
    event = only_score(score_identified([], fact("union", 1_000_000)))

    assert event.inputs == [str(FACT_ID)]


def test_no_new_event_when_the_last_score_is_unchanged() -> None:
    history = [recorded(scored(0.94), 1, stream_id="score-c1-p1")]

    assert score_identified(history, fact("union", 1_000_000)) == []


def test_only_the_last_score_in_history_counts() -> None:
    history = [
        recorded(scored(0.94), 1, stream_id="score-c1-p1"),
        recorded(scored(0.5, {"kind": 0.5, "reach": 0.5}), 2, stream_id="score-c1-p1"),
    ]

    event = only_score(score_identified(history, fact("union", 1_000_000)))

    assert event.score == 0.94


def test_a_changed_score_emits_a_new_event() -> None:
    history = [recorded(scored(0.54, {"kind": 0.9, "reach": 0.0}), 1, stream_id="score-c1-p1")]

    event = only_score(score_identified(history, fact("union", 1_000_000)))

    assert event.score == 0.94


def test_explain_names_every_component() -> None:
    text = explain(scored(0.94))

    assert text == "skeleton v1: 0.6*kind + 0.4*reach = 0.94 (kind 0.90, reach 1.00)"


def test_explain_lists_components_in_name_order() -> None:
    text = explain(scored(0.62, {"reach": 0.5, "kind": 0.7}))

    assert text.endswith("= 0.62 (kind 0.70, reach 0.50)")
    assert text.index("kind 0.70") < text.index("reach 0.50")


def test_explain_of_a_computed_score() -> None:
    event = only_score(score_identified([], fact("ngo", 999)))

    assert explain(event) == "skeleton v1: 0.6*kind + 0.4*reach = 0.62 (kind 0.70, reach 0.50)"
