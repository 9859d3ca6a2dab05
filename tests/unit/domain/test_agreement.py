"""The agreement lifecycle: drafted, signed by each party, in force."""

from __future__ import annotations

import hashlib

import pytest

from coalition.agreement.domain.agreement import (
    STREAM_TYPE,
    Agreement,
    draft,
    sign,
    stream_id,
    terms_hash,
)
from coalition.shared.contracts.agreement import AgreementDrafted, AgreementSigned, PartySigned
from coalition.shared.events.envelope import DomainEvent, RecordedEvent
from coalition.shared.web.problems import DomainError, NotFoundError
from tests.unit.domain.histories import recorded

TERMS = "abc"
TERMS_HASH = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # sha256("abc")
STREAM = "agreement-a1"


def drafted(parties: list[str] | None = None) -> AgreementDrafted:
    return AgreementDrafted(
        agreement_id="a1",
        campaign_id="c1",
        title="Clean air pact",
        parties=parties if parties is not None else ["p1", "p2"],
        terms=TERMS,
        terms_hash=TERMS_HASH,
    )


def party_signed(partner_id: str, signatory: str = "Ann") -> PartySigned:
    return PartySigned(
        agreement_id="a1",
        campaign_id="c1",
        partner_id=partner_id,
        signatory=signatory,
        terms_hash=TERMS_HASH,
    )


def agreement_signed(parties: list[str] | None = None) -> AgreementSigned:
    return AgreementSigned(
        agreement_id="a1",
        campaign_id="c1",
        parties=parties if parties is not None else ["p1", "p2"],
        terms_hash=TERMS_HASH,
    )


def history_of(*payloads: DomainEvent) -> list[RecordedEvent]:
    return [
        recorded(payload, version, stream_id=STREAM)
        for version, payload in enumerate(payloads, start=1)
    ]


def draft_a1(history: list[RecordedEvent], parties: list[str]) -> list[DomainEvent]:
    return draft(
        history,
        agreement_id="a1",
        campaign_id="c1",
        title="Clean air pact",
        parties=parties,
        terms=TERMS,
    )


# -- ids and hashes -------------------------------------------------------------------------------


def test_stream_id_and_type() -> None:
    assert stream_id("a1") == "agreement-a1"
    assert STREAM_TYPE == "agreement"


def test_terms_hash_is_the_sha256_of_the_utf8_text() -> None:
    assert terms_hash("abc") == TERMS_HASH
    assert terms_hash("Präambel") == hashlib.sha256("Präambel".encode()).hexdigest()
    assert len(terms_hash("x")) == 64


# -- draft ----------------------------------------------------------------------------------------


def test_draft_on_an_empty_stream() -> None:
    assert draft_a1([], ["p1", "p2"]) == [drafted(["p1", "p2"])]


def test_draft_computes_the_terms_hash() -> None:
    [event] = draft_a1([], ["p1"])

    assert isinstance(event, AgreementDrafted)
    assert event.terms_hash == TERMS_HASH


def test_draft_keeps_the_order_of_the_parties() -> None:
    [event] = draft_a1([], ["p3", "p1", "p2"])

    assert isinstance(event, AgreementDrafted)
    assert event.parties == ["p3", "p1", "p2"]


def test_draft_refuses_an_existing_stream() -> None:
    with pytest.raises(DomainError) as raised:
        draft_a1(history_of(drafted()), ["p1", "p2"])

    assert raised.value.status == 409
    assert raised.value.extra == {"agreement_id": "a1"}
    assert "already exists" in raised.value.detail


def test_draft_refuses_a_party_listed_twice() -> None:
    with pytest.raises(DomainError) as raised:
        draft_a1([], ["p1", "p2", "p1"])

    assert raised.value.status == 409
    assert raised.value.extra == {"parties": ["p1", "p2", "p1"]}
    assert "twice" in raised.value.detail


# -- sign -----------------------------------------------------------------------------------------


def test_signing_an_agreement_that_does_not_exist_is_not_found() -> None:
    with pytest.raises(NotFoundError) as raised:
        sign([], partner_id="p1", signatory="Ann", signed_terms_hash=TERMS_HASH)

    assert raised.value.status == 404


def test_a_non_party_cannot_sign() -> None:
    with pytest.raises(DomainError) as raised:
        sign(history_of(drafted()), partner_id="p9", signatory="Eve", signed_terms_hash=TERMS_HASH)

    assert raised.value.extra == {"partner_id": "p9"}
    assert "not a party" in raised.value.detail


def test_a_party_cannot_sign_twice() -> None:
    history = history_of(drafted(), party_signed("p1"))

    with pytest.raises(DomainError) as raised:
        sign(history, partner_id="p1", signatory="Ann", signed_terms_hash=TERMS_HASH)

    assert raised.value.extra == {"partner_id": "p1"}
    assert "already signed" in raised.value.detail


def test_signing_other_terms_is_refused() -> None:
    wrong = terms_hash("abd")

    with pytest.raises(DomainError) as raised:
        sign(history_of(drafted()), partner_id="p1", signatory="Ann", signed_terms_hash=wrong)

    assert raised.value.extra == {"terms_hash": TERMS_HASH, "signed_terms_hash": wrong}


def test_signing_after_the_agreement_is_in_force_is_refused() -> None:
    history = history_of(drafted(), party_signed("p1"), party_signed("p2"), agreement_signed())

    with pytest.raises(DomainError) as raised:
        sign(history, partner_id="p2", signatory="Bob", signed_terms_hash=TERMS_HASH)

    assert raised.value.extra == {"agreement_id": "a1"}
    assert "in force" in raised.value.detail


def test_a_signature_that_is_not_the_last_emits_only_party_signed() -> None:
    events = sign(
        history_of(drafted()), partner_id="p1", signatory="Ann", signed_terms_hash=TERMS_HASH
    )

    assert events == [party_signed("p1", "Ann")]


def test_the_last_signature_brings_the_agreement_into_force() -> None:
    history = history_of(drafted(), party_signed("p1"))

    events = sign(history, partner_id="p2", signatory="Bob", signed_terms_hash=TERMS_HASH)

    assert events == [party_signed("p2", "Bob"), agreement_signed(["p1", "p2"])]


def test_the_only_party_signing_brings_the_agreement_into_force() -> None:
    events = sign(
        history_of(drafted(["p1"])), partner_id="p1", signatory="Ann", signed_terms_hash=TERMS_HASH
    )

    assert events == [party_signed("p1", "Ann"), agreement_signed(["p1"])]


def test_the_last_signature_may_come_in_any_order() -> None:
    history = history_of(drafted(["p1", "p2", "p3"]), party_signed("p3"), party_signed("p1"))

    events = sign(history, partner_id="p2", signatory="Bob", signed_terms_hash=TERMS_HASH)

    assert [type(event) for event in events] == [PartySigned, AgreementSigned]
    assert events[1] == agreement_signed(["p1", "p2", "p3"])


# -- from_history ---------------------------------------------------------------------------------


def test_agreement_from_an_empty_history_is_none() -> None:
    assert Agreement.from_history([]) is None


def test_from_history_status_moves_from_drafted_to_signing_to_in_force() -> None:
    history = history_of(
        drafted(), party_signed("p1", "Ann"), party_signed("p2", "Bob"), agreement_signed()
    )

    after_draft = Agreement.from_history(history[:1])
    after_first = Agreement.from_history(history[:2])
    after_second = Agreement.from_history(history[:3])
    in_force = Agreement.from_history(history)

    assert after_draft == Agreement(
        agreement_id="a1",
        campaign_id="c1",
        title="Clean air pact",
        parties=["p1", "p2"],
        terms=TERMS,
        terms_hash=TERMS_HASH,
        signed_by={},
        status="drafted",
        version=1,
    )
    assert after_first is not None
    assert after_first.status == "signing"
    assert after_first.signed_by == {"p1": "Ann"}
    assert after_first.version == 2
    assert after_second is not None
    assert after_second.status == "signing"
    assert after_second.signed_by == {"p1": "Ann", "p2": "Bob"}
    assert after_second.version == 3
    assert in_force is not None
    assert in_force.status == "in_force"
    assert in_force.signed_by == {"p1": "Ann", "p2": "Bob"}
    assert in_force.version == 4


def test_decisions_applied_in_turn_reach_in_force() -> None:
    history = history_of(*draft_a1([], ["p1", "p2"]))
    for partner_id, signatory in (("p1", "Ann"), ("p2", "Bob")):
        new = sign(
            history, partner_id=partner_id, signatory=signatory, signed_terms_hash=TERMS_HASH
        )
        history = history_of(*_payloads(history), *new)

    state = Agreement.from_history(history)

    assert state is not None
    assert state.status == "in_force"
    assert state.version == 4
    assert state.signed_by == {"p1": "Ann", "p2": "Bob"}


def _payloads(history: list[RecordedEvent]) -> list[DomainEvent]:
    types: dict[str, type[DomainEvent]] = {
        "AgreementDrafted": AgreementDrafted,
        "PartySigned": PartySigned,
        "AgreementSigned": AgreementSigned,
    }
    return [types[event.event_type].model_validate(event.payload) for event in history]


def test_events_before_the_draft_are_ignored() -> None:
    stray = recorded(party_signed("p1"), 1, stream_id=STREAM)

    assert Agreement.from_history([stray]) is None
