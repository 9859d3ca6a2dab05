"""Events the agreement service publishes."""

from __future__ import annotations

from pydantic import Field

from coalition.shared.events.envelope import DomainEvent


class AgreementDrafted(DomainEvent):
    """An agreement between the campaign and one or more partners was drafted."""

    service = "agreement"
    is_decision = True

    agreement_id: str = Field(description="Stable id of the agreement.")
    campaign_id: str = Field(description="The campaign the agreement serves.")
    title: str = Field(min_length=1, max_length=300, description="A name people recognise.")
    parties: list[str] = Field(min_length=1, description="Partner ids that must sign.")
    terms: str = Field(min_length=1, max_length=100_000, description="The full text of the terms.")
    terms_hash: str = Field(description="SHA-256 of the terms text, hex.")


class PartySigned(DomainEvent):
    """One party signed the exact terms whose hash is recorded."""

    service = "agreement"
    is_decision = True

    agreement_id: str = Field(description="The agreement signed.")
    campaign_id: str = Field(description="The campaign the agreement serves.")
    partner_id: str = Field(description="The party that signed.")
    signatory: str = Field(min_length=1, max_length=200, description="Who signed for the party.")
    terms_hash: str = Field(description="SHA-256 of the exact terms signed.")


class AgreementSigned(DomainEvent):
    """Every party signed: the agreement is in force."""

    service = "agreement"
    is_decision = True

    agreement_id: str = Field(description="The agreement now in force.")
    campaign_id: str = Field(description="The campaign the agreement serves.")
    parties: list[str] = Field(description="Every party, all of whom signed.")
    terms_hash: str = Field(description="SHA-256 of the terms in force.")


__all__ = ["AgreementDrafted", "PartySigned", "AgreementSigned"]  # noqa: RUF022 (story order)
