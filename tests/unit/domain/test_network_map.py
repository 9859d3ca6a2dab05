"""The network map as a pure function of a campaign's events, on a graph small enough to check
by hand: two triangles of partners joined by a weak tie, a stakeholder two partners are tied to,
a merged duplicate, an ended tie, an archived partner and one partner with no tie.

    A --- B        D --- E        A, B, C: unions; D, E, F: NGOs (allied_with, 1.0)
     \\   /          \\   /         C - D: allied_with 0.2 (the weak tie between them)
       C ----------- D - F        A lobbies S (0.8), E opposed_to S (1.0); H (merged into A)
                                  funds S; G (a party) has no tie; I (archived) was tied to A
"""

from __future__ import annotations

from coalition.projections.domain.map_analysis import SIZE, Filters, NetworkMap, analyse, filtered
from coalition.projections.domain.network_map import Node, fold
from coalition.shared.contracts.agreement import AgreementDrafted
from coalition.shared.contracts.engagement import EngagementOpened, EngagementStageChanged
from coalition.shared.contracts.research import (
    NodeRef,
    PartnerArchived,
    PartnerIdentified,
    PartnerPositionRecorded,
    PartnersMerged,
    PolicyPositionTaken,
    RelationshipEnded,
    RelationshipRecorded,
    StakeholderRecorded,
)
from coalition.shared.contracts.scoring import PartnerScored
from coalition.shared.events.envelope import DomainEvent, RecordedEvent
from tests.esf_network import events as esf_events
from tests.unit.domain.histories import recorded

C = "c1"
KINDS = {"A": "union", "B": "union", "C": "union", "D": "ngo", "E": "ngo", "F": "ngo"}


def partner(name: str, kind: str) -> PartnerIdentified:
    return PartnerIdentified(partner_id=name, campaign_id=C, name=f"Org {name}", kind=kind)


def tie(tie_id: str, source: str, target: str, relationship: str, weight: float) -> DomainEvent:
    def end(name: str) -> NodeRef:
        return NodeRef(type="stakeholder" if name == "S" else "partner", id=name)

    return RelationshipRecorded(
        relationship_id=tie_id,
        campaign_id=C,
        source=end(source),
        target=end(target),
        relationship=relationship,
        weight=weight,
    )


def position(name: str, stance: str) -> PartnerPositionRecorded:
    return PartnerPositionRecorded(
        partner_id=name,
        campaign_id=C,
        issue="living-wage",
        stance=stance,
        evidence="a vote",
    )


def scored(name: str, score: float, **flags: bool) -> PartnerScored:
    return PartnerScored(
        partner_id=name,
        campaign_id=C,
        score=score,
        components={},
        model="default",
        model_version=0,
        inputs=[],
        **flags,
    )


def history() -> list[RecordedEvent]:
    payloads: list[DomainEvent] = [
        PolicyPositionTaken(
            campaign_id=C, issue="living-wage", stance="strongly_support", weight=1
        ),
        *(partner(name, kind) for name, kind in KINDS.items()),
        partner("G", "party"),
        partner("H", "union"),
        partner("I", "ngo"),
        StakeholderRecorded(stakeholder_id="S", campaign_id=C, name="Jane Doe", kind="policymaker"),
        tie("ab", "A", "B", "allied_with", 1.0),
        tie("bc", "B", "C", "allied_with", 1.0),
        tie("ac", "A", "C", "allied_with", 1.0),
        tie("de", "D", "E", "allied_with", 1.0),
        tie("ef", "E", "F", "allied_with", 1.0),
        tie("df", "D", "F", "allied_with", 1.0),
        tie("cd", "C", "D", "allied_with", 0.2),
        tie("as", "A", "S", "lobbies", 0.8),
        tie("es", "E", "S", "opposed_to", 1.0),
        tie("hs", "H", "S", "funds", 0.5),
        tie("ia", "I", "A", "shares_staff", 1.0),
        tie("bf", "B", "F", "covers", 1.0),
        RelationshipEnded(
            relationship_id="bf",
            campaign_id=C,
            source=NodeRef(type="partner", id="B"),
            target=NodeRef(type="partner", id="F"),
            relationship="covers",
        ),
        PartnersMerged(partner_id="A", campaign_id=C, merged_partner_id="H", merged_name="Org H"),
        PartnerArchived(partner_id="H", campaign_id=C, merged_into="A"),
        PartnerArchived(partner_id="I", campaign_id=C),
        position("A", "support"),
        position("B", "strongly_support"),
        position("C", "neutral"),
        position("D", "support"),
        position("E", "oppose"),
        position("F", "strongly_oppose"),
        scored("A", 0.8, recommended=True),
        scored("B", 0.4),
        scored("D", 0.6, excluded=True),
        EngagementOpened(engagement_id="c1.A", partner_id="A", campaign_id=C, stage="prioritised"),
        EngagementStageChanged(
            engagement_id="c1.A",
            partner_id="A",
            campaign_id=C,
            from_stage="prioritised",
            to_stage="committed",
        ),
        AgreementDrafted(
            agreement_id="ag1",
            campaign_id=C,
            title="Together",
            parties=["A", "D"],
            terms="We campaign together.",
            terms_hash="0" * 64,
        ),
    ]
    return [recorded(payload, number) for number, payload in enumerate(payloads, start=1)]


def the_map() -> NetworkMap:
    state = fold(history())
    nodes, edges = state.graph()
    return analyse(
        C,
        nodes,
        edges,
        state.campaign_positions,
        events=state.events,
        last_position=state.last_position,
    )


def by_id(network: NetworkMap) -> dict[str, Node]:
    return {node.id: node for node in network.nodes}


def test_nodes_are_the_partners_still_considered_and_the_stakeholders() -> None:
    nodes = by_id(the_map())
    assert set(nodes) == {f"partner:{n}" for n in "ABCDEFG"} | {"stakeholder:S"}
    a = nodes["partner:A"]
    assert (a.label, a.kind, a.score, a.recommended, a.stage) == (
        "Org A",
        "union",
        0.8,
        True,
        "committed",
    )
    assert a.agreement_status == "drafted"
    assert nodes["partner:D"].excluded
    assert nodes["stakeholder:S"].kind == "policymaker"
    assert nodes["partner:B"].positions == (("living-wage", "strongly_support"),)


def test_edges_keep_the_ties_in_force_and_a_merged_duplicate_s_ties_move_to_its_survivor() -> None:
    network = the_map()
    ties = {(e.id, e.source, e.target, e.relationship, e.weight) for e in network.edges}
    assert ("hs", "partner:A", "stakeholder:S", "funds", 0.5) in ties  # H merged into A
    assert {e.id for e in network.edges} == {
        "ab",
        "bc",
        "ac",
        "de",
        "ef",
        "df",
        "cd",
        "as",
        "es",
        "hs",
    }  # bf ended; ia went with the archived I


def test_two_communities_the_weak_tie_s_ends_are_bridges_and_untied_nodes_are_in_none() -> None:
    network = the_map()
    nodes = by_id(network)
    community = {key[-1]: node.community for key, node in nodes.items()}
    # {A, B, C, S} is the larger (S's binding tie is to A; E's tie to S opposes), then {D, E, F}
    assert community == {"A": 0, "B": 0, "C": 0, "S": 0, "D": 1, "E": 1, "F": 1, "G": None}
    assert [(c.id, c.size, c.partners, c.stakeholders) for c in network.communities] == [
        (0, 4, 3, 1),
        (1, 3, 3, 0),
    ]
    assert network.communities[0].label == "Org A"  # the most ties
    assert dict(network.communities[1].kinds) == {"ngo": 3}
    bridges = {key[-1]: node.bridges for key, node in nodes.items() if node.bridges}
    assert bridges == {"C": (1,), "D": (0,)}


def test_a_stakeholder_tied_to_two_partners_is_shared_whatever_the_tie() -> None:
    network = the_map()
    assert [(s.stakeholder, s.partners) for s in network.shared_stakeholders] == [
        ("stakeholder:S", ("partner:A", "partner:E"))
    ]
    assert by_id(network)["stakeholder:S"].shared_by == 2


def test_mutual_interests_are_partners_on_the_same_side_of_an_issue() -> None:
    network = the_map()
    assert [(m.issue, m.side, m.partners, m.campaign_stance) for m in network.mutual_interests] == [
        ("living-wage", "support", ("partner:A", "partner:B", "partner:D"), "strongly_support"),
        ("living-wage", "oppose", ("partner:E", "partner:F"), "strongly_support"),
    ]
    nodes = by_id(network)
    assert nodes["partner:A"].interests == ("living-wage",)
    assert nodes["partner:C"].interests == ()  # neutral shares no side


def test_positions_put_tied_nodes_in_the_square_and_untied_ones_below_it() -> None:
    nodes = by_id(the_map())
    for key, node in nodes.items():
        if key == "partner:G":
            assert node.y > SIZE
        else:
            assert 0 <= node.x <= SIZE and 0 <= node.y <= SIZE


def test_the_same_events_always_give_the_same_map() -> None:
    assert the_map() == the_map()


def test_filters_keep_nodes_and_what_lies_between_them_and_move_nothing() -> None:
    network = the_map()
    unions = filtered(network, Filters(kinds=frozenset({"union"})))
    assert {n.id for n in unions.nodes} == {"partner:A", "partner:B", "partner:C"}
    assert {e.id for e in unions.edges} == {"ab", "bc", "ac"}
    assert unions.mutual_interests[0].partners == ("partner:A", "partner:B")
    assert unions.shared_stakeholders == ()
    scored_well = filtered(network, Filters(min_score=0.5))
    # A (0.8) and D (0.6), and S because A is tied to it
    assert {n.id for n in scored_well.nodes} == {"partner:A", "partner:D", "stakeholder:S"}
    assert {e.id for e in scored_well.edges} == {"as", "hs"}
    committed = filtered(network, Filters(stages=frozenset({"committed"})))
    assert {n.id for n in committed.nodes} == {"partner:A", "stakeholder:S"}
    untouched = by_id(network)
    for node in scored_well.nodes:
        assert (node.x, node.y, node.community) == (
            untouched[node.id].x,
            untouched[node.id].y,
            untouched[node.id].community,
        )
    no_stakeholders = filtered(network, Filters(kinds=frozenset({"union"}), min_score=0.1))
    assert {n.id for n in no_stakeholders.nodes} == {"partner:A", "partner:B"}


def test_events_of_other_kinds_are_not_read_and_the_count_says_what_was() -> None:
    network = the_map()
    assert network.events == len(history())  # every event of the history is one the map reads
    assert network.last_position == len(history())


def test_the_whole_european_social_forum_network_is_on_the_map() -> None:
    state = fold(esf_events("esf"))
    nodes, edges = state.graph()
    network = analyse("esf", nodes, edges, {})
    assert (len(network.nodes), len(network.edges)) == (1080, 500)
    assert len({(node.x, node.y) for node in network.nodes}) == 1080  # nobody drawn on another
    sizes = [c.size for c in network.communities]
    assert sizes == sorted(sizes, reverse=True) and sum(sizes) == sum(
        1 for node in network.nodes if node.community is not None
    )
    assert analyse("esf", nodes, edges, {}) == network
