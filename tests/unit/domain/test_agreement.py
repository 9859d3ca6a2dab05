"""The agreement lifecycle: every transition from every state, the signing rules, amendments
and their diff, the document whose hash each signature records."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date

import pytest

from coalition.agreement.domain import agreement as model
from coalition.agreement.domain import document
from coalition.shared.contracts.agreement import (
    AgreementAmended,
    AgreementSigned,
    DecisionRule,
    Goal,
    PartySigned,
    ResourcePledge,
    Responsibility,
)
from coalition.shared.web.problems import DomainError, NotFoundError
from tests.unit.domain.agreement_story import AGREEMENT, CAMPAIGN, Story, content

# -- the document and its hash -----------------------------------------------------------------


def test_the_document_is_canonical_json_and_its_hash_is_the_sha256_of_those_bytes() -> None:
    body = document.canonical(AGREEMENT, CAMPAIGN, 1, content(title="Bündnis für saubere Luft"))

    parsed = json.loads(body)
    assert list(parsed) == sorted(parsed)  # keys sorted
    assert b": " not in body and b", " not in body  # no insignificant whitespace
    assert "Bündnis für saubere Luft".encode() in body  # UTF-8, not \u escapes
    assert parsed["version"] == 1 and parsed["agreement_id"] == AGREEMENT
    assert parsed["content"]["responsibilities"][0]["due_on"] == "2026-06-01"
    assert (
        document.content_hash(AGREEMENT, CAMPAIGN, 1, content(title="Bündnis für saubere Luft"))
        == hashlib.sha256(body).hexdigest()
    )


def test_the_same_content_in_another_version_or_agreement_hashes_differently() -> None:
    one = document.content_hash(AGREEMENT, CAMPAIGN, 1, content())
    assert document.content_hash(AGREEMENT, CAMPAIGN, 2, content()) != one
    assert document.content_hash("a2", CAMPAIGN, 1, content()) != one
    assert document.content_hash(AGREEMENT, CAMPAIGN, 1, content()) == one


def test_the_draft_records_the_hash_of_version_one() -> None:
    story = Story().drafted()
    assert story.state.current.terms_hash == document.content_hash(
        AGREEMENT, CAMPAIGN, 1, content()
    )


# -- the diff of an amendment ------------------------------------------------------------------


def test_the_diff_names_items_of_keyed_lists_by_their_id() -> None:
    before = content()
    r1 = before.responsibilities[0].model_copy(update={"due_on": date(2026, 7, 1)})
    r3 = Responsibility(
        responsibility_id="r3", party_id="p2", task="Fund the buses", deliverable="Ten buses"
    )
    after = before.model_copy(update={"responsibilities": [r1, r3]})

    changes = {(c.path, c.change) for c in document.diff(before, after)}

    assert changes == {
        ("responsibilities[r1]", "changed"),
        ("responsibilities[r2]", "removed"),
        ("responsibilities[r3]", "added"),
    }


def test_the_diff_of_the_terms_shows_the_lines_changed() -> None:
    before = content()
    after = before.model_copy(update={"terms": "1. We campaign together.\n2. We share data."})

    [change] = document.diff(before, after)

    assert change.path == "terms" and change.before == before.terms and change.after == after.terms
    assert change.unified_diff is not None
    assert "-2. We share our lists." in change.unified_diff
    assert "+2. We share data." in change.unified_diff


def test_the_diff_of_plain_fields_says_added_changed_or_removed() -> None:
    before = content(exit_terms=None)
    after = before.model_copy(
        update={"exit_terms": "Three months' notice", "ends_on": None, "title": "Air pact"}
    )
    changes = {c.path: (c.change, c.before, c.after) for c in document.diff(before, after)}
    assert changes == {
        "title": ("changed", "Clean air pact", "Air pact"),
        "ends_on": ("removed", "2027-02-28", None),
        "exit_terms": ("added", None, "Three months' notice"),
    }


def test_a_reordered_keyed_list_is_one_change_of_the_whole_list() -> None:
    before = content()
    after = before.model_copy(update={"responsibilities": before.responsibilities[::-1]})
    [change] = document.diff(before, after)
    assert (change.path, change.change) == ("responsibilities", "changed")


# -- every transition --------------------------------------------------------------------------


def _drafted() -> Story:
    return Story().drafted()


def _negotiating() -> Story:
    return Story().drafted().amended(terms="New terms")


def _sent() -> Story:
    return Story().drafted().sent()


def _half_signed() -> Story:
    return Story().drafted().sent().signed_by("p1")


def _in_force() -> Story:
    return Story().in_force()


def _amended_in_force() -> Story:
    return Story().in_force().amended(terms="Amended terms")


def _suspended() -> Story:
    return Story().in_force().take(lambda h: model.suspend(h, requested_by="p2"))


def _terminated() -> Story:
    return (
        Story()
        .in_force()
        .take(lambda h: model.terminate(h, terminated_by=CAMPAIGN, effective_on=date(2026, 4, 1)))
    )


def _expired() -> Story:
    return Story().in_force().take(lambda h: model.expire(h, today=date(2027, 3, 1)))


def _withdrawn() -> Story:
    return Story().drafted().take(model.withdraw)


STATES: dict[str, Callable[[], Story]] = {
    "drafted": _drafted,
    "in_negotiation": _negotiating,
    "sent_for_signature": _sent,
    "half_signed": _half_signed,
    "in_force": _in_force,
    "in_force_with_amendment": _amended_in_force,
    "suspended": _suspended,
    "terminated": _terminated,
    "expired": _expired,
    "withdrawn": _withdrawn,
}


def _amend(story: Story) -> None:
    story.amended(title="A new title")


def _send(story: Story) -> None:
    story.sent()


def _sign(story: Story) -> None:
    party = "p2" if "p2" not in story.state.signed(story.state.current.number) else "p1"
    story.signed_by(party)


def _renew(story: Story) -> None:
    story.take(lambda h: model.renew(h, ends_on=date(2028, 2, 29)))


def _suspend(story: Story) -> None:
    story.take(lambda h: model.suspend(h, requested_by="p1"))


def _resume(story: Story) -> None:
    story.take(model.resume)


def _terminate(story: Story) -> None:
    story.take(lambda h: model.terminate(h, terminated_by="p1", effective_on=date(2026, 5, 1)))


def _withdraw(story: Story) -> None:
    story.take(model.withdraw)


def _expire(story: Story) -> None:
    story.take(lambda h: model.expire(h, today=date(2027, 3, 1)))


COMMANDS: dict[str, Callable[[Story], None]] = {
    "amend": _amend,
    "send": _send,
    "sign": _sign,
    "renew": _renew,
    "suspend": _suspend,
    "resume": _resume,
    "terminate": _terminate,
    "withdraw": _withdraw,
    "expire": _expire,
}

REFUSED = "refused"
# state -> command -> the events that follow and the status after, or REFUSED (a DomainError);
# written out by hand from the lifecycle in docs/agreement.md.
TRANSITIONS: dict[str, dict[str, tuple[list[str], str] | str]] = {
    "drafted": {
        "amend": (["AgreementAmended"], "in_negotiation"),
        "send": (["AgreementSentForSignature"], "sent_for_signature"),
        "sign": REFUSED,  # not sent
        "renew": REFUSED,
        "suspend": REFUSED,
        "resume": REFUSED,
        "terminate": REFUSED,
        "withdraw": (["AgreementWithdrawn"], "withdrawn"),
        "expire": ([], "drafted"),
    },
    "in_negotiation": {
        "amend": (["AgreementAmended"], "in_negotiation"),
        "send": (["AgreementSentForSignature"], "sent_for_signature"),
        "sign": REFUSED,
        "renew": REFUSED,
        "suspend": REFUSED,
        "resume": REFUSED,
        "terminate": REFUSED,
        "withdraw": (["AgreementWithdrawn"], "withdrawn"),
        "expire": ([], "in_negotiation"),
    },
    "sent_for_signature": {
        "amend": (["AgreementAmended"], "in_negotiation"),
        "send": REFUSED,  # sent already
        "sign": (["PartySigned"], "sent_for_signature"),
        "renew": REFUSED,
        "suspend": REFUSED,
        "resume": REFUSED,
        "terminate": REFUSED,
        "withdraw": (["AgreementWithdrawn"], "withdrawn"),
        "expire": ([], "sent_for_signature"),
    },
    "half_signed": {
        "amend": (["AgreementAmended"], "in_negotiation"),
        "send": REFUSED,
        "sign": (["PartySigned", "AgreementSigned"], "in_force"),
        "renew": REFUSED,
        "suspend": REFUSED,
        "resume": REFUSED,
        "terminate": REFUSED,
        "withdraw": (["AgreementWithdrawn"], "withdrawn"),
        "expire": ([], "sent_for_signature"),
    },
    "in_force": {
        "amend": (["AgreementAmended"], "in_force"),
        "send": REFUSED,  # nothing new to sign
        "sign": REFUSED,  # in force already
        "renew": (["AgreementRenewed"], "in_force"),
        "suspend": (["AgreementSuspended"], "suspended"),
        "resume": REFUSED,
        "terminate": (["AgreementTerminated"], "terminated"),
        "withdraw": REFUSED,
        "expire": (["AgreementExpired"], "expired"),
    },
    "in_force_with_amendment": {
        "amend": (["AgreementAmended"], "in_force"),
        "send": (["AgreementSentForSignature"], "in_force"),
        "sign": REFUSED,  # the amendment was not sent yet
        "renew": (["AgreementRenewed"], "in_force"),
        "suspend": (["AgreementSuspended"], "suspended"),
        "resume": REFUSED,
        "terminate": (["AgreementTerminated"], "terminated"),
        "withdraw": REFUSED,
        "expire": (["AgreementExpired"], "expired"),
    },
    "suspended": {
        "amend": (["AgreementAmended"], "suspended"),
        "send": REFUSED,
        "sign": REFUSED,
        "renew": (["AgreementRenewed"], "suspended"),
        "suspend": REFUSED,
        "resume": (["AgreementResumed"], "in_force"),
        "terminate": (["AgreementTerminated"], "terminated"),
        "withdraw": REFUSED,
        "expire": (["AgreementExpired"], "expired"),
    },
    **{
        final: {
            "amend": REFUSED,
            "send": REFUSED,
            "sign": REFUSED,
            "renew": REFUSED,
            "suspend": REFUSED,
            "resume": REFUSED,
            "terminate": REFUSED,
            "withdraw": REFUSED,
            "expire": ([], final),
        }
        for final in ("terminated", "expired", "withdrawn")
    },
}


@pytest.mark.parametrize(
    ("state", "command"),
    [(state, command) for state in STATES for command in COMMANDS],
)
def test_every_command_in_every_state(state: str, command: str) -> None:
    story = STATES[state]()
    before = len(story.history)
    expected = TRANSITIONS[state][command]

    if expected == REFUSED:
        with pytest.raises(DomainError) as refused:
            COMMANDS[command](story)
        assert refused.type is DomainError  # a rule, not bad input or a missing agreement
        assert len(story.history) == before
        return
    COMMANDS[command](story)
    assert not isinstance(expected, str)
    events, status = expected
    assert story.types[before:] == events
    assert story.state.status == status


def test_the_transition_table_covers_every_state_and_command() -> None:
    assert set(TRANSITIONS) == set(STATES)
    assert all(set(row) == set(COMMANDS) for row in TRANSITIONS.values())


def test_nothing_is_decided_on_an_agreement_that_does_not_exist() -> None:
    with pytest.raises(NotFoundError):
        model.send_for_signature([])


def test_an_agreement_cannot_be_drafted_twice() -> None:
    story = Story().drafted()
    with pytest.raises(DomainError, match="already exists"):
        story.drafted()


# -- signing -----------------------------------------------------------------------------------


def test_the_last_signature_brings_the_version_into_force() -> None:
    story = Story().on(date(2026, 3, 2)).drafted().sent().signed_by("p1")
    story.on(date(2026, 3, 5)).signed_by("p2")

    signed = story.decoded()[-1]
    assert isinstance(signed, AgreementSigned)
    assert signed.parties == ["p1", "p2"] and signed.version == 1
    assert signed.terms_hash == story.state.current.terms_hash
    assert signed.ends_on == date(2027, 2, 28) and signed.supersedes_version is None
    assert story.state.in_force_from == date(2026, 3, 5)
    assert {p: s.signed_on for p, s in story.state.signed(1).items()} == {
        "p1": date(2026, 3, 2),
        "p2": date(2026, 3, 5),
    }


def test_a_party_cannot_sign_twice() -> None:
    story = Story().drafted().sent().signed_by("p1")
    with pytest.raises(DomainError, match="p1 has already signed"):
        story.signed_by("p1")


def test_only_a_party_signs() -> None:
    story = Story().drafted().sent()
    with pytest.raises(DomainError, match="p9 is not a party"):
        story.signed_by("p9")


def test_no_signature_on_a_superseded_version() -> None:
    story = Story().drafted().sent()
    old = story.state.current
    story.amended(terms="Better terms").sent()

    with pytest.raises(DomainError, match="version 1 is superseded") as by_number:
        story.take(
            lambda h: model.sign(
                h, partner_id="p1", signatory="Ann", signed_terms_hash=old.terms_hash, version=1
            )
        )
    assert by_number.value.extra["version"] == 2
    assert by_number.value.extra["terms_hash"] == story.state.current.terms_hash
    with pytest.raises(DomainError, match="not the current version"):
        story.take(
            lambda h: model.sign(
                h, partner_id="p1", signatory="Ann", signed_terms_hash=old.terms_hash
            )
        )


def test_an_amendment_before_force_voids_the_signatures_gathered() -> None:
    story = Story().drafted().sent().signed_by("p1").amended(terms="Better terms")

    assert story.state.status == "in_negotiation"
    assert story.state.signed(2) == {}
    story.sent().signed_by("p2")
    assert story.state.awaiting() == ["p1"]  # p1 signed version 1 only
    story.signed_by("p1")
    after: model.Agreement = story.state
    assert after.status == "in_force" and after.in_force_version == 2


def test_an_amendment_in_force_binds_only_once_every_party_signed_it() -> None:
    story = Story().in_force().amended(by="p1", terms="Amended terms", ends_on=None)
    assert story.state.in_force_version == 1 and story.state.pending_version == 2
    assert story.state.in_force is not None
    assert story.state.in_force.content.terms == content().terms

    story.sent().signed_by("p1", "p2")

    signed = story.decoded()[-1]
    assert isinstance(signed, AgreementSigned)
    assert (signed.version, signed.supersedes_version, signed.ends_on) == (2, 1, None)
    assert story.state.in_force_version == 2 and story.state.pending_version is None
    assert story.state.status == "in_force"


def test_an_amendment_keeps_a_renewed_end_unless_it_moves_the_end_itself() -> None:
    story = Story().in_force().take(lambda h: model.renew(h, ends_on=date(2028, 2, 29)))
    story.amended(terms="Amended terms").sent().signed_by("p1", "p2")
    assert story.state.ends_on == date(2028, 2, 29)


def test_a_new_party_joins_through_an_amendment_and_must_sign() -> None:
    story = Story().in_force().amended(by="p3", parties=["p1", "p2", "p3"]).sent()
    assert story.state.awaiting() == ["p1", "p2", "p3"]
    story.signed_by("p3", "p1", "p2")
    assert story.state.in_force_version == 2


def test_the_amendment_records_who_proposed_it_and_what_changed() -> None:
    story = Story().drafted().amended(by="p2", terms="New terms", review_every_days=30)
    amended = story.decoded()[-1]
    assert isinstance(amended, AgreementAmended)
    assert amended.proposed_by == "p2" and amended.version == 2
    assert {c.path for c in amended.changes} == {"terms", "review_every_days"}
    assert amended.terms_hash == document.content_hash(AGREEMENT, CAMPAIGN, 2, amended.content)


def test_an_amendment_that_changes_nothing_is_refused() -> None:
    story = Story().drafted()
    with pytest.raises(DomainError, match="changes nothing"):
        story.amended()


def test_an_amendment_by_an_outsider_is_refused() -> None:
    story = Story().drafted()
    with pytest.raises(DomainError) as refused:
        story.amended(by="p9", title="Mine")
    assert refused.value.extra["field"] == "body.proposed_by"


def test_party_signed_events_of_the_walking_skeleton_still_read() -> None:
    """Events recorded before versions existed carry no version: they are version 1's."""
    old = PartySigned.model_validate(
        {
            "agreement_id": "a1",
            "campaign_id": "c1",
            "partner_id": "p1",
            "signatory": "Ann",
            "terms_hash": "b" * 64,
        }
    )
    assert old.version == 1


# -- lifecycle details -------------------------------------------------------------------------


def test_a_renewal_moves_the_end_later_only() -> None:
    story = Story().in_force()
    with pytest.raises(DomainError) as refused:
        story.take(lambda h: model.renew(h, ends_on=date(2027, 2, 28)))
    assert refused.value.extra["field"] == "body.ends_on"
    story.take(lambda h: model.renew(h, ends_on=date(2027, 12, 31)))
    assert story.state.ends_on == date(2027, 12, 31)


def test_an_open_ended_agreement_cannot_be_renewed() -> None:
    story = Story().drafted(ends_on=None).sent().signed_by("p1", "p2")
    with pytest.raises(DomainError, match="no end date"):
        story.take(lambda h: model.renew(h, ends_on=date(2030, 1, 1)))


def test_it_expires_the_day_after_its_end_and_not_before() -> None:
    story = Story().in_force()
    assert model.expire(story.history, today=date(2027, 2, 28)) == []
    story.take(lambda h: model.expire(h, today=date(2027, 3, 1)))
    assert story.state.status == "expired" and story.state.closed_on == date(2027, 2, 28)


def test_termination_names_a_side_and_a_day_not_before_it_came_into_force() -> None:
    story = Story().on(date(2026, 3, 10)).in_force()
    with pytest.raises(DomainError) as outsider:
        story.take(lambda h: model.terminate(h, terminated_by="p9", effective_on=date(2026, 4, 1)))
    assert outsider.value.extra["field"] == "body.terminated_by"
    with pytest.raises(DomainError) as too_early:
        story.take(lambda h: model.terminate(h, terminated_by="p1", effective_on=date(2026, 3, 9)))
    assert too_early.value.extra["field"] == "body.effective_on"


def test_a_draft_is_withdrawn_not_terminated() -> None:
    with pytest.raises(DomainError, match="withdraw a draft instead"):
        Story().drafted().take(
            lambda h: model.terminate(h, terminated_by="p1", effective_on=date(2026, 4, 1))
        )


# -- the content's own rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"parties": ["p1", "p1"]}, "body.parties"),
        ({"parties": [CAMPAIGN, "p1"]}, "body.parties"),
        (
            {
                "responsibilities": [
                    Responsibility(responsibility_id="r1", party_id="p9", task="t", deliverable="d")
                ]
            },
            "body.responsibilities[0].party_id",
        ),
        (
            {"resources": [ResourcePledge(party_id="p9", description="A venue")]},
            "body.resources[0].party_id",
        ),
        (
            {"decision_rule": DecisionRule(rule="lead_organisation")},
            "body.decision_rule.lead_party_id",
        ),
        (
            {"decision_rule": DecisionRule(rule="consensus", lead_party_id="p1")},
            "body.decision_rule.lead_party_id",
        ),
        (
            {"decision_rule": DecisionRule(rule="consensus", majority=0.6)},
            "body.decision_rule.majority",
        ),
        ({"ends_on": date(2026, 3, 1)}, "body.ends_on"),
        (
            {
                "goals": [
                    Goal(goal_id="g1", statement="One"),
                    Goal(goal_id="g1", statement="Two"),
                ]
            },
            "body.goals[].goal_id",
        ),
    ],
)
def test_content_that_breaks_a_rule_names_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(DomainError) as refused:
        Story().drafted(**changes)
    assert refused.value.extra["field"] == field


def test_a_lead_organisation_may_be_the_campaign_or_a_party() -> None:
    for lead in (CAMPAIGN, "p2"):
        rule = DecisionRule(rule="lead_organisation", lead_party_id=lead)
        assert Story().drafted(decision_rule=rule).state.content.decision_rule == rule
