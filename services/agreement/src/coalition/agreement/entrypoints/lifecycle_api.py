"""REST routes of an agreement's lifecycle: send a version for signature, sign it, renew,
suspend, resume, terminate, withdraw a draft. Each is a decision with a reason; each answers
with the agreement as it now is and its `ETag`, and accepts `If-Match` (412 when stale). A rule
refused is a 409 problem saying which rule, and the version and hash to use where that helps."""

from __future__ import annotations

from datetime import date
from functools import partial

from fastapi import APIRouter
from pydantic import BaseModel, Field

from coalition.agreement.domain import agreement as model
from coalition.agreement.entrypoints.public import (
    AgreementPath,
    AgreementPublic,
    ChangeDep,
    VersionNumberIn,
    public,
    today,
    visible_agreement,
)
from coalition.shared.web.auth import PrincipalDep
from coalition.shared.web.deps import StoreDep
from coalition.shared.web.models import Day, Identifier, Name, Reason, RequestBody

router = APIRouter(tags=["agreement lifecycle"])
AGREEMENT = "/agreements/{agreement_id}"


class SignatureRequestIn(RequestBody):
    sign_by: Day | None = Field(default=None, description="When signatures are expected.")
    reason: Reason


class SignatureCreate(RequestBody):
    partner_id: Identifier = Field(description="The party signing.")
    signatory: Name = Field(description="Who signed for the party.")
    terms_hash: str = Field(
        pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the version's document, as fetched."
    )
    version: VersionNumberIn | None = Field(
        default=None, description="The version signed: refused unless it is the current one."
    )
    reason: Reason


class RenewalIn(RequestBody):
    ends_on: Day = Field(description="The new end date, after the current one.")
    reason: Reason


class SuspensionIn(RequestBody):
    requested_by: Identifier = Field(description="The party asking, or the campaign.")
    reason: Reason


class ReasonIn(RequestBody):
    reason: Reason


class TerminationIn(RequestBody):
    terminated_by: Identifier = Field(description="The party ending it, or the campaign.")
    effective_on: Day | None = Field(default=None, description="When it stops binding (today).")
    reason: Reason


class SignaturePublic(BaseModel):
    partner_id: str
    signatory: str
    version: int
    terms_hash: str
    signed_on: date


@router.post(
    f"{AGREEMENT}/signature-requests",
    summary="The campaign approves the current version and sends it to the parties to sign.",
)
async def send_for_signature(body: SignatureRequestIn, change: ChangeDep) -> AgreementPublic:
    state = await change.apply(body.reason, partial(model.send_for_signature, sign_by=body.sign_by))
    return public(state, today())


@router.post(
    f"{AGREEMENT}/signatures",
    summary="A party signs the version sent; the last signature brings it into force.",
)
async def sign_agreement(body: SignatureCreate, change: ChangeDep) -> AgreementPublic:
    decide = partial(
        model.sign,
        partner_id=body.partner_id,
        signatory=body.signatory,
        signed_terms_hash=body.terms_hash,
        version=body.version,
    )
    return public(await change.apply(body.reason, decide), today())


@router.get(f"{AGREEMENT}/signatures", summary="Every signature, on every version.")
async def list_signatures(
    agreement_id: AgreementPath, store: StoreDep, principal: PrincipalDep
) -> list[SignaturePublic]:
    state = await visible_agreement(store, principal, agreement_id)
    return [
        SignaturePublic(
            partner_id=s.party_id,
            signatory=s.signatory,
            version=s.version,
            terms_hash=s.terms_hash,
            signed_on=s.signed_on,
        )
        for s in state.signatures
    ]


@router.post(f"{AGREEMENT}/renewals", summary="An agreement in force runs to a later end date.")
async def renew_agreement(body: RenewalIn, change: ChangeDep) -> AgreementPublic:
    state = await change.apply(body.reason, partial(model.renew, ends_on=body.ends_on))
    return public(state, today())


@router.post(f"{AGREEMENT}/suspension", summary="Pause an agreement in force.")
async def suspend_agreement(body: SuspensionIn, change: ChangeDep) -> AgreementPublic:
    decide = partial(model.suspend, requested_by=body.requested_by)
    return public(await change.apply(body.reason, decide), today())


@router.post(f"{AGREEMENT}/resumption", summary="A suspended agreement is in force again.")
async def resume_agreement(body: ReasonIn, change: ChangeDep) -> AgreementPublic:
    return public(await change.apply(body.reason, model.resume), today())


@router.post(
    f"{AGREEMENT}/termination", summary="End an agreement in force (or suspended), with reason."
)
async def terminate_agreement(body: TerminationIn, change: ChangeDep) -> AgreementPublic:
    decide = partial(
        model.terminate,
        terminated_by=body.terminated_by,
        effective_on=body.effective_on or today(),
    )
    return public(await change.apply(body.reason, decide), today())


@router.post(f"{AGREEMENT}/withdrawal", summary="Abandon a draft that never came into force.")
async def withdraw_agreement(body: ReasonIn, change: ChangeDep) -> AgreementPublic:
    return public(await change.apply(body.reason, model.withdraw), today())
