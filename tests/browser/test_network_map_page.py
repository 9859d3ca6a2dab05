"""The network-map page in Debian's headless Chromium, with the whole European Social Forum
network (1,080 nodes, 500 ties) in the projections service, served over real HTTP: the key
given in the address opens it and leaves the address; the graph draws (read back from
Cytoscape, from its canvases, and counted in a screenshot); the filters keep what the REST
filters keep; clicking a node shows that partner; a wrong key says so.

Skipped only where `chromium` is not installed (.ci/run installs it)."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import pytest_asyncio
import uvicorn

from coalition.projections.domain.map_formats import PALETTE
from coalition.projections.service_layer import generations, projector
from coalition.shared.registry import select
from tests.browser.cdp import CHROMIUM, Tab, chromium
from tests.browser.png import colours
from tests.esf_network import START, events
from tests.integration.inprocess import running
from tests.support import bearer, free_port

pytestmark = [
    pytest.mark.nats,
    pytest.mark.asyncio(loop_scope="module"),
]

CAMPAIGN = "esf"
WHITE = (255, 255, 255)


@pytest.fixture(autouse=True)
def _chromium_installed() -> None:
    """Like a missing PostgreSQL or NATS: a failure that says what to do, not a skip."""
    if CHROMIUM is None:
        pytest.fail(
            "chromium is not installed: `apt-get install chromium` (Debian's; .ci/run does it)",
            pytrace=False,
        )


@dataclass
class Site:
    base: str
    key: str
    client: httpx.AsyncClient
    tab: Tab


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def site(tmp_path_factory: pytest.TempPathFactory, nats_url: str) -> AsyncIterator[Site]:
    data = tmp_path_factory.mktemp("map-page")
    prefix = f"m{data.name[-8:].replace('-', '')}"
    async with running(
        f"sqlite+aiosqlite:///{data}/{{service}}.db",
        nats_url,
        prefix,
        data,
        specs=select("projections"),
    ) as system:
        async with system.runtime.engine.begin() as conn:
            # What the projections' consumer does with each event (its webhooks aside).
            generation = await generations.current(conn)
            for event in events(CAMPAIGN):
                position = await projector.record(conn, event)
                await projector.project(conn, [(event, position)], generation)
        key = await system.key_for(CAMPAIGN, scopes=("projections:read",))
        port = free_port()
        config = uvicorn.Config(system.app, port=port, lifespan="off", log_level="warning")
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve())
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.05)
        try:
            async with chromium(data / "profile") as browser:
                tab = await browser.tab()
                yield Site(f"http://127.0.0.1:{port}", key, system.client, tab)
        finally:
            server.should_exit = True
            await serving


async def load(site: Site, key: str, query: str = "") -> None:
    """A fresh load of the page (not a jump within it: only the fragment would differ)."""
    await site.tab.navigate("about:blank")
    await site.tab.wait_for("location.href === 'about:blank'")
    address = f"{site.base}/projections/network-map?campaign_id={CAMPAIGN}{query}#key={key}"
    await site.tab.navigate(address)


async def open_map(site: Site) -> Any:
    await load(site, site.key)
    await site.tab.wait_for("window.networkMap && window.networkMap.status === 'drawn'", 60)
    return await site.tab.evaluate(
        """({
          nodes: networkMap.cy.nodes().length,
          edges: networkMap.cy.edges().length,
          shown: networkMap.shown,
          visible: networkMap.cy.nodes(':visible').length,
          hash: location.hash,
          stored: sessionStorage.getItem('coalition.key') !== null,
          counts: document.getElementById('counts').textContent,
        })"""
    )


async def test_the_forum_network_draws_and_the_key_leaves_the_address(site: Site) -> None:
    state = await open_map(site)
    assert (state["nodes"], state["edges"], state["shown"], state["visible"]) == (
        1080,
        500,
        1080,
        1080,
    )
    assert state["hash"] == "" and state["stored"]  # out of the address, kept for the tab
    assert state["counts"].startswith("1080 of 1080 nodes, 500 ties")

    # What Cytoscape drew on its canvases: pixels neither blank nor white.
    painted = await site.tab.evaluate(
        """(() => {
          let painted = 0;
          for (const canvas of document.querySelectorAll('#map canvas')) {
            if (!canvas.width || !canvas.height) continue;
            const context = canvas.getContext('2d');
            const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 0; i < data.length; i += 4) {
              const ink = data[i] < 250 || data[i + 1] < 250 || data[i + 2] < 250;
              if (data[i + 3] > 0 && ink) painted++;
            }
          }
          return painted;
        })()"""
    )
    assert painted > 5000

    # And what a person sees: a screenshot of the map's area, in the communities' colours.
    box = await site.tab.evaluate(
        "(() => { const r = document.getElementById('map').getBoundingClientRect();"
        " return {x: r.x, y: r.y, width: r.width, height: r.height}; })()"
    )
    counted = colours(await site.tab.screenshot(box))
    total = sum(counted.values())
    assert total == int(box["width"]) * int(box["height"])
    not_white = total - counted[WHITE]
    assert not_white > 0.01 * total, counted.most_common(5)
    community_colours = [c for c in PALETTE if counted[c] >= 10]
    assert len(community_colours) >= 3, counted.most_common(10)


async def test_the_filters_keep_what_the_rest_filters_keep(site: Site) -> None:
    await open_map(site)
    await site.tab.evaluate(
        """(() => {
          for (const box of document.querySelectorAll('#kinds input')) {
            if ((box.value === 'union') !== box.checked) box.click();
          }
        })()"""
    )
    shown = await site.tab.evaluate("networkMap.shown")
    api = await site.client.get(
        f"/projections/campaigns/{CAMPAIGN}/network-map",
        params={"kind": "union"},
        headers=bearer(site.key),
    )
    assert shown == len(api.json()["nodes"]) == 192
    await site.tab.evaluate(
        """(() => {
          const slider = document.getElementById('min-score');
          slider.value = '0.5';
          slider.dispatchEvent(new Event('input'));
        })()"""
    )
    shown = await site.tab.evaluate("networkMap.shown")
    api = await site.client.get(
        f"/projections/campaigns/{CAMPAIGN}/network-map",
        params={"kind": "union", "min_score": 0.5},
        headers=bearer(site.key),
    )
    assert shown == len(api.json()["nodes"]) and 0 < shown < 192
    visible = await site.tab.evaluate("networkMap.cy.nodes(':visible').length")
    assert visible == shown


async def test_clicking_a_node_shows_its_partner(site: Site) -> None:
    await open_map(site)
    target = await site.tab.evaluate(
        """(() => {
          const cy = networkMap.cy;
          const node = cy.nodes('[type = "partner"]').max((n) => n.degree()).ele;
          cy.zoom(3);
          cy.center(node);
          const rect = document.getElementById('map').getBoundingClientRect();
          const at = node.renderedPosition();
          return {id: node.id(), label: node.data('label'), x: rect.x + at.x, y: rect.y + at.y};
        })()"""
    )
    await asyncio.sleep(0.3)  # let the new viewport render before clicking on it
    await site.tab.click(target["x"], target["y"])
    await site.tab.wait_for(f"networkMap.selected === {target['id']!r}", 10)
    await site.tab.wait_for(
        "(document.getElementById('partner-360') || {dataset: {}}).dataset.loaded === 'true'", 10
    )
    details = await site.tab.evaluate("document.getElementById('details').textContent")
    assert target["label"] in details
    partner_id = target["id"].removeprefix("partner:")
    timeline = await site.client.get(
        f"/projections/partners/{partner_id}/timeline", headers=bearer(site.key)
    )
    latest = timeline.json()["entries"][-1]["summary"]
    assert latest in details  # what the read models know of the partner, fetched on click
    assert partner_id in details


async def test_a_download_button_saves_the_filtered_map_in_its_format(
    site: Site, tmp_path: Path
) -> None:
    await open_map(site)
    await site.tab.browser.send(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    await site.tab.evaluate(
        """(() => {
          for (const box of document.querySelectorAll('#kinds input')) {
            if ((box.value === 'party') !== box.checked) box.click();
          }
          document.querySelector('#downloads [data-format="gexf"]').click();
        })()"""
    )
    saved = tmp_path / f"{CAMPAIGN}-network-map.gexf"
    for _ in range(100):
        if saved.exists() and saved.stat().st_size > 0:
            break
        await asyncio.sleep(0.1)
    root = ET.fromstring(saved.read_bytes())
    nodes = list(root.iter("{http://gexf.net/1.3}node"))
    assert len(nodes) == 78  # the parties only: the page's filters went with the request
    kinds = {
        v.get("value") for v in root.iter("{http://gexf.net/1.3}attvalue") if v.get("for") == "kind"
    }
    assert kinds == {"party"}


async def test_the_page_shows_the_map_as_of_a_moment(site: Site) -> None:
    every_node = START + timedelta(seconds=1379)  # the events of the 1,080 nodes and 299 scores
    await load(site, site.key, f"&as_of={quote(every_node.isoformat())}")
    await site.tab.wait_for("window.networkMap && window.networkMap.status === 'drawn'", 60)
    drawn = await site.tab.evaluate("[networkMap.cy.nodes().length, networkMap.cy.edges().length]")
    assert drawn == [1080, 0]  # the ties were recorded after
    shown = await site.tab.evaluate("document.getElementById('as-of').value")
    assert shown  # the moment is in the form, in the browser's time zone


async def test_a_wrong_key_is_told_so(site: Site) -> None:
    await load(site, "coal_wrong")
    await site.tab.wait_for("window.networkMap && window.networkMap.status === 'failed'", 30)
    message = await site.tab.evaluate("document.getElementById('message').textContent")
    assert "401" in message
