"""One sample of every scoring event, for the catalogue and AsyncAPI tests."""

from __future__ import annotations

from coalition.shared.contracts.scoring import (
    CoalitionMember,
    CoalitionRecommended,
    ComponentScore,
    Evidence,
    Exclusion,
    ModelRules,
    PartnerScored,
    Quadrants,
    ScoringModelPublished,
)
from coalition.shared.events.envelope import DomainEvent

SCORING_SAMPLES: dict[str, DomainEvent] = {
    "ScoringModelPublished": ScoringModelPublished(
        campaign_id="c1",
        name="living-wage-2027",
        version=2,
        rules=ModelRules(coalition_size=5, outreach_capacity=6.0),
        description="Alignment first: the bill is won on votes, not money.",
    ),
    "PartnerScored": PartnerScored(
        partner_id="p1",
        campaign_id="c1",
        score=0.0,
        components={
            "influence": 0.61,
            "alignment": 0.8,
            "capacity": 0.4,
            "complementarity": 0.5,
            "risk": 1.0,
        },
        breakdown=[
            ComponentScore(
                name="alignment",
                value=0.8,
                weight=0.3,
                measures={"certainty": 1.0},
                evidence=[
                    Evidence(
                        fact="strongly supports living-wage (the campaign: strongly supports)",
                        event_id="5b0e3c1e-8f1a-4c53-9d7e-3f8d2d0c1a11",
                    )
                ],
            )
        ],
        excluded=True,
        exclusions=[
            Exclusion(
                deal_breaker_id="no-tobacco-money",
                rule="funded_by",
                explanation="Funded by Tobacco Trust",
                evidence=[Evidence(fact="funded", path=["Tobacco Trust funds Fédération «Süd»"])],
            )
        ],
        quadrants=Quadrants(
            odi="high alignment, high interest: work with closely",
            mendelow="manage closely",
            salience="definitive",
            interest=0.7,
            legitimacy=0.8,
            urgency=0.6,
        ),
        rank=4,
        model="living-wage-2027",
        model_version=2,
        inputs=["5b0e3c1e-8f1a-4c53-9d7e-3f8d2d0c1a11"],
        inputs_through={"research": 812},
        facts_digest="a" * 64,
    ),
    "CoalitionRecommended": CoalitionRecommended(
        campaign_id="c1",
        model="living-wage-2027",
        model_version=2,
        members=[
            CoalitionMember(
                partner_id="p2", name="Unite", score=0.74, adds=["region:north"], effort=1.0
            )
        ],
        coverage=0.6,
        uncovered=["capability:legal"],
        capacity=6.0,
    ),
}
