"""Whatever staff and partners try, in whatever order, the log of an agreement keeps its rules:
a signature is on the version current and sent at the time, once per party; a version comes
into force exactly when its last party signs; nothing but a closing review follows an end."""

from __future__ import annotations

from datetime import date

from hypothesis import event as observe
from hypothesis import given, settings
from hypothesis import strategies as st

from coalition.agreement.domain import agreement as model
from coalition.agreement.domain import reviews
from coalition.shared.contracts.agreement import (
    AgreementAmended,
    AgreementDrafted,
    AgreementSentForSignature,
    AgreementSigned,
    PartySigned,
)
from coalition.shared.web.problems import DomainError
from tests.unit.domain.agreement_story import CAMPAIGN, Story

PARTIES = ["p1", "p2", "p3"]
TERMINAL = {"AgreementTerminated", "AgreementExpired", "AgreementWithdrawn"}

NAMES = [
    *["sign"] * 12,
    *["send"] * 4,
    *["amend", "sign_stale", "renew", "suspend", "resume", "review", "review"],
    *["terminate", "expire", "withdraw"],
]
"""Weighted towards signing, so that most runs bring a version into force; rarely an end."""
command = st.tuples(
    st.sampled_from(NAMES), st.sampled_from([*PARTIES, "terms", "join", "leave", "p1", "p2"])
)


def attempt(story: Story, name: str, arg: str | None, step: int) -> None:
    state = story.state
    now = state.current
    match name:
        case "amend":
            parties = {
                "join": [*now.content.parties, "p3"],
                "leave": now.content.parties[:1] or ["p1"],
            }.get(arg or "terms", now.content.parties)
            changed = now.content.model_copy(
                update={"terms": f"Terms, draft {step}", "parties": list(dict.fromkeys(parties))}
            )
            story.take(lambda h: model.amend(h, proposed_by=CAMPAIGN, content=changed))
        case "send":
            story.sent()
        case "sign" | "sign_stale":
            stale = name == "sign_stale" and now.number > 1
            version = state.versions[0] if stale else now
            story.take(
                lambda h: model.sign(
                    h,
                    partner_id=arg if arg in PARTIES else "p1",
                    signatory="someone",
                    signed_terms_hash=version.terms_hash,
                )
            )
        case "renew":
            story.take(lambda h: model.renew(h, ends_on=date(2030 + step, 1, 1)))
        case "suspend":
            story.take(lambda h: model.suspend(h, requested_by="p1"))
        case "resume":
            story.take(model.resume)
        case "terminate":
            story.take(
                lambda h: model.terminate(h, terminated_by=CAMPAIGN, effective_on=date(2029, 1, 1))
            )
        case "expire":
            story.take(lambda h: model.expire(h, today=date(2099, 1, 1)))
        case "withdraw":
            story.take(model.withdraw)
        case "review":
            story.take(
                lambda h: reviews.review(
                    h,
                    review_id=f"v{step}",
                    period_from=date(2027, 1, 1),
                    period_to=date(2027, 3, 31),
                    deliverables=[],
                    feedback=[],
                    impact=[],
                )
            )


@settings(max_examples=300, deadline=None)
@given(st.lists(command, min_size=10, max_size=30))
def test_the_log_keeps_the_signing_rules_whatever_is_tried(
    commands: list[tuple[str, str | None]],
) -> None:
    story = Story().drafted(parties=["p1", "p2"], responsibilities=[])
    for step, (name, arg) in enumerate(commands):
        before = len(story.history)
        try:
            attempt(story, name, arg, step)
        except DomainError:
            assert len(story.history) == before  # a refusal writes nothing

    events = story.decoded()
    current: dict[int, tuple[list[str], str]] = {}  # version -> (parties, hash)
    latest = 0
    sent: set[int] = set()
    signed: dict[int, set[str]] = {}
    in_force: list[int] = []
    ended = False
    for event in events:
        if ended:
            assert event.event_type == "PartnershipReviewed", event.event_type
        match event:
            case AgreementDrafted():
                latest = 1
                current[1] = (event.parties, event.terms_hash)
            case AgreementAmended():
                assert event.version == latest + 1
                latest = event.version
                current[latest] = (event.content.parties, event.terms_hash)
            case AgreementSentForSignature():
                assert event.version == latest and latest not in sent
                sent.add(latest)
            case PartySigned():
                assert event.version == latest and latest in sent
                assert event.terms_hash == current[latest][1]
                assert event.partner_id in current[latest][0]
                assert event.partner_id not in signed.setdefault(latest, set())
                signed[latest].add(event.partner_id)
            case AgreementSigned():
                assert event.version == latest and latest not in in_force
                assert set(event.parties) == signed[latest] == set(current[latest][0])
                in_force.append(latest)
        if event.event_type in TERMINAL:
            ended = True
    for version, parties in signed.items():
        complete = parties == set(current[version][0])
        assert complete == (version in in_force)
    state = story.state
    observe(f"status: {state.status}")
    observe(f"versions in force: {len(in_force)}")
    assert state.in_force_version == (in_force[-1] if in_force else None)
    assert (state.status in model.BINDING) == (bool(in_force) and not ended)
