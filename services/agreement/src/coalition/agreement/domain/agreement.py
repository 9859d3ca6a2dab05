"""An agreement's lifecycle in the walking skeleton: drafted, then signed by each party, in
force once every party has signed. Rules: only a party signs, once, and only the exact terms
drafted (by their hash)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from coalition.shared.contracts.agreement import AgreementDrafted, AgreementSigned, PartySigned
from coalition.shared.events.envelope import DomainEvent, RecordedEvent
from coalition.shared.web.problems import DomainError, NotFoundError

STREAM_TYPE = "agreement"


def stream_id(agreement_id: str) -> str:
    return f"agreement-{agreement_id}"


def terms_hash(terms: str) -> str:
    return hashlib.sha256(terms.encode()).hexdigest()


@dataclass(frozen=True)
class Agreement:
    agreement_id: str
    campaign_id: str
    title: str
    parties: list[str]
    terms: str
    terms_hash: str
    signed_by: dict[str, str] = field(default_factory=dict)
    status: str = "drafted"
    version: int = 0

    @classmethod
    def from_history(cls, history: Sequence[RecordedEvent]) -> Agreement | None:
        state: Agreement | None = None
        for event in history:
            if event.event_type == "AgreementDrafted":
                d = AgreementDrafted.model_validate(event.payload)
                state = cls(
                    d.agreement_id, d.campaign_id, d.title, d.parties, d.terms, d.terms_hash
                )
            elif state is not None and event.event_type == "PartySigned":
                s = PartySigned.model_validate(event.payload)
                signed = {**state.signed_by, s.partner_id: s.signatory}
                state = cls(**{**state.__dict__, "signed_by": signed, "status": "signing"})
            elif state is not None and event.event_type == "AgreementSigned":
                state = cls(**{**state.__dict__, "status": "in_force"})
            if state is not None:
                state = cls(**{**state.__dict__, "version": event.stream_version})
        return state


def draft(
    history: Sequence[RecordedEvent],
    *,
    agreement_id: str,
    campaign_id: str,
    title: str,
    parties: list[str],
    terms: str,
) -> list[DomainEvent]:
    if history:
        raise DomainError(f"agreement {agreement_id} already exists", agreement_id=agreement_id)
    unique = list(dict.fromkeys(parties))
    if len(unique) != len(parties):
        raise DomainError("a party is listed twice", parties=parties)
    return [
        AgreementDrafted(
            agreement_id=agreement_id,
            campaign_id=campaign_id,
            title=title,
            parties=unique,
            terms=terms,
            terms_hash=terms_hash(terms),
        )
    ]


def sign(
    history: Sequence[RecordedEvent], *, partner_id: str, signatory: str, signed_terms_hash: str
) -> list[DomainEvent]:
    """One party signs; the last signature brings the agreement into force."""
    state = Agreement.from_history(history)
    if state is None:
        raise NotFoundError("agreement not found")
    if state.status == "in_force":
        raise DomainError("the agreement is already in force", agreement_id=state.agreement_id)
    if partner_id not in state.parties:
        raise DomainError(f"{partner_id} is not a party to this agreement", partner_id=partner_id)
    if partner_id in state.signed_by:
        raise DomainError(f"{partner_id} has already signed", partner_id=partner_id)
    if signed_terms_hash != state.terms_hash:
        raise DomainError(
            "the signed terms are not the current terms",
            terms_hash=state.terms_hash,
            signed_terms_hash=signed_terms_hash,
        )
    events: list[DomainEvent] = [
        PartySigned(
            agreement_id=state.agreement_id,
            campaign_id=state.campaign_id,
            partner_id=partner_id,
            signatory=signatory,
            terms_hash=state.terms_hash,
        )
    ]
    if set(state.signed_by) | {partner_id} == set(state.parties):
        events.append(
            AgreementSigned(
                agreement_id=state.agreement_id,
                campaign_id=state.campaign_id,
                parties=state.parties,
                terms_hash=state.terms_hash,
            )
        )
    return events
