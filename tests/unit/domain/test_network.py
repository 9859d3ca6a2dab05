"""The stakeholder network (pure): ties only between records of the campaign, one per ends and
type, updated when recorded again, ended once."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest

from coalition.research.domain import network as model
from coalition.shared.contracts.research import NodeRef, StakeholderRecorded
from coalition.shared.web.problems import DomainError, InvalidInputError, NotFoundError
from tests.unit.domain.stream import Stream

UNITE = model.End(NodeRef(type="partner", id="p1"), "c1")
JANE = model.End(NodeRef(type="stakeholder", id="s1"), "c1")


def tie(stream: Stream, weight: float = 0.5, **ends: model.End) -> list[object]:
    return list(
        stream.apply(
            partial(
                model.record_relationship,
                campaign_id="c1",
                source=ends.get("source", UNITE),
                target=ends.get("target", JANE),
                relationship="lobbies",
                weight=weight,
                since=date(2024, 1, 1),
            )
        )
    )


def test_the_id_of_a_tie_follows_its_campaign_ends_and_type() -> None:
    one = model.relationship_id_for("c1", UNITE.ref, "lobbies", JANE.ref)
    assert one == model.relationship_id_for("c1", UNITE.ref, "lobbies", JANE.ref)
    assert one != model.relationship_id_for("c1", JANE.ref, "lobbies", UNITE.ref)
    assert one != model.relationship_id_for("c1", UNITE.ref, "advises", JANE.ref)
    assert one != model.relationship_id_for("c2", UNITE.ref, "lobbies", JANE.ref)


def test_a_tie_is_recorded_once_updated_when_its_weight_changes_and_ended_once() -> None:
    stream = Stream()
    assert len(tie(stream)) == 1
    assert tie(stream) == []
    assert len(tie(stream, weight=0.9)) == 1
    stream.apply(partial(model.end_relationship, ended_on=date(2026, 1, 1)))
    state = model.Relationship.from_history(stream.history)
    assert state is not None and state.ended and state.weight == 0.9
    with pytest.raises(DomainError, match="already ended"):
        stream.apply(model.end_relationship)
    assert len(tie(stream, weight=0.9)) == 1  # recorded again: it holds again
    again = model.Relationship.from_history(stream.history)
    assert again is not None and not again.ended


def test_an_end_that_is_missing_or_of_another_campaign_is_not_found_by_name() -> None:
    with pytest.raises(NotFoundError) as missing:
        tie(Stream(), target=model.End(JANE.ref, None))
    assert missing.value.extra["field"] == "body.target.id"
    with pytest.raises(NotFoundError) as elsewhere:  # as unknown as a missing one
        tie(Stream(), source=model.End(UNITE.ref, "c2"))
    assert elsewhere.value.extra["field"] == "body.source.id"
    with pytest.raises(DomainError, match="two different ends"):
        tie(Stream(), target=UNITE)


def test_ending_an_unknown_tie_is_not_found_and_a_tie_cannot_end_before_it_began() -> None:
    with pytest.raises(NotFoundError):
        model.end_relationship([])
    stream = Stream()
    tie(stream)
    with pytest.raises(InvalidInputError):
        stream.apply(partial(model.end_relationship, ended_on=date(2020, 1, 1)))


def test_a_stakeholder_is_recorded_and_described_again_only_when_changed() -> None:
    jane = StakeholderRecorded(
        stakeholder_id="s1", campaign_id="c1", name=" Jane Doe ", kind="policymaker"
    )
    stream = Stream()
    stream.apply(partial(model.record_stakeholder, description=jane))
    assert stream.apply(partial(model.record_stakeholder, description=jane)) == []
    promoted = jane.model_copy(update={"role": "Chair"})
    assert len(stream.apply(partial(model.record_stakeholder, description=promoted))) == 1
    state = model.Stakeholder.from_history(stream.history)
    assert state is not None and (state.name, state.role, state.version) == ("Jane Doe", "Chair", 2)
    moved = jane.model_copy(update={"campaign_id": "c2"})
    with pytest.raises(DomainError):
        stream.apply(partial(model.record_stakeholder, description=moved))
