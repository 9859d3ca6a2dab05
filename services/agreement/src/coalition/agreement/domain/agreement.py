"""An agreement's lifecycle, from its stream of events.

drafted -> in_negotiation (amended) -> sent_for_signature -> in_force (every party signed the
version sent) -> renewed / suspended <-> resumed -> terminated (with reason) or expired; a draft
never in force can be withdrawn. An agreement in force can be amended too: the new version waits
for every party's signature while the one signed stays in force.

Rules, each refused with a `DomainError` that says which and why: a signature counts only on the
current version, once it was sent, once per party, with that version's hash; only an agreement in
force (or suspended) is terminated, renewed, suspended or expired; nothing follows a terminal
state. Decisions are pure: they take the history (and `today` where time matters) and return the
events that follow."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from coalition.agreement.domain import document
from coalition.shared.contracts.agreement import (
    AgreementAmended,
    AgreementContent,
    AgreementDrafted,
    AgreementExpired,
    AgreementRenewed,
    AgreementResumed,
    AgreementSentForSignature,
    AgreementSigned,
    AgreementSuspended,
    AgreementTerminated,
    AgreementWithdrawn,
    ContentChange,
    PartnershipReviewed,
    PartySigned,
)
from coalition.shared.events.envelope import DomainEvent, RecordedEvent
from coalition.shared.web.problems import DomainError, NotFoundError

STREAM_TYPE = "agreement"

Status = Literal[
    "drafted",
    "in_negotiation",
    "sent_for_signature",
    "in_force",
    "suspended",
    "terminated",
    "expired",
    "withdrawn",
]
BINDING: frozenset[Status] = frozenset({"in_force", "suspended"})
"""States in which the agreement binds its parties."""
FINAL: frozenset[Status] = frozenset({"terminated", "expired", "withdrawn"})
"""States nothing follows (but a closing review)."""


def stream_id(agreement_id: str) -> str:
    return f"agreement-{agreement_id}"


@dataclass(frozen=True)
class Version:
    """One version of the content, with who proposed it and what changed."""

    number: int
    content: AgreementContent
    terms_hash: str
    proposed_by: str
    changes: tuple[ContentChange, ...] = ()
    sent: bool = False
    sign_by: date | None = None


@dataclass(frozen=True)
class Signature:
    party_id: str
    signatory: str
    version: int
    terms_hash: str
    signed_on: date


@dataclass(frozen=True)
class Agreement:
    agreement_id: str
    campaign_id: str
    versions: tuple[Version, ...]
    status: Status = "drafted"
    signatures: tuple[Signature, ...] = ()
    in_force_version: int | None = None
    in_force_from: date | None = None
    ends_on: date | None = None
    commitments: tuple[str, ...] = ()
    reviews: tuple[PartnershipReviewed, ...] = ()
    closed_on: date | None = None
    version: int = 0
    """The stream's version: the ETag."""

    @property
    def current(self) -> Version:
        return self.versions[-1]

    @property
    def content(self) -> AgreementContent:
        return self.current.content

    @property
    def in_force(self) -> Version | None:
        if self.in_force_version is None:
            return None
        return self.versions[self.in_force_version - 1]

    @property
    def pending_version(self) -> int | None:
        """A version proposed while another is in force, not yet signed by all."""
        if self.in_force_version is None or self.current.number == self.in_force_version:
            return None
        return self.current.number

    def signed(self, version: int) -> dict[str, Signature]:
        return {s.party_id: s for s in self.signatures if s.version == version}

    def awaiting(self) -> list[str]:
        """Parties that still have to sign the current version."""
        done = self.signed(self.current.number)
        return [party for party in self.content.parties if party not in done]

    def bound(self) -> list[str]:
        """The parties the agreement binds (or, before it binds, the current draft's)."""
        version = self.in_force or self.current
        return list(version.content.parties)

    def side(self, party_id: str) -> bool:
        """A party, or the campaign itself."""
        return party_id == self.campaign_id or party_id in self.content.parties

    @classmethod
    def from_history(cls, history: Sequence[RecordedEvent]) -> Agreement | None:
        state: Agreement | None = None
        for event in history:
            state = _apply(state, event)
        return state


def _apply(state: Agreement | None, event: RecordedEvent) -> Agreement | None:
    p, day = event.payload, event.metadata.occurred_at.date()
    if event.event_type == "AgreementDrafted":
        d = AgreementDrafted.model_validate(p)
        content = AgreementContent.model_validate(d.model_dump(include=_CONTENT_FIELDS))
        first = Version(1, content, d.terms_hash, proposed_by=d.campaign_id)
        return Agreement(
            d.agreement_id,
            d.campaign_id,
            (first,),
            commitments=tuple(d.commitments),
            version=event.stream_version,
        )
    if state is None:
        return None
    state = replace(state, version=event.stream_version)
    match event.event_type:
        case "AgreementAmended":
            a = AgreementAmended.model_validate(p)
            new = Version(a.version, a.content, a.terms_hash, a.proposed_by, tuple(a.changes))
            status: Status = state.status if state.status in BINDING else "in_negotiation"
            return replace(state, versions=(*state.versions, new), status=status)
        case "AgreementSentForSignature":
            s = AgreementSentForSignature.model_validate(p)
            sent = replace(state.current, sent=True, sign_by=s.sign_by)
            status = state.status if state.status in BINDING else "sent_for_signature"
            return replace(state, versions=(*state.versions[:-1], sent), status=status)
        case "PartySigned":
            g = PartySigned.model_validate(p)
            signature = Signature(g.partner_id, g.signatory, g.version, g.terms_hash, day)
            return replace(state, signatures=(*state.signatures, signature))
        case "AgreementSigned":
            g2 = AgreementSigned.model_validate(p)
            return replace(
                state,
                status="in_force" if state.status != "suspended" else "suspended",
                in_force_version=g2.version,
                in_force_from=state.in_force_from or day,
                ends_on=g2.ends_on,
            )
        case "AgreementRenewed":
            return replace(state, ends_on=AgreementRenewed.model_validate(p).ends_on)
        case "AgreementSuspended":
            return replace(state, status="suspended")
        case "AgreementResumed":
            return replace(state, status="in_force")
        case "AgreementTerminated":
            t = AgreementTerminated.model_validate(p)
            return replace(state, status="terminated", closed_on=t.effective_on)
        case "AgreementExpired":
            x = AgreementExpired.model_validate(p)
            return replace(state, status="expired", closed_on=x.ended_on)
        case "AgreementWithdrawn":
            return replace(state, status="withdrawn", closed_on=day)
        case "PartnershipReviewed":
            review = PartnershipReviewed.model_validate(p)
            return replace(state, reviews=(*state.reviews, review))
    return state


_CONTENT_FIELDS = set(AgreementContent.model_fields)


def current(history: Sequence[RecordedEvent]) -> Agreement:
    state = Agreement.from_history(history)
    if state is None:
        raise NotFoundError("agreement not found")
    return state


# --- content checks ---------------------------------------------------------------------------


def check_content(campaign_id: str, content: AgreementContent) -> None:
    """Rules of one version's content, each naming the field at fault (422)."""
    parties = content.parties
    if len(set(parties)) != len(parties):
        raise DomainError("a party is listed twice", field="body.parties", parties=parties)
    if campaign_id in parties:
        raise DomainError(
            "the campaign is a party already; list the partners only", field="body.parties"
        )
    sides = {campaign_id, *parties}
    _unique([g.goal_id for g in content.goals], "goals", "goal_id")
    _unique([r.responsibility_id for r in content.responsibilities], "responsibilities", "id")
    for i, r in enumerate(content.responsibilities):
        if r.party_id not in sides:
            raise DomainError(
                f"{r.party_id} is neither a party nor the campaign",
                field=f"body.responsibilities[{i}].party_id",
            )
    for i, pledge in enumerate(content.resources):
        if pledge.party_id not in sides:
            raise DomainError(
                f"{pledge.party_id} is neither a party nor the campaign",
                field=f"body.resources[{i}].party_id",
            )
    rule = content.decision_rule
    if rule.rule == "lead_organisation" and rule.lead_party_id not in sides:
        raise DomainError(
            "a lead organisation rule names its lead: a party or the campaign",
            field="body.decision_rule.lead_party_id",
        )
    if rule.rule != "lead_organisation" and rule.lead_party_id is not None:
        raise DomainError(
            "only the lead organisation rule has a lead", field="body.decision_rule.lead_party_id"
        )
    if rule.rule != "majority" and rule.majority is not None:
        raise DomainError("only the majority rule has a share", field="body.decision_rule.majority")
    if content.starts_on and content.ends_on and content.ends_on <= content.starts_on:
        raise DomainError("it must end after it starts", field="body.ends_on")


def check_goals(content: AgreementContent, objectives: Mapping[str, str] | None) -> None:
    """Each goal's objective is one of the campaign's, once research has told us of them
    (`objectives` None: nothing known yet, so nothing to check against)."""
    if objectives is None:
        return
    for i, goal in enumerate(content.goals):
        if goal.objective_id is not None and goal.objective_id not in objectives:
            raise DomainError(
                f"{goal.objective_id} is not one of the campaign's objectives",
                field=f"body.goals[{i}].objective_id",
            )


def _unique(ids: list[str], field_name: str, key: str) -> None:
    if len(set(ids)) != len(ids):
        raise DomainError(f"two {field_name} share an id", field=f"body.{field_name}[].{key}")


# --- decisions --------------------------------------------------------------------------------


def draft(
    history: Sequence[RecordedEvent],
    *,
    agreement_id: str,
    campaign_id: str,
    content: AgreementContent,
    commitments: Sequence[str] = (),
) -> list[DomainEvent]:
    if history:
        raise DomainError(f"agreement {agreement_id} already exists", agreement_id=agreement_id)
    check_content(campaign_id, content)
    return [
        AgreementDrafted(
            **content.model_dump(),
            agreement_id=agreement_id,
            campaign_id=campaign_id,
            terms_hash=document.content_hash(agreement_id, campaign_id, 1, content),
            commitments=list(commitments),
        )
    ]


def amend(
    history: Sequence[RecordedEvent], *, proposed_by: str, content: AgreementContent
) -> list[DomainEvent]:
    """A new version. Before signature it reopens negotiation (signatures gathered on the old
    version no longer count); in force, it waits for every party while the old one binds."""
    state = current(history)
    _not_final(state, "amended")
    if not state.side(proposed_by) and proposed_by not in content.parties:
        raise DomainError(
            f"{proposed_by} is neither a party nor the campaign", field="body.proposed_by"
        )
    check_content(state.campaign_id, content)
    changes = document.diff(state.content, content)
    if not changes:
        raise DomainError("the amendment changes nothing", version=state.current.number)
    number = state.current.number + 1
    return [
        AgreementAmended(
            agreement_id=state.agreement_id,
            campaign_id=state.campaign_id,
            version=number,
            proposed_by=proposed_by,
            content=content,
            changes=changes,
            terms_hash=document.content_hash(
                state.agreement_id, state.campaign_id, number, content
            ),
        )
    ]


def send_for_signature(
    history: Sequence[RecordedEvent], *, sign_by: date | None = None
) -> list[DomainEvent]:
    state = current(history)
    _not_final(state, "sent for signature")
    if state.current.sent:
        raise DomainError(
            f"version {state.current.number} was sent for signature already",
            version=state.current.number,
        )
    if state.status in BINDING and state.pending_version is None:
        raise DomainError("the version in force is signed; amend it to send a new one")
    return [
        AgreementSentForSignature(
            agreement_id=state.agreement_id,
            campaign_id=state.campaign_id,
            parties=state.bound(),
            version=state.current.number,
            terms_hash=state.current.terms_hash,
            sign_by=sign_by,
        )
    ]


def sign(
    history: Sequence[RecordedEvent],
    *,
    partner_id: str,
    signatory: str,
    signed_terms_hash: str,
    version: int | None = None,
) -> list[DomainEvent]:
    """One party signs the current version; the last signature brings it into force."""
    state = current(history)
    _not_final(state, "signed")
    now = state.current
    if version is not None and version != now.number:
        raise DomainError(
            f"version {version} is superseded: version {now.number} is the one to sign",
            version=now.number,
            terms_hash=now.terms_hash,
        )
    if signed_terms_hash != now.terms_hash:
        raise DomainError(
            "the signed document is not the current version",
            version=now.number,
            terms_hash=now.terms_hash,
            signed_terms_hash=signed_terms_hash,
        )
    if state.in_force_version == now.number:
        raise DomainError("the agreement is already in force", agreement_id=state.agreement_id)
    if not now.sent:
        raise DomainError(
            f"version {now.number} has not been sent for signature", version=now.number
        )
    if partner_id not in now.content.parties:
        raise DomainError(f"{partner_id} is not a party to this agreement", partner_id=partner_id)
    if partner_id in state.signed(now.number):
        raise DomainError(f"{partner_id} has already signed", partner_id=partner_id)
    events: list[DomainEvent] = [
        PartySigned(
            agreement_id=state.agreement_id,
            campaign_id=state.campaign_id,
            partner_id=partner_id,
            signatory=signatory,
            terms_hash=now.terms_hash,
            version=now.number,
        )
    ]
    if state.awaiting() == [partner_id]:
        events.append(
            AgreementSigned(
                agreement_id=state.agreement_id,
                campaign_id=state.campaign_id,
                parties=now.content.parties,
                terms_hash=now.terms_hash,
                version=now.number,
                supersedes_version=state.in_force_version,
                ends_on=_renewed_end(state, now.content),
            )
        )
    return events


def _renewed_end(state: Agreement, content: AgreementContent) -> date | None:
    """An amendment keeps a renewal's later end unless it sets an end of its own."""
    in_force = state.in_force
    if in_force is not None and content.ends_on == in_force.content.ends_on:
        return state.ends_on
    return content.ends_on


def renew(history: Sequence[RecordedEvent], *, ends_on: date) -> list[DomainEvent]:
    state = current(history)
    _binding(state, "renewed")
    if state.ends_on is None:
        raise DomainError("the agreement has no end date to move; it runs until terminated")
    if ends_on <= state.ends_on:
        raise DomainError(
            f"a renewal ends after the current end, {state.ends_on.isoformat()}",
            field="body.ends_on",
        )
    return [
        AgreementRenewed(
            agreement_id=state.agreement_id,
            campaign_id=state.campaign_id,
            parties=state.bound(),
            previous_ends_on=state.ends_on,
            ends_on=ends_on,
        )
    ]


def suspend(history: Sequence[RecordedEvent], *, requested_by: str) -> list[DomainEvent]:
    state = current(history)
    if state.status != "in_force":
        raise DomainError(f"only an agreement in force is suspended; it is {state.status}")
    _side(state, requested_by, "requested_by")
    return [
        AgreementSuspended(
            agreement_id=state.agreement_id,
            campaign_id=state.campaign_id,
            parties=state.bound(),
            requested_by=requested_by,
        )
    ]


def resume(history: Sequence[RecordedEvent]) -> list[DomainEvent]:
    state = current(history)
    if state.status != "suspended":
        raise DomainError(f"only a suspended agreement is resumed; it is {state.status}")
    return [
        AgreementResumed(
            agreement_id=state.agreement_id, campaign_id=state.campaign_id, parties=state.bound()
        )
    ]


def terminate(
    history: Sequence[RecordedEvent], *, terminated_by: str, effective_on: date
) -> list[DomainEvent]:
    state = current(history)
    if state.status not in BINDING:
        hint = "; withdraw a draft instead" if state.in_force_version is None else ""
        raise DomainError(
            f"only an agreement in force is terminated; it is {state.status}{hint}",
            agreement_status=state.status,
        )
    _side(state, terminated_by, "terminated_by")
    if state.in_force_from and effective_on < state.in_force_from:
        raise DomainError("it cannot end before it came into force", field="body.effective_on")
    return [
        AgreementTerminated(
            agreement_id=state.agreement_id,
            campaign_id=state.campaign_id,
            parties=state.bound(),
            terminated_by=terminated_by,
            effective_on=effective_on,
        )
    ]


def is_past_end(state: Agreement, today: date) -> bool:
    """Whether the end date passed (on the day after it) with the agreement still binding."""
    return state.status in BINDING and state.ends_on is not None and today > state.ends_on


def expire(history: Sequence[RecordedEvent], *, today: date) -> list[DomainEvent]:
    """Empty when there is nothing to expire, so a sweep can ask any agreement, as often as it
    likes."""
    state = current(history)
    if not is_past_end(state, today) or state.ends_on is None:
        return []
    return [
        AgreementExpired(
            agreement_id=state.agreement_id,
            campaign_id=state.campaign_id,
            parties=state.bound(),
            ended_on=state.ends_on,
        )
    ]


def withdraw(history: Sequence[RecordedEvent]) -> list[DomainEvent]:
    state = current(history)
    if state.in_force_version is not None:
        raise DomainError("an agreement that came into force is terminated, not withdrawn")
    _not_final(state, "withdrawn")
    return [
        AgreementWithdrawn(
            agreement_id=state.agreement_id, campaign_id=state.campaign_id, parties=state.bound()
        )
    ]


def _not_final(state: Agreement, what: str) -> None:
    if state.status in FINAL:
        raise DomainError(
            f"the agreement is {state.status}; it cannot be {what}", agreement_status=state.status
        )


def _binding(state: Agreement, what: str) -> None:
    if state.status not in BINDING:
        raise DomainError(
            f"only an agreement in force is {what}; it is {state.status}",
            agreement_status=state.status,
        )


def _side(state: Agreement, party_id: str, field_name: str) -> None:
    if not state.side(party_id):
        raise DomainError(
            f"{party_id} is neither a party nor the campaign", field=f"body.{field_name}"
        )
