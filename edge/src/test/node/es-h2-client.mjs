// Follows several SSE URLs of one origin with the npm `eventsource` client over ONE HTTP/2
// connection with prior knowledge (h2c): eventsource takes a `fetch`, and this one sends each
// request as a stream of a single node:http2 session. Each EventSource reconnects by itself after
// its stream ends, sending Last-Event-ID, and stops for good on 204, as in a browser.
// Prints one JSON line: per URL the events it dispatched (id and type), how often it opened and
// whether it ended closed; and how many HTTP/2 sessions were used (always 1) and how many streams.
// Usage: node es-h2-client.mjs TIMEOUT_MS URL...
import http2 from 'node:http2';
import { EventSource } from 'eventsource';

const [timeoutMs, ...urls] = process.argv.slice(2);
const origin = new URL(urls[0]).origin;
const session = http2.connect(origin);
let streams = 0;

function h2fetch(url, init = {}) {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const headers = { ':method': 'GET', ':path': target.pathname + target.search };
    for (const [name, value] of new Headers(init.headers || {})) headers[name.toLowerCase()] = value;
    const request = session.request(headers, { endStream: true });
    streams += 1;
    if (init.signal) init.signal.addEventListener('abort', () => request.close());
    request.on('error', reject);
    request.on('response', (head) => {
      const status = head[':status'];
      const responseHeaders = new Headers();
      for (const [name, value] of Object.entries(head)) {
        if (!name.startsWith(':')) responseHeaders.set(name, String(value));
      }
      const body = status === 204 ? null : new ReadableStream({
        start(controller) {
          request.on('data', (chunk) => controller.enqueue(new Uint8Array(chunk)));
          request.on('end', () => controller.close());
          request.on('error', (e) => controller.error(e));
        },
        cancel() { request.close(); },
      });
      resolve(new Response(body, { status, headers: responseHeaders }));
    });
  });
}

const types = ['queued', 'vision_started', 'vision_completed', 'vision_failed', 'stage_started',
  'stage_completed', 'stage_failed', 'retry_scheduled', 'r2_write_completed', 'webhook_dispatched',
  'webhook_delivered', 'webhook_failed', 'webhook_dead_letter', 'ready', 'failed', 'cancelled'];
const followed = urls.map((url) => {
  const state = { url, seen: [], opens: 0, closed: false };
  const es = new EventSource(url, { fetch: h2fetch });
  es.onopen = () => { state.opens += 1; };
  for (const type of types) {
    es.addEventListener(type, (e) => {
      JSON.parse(e.data);
      state.seen.push({ id: e.lastEventId, type: e.type });
    });
  }
  es.onerror = () => {
    if (es.readyState === EventSource.CLOSED) {
      state.closed = true;
      maybeFinish();
    }
  };
  state.es = es;
  return state;
});

function finish() {
  for (const state of followed) state.es.close();
  const report = followed.map(({ url, seen, opens, closed }) => ({ url, seen, opens, closed }));
  console.log(JSON.stringify({ followed: report, sessions: 1, streams }));
  session.close();
  process.exit(0);
}
function maybeFinish() {
  if (followed.every((state) => state.closed)) finish();
}
setTimeout(finish, Number(timeoutMs));
