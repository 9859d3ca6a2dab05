"""Events the agreement service publishes."""

from __future__ import annotations

from pydantic import Field

from coalition.shared.events.envelope import DomainEvent


class AgreementDrafted(DomainEvent):
    """An agreement between the campaign and one or more partners was drafted."""

    service = "agreement"
    is_decision = True

    agreement_id: str
    campaign_id: str
    title: str = Field(min_length=1, max_length=300)
    parties: list[str] = Field(min_length=1, description="Partner ids that must sign.")
    terms: str = Field(min_length=1, max_length=100_000)
    terms_hash: str = Field(description="SHA-256 of the terms text, hex.")


class PartySigned(DomainEvent):
    """One party signed the exact terms whose hash is recorded."""

    service = "agreement"
    is_decision = True

    agreement_id: str
    campaign_id: str
    partner_id: str
    signatory: str = Field(min_length=1, max_length=200)
    terms_hash: str


class AgreementSigned(DomainEvent):
    """Every party signed: the agreement is in force."""

    service = "agreement"
    is_decision = True

    agreement_id: str
    campaign_id: str
    parties: list[str]
    terms_hash: str


__all__ = ["AgreementDrafted", "AgreementSigned", "PartySigned"]
