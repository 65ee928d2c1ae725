// Drives Debian's Chromium headless for EventSourceBrowserTest: streams opened before their first
// event. It reports what the browser saw, one line per fact on stdout; the Java test publishes the
// events and decides what is right.
//
//   node event-source-browser.mjs '<json>'   with
//   { "chromium": "/usr/bin/chromium", "timeoutMs": 20000,
//     "specPort": <edge port behind https://motioness.com>, "key": "<project key>", "specAsset": "<asset>",
//     "specQuietMs": 500,
//     "awayOrigin": "http://127.0.0.1:<port of the capped edge>", "session": "<dev session cookie value>",
//     "streams": [{ "name": "feed-a", "url": "/api/projects/p/activity", "expect": 19 }, ...],
//     "awayWaitMs": 5000, "awayQuietMs": 300 }
//
// Phase 1: the spec's "Subscribe" example, unchanged, in a customer's page, on an asset nobody has
// published yet (the test publishes once the edge opened the stream): SPEC_* lines (harness.mjs).
// Phase 2: a page on the capped edge's own origin, with the session cookie, opens one EventSource per
// entry of `streams` (an `expect` of events each). Prints AWAY once the cap has closed every one of
// them, before any event, and the browser waits `retry` to reconnect (the test publishes then); waits
// until every stream has its `expect` events, or awayWaitMs, then awayQuietMs more for duplicates, and
// prints per stream AWAY_EVENT <name> <lastEventId> <type> <opens when dispatched>, AWAY_MESSAGES <name>
// <unnamed events dispatched>, and AWAY_REQUEST <status> <Last-Event-ID or -> <path> per request.
// Ends with DONE, or FAIL <why> and exit code 1.
import { TYPES, emit, printRequests, recordStreams, runInChromium, specExample } from './harness.mjs';

const options = JSON.parse(process.argv[2]);

async function awayPhase(context) {
  // A development session, as better-auth's cookie; the page is same-origin, so it goes along.
  await context.addCookies([{ name: 'better-auth.session_token', value: options.session, url: options.awayOrigin }]);
  const page = await context.newPage();
  const requests = recordStreams(page);
  page.on('pageerror', (error) => emit(`PAGE_ERROR ${error.message}`));
  // The dashboard without ?project= opens no stream of its own: it is just a page on the edge's origin.
  await page.goto(`${options.awayOrigin}/dashboard/`);
  await page.evaluate(({ streams, types }) => {
    window.streams = {};
    for (const { name, url } of streams) {
      const seen = { opens: 0, away: false, closed: false, events: [], messages: 0 };
      window.streams[name] = seen;
      const es = new EventSource(url, { withCredentials: true });
      es.onopen = () => { seen.opens += 1; };
      es.onerror = () => {
        if (es.readyState === EventSource.CONNECTING && seen.events.length === 0) seen.away = true;
        // Closed by the browser: the answer was not a stream (a 404 before item 1), never retried.
        if (es.readyState === EventSource.CLOSED) seen.closed = true;
      };
      // An id-only block must dispatch nothing: not even an unnamed `message`.
      es.onmessage = () => { seen.messages += 1; };
      for (const type of types) {
        es.addEventListener(type, (e) => {
          seen.events.push(`${e.lastEventId} ${e.type} ${seen.opens}`);
          if (type === 'ready' || type === 'failed' || type === 'cancelled') {
            if (url.includes('/events/')) es.close();
          }
        });
      }
    }
  }, { streams: options.streams, types: TYPES });
  const state = () => page.evaluate(() => window.streams);
  const awayBy = Date.now() + options.timeoutMs;
  for (let seen = await state(); !Object.values(seen).every((s) => s.away); seen = await state()) {
    if (Date.now() > awayBy || Object.values(seen).some((s) => s.closed)) {
      throw new Error(`not every stream was cut before its first event: ${JSON.stringify(seen)}`);
    }
    await page.waitForTimeout(20);
  }
  emit('AWAY');
  const done = (seen) => options.streams.every(({ name, expect }) => seen[name].events.length >= expect);
  // Without the events a stream missed, this waits its whole window: the test then shows what came.
  const eventsBy = Date.now() + options.awayWaitMs;
  while (!done(await state()) && Date.now() < eventsBy) {
    await page.waitForTimeout(20);
  }
  await page.waitForTimeout(options.awayQuietMs);
  const seen = await state();
  for (const { name } of options.streams) {
    for (const event of seen[name].events) emit(`AWAY_EVENT ${name} ${event}`);
    emit(`AWAY_MESSAGES ${name} ${seen[name].messages}`);
  }
  printRequests('AWAY_REQUEST', requests, false);
  await page.close();
}

await runInChromium({ chromium: options.chromium, motionessPort: options.specPort, timeoutMs: options.timeoutMs },
  async (context) => {
    await specExample(context, { pk: options.key, assetId: options.specAsset, timeoutMs: options.timeoutMs,
      quietMs: options.specQuietMs });
    await awayPhase(context);
  });
