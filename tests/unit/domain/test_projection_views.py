"""What each event changes in the partner list, whose timeline it joins, and how it reads."""

from __future__ import annotations

from coalition.projections.domain.views import partner_changes, partners_concerned, summary
from coalition.shared.contracts.agreement import AgreementDrafted, AgreementSigned, PartySigned
from coalition.shared.contracts.engagement import EngagementOpened
from coalition.shared.contracts.research import PartnerIdentified
from coalition.shared.contracts.scoring import PartnerScored
from coalition.shared.events.envelope import RecordedEvent
from tests.unit.domain.histories import recorded
from tests.unit.engagement_samples import ENGAGEMENT_SAMPLES
from tests.unit.research_samples import RESEARCH_SAMPLES
from tests.unit.scoring_samples import SCORING_SAMPLES

HASH = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def identified_event() -> RecordedEvent:
    return recorded(
        PartnerIdentified(
            partner_id="p1", campaign_id="c1", name="Unite", kind="union", members=1_000_000
        ),
        1,
    )


def scored_event() -> RecordedEvent:
    return recorded(
        PartnerScored(
            partner_id="p1",
            campaign_id="c1",
            score=0.5533,
            components={"kind": 0.7, "reach": 0.3333},
            model="skeleton",
            model_version=1,
            inputs=["11111111-1111-4111-8111-111111111111"],
        ),
        1,
    )


def opened_event() -> RecordedEvent:
    return recorded(
        EngagementOpened(
            engagement_id="c1.p1",
            partner_id="p1",
            campaign_id="c1",
            stage="prioritised",
            score=0.94,
        ),
        1,
    )


def drafted_event() -> RecordedEvent:
    return recorded(
        AgreementDrafted(
            agreement_id="a1",
            campaign_id="c1",
            title="Clean air pact",
            parties=["p1", "p2", "p3"],
            terms="abc",
            terms_hash=HASH,
        ),
        1,
    )


def party_signed_event() -> RecordedEvent:
    return recorded(
        PartySigned(
            agreement_id="a1",
            campaign_id="c1",
            partner_id="p2",
            signatory="Bob",
            terms_hash=HASH,
        ),
        2,
    )


def agreement_signed_event() -> RecordedEvent:
    return recorded(
        AgreementSigned(
            agreement_id="a1", campaign_id="c1", parties=["p1", "p2", "p3"], terms_hash=HASH
        ),
        5,
    )


def unknown_event() -> RecordedEvent:
    return identified_event().model_copy(
        update={"event_type": "PartnerRenamed", "payload": {"partner_id": "p1", "name": "New"}}
    )


# -- partner_changes ------------------------------------------------------------------------------


def test_partner_identified_sets_name_kind_and_campaign() -> None:
    assert partner_changes(identified_event()) == {
        "p1": {
            "campaign_id": "c1",
            "name": "Unite",
            "kind": "union",
            "country": None,
            "status": "active",
        }
    }


def test_partner_scored_sets_the_score_and_the_model() -> None:
    assert partner_changes(scored_event()) == {
        "p1": {"campaign_id": "c1", "score": 0.5533, "score_model": "skeleton v1"}
    }


def test_engagement_opened_sets_the_stage() -> None:
    assert partner_changes(opened_event()) == {"p1": {"campaign_id": "c1", "stage": "prioritised"}}


def test_agreement_drafted_changes_every_party() -> None:
    row = {"agreement_id": "a1", "agreement_status": "drafted"}

    assert partner_changes(drafted_event()) == {"p1": row, "p2": row, "p3": row}


def test_party_signed_changes_the_signing_party_only() -> None:
    assert partner_changes(party_signed_event()) == {
        "p2": {"agreement_id": "a1", "agreement_status": "signed"}
    }


def test_agreement_signed_changes_every_party() -> None:
    row = {"agreement_id": "a1", "agreement_status": "in_force"}

    assert partner_changes(agreement_signed_event()) == {"p1": row, "p2": row, "p3": row}


def test_an_unknown_event_type_changes_nothing() -> None:
    assert partner_changes(unknown_event()) == {}


def test_partner_changes_do_not_share_rows_between_parties() -> None:
    changes = partner_changes(drafted_event())
    changes["p1"]["agreement_status"] = "mutated"

    assert changes["p2"]["agreement_status"] == "drafted"


# -- partners_concerned ---------------------------------------------------------------------------


def test_partner_events_concern_their_partner() -> None:
    assert partners_concerned(identified_event()) == ["p1"]
    assert partners_concerned(scored_event()) == ["p1"]
    assert partners_concerned(opened_event()) == ["p1"]


def test_agreement_events_with_parties_concern_every_party() -> None:
    assert partners_concerned(drafted_event()) == ["p1", "p2", "p3"]
    assert partners_concerned(agreement_signed_event()) == ["p1", "p2", "p3"]


def test_a_signature_concerns_the_signing_party() -> None:
    assert partners_concerned(party_signed_event()) == ["p2"]


def test_an_event_without_partners_concerns_nobody() -> None:
    event = unknown_event().model_copy(update={"payload": {"campaign_id": "c1"}})

    assert partners_concerned(event) == []


def test_parties_that_are_not_a_list_are_ignored() -> None:
    event = unknown_event().model_copy(update={"payload": {"parties": "p1", "partner_id": "p9"}})

    assert partners_concerned(event) == ["p9"]


# -- summary --------------------------------------------------------------------------------------


def test_summaries() -> None:
    assert summary(identified_event()) == "Unite (union) identified as a prospective partner"
    assert summary(scored_event()) == "scored 0.55 under skeleton v1"
    assert summary(opened_event()) == "pipeline entry opened as prioritised"
    assert summary(drafted_event()) == "agreement 'Clean air pact' drafted with 3 part(ies)"
    assert summary(party_signed_event()) == "p2 signed (by Bob)"
    assert summary(agreement_signed_event()) == "agreement signed by every party: in force"


def test_the_summary_of_an_unknown_event_is_its_type() -> None:
    assert summary(unknown_event()) == "PartnerRenamed"


# -- research: campaigns, profiles and the network ------------------------------------------------


def sample(event_type: str) -> RecordedEvent:
    return recorded(RESEARCH_SAMPLES[event_type], 1)


def test_an_archived_duplicate_says_where_it_went() -> None:
    assert partner_changes(sample("PartnerArchived")) == {
        "p-2": {"status": "archived", "merged_into": "p-1"}
    }


def test_a_merge_concerns_both_partners_and_a_tie_its_partner_ends_only() -> None:
    assert partners_concerned(sample("PartnersMerged")) == ["p-1", "p-2"]
    assert partners_concerned(sample("RelationshipRecorded")) == ["p-1"]
    assert partners_concerned(sample("RelationshipEnded")) == ["p-1"]
    assert partners_concerned(sample("StakeholderRecorded")) == []
    assert partners_concerned(sample("CampaignLaunched")) == []


def test_every_research_event_reads_as_a_sentence_not_as_its_type() -> None:
    for event_type in RESEARCH_SAMPLES:
        assert summary(sample(event_type)) != event_type


def test_research_summaries_say_what_happened() -> None:
    assert summary(sample("PartnerPositionRecorded")) == (
        "supports minimum-wage (source: https://example.org/statement)"
    )
    assert summary(sample("DealBreakerDeclared")) == (
        "deal-breaker d1: rules out a partner funded by Payday Lenders Association"
    )
    assert summary(sample("RelationshipRecorded")) == (
        "partner p-1 lobbies stakeholder s1 (weight 0.6)"
    )
    assert summary(sample("ObjectiveSet")) == (
        "objective (critical): Pass the living wage ordinance, target 7 votes"
    )


# -- scoring: scores, models and the coalition ------------------------------------------------


def scoring_sample(event_type: str) -> RecordedEvent:
    return recorded(SCORING_SAMPLES[event_type], 1)


def test_scoring_summaries_name_exclusions_models_and_the_coalition() -> None:
    assert summary(scoring_sample("PartnerScored")) == (
        "scored 0.00 under living-wage-2027 v2: "
        "excluded by a deal-breaker (Funded by Tobacco Trust)"
    )
    assert summary(scoring_sample("ScoringModelPublished")) == (
        "scoring model living-wage-2027 v2 published"
    )
    assert summary(scoring_sample("CoalitionRecommended")) == (
        "coalition recommended: Unite; 60% of the needs covered, uncovered: capability:legal"
    )
    assert partners_concerned(scoring_sample("CoalitionRecommended")) == ["p2"]
    assert partners_concerned(scoring_sample("ScoringModelPublished")) == []


# -- engagement: the pipeline ----------------------------------------------------------------


def engagement_sample(event_type: str) -> RecordedEvent:
    return recorded(ENGAGEMENT_SAMPLES[event_type], 1)


def test_every_engagement_event_reads_as_a_sentence_not_as_its_type() -> None:
    for event_type in ENGAGEMENT_SAMPLES:
        assert summary(engagement_sample(event_type)) != event_type


def test_engagement_summaries_say_what_happened() -> None:
    assert summary(engagement_sample("EngagementStageChanged")) == (
        "moved from identified to contacted (skipping prioritised)"
    )
    assert summary(engagement_sample("CommitmentMade")) == (
        "committed: Turn out 200 members at the hearing (brings members, venue)"
    )
    assert summary(engagement_sample("TrustAssessed")) == (
        "trust: openness 3/4, reliability 2/4, mission support 4/4"
    )
    assert summary(engagement_sample("OutreachCapacitySet")) == "staff:maria can carry 6 partner(s)"


def test_entry_events_concern_their_partner_and_settings_none() -> None:
    for event_type in ENGAGEMENT_SAMPLES:
        expected = [] if event_type in ("AutoOpenSet", "OutreachCapacitySet") else ["p1"]
        assert partners_concerned(engagement_sample(event_type)) == expected


def test_a_stage_change_moves_the_partner_row() -> None:
    assert partner_changes(engagement_sample("EngagementStageChanged")) == {
        "p1": {"stage": "contacted"}
    }
