"""`coalition demo`, research's part: a sample campaign with real public data in it (the IRS
extract of Washington DC exempt organisations and the European Social Forum network), imported
the way any file is, so that a new user sees partners, scores and pipeline entries after
`make run`. Running it again records nothing new."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from coalition.research.adapters.imports import Format, Layout
from coalition.research.domain import campaign
from coalition.research.service_layer import campaigns
from coalition.research.service_layer.bulk_import import ImportJob, run_import
from coalition.shared.contracts.research import IsKind
from coalition.shared.events.envelope import Metadata
from coalition.shared.eventstore import EventStore

CAMPAIGN_ID = "demo-living-wage"
ACTOR = "system:demo"
DATA = Path(__file__).resolve().parents[6] / "tests" / "data"
"""The extracts kept in the repository (tests/data, with their sources named there)."""
FILES: list[tuple[str, Format, Layout, str]] = [
    ("irs-eo-dc-sample.csv", "csv", "irs_eo_bmf", "irs"),
    ("esf-network.graphml", "graphml", "esf", "esf"),
]


async def launch_campaign(store: EventStore, campaign_id: str) -> bool:
    """The demo campaign, once, through the same use cases as the REST routes: launched, with
    its positions, a deal-breaker and its needs. False when it is already there."""
    metadata = Metadata(actor=ACTOR, reason="the demo campaign", campaign_id=campaign_id)
    if await store.stream_version(campaign.stream_id(campaign_id)):
        return False
    await campaigns.launch_campaign(
        store,
        metadata,
        campaign_id=campaign_id,
        name="Living wage (demo)",
        description="A sample campaign with real public data: DC exempt organisations and "
        "the European Social Forum network.",
        values=["fair pay", "dignity at work"],
    )
    decisions = [
        partial(campaign.take_position, issue="living-wage", stance="strongly_support", weight=1),
        partial(campaign.take_position, issue="workers-rights", stance="support", weight=0.6),
        partial(
            campaign.declare_deal_breaker,
            deal_breaker_id="no-parties",
            rule=IsKind(rule="is_kind", kind="party"),
            description="The campaign stays independent of political parties.",
        ),
        partial(
            campaign.state_needs,
            needs=campaign.Needs(("low-wage workers",), ("Washington DC",), ("legal", "media")),
        ),
    ]
    for decide in decisions:
        await campaigns.change_campaign(store, metadata, campaign_id, decide)
    return True


async def load(store: EventStore, data: Path = DATA, campaign_id: str = CAMPAIGN_ID) -> str:
    """Launch the campaign and import both files into it; a line saying what happened."""
    launched = await launch_campaign(store, campaign_id)
    lines = [f"campaign {campaign_id}: {'launched' if launched else 'already there'}"]
    for name, file_format, layout, source in FILES:
        job = ImportJob(campaign_id, source, file_format, layout, dry_run=False, skip_bad_rows=True)
        metadata = Metadata(
            actor=ACTOR, reason=f"demo data: {name} (tests/data/README.md)", campaign_id=campaign_id
        )
        await run_import(store, job, (data / name).read_bytes(), metadata)
        counts = ", ".join(f"{n} {k}" for k, n in sorted(job.counts.items()))
        lines.append(f"{name}: {job.status} ({counts}; {job.events} events)")
        if job.error:
            lines.append(f"  {job.error}")
    return "\n".join(lines)
