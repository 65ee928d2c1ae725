// The Motioness dashboard: the project's activity feed and one card per asset, live from
// EventSource. No build step and no framework: the browser runs this file as it is.
//
// Streams, all same-origin (the session cookie goes along by itself):
//   activity  /api/projects/{project}/activity   every event of the project, live
//   asset     /v1/{key}/events/{asset}            when a project key is given, else
//             /api/assets/{asset}/events         with the session cookie
// EventSource reconnects by itself after the edge's connection cap and sends Last-Event-ID, so
// the edge resumes each stream where it was: nothing here re-requests or de-duplicates a stream.
// The lists show each stream's events exactly as they arrived; a card folds the events of its
// asset from both streams, keyed by event id (an event has the same id in both).

const TYPES = ['queued', 'vision_started', 'vision_completed', 'vision_failed', 'stage_started',
  'stage_completed', 'stage_failed', 'retry_scheduled', 'r2_write_completed', 'webhook_dispatched',
  'webhook_delivered', 'webhook_failed', 'webhook_dead_letter', 'ready', 'failed', 'cancelled'];
const TERMINAL = new Set(['ready', 'failed', 'cancelled']);
const MAX_FEED = 500;
const MAX_CARDS = 60;

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const project = params.get('project') || '';
const key = params.get('key') || '';
let selected = params.get('asset') || '';

/** assetId -> { events: Map(id -> event), order: number (last change), el } */
const assets = new Map();
let changes = 0;
let assetStream = null;

for (const name of ['project', 'key', 'asset']) {
  document.querySelector(`#open input[name="${name}"]`).value = params.get(name) || '';
}

if (!project) {
  $('activity-status').textContent = 'no project';
  showError($('activity-error'), 'Enter a project id (and, optionally, its public key) above.');
} else {
  follow(`/api/projects/${encodeURIComponent(project)}/activity`, $('activity-status'), $('activity-error'),
    (id, event) => {
      addLine($('feed'), id, event, true);
      fold(event.asset_id, id, event);
    }, false);
  if (selected) {
    select(selected);
  }
}

/**
 * Opens one EventSource and reports its state on `statusEl` (data-state: connecting, open,
 * reconnecting, ended, closed; data-opens: how many times it opened). With `endAtTerminal`, it
 * closes itself on the asset's terminal event, as the spec's example does; a stream that is
 * already over answers 204, which closes the EventSource for good too.
 */
function follow(url, statusEl, errorEl, onEvent, endAtTerminal) {
  const es = new EventSource(url);
  let opens = 0;
  setStatus(statusEl, 'connecting', 'connecting');
  errorEl.hidden = true;
  es.onopen = () => {
    opens += 1;
    statusEl.dataset.opens = String(opens);
    setStatus(statusEl, 'open', opens > 1 ? `live · resumed ${opens - 1}×` : 'live');
  };
  es.onerror = () => {
    if (es.readyState === EventSource.CLOSED) {
      setStatus(statusEl, 'closed', 'closed');
      explain(url, errorEl);
    } else {
      setStatus(statusEl, 'reconnecting', 'reconnecting');
    }
  };
  for (const type of TYPES) {
    es.addEventListener(type, (e) => {
      onEvent(e.lastEventId, JSON.parse(e.data));
      if (endAtTerminal && TERMINAL.has(type)) {
        es.close();
        setStatus(statusEl, 'ended', `ended: ${type}`);
      }
    });
  }
  return es;
}

/**
 * EventSource hides why it gave up; ask the same URL once with fetch to show the edge's JSON error
 * (401 without a session, 403, 404...), then drop the connection if it turned out to be a stream.
 */
async function explain(url, errorEl) {
  const abort = new AbortController();
  try {
    const res = await fetch(url, { signal: abort.signal, credentials: 'same-origin' });
    if (res.status === 204) {
      showError(errorEl, 'This asset has already ended.');
    } else if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      showError(errorEl, `${res.status} ${body.error || res.statusText}: ${body.message || ''}`);
    } else {
      showError(errorEl, 'The connection was lost; reload to retry.');
    }
  } catch (e) {
    showError(errorEl, `Cannot reach the edge: ${e.message}`);
  } finally {
    abort.abort();
  }
}

/** Follows one asset's own stream: its whole history, then live, until its terminal event. */
function select(assetId) {
  if (assetStream) {
    assetStream.close();
  }
  selected = assetId;
  const url = key
    ? `/v1/${encodeURIComponent(key)}/events/${encodeURIComponent(assetId)}`
    : `/api/assets/${encodeURIComponent(assetId)}/events`;
  $('asset-panel').hidden = false;
  $('asset-id').textContent = assetId;
  $('asset-log').replaceChildren();
  const next = new URLSearchParams(location.search);
  next.set('asset', assetId);
  history.replaceState(null, '', `?${next}`);
  document.querySelector('#open input[name="asset"]').value = assetId;
  for (const card of assets.values()) {
    card.el.setAttribute('aria-selected', String(card.el.dataset.asset === assetId));
  }
  assetStream = follow(url, $('asset-status'), $('asset-error'), (id, event) => {
    addLine($('asset-log'), id, event, false);
    fold(assetId, id, event);
  }, true);
}

function setStatus(el, state, text) {
  el.dataset.state = state;
  el.textContent = text;
}

function showError(el, text) {
  el.textContent = text;
  el.hidden = false;
}

/** One line per event, in arrival order; the feed shows the newest first and keeps the last 500. */
function addLine(list, id, event, newestFirst) {
  const li = document.createElement('li');
  li.dataset.id = id;
  li.dataset.type = event.type;
  li.dataset.asset = event.asset_id;
  const stamp = document.createElement('span');
  stamp.className = 'id';
  stamp.textContent = `${new Date(event.ts).toISOString().slice(11, 23)} `;
  li.append(stamp, `${newestFirst ? `${event.asset_id} ` : ''}${describe(event)}`);
  li.title = `id ${id}, request ${event.request_id}`;
  li.addEventListener('click', () => select(event.asset_id));
  if (newestFirst) {
    list.prepend(li);
    while (list.childElementCount > MAX_FEED) {
      list.lastElementChild.remove();
    }
  } else {
    list.append(li);
  }
}

function describe(e) {
  let text = e.type;
  if (e.stage) text += ` ${e.stage}`;
  if (e.attempt > 1) text += ` (attempt ${e.attempt})`;
  if (e.latency_ms !== undefined) text += ` ${e.latency_ms} ms`;
  if (e.error_code) text += ` ${e.error_code}: ${e.error_msg || ''}`;
  return text;
}

/** Adds an event to its asset's card (once per id) and redraws the card. */
function fold(assetId, id, event) {
  let card = assets.get(assetId);
  if (!card) {
    const el = document.createElement('article');
    el.className = 'card';
    el.dataset.asset = assetId;
    el.setAttribute('aria-selected', String(assetId === selected));
    el.addEventListener('click', () => select(assetId));
    card = { events: new Map(), order: 0, el };
    assets.set(assetId, card);
    $('cards').prepend(el);
    $('assets-hint').hidden = true;
    trimCards();
  }
  if (card.events.has(id)) {
    return;
  }
  card.events.set(id, event);
  card.order = ++changes;
  draw(card, assetId);
}

/** Keeps the most recently changed cards (and the selected one). */
function trimCards() {
  if (assets.size <= MAX_CARDS) return;
  let oldest = null;
  for (const [id, card] of assets) {
    if (id !== selected && (!oldest || card.order < oldest[1].order)) oldest = [id, card];
  }
  if (oldest) {
    oldest[1].el.remove();
    assets.delete(oldest[0]);
  }
}

/** Ids are `<ms>` or `<ms>-<seq>`: order by both numbers. */
function compareIds(a, b) {
  const [am, as = '0'] = a.split('-');
  const [bm, bs = '0'] = b.split('-');
  return Number(am) - Number(bm) || Number(as) - Number(bs);
}

/** The progress of one asset, folded from its events in id order (the streams may interleave). */
function progress(card) {
  const p = { state: 'queued', attempt: 1, stages: new Map(), retries: 0, errors: [], vision: null, storage: null,
    webhook: null, last: null };
  const ids = [...card.events.keys()].sort(compareIds);
  for (const id of ids) {
    const e = card.events.get(id);
    p.last = e;
    // The asset's attempt is its processing attempt; webhook deliveries count their own.
    if (!e.type.startsWith('webhook_')) p.attempt = Math.max(p.attempt, e.attempt || 1);
    if (e.error_code) p.errors.push(`${e.type}: ${e.error_code} ${e.error_msg || ''}`.trim());
    switch (e.type) {
      case 'vision_started': p.state = 'running'; p.vision = { status: 'started' }; break;
      case 'vision_completed': p.vision = { status: 'completed', latency: e.latency_ms }; break;
      case 'vision_failed': p.vision = { status: 'failed' }; break;
      case 'stage_started': p.state = 'running';
        p.stages.set(e.stage, { status: 'started', attempt: e.attempt, latency: undefined }); break;
      case 'stage_completed':
        p.stages.set(e.stage, { status: 'completed', attempt: e.attempt, latency: e.latency_ms }); break;
      case 'stage_failed':
        p.stages.set(e.stage, { status: 'failed', attempt: e.attempt, latency: undefined }); break;
      case 'retry_scheduled': p.retries += 1; break;
      case 'r2_write_completed': p.storage = { status: 'written', latency: e.latency_ms }; break;
      case 'webhook_dispatched': p.webhook = 'dispatched'; break;
      case 'webhook_delivered': p.webhook = 'delivered'; break;
      case 'webhook_failed': p.webhook = 'failed'; break;
      case 'webhook_dead_letter': p.webhook = 'dead-lettered'; break;
      case 'ready': case 'failed': case 'cancelled': p.state = e.type; break;
      default: break;
    }
  }
  return p;
}

function draw(card, assetId) {
  const p = progress(card);
  const el = card.el;
  el.dataset.state = p.state;
  el.dataset.retries = String(p.retries);
  el.dataset.errors = String(p.errors.length);
  const title = document.createElement('h3');
  const name = document.createElement('code');
  name.textContent = assetId;
  const badge = document.createElement('span');
  badge.className = 'badge';
  badge.textContent = p.attempt > 1 ? `${p.state} · attempt ${p.attempt}` : p.state;
  title.append(name, badge);

  const table = document.createElement('table');
  const row = (label, status, latency, extra) => {
    const tr = table.insertRow();
    tr.dataset.step = label;
    tr.dataset.status = status;
    if (latency !== undefined) tr.dataset.latency = String(latency);
    tr.insertCell().textContent = label;
    tr.insertCell().textContent = extra ? `${status} ${extra}` : status;
    const cell = tr.insertCell();
    cell.className = 'num';
    cell.textContent = latency === undefined ? '' : `${latency} ms`;
  };
  if (p.vision) row('vision', p.vision.status, p.vision.latency);
  for (const [stage, s] of p.stages) {
    row(stage, s.status, s.latency, s.attempt > 1 ? `(#${s.attempt})` : '');
  }
  if (p.storage) row('storage', p.storage.status, p.storage.latency);
  if (p.webhook) row('webhook', p.webhook, undefined);

  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.textContent = `${card.events.size} events · ${p.retries} ${p.retries === 1 ? 'retry' : 'retries'}`
    + ` · last ${p.last.type} at ${new Date(p.last.ts).toISOString().slice(11, 19)}`;
  const children = [title, table, meta];
  if (p.errors.length) {
    const list = document.createElement('ul');
    list.className = 'errors';
    for (const text of p.errors.slice(-5)) {
      const li = document.createElement('li');
      li.textContent = text;
      list.append(li);
    }
    children.push(list);
  }
  el.replaceChildren(...children);
}
