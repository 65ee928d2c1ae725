// Follows one SSE URL with the npm `eventsource` client, exactly as a browser page would: it
// reconnects by itself after each close, sending Last-Event-ID, and stops for good on 204.
// Prints one JSON line: the events it dispatched (id and type), how often it opened, how often it
// had opened when the first event came (more than once: it reconnected while the stream waited for
// it), whether it ended closed. Usage: node es-client.mjs URL TIMEOUT_MS
import { EventSource } from 'eventsource';

const [url, timeoutMs] = process.argv.slice(2);
const types = ['queued', 'vision_started', 'vision_completed', 'vision_failed', 'stage_started',
  'stage_completed', 'stage_failed', 'retry_scheduled', 'r2_write_completed', 'webhook_dispatched',
  'webhook_delivered', 'webhook_failed', 'webhook_dead_letter', 'ready', 'failed', 'cancelled'];

const seen = [];
let opens = 0;
let opensBeforeFirst = 0;
const es = new EventSource(url);
es.onopen = () => { opens += 1; };
for (const type of types) {
  es.addEventListener(type, (e) => {
    JSON.parse(e.data);
    if (seen.length === 0) opensBeforeFirst = opens;
    seen.push({ id: e.lastEventId, type: e.type });
  });
}
const finish = (closed) => {
  es.close();
  console.log(JSON.stringify({ seen, opens, opensBeforeFirst, closed }));
  process.exit(0);
};
es.onerror = () => {
  if (es.readyState === EventSource.CLOSED) {
    finish(true);
  }
};
setTimeout(() => finish(false), Number(timeoutMs));
