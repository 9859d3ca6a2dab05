// The network map page: fetches the campaign's map with the caller's key, draws it with
// Cytoscape.js at the positions the server computed, filters and highlights in the browser,
// and shows a partner when its node is clicked. Data is only ever written with textContent.
'use strict';

(function () {
  const API = new URL('.', window.location.href); // .../projections/
  const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2',
    '#bcbd22', '#17becf', '#7f7f7f']; // the same order as map_formats.PALETTE
  const NO_COMMUNITY = '#c8c8c8';
  const STAGES = ['identified', 'prioritised', 'contacted', 'in_dialogue', 'interested',
    'committed', 'declined', 'paused'];
  const KEY_STORE = 'coalition.key';

  // Everything a test or a curious reader may want to look at.
  const state = { status: 'idle', map: null, cy: null, shown: 0, selected: null, error: null };
  window.networkMap = state;

  const $ = (id) => document.getElementById(id);

  function setStatus(status, message, isError) {
    state.status = status;
    document.body.dataset.status = status;
    $('message').textContent = message || '';
    $('message').className = isError ? 'error' : '';
  }

  // -- the key: from #key=..., else this tab's storage, else typed in; never put in a URL ---------
  function takeKeyFromAddress() {
    const params = new URLSearchParams(window.location.hash.slice(1));
    const key = params.get('key');
    if (key) {
      sessionStorage.setItem(KEY_STORE, key);
      params.delete('key');
      const rest = params.toString();
      const clean = window.location.pathname + window.location.search + (rest ? '#' + rest : '');
      history.replaceState(null, '', clean); // out of the address bar and the history
    }
    return sessionStorage.getItem(KEY_STORE);
  }

  function headers() {
    const key = sessionStorage.getItem(KEY_STORE);
    // Without a key, a proxy in front may add the caller's credential (see docs/network-map.md).
    return key ? { Authorization: 'Bearer ' + key } : {};
  }

  async function get(path, params) {
    const url = new URL(path, API);
    for (const [name, value] of params || []) url.searchParams.append(name, value);
    const response = await fetch(url, { headers: headers(), credentials: 'same-origin' });
    if (!response.ok) {
      let detail = response.statusText;
      try { detail = (await response.json()).detail || detail; } catch (ignored) { /* not JSON */ }
      const error = new Error(response.status + ': ' + detail);
      error.status = response.status;
      throw error;
    }
    return response;
  }

  // -- what is asked for: campaign and moment, from the address (?campaign_id=&as_of=) -------------
  function asked() {
    const query = new URLSearchParams(window.location.search);
    return { campaign: query.get('campaign_id') || '', asOf: query.get('as_of') || '' };
  }

  function mapParams(extra) {
    const params = [];
    const { asOf } = asked();
    if (asOf) params.push(['as_of', asOf]);
    return params.concat(extra || []);
  }

  async function load() {
    const { campaign } = asked();
    if (!campaign) { setStatus('waiting', 'Name a campaign and give a key.'); return; }
    $('campaign').value = campaign;
    const moment = new Date(asked().asOf);
    if (!Number.isNaN(moment.getTime())) { // shown in local time, as the field takes it
      const local = new Date(moment.getTime() - moment.getTimezoneOffset() * 60000);
      $('as-of').value = local.toISOString().slice(0, 19);
    }
    $('campaign-name').textContent = '· ' + campaign;
    setStatus('loading', 'Loading…');
    try {
      const response = await get('campaigns/' + encodeURIComponent(campaign) + '/network-map',
        mapParams());
      state.map = await response.json();
    } catch (error) {
      state.error = error.message;
      setStatus('failed', error.status === 401 || error.status === 403
        ? 'This key cannot read the campaign (' + error.message + ').' : error.message, true);
      return;
    }
    draw(state.map);
  }

  // -- drawing ------------------------------------------------------------------------------------
  function colour(community) {
    return community === null ? NO_COMMUNITY : PALETTE[community % PALETTE.length];
  }

  function elements(map) {
    const nodes = map.nodes.map((node) => ({
      group: 'nodes',
      data: {
        id: node.id, label: node.label, type: node.type, kind: node.kind,
        colour: colour(node.community), size: 8 + 4 * Math.sqrt(node.degree),
        // Hubs' labels are larger, so they show first as one zooms in (min-zoomed-font-size).
        font: Math.min(18, 7 + 1.5 * Math.sqrt(node.degree)),
        bridge: node.bridges.length > 0, shared: node.shared_by >= 2,
        recommended: node.recommended, excluded: node.excluded,
      },
      position: { x: node.x, y: node.y },
    }));
    const edges = map.edges.map((edge) => ({
      group: 'edges',
      data: { id: 'tie:' + edge.id, source: edge.source, target: edge.target,
        relationship: edge.relationship, width: 0.5 + 2.5 * edge.weight },
    }));
    return nodes.concat(edges);
  }

  const STYLE = [
    { selector: 'node', style: {
      'background-color': 'data(colour)', width: 'data(size)', height: 'data(size)',
      label: 'data(label)', 'font-size': 'data(font)', 'min-zoomed-font-size': 10,
      'text-valign': 'bottom', 'text-max-width': '160px', 'text-wrap': 'ellipsis',
      'text-margin-y': 2, color: '#333', 'border-width': 0 } },
    { selector: 'node[type = "stakeholder"]', style: { shape: 'diamond' } },
    { selector: 'node[?recommended]', style: { 'border-width': 3, 'border-color': '#111' } },
    { selector: 'node[?excluded]', style: { 'border-width': 2, 'border-color': '#b00020',
      'border-style': 'dashed' } },
    { selector: 'edge', style: { width: 'data(width)', 'line-color': '#b5b5b5',
      'curve-style': 'straight', 'target-arrow-shape': 'triangle', 'target-arrow-color': '#b5b5b5',
      'arrow-scale': 0.6, opacity: 0.8 } },
    { selector: 'edge[relationship = "opposed_to"]', style: { 'line-color': '#d62728',
      'target-arrow-color': '#d62728', 'line-style': 'dashed' } },
    { selector: '.hidden', style: { display: 'none' } },
    { selector: '.faded', style: { opacity: 0.12, 'text-opacity': 0 } },
    { selector: 'node.marked', style: { 'border-width': 4, 'border-color': '#ffbf00',
      'z-index': 10 } },
    { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#000' } },
  ];

  function draw(map) {
    if (state.cy) state.cy.destroy();
    state.cy = cytoscape({
      container: $('map'),
      elements: elements(map),
      style: STYLE,
      layout: { name: 'preset', fit: true, padding: 20 },
      minZoom: 0.05,
      maxZoom: 6,
      // Large maps stay responsive: a texture while panning or zooming, edges hidden meanwhile.
      textureOnViewport: true,
      hideEdgesOnViewport: map.edges.length > 300,
      boxSelectionEnabled: false,
    });
    state.cy.on('tap', 'node', (event) => showNode(event.target.id()));
    buildControls(map);
    applyFilters();
    state.cy.one('render', () => setStatus('drawn', ''));
    state.cy.resize();
    state.cy.fit(undefined, 20);
  }

  // -- filters and highlights: the same rules as the server's `filtered` ---------------------------
  function checkboxes(container, values, counts) {
    container.textContent = '';
    for (const value of values) {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.value = value;
      box.checked = true;
      box.addEventListener('change', applyFilters);
      label.append(box, ' ' + value.replace(/_/g, ' ') + (counts ? ' (' + (counts[value] || 0) + ')' : ''));
      container.append(label);
    }
  }

  function buildControls(map) {
    const kinds = {};
    for (const node of map.nodes) kinds[node.kind] = (kinds[node.kind] || 0) + 1;
    checkboxes($('kinds'), Object.keys(kinds).sort(), kinds);
    const stages = {};
    for (const node of map.nodes) if (node.stage) stages[node.stage] = (stages[node.stage] || 0) + 1;
    checkboxes($('stages'), STAGES, stages);
    const highlight = $('highlight');
    highlight.textContent = '';
    const options = [['', 'nothing'], ['bridges', 'bridges between communities'],
      ['shared', 'stakeholders shared by partners']];
    for (const interest of map.mutual_interests) {
      const campaign = interest.campaign_stance ? ', campaign: ' + interest.campaign_stance : '';
      options.push(['interest:' + interest.issue + ':' + interest.side,
        interest.side + ' ' + interest.issue + ' (' + interest.partners.length + campaign + ')']);
    }
    for (const community of map.communities) {
      options.push(['community:' + community.id, 'community ' + community.id + ': ' + community.label]);
    }
    for (const [value, text] of options) {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = text;
      highlight.append(option);
    }
    const list = $('communities');
    list.textContent = '';
    for (const community of map.communities.slice(0, 20)) {
      const item = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.backgroundColor = colour(community.id);
      item.append(swatch, community.label + ' (' + community.size + ')');
      list.append(item);
    }
  }

  function checked(container) {
    const boxes = Array.from(container.querySelectorAll('input'));
    const on = boxes.filter((box) => box.checked).map((box) => box.value);
    return on.length === boxes.length ? new Set() : new Set(on); // all ticked: no filter
  }

  function currentFilters() {
    const score = Number($('min-score').value);
    return { kinds: checked($('kinds')), stages: checked($('stages')),
      minScore: score > 0 ? score : null };
  }

  function keptNodes(map, filters) {
    const partnerPasses = (node) => (filters.stages.size === 0 || filters.stages.has(node.stage))
      && (filters.minScore === null || (node.score !== null && node.score >= filters.minScore));
    let kept = new Set(map.nodes.filter((node) =>
      (filters.kinds.size === 0 || filters.kinds.has(node.kind))
      && (node.type !== 'partner' || partnerPasses(node))).map((node) => node.id));
    if (filters.stages.size > 0 || filters.minScore !== null) {
      const partners = new Set([...kept].filter((id) => id.startsWith('partner:')));
      const tied = new Set();
      for (const edge of map.edges) {
        if (partners.has(edge.source)) tied.add(edge.target);
        if (partners.has(edge.target)) tied.add(edge.source);
      }
      kept = new Set([...kept].filter((id) => partners.has(id) || tied.has(id)));
    }
    return kept;
  }

  function applyFilters() {
    const { map, cy } = state;
    if (!map || !cy) return;
    const filters = currentFilters();
    $('min-score-value').textContent = filters.minScore === null ? 'any' : filters.minScore.toFixed(2);
    const kept = keptNodes(map, filters);
    // One change per collection, not per node: a thousand class changes restyle once.
    const hidden = cy.nodes().filter((node) => !kept.has(node.id()));
    cy.batch(() => {
      cy.nodes('.hidden').difference(hidden).removeClass('hidden');
      hidden.not('.hidden').addClass('hidden');
    });
    state.shown = kept.size;
    $('counts').textContent = kept.size + ' of ' + map.nodes.length + ' nodes, '
      + map.edges.length + ' ties, ' + map.communities.length + ' communities';
    applyHighlight();
  }

  function highlighted(map, choice) {
    if (choice === 'bridges') return new Set(map.nodes.filter((n) => n.bridges.length).map((n) => n.id));
    if (choice === 'shared') return new Set(map.nodes.filter((n) => n.shared_by >= 2).map((n) => n.id));
    if (choice.startsWith('interest:')) {
      const [, issue, side] = choice.split(':');
      const found = map.mutual_interests.find((m) => m.issue === issue && m.side === side);
      return new Set(found ? found.partners : []);
    }
    if (choice.startsWith('community:')) {
      const id = Number(choice.split(':')[1]);
      return new Set(map.nodes.filter((n) => n.community === id).map((n) => n.id));
    }
    return null;
  }

  function applyHighlight() {
    const { map, cy } = state;
    const marked = highlighted(map, $('highlight').value);
    cy.batch(() => {
      cy.elements('.faded, .marked').removeClass('faded marked');
      if (marked === null) return;
      const chosen = cy.nodes().filter((node) => marked.has(node.id()));
      chosen.addClass('marked');
      cy.nodes().difference(chosen).addClass('faded');
      cy.edges().filter((edge) => !(marked.has(edge.source().id())
        && marked.has(edge.target().id()))).addClass('faded');
    });
  }

  // -- a node clicked: what the map knows at once, then the partner from the read models ----------
  function row(list, term, value) {
    if (value === null || value === undefined || value === '' ||
        (Array.isArray(value) && value.length === 0)) return;
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = Array.isArray(value) ? value.join(', ') : String(value);
    list.append(dt, dd);
  }

  function showNode(id) {
    const node = state.map.nodes.find((candidate) => candidate.id === id);
    if (!node) return;
    state.selected = id;
    const panel = $('details');
    panel.textContent = '';
    const title = document.createElement('h2');
    title.textContent = node.label;
    const facts = document.createElement('dl');
    row(facts, 'type', node.type + ', ' + node.kind.replace(/_/g, ' '));
    row(facts, 'country', node.country);
    row(facts, 'role', node.role);
    row(facts, 'score', node.score === null ? null : node.score.toFixed(2)
      + (node.excluded ? ' (excluded)' : '') + (node.recommended ? ' (recommended)' : ''));
    row(facts, 'stage', node.stage);
    row(facts, 'agreement', node.agreement_status);
    row(facts, 'community', node.community);
    row(facts, 'bridges to', node.bridges.map(String));
    row(facts, 'shared interests', node.interests);
    row(facts, 'positions', Object.entries(node.positions).map(([i, s]) => i + ': ' + s));
    row(facts, 'tied to', node.shared_by >= 2 ? node.shared_by + ' partners' : null);
    panel.append(title, facts);
    if (node.type === 'partner') partner360(node.record_id, panel);
  }

  // Partner 360: the partner as every service knows it, and its latest decisions.
  async function partner360(partnerId, panel) {
    const section = document.createElement('section');
    section.id = 'partner-360';
    const heading = document.createElement('h3');
    heading.textContent = 'Partner';
    section.append(heading);
    panel.append(section);
    try {
      const path = 'partners/' + encodeURIComponent(partnerId);
      const [whole, timeline] = await Promise.all([
        get(path + '/360').then((r) => r.json()),
        get(path + '/timeline').then((r) => r.json()),
      ]);
      const facts = document.createElement('dl');
      row(facts, 'id', whole.partner_id);
      row(facts, 'status', whole.profile ? whole.profile.status : null);
      if (whole.score) {
        row(facts, 'score', whole.score.score.toFixed(2) + ' (' + whole.score.model
          + ' v' + whole.score.model_version + ')');
        row(facts, 'components', Object.entries(whole.score.components)
          .map(([name, value]) => name + ' ' + value.toFixed(2)));
      }
      if (whole.pipeline) {
        row(facts, 'stage', whole.pipeline.stage);
        row(facts, 'owner', whole.pipeline.owner_id);
        const last = whole.pipeline.last_interaction;
        row(facts, 'last interaction', last ? last.occurred_on + ' · ' + last.summary : null);
      }
      row(facts, 'positions', whole.positions.map((p) => p.issue + ': ' + p.stance));
      row(facts, 'agreements', whole.agreements.map((a) => a.title + ' (' + a.status
        + (a.healthy ? '' : ', needs attention: ' + a.attention.map((f) => f.flag).join(', '))
        + ')'));
      const recent = document.createElement('h3');
      recent.textContent = 'Latest decisions';
      const list = document.createElement('ol');
      list.reversed = true;
      for (const entry of timeline.entries.slice(-10).reverse()) {
        const item = document.createElement('li');
        item.textContent = entry.occurred_at.slice(0, 10) + ' · ' + entry.summary
          + (entry.reason ? ' — ' + entry.reason : '') + ' (' + entry.actor + ')';
        list.append(item);
      }
      section.append(facts, recent, list);
      section.dataset.loaded = 'true';
    } catch (error) {
      const note = document.createElement('p');
      note.className = 'muted';
      note.textContent = 'The partner could not be read: ' + error.message;
      section.append(note);
      section.dataset.loaded = 'failed';
    }
  }

  // -- downloads: fetched with the key, then saved --------------------------------------------------
  async function download(format) {
    const { campaign } = asked();
    if (!campaign) return;
    const filters = currentFilters();
    const params = mapParams([['format', format]]);
    for (const kind of filters.kinds) params.push(['kind', kind]);
    for (const stage of filters.stages) params.push(['stage', stage]);
    if (filters.minScore !== null) params.push(['min_score', String(filters.minScore)]);
    try {
      const response = await get('campaigns/' + encodeURIComponent(campaign) + '/network-map', params);
      const disposition = response.headers.get('Content-Disposition') || '';
      const name = (disposition.match(/filename="([^"]+)"/) || [])[1] || 'network-map.' + format;
      const link = document.createElement('a');
      link.href = URL.createObjectURL(await response.blob());
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    } catch (error) {
      setStatus(state.status, error.message, true);
    }
  }

  // -- wiring -------------------------------------------------------------------------------------
  function connect(event) {
    event.preventDefault();
    const key = $('key').value.trim();
    if (key) sessionStorage.setItem(KEY_STORE, key);
    $('key').value = '';
    const query = new URLSearchParams();
    query.set('campaign_id', $('campaign').value.trim());
    const moment = $('as-of').value;
    if (moment) query.set('as_of', new Date(moment).toISOString());
    history.replaceState(null, '', window.location.pathname + '?' + query.toString());
    load();
  }

  $('connect').addEventListener('submit', connect);
  $('min-score').addEventListener('input', applyFilters);
  $('highlight').addEventListener('change', applyHighlight);
  for (const button of document.querySelectorAll('#downloads button')) {
    button.addEventListener('click', () => download(button.dataset.format));
  }
  state.showNode = showNode;
  state.keptNodes = () => keptNodes(state.map, currentFilters());
  takeKeyFromAddress();
  load();
}());
