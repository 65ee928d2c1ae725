// The Motioness dashboard: the project's activity feed and one card per asset, live from
// EventSource. No build step and no framework: the browser runs this file as it is.
//
// Streams, all same-origin (the session cookie goes along by itself):
//   activity  /api/projects/{project}/activity?tail=500   the project's 500 newest events, then live
//   asset     /v1/{key}/events/{asset}            when a project key is given, else
//             /api/assets/{asset}/events         with the session cookie
// EventSource reconnects by itself after the edge's connection cap and sends Last-Event-ID, which
// wins over ?tail, so the edge resumes each stream where it was: nothing here re-requests or
// de-duplicates a stream. The lists show each stream's events exactly as they arrived; a card
// folds the events of its asset from every stream, keyed by event id (an event has the same id in
// all of them).
//
// The feed's history is a window: an asset that began before it starts mid-way. Such a card reads
// its beginning from the asset's own stream, which replays the asset from its first event, one
// card at a time, and stops as soon as it reaches what the card already has.

const TYPES = ['queued', 'vision_started', 'vision_completed', 'vision_failed', 'stage_started',
  'stage_completed', 'stage_failed', 'retry_scheduled', 'r2_write_completed', 'webhook_dispatched',
  'webhook_delivered', 'webhook_failed', 'webhook_dead_letter', 'ready', 'failed', 'cancelled'];
const TERMINAL = new Set(['ready', 'failed', 'cancelled']);
const MAX_FEED = 500;
/** The feed's history: as many events as its list shows (the edge caps it at --feed-tail-max). */
const FEED_TAIL = MAX_FEED;
const MAX_CARDS = 60;
/** A card's beginning is read for at most this long without an event (the asset may be gone). */
const FILL_IDLE_MS = 5000;

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const project = params.get('project') || '';
const key = params.get('key') || '';
let selected = params.get('asset') || '';

/**
 * assetId -> { events: Map(id -> event), order: number (last change), el,
 *   fill: undefined, or 'waiting' | 'reading' | 'done' for a card that began before the feed's window }
 */
const assets = new Map();
let changes = 0;
let assetStream = null;
/** Cards whose beginning is older than the feed's window, waiting to read it; one reads at a time. */
const toFill = [];
let filling = false;

for (const name of ['project', 'key', 'asset']) {
  document.querySelector(`#open input[name="${name}"]`).value = params.get(name) || '';
}

if (!project) {
  $('activity-status').textContent = 'no project';
  showError($('activity-error'), 'Enter a project id (and, optionally, its public key) above.');
} else {
  follow(`/api/projects/${encodeURIComponent(project)}/activity?tail=${FEED_TAIL}`, $('activity-status'),
    $('activity-error'),
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
  const url = assetUrl(assetId);
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

/** An asset's own stream: its whole retained history from its first event, then live. */
function assetUrl(assetId) {
  return key
    ? `/v1/${encodeURIComponent(key)}/events/${encodeURIComponent(assetId)}`
    : `/api/assets/${encodeURIComponent(assetId)}/events`;
}

/**
 * Reads the beginning of the next card that lacks it from the asset's own stream, up to the first
 * event the card already has (or the asset's terminal event: events after it are the feed's
 * only), then the next card. An asset the log no longer holds sends nothing: given up after
 * FILL_IDLE_MS, its card stays marked.
 */
function fillNext() {
  if (filling) return;
  const assetId = toFill.shift();
  if (assetId === undefined) return;
  const card = assets.get(assetId);
  if (!card || hasStart(card)) {
    if (card) card.fill = 'done';
    fillNext();
    return;
  }
  filling = true;
  card.fill = 'reading';
  draw(card, assetId);
  const until = [...card.events.keys()].sort(compareIds)[0];
  const es = new EventSource(assetUrl(assetId));
  let idle;
  const done = () => {
    es.close();
    clearTimeout(idle);
    card.fill = 'done';
    if (assets.get(assetId) === card) draw(card, assetId);
    filling = false;
    fillNext();
  };
  idle = setTimeout(done, FILL_IDLE_MS);
  // Closed for good: the asset ended before this request (204), or the edge refused it.
  es.onerror = () => { if (es.readyState === EventSource.CLOSED) done(); };
  for (const type of TYPES) {
    es.addEventListener(type, (e) => {
      if (assets.get(assetId) !== card) {
        done();
        return;
      }
      fold(assetId, e.lastEventId, JSON.parse(e.data));
      if (compareIds(e.lastEventId, until) >= 0 || TERMINAL.has(type)) {
        done();
      } else {
        clearTimeout(idle);
        idle = setTimeout(done, FILL_IDLE_MS);
      }
    });
  }
}

/** An asset's first event is `queued`: a card that has it holds the asset from its start. */
function hasStart(card) {
  for (const event of card.events.values()) {
    if (event.type === 'queued') return true;
  }
  return false;
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
  if (card.fill === undefined && event.type !== 'queued' && !hasStart(card)) {
    // Its first event here is not its first: the asset began before the feed's window.
    card.fill = 'waiting';
    toFill.push(assetId);
    fillNext();
  }
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
function progress(events) {
  // 'unknown' until an event says: a card that starts mid-way may show webhook deliveries only.
  const p = { state: 'unknown', attempt: 1, stages: new Map(), retries: 0, errors: [], vision: null, storage: null,
    webhook: null, last: null };
  for (const e of events) {
    p.last = e;
    if (p.state === 'unknown' && e.type !== 'queued' && !TERMINAL.has(e.type) && !e.type.startsWith('webhook_')) {
      p.state = 'running';
    }
    // The asset's attempt is its processing attempt; webhook deliveries count their own.
    if (!e.type.startsWith('webhook_')) p.attempt = Math.max(p.attempt, e.attempt || 1);
    if (e.error_code) p.errors.push(`${e.type}: ${e.error_code} ${e.error_msg || ''}`.trim());
    switch (e.type) {
      case 'queued': p.state = 'queued'; break;
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
  const events = [...card.events.keys()].sort(compareIds).map((id) => card.events.get(id));
  const p = progress(events);
  const el = card.el;
  const complete = hasStart(card);
  el.dataset.state = p.state;
  el.dataset.partial = String(!complete);
  el.dataset.retries = String(p.retries);
  el.dataset.errors = String(p.errors.length);
  const title = document.createElement('h3');
  const name = document.createElement('code');
  name.textContent = assetId;
  const badge = document.createElement('span');
  badge.className = 'badge';
  const state = p.state === 'unknown' ? '…' : p.state;
  badge.textContent = p.attempt > 1 ? `${state} · attempt ${p.attempt}` : state;
  title.append(name, badge);
  const children = [title];
  if (!complete) {
    const note = document.createElement('p');
    note.className = 'partial';
    note.textContent = card.fill === 'done'
      ? 'history starts after queued: its beginning is no longer retained'
      : 'history starts after queued: reading its beginning…';
    children.push(note);
  }
  children.push(...timeline(events));

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
  children.push(table, meta);
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

// ---- the timeline: one mark per step on a time axis ----

const SVG = 'http://www.w3.org/2000/svg';
/** viewBox units across; the SVG stretches to the card's width. */
const AXIS = 1000;
/** The narrowest mark and the gap between two, in AXIS units: a step of no duration still shows. */
const MIN_MARK = 18;
const GAP = 5;
const MIN_ATTEMPT = 6;

/** The step an event belongs to, or null; retry_scheduled without a stage goes with the step before it. */
function stepOf(e, before) {
  switch (e.type) {
    case 'queued': return { key: 'queued', kind: 'queued', label: 'queued' };
    case 'vision_started': case 'vision_completed': case 'vision_failed':
      return { key: 'vision', kind: 'vision', label: 'vision' };
    case 'stage_started': case 'stage_completed': case 'stage_failed':
      return { key: `stage:${e.stage}`, kind: 'stage', label: e.stage };
    case 'retry_scheduled':
      return e.stage ? { key: `stage:${e.stage}`, kind: 'stage', label: e.stage } : before;
    case 'r2_write_completed': return { key: 'storage', kind: 'storage', label: 'storage' };
    case 'webhook_dispatched': case 'webhook_delivered': case 'webhook_failed': case 'webhook_dead_letter':
      return { key: 'webhook', kind: 'webhook', label: 'webhook' };
    case 'ready': case 'failed': case 'cancelled': return { key: 'outcome', kind: 'outcome', label: e.type };
    default: return null;
  }
}

/** Where an attempt stands after this event. */
function statusOf(type) {
  if (type === 'queued' || type === 'ready') return 'done';
  if (type.endsWith('_started') || type === 'webhook_dispatched') return 'running';
  if (type.endsWith('_failed') || type === 'failed' || type === 'webhook_dead_letter') return 'failed';
  if (type === 'cancelled') return 'cancelled';
  return 'done';
}

/**
 * The asset's steps in the order they began, each with its time span (the producer's `ts`), its
 * attempts (one per `attempt` number, with how each ended) and when retries were scheduled. The
 * queue's step lasts until the next step begins: the wait is part of the picture.
 */
function steps(events) {
  const byKey = new Map();
  let before = null;
  for (const e of events) {
    const ref = stepOf(e, before);
    if (!ref) continue;
    before = ref;
    let step = byKey.get(ref.key);
    if (!step) {
      step = { ...ref, start: e.ts, end: e.ts, attempts: new Map(), retries: [], latency: undefined };
      byKey.set(ref.key, step);
    }
    // Producers' clocks may disagree: a step never ends before it began.
    step.end = Math.max(step.end, e.ts);
    if (e.latency_ms !== undefined) step.latency = e.latency_ms;
    if (e.type === 'retry_scheduled') {
      step.retries.push(e.ts);
      continue;
    }
    const n = ref.kind === 'queued' || ref.kind === 'outcome' ? 1 : (e.attempt || 1);
    const attempt = step.attempts.get(n) || { n, start: e.ts, end: e.ts, status: 'running', error: '' };
    attempt.end = Math.max(attempt.end, e.ts);
    attempt.status = statusOf(e.type);
    if (e.error_code) attempt.error = e.error_code;
    step.attempts.set(n, attempt);
  }
  const list = [...byKey.values()].filter((step) => step.attempts.size > 0);
  for (let i = 0; i + 1 < list.length; i++) {
    if (list[i].kind === 'queued') list[i].end = Math.max(list[i].end, list[i + 1].start);
  }
  return list;
}

/**
 * Places the steps on the axis: by time, then pushed right where needed so that each is at least
 * MIN_MARK wide and after the one before (the order stays readable when steps take no time), and
 * squeezed back to the axis if that made it longer.
 */
function layout(list) {
  const t0 = Math.min(...list.map((step) => step.start));
  const t1 = Math.max(...list.map((step) => step.end));
  const scale = AXIS / Math.max(t1 - t0, 1);
  let edge = -GAP;
  const marks = list.map((step) => {
    const x = Math.max((step.start - t0) * scale, edge + GAP);
    const width = Math.max((step.end - step.start) * scale, MIN_MARK);
    edge = x + width;
    return { step, x, width };
  });
  const fit = edge > AXIS ? AXIS / edge : 1;
  for (const mark of marks) {
    mark.x *= fit;
    mark.width *= fit;
  }
  return { marks, duration: t1 - t0 };
}

function svg(name, attributes) {
  const el = document.createElementNS(SVG, name);
  for (const [attribute, value] of Object.entries(attributes)) el.setAttribute(attribute, String(value));
  return el;
}

/** One step's mark: a bar per attempt (a failed one in red) and a line where each retry begins. */
function markOf({ step, x, width }) {
  const g = svg('g', { class: 'mark' });
  const attempts = [...step.attempts.values()];
  const last = attempts[attempts.length - 1];
  g.dataset.step = step.label;
  g.dataset.kind = step.kind;
  g.dataset.status = step.kind === 'outcome' ? step.label : last.status;
  g.dataset.attempts = attempts.map((a) => a.status).join(',');
  g.dataset.retries = String(attempts.length - 1);
  g.dataset.x = String(Math.round(x));
  const span = step.end - step.start;
  // Within the mark: each attempt by its own time, or side by side when the step took no time.
  const at = (t, i, share) => (span > 0 ? (t - step.start) / span : (i + share) / attempts.length);
  const least = Math.min(MIN_ATTEMPT, width / attempts.length);
  attempts.forEach((a, i) => {
    // An attempt of no duration (a delivery that is its own only event) still gets a sliver.
    const from = Math.min(x + at(a.start, i, 0) * width, x + width - least);
    const to = Math.min(Math.max(x + at(a.end, i, 1) * width, from + least), x + width);
    const rect = svg('rect', { x: from.toFixed(1), y: 3, width: (to - from).toFixed(1), height: 14 });
    rect.dataset.status = a.status;
    rect.dataset.attempt = String(a.n);
    g.append(rect);
    if (i > 0) {
      const scheduled = step.retries.find((t) => t >= attempts[i - 1].end && t <= a.start);
      const rx = scheduled === undefined || span === 0 ? from : x + at(scheduled, i, 0) * width;
      g.append(svg('line', { class: 'retry', x1: rx.toFixed(1), x2: rx.toFixed(1), y1: 0, y2: 20 }));
    }
  });
  const title = svg('title', {});
  const outcomes = attempts.map((a) => `attempt ${a.n} ${a.status}${a.error ? ` (${a.error})` : ''}`);
  title.textContent = `${step.label}: ${attempts.length > 1 ? outcomes.join(', ') : last.status}`
    + `${step.latency !== undefined ? ` · ${step.latency} ms` : ''} · ${seconds(span)}`;
  g.prepend(title);
  return g;
}

function seconds(ms) {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The card's timeline (an SVG and its axis), or nothing before the first step. */
function timeline(events) {
  const list = steps(events);
  if (!list.length) return [];
  const { marks, duration } = layout(list);
  const picture = svg('svg', { class: 'timeline', viewBox: `0 0 ${AXIS} 20`, preserveAspectRatio: 'none', role: 'img',
    'aria-label': list.map((step) => (step.attempts.size > 1
      ? `${step.label} (${step.attempts.size} attempts)` : step.label)).join(', ') });
  picture.append(...marks.map(markOf));
  const axis = document.createElement('div');
  axis.className = 'axis';
  const from = document.createElement('span');
  from.textContent = list[0].label;
  const to = document.createElement('span');
  to.textContent = `${list[list.length - 1].label} · ${seconds(duration)}`;
  axis.append(from, to);
  return [picture, axis];
}
