// Drives Debian's Chromium headless for Http2BrowserTest: one page on the edge's own https origin
// (TLS in the edge, HTTP/2 by ALPN) opens `count` EventSources to asset streams at once. Over
// HTTP/1.1 a browser allows six connections per origin, so streams 7 and on would wait; over h2
// they share one connection and all stream together.
//
//   node h2-event-sources.mjs '<json>'   with
//   { "chromium": "/usr/bin/chromium", "timeoutMs": 20000, "origin": "https://127.0.0.1:<port>",
//     "key": "<project key>", "assets": ["a1", ...] }
//
// Prints OPEN once every stream is open (the test then publishes one event per asset), then per
// stream STREAM <asset> <lastEventId> <type>, and per stream response PROTOCOL <protocol> (h2,
// http/1.1, as Chromium's network stack reports it), then DONE, or FAIL <why> and exit code 1.
import { emit, runInChromium } from './harness.mjs';

const options = JSON.parse(process.argv[2]);

await runInChromium({ chromium: options.chromium, motionessPort: options.tlsTerminatorPort, timeoutMs: options.timeoutMs },
  async (context) => {
    const page = await context.newPage();
    page.on('pageerror', (error) => emit(`PAGE_ERROR ${error.message}`));
    // The protocol of each stream's response, as Chromium's network stack reports it (resource
    // timing lists a request only once it has ended, and a stream does not end).
    const protocols = [];
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    cdp.on('Network.responseReceived', ({ type, response }) => {
      if (type === 'EventSource') protocols.push(response.protocol);
    });
    // Any page of the edge's origin: the dashboard without ?project= opens no stream of its own.
    await page.goto(`${options.origin}/dashboard/`);
    await page.evaluate(({ key, assets }) => {
      window.seen = {};
      for (const asset of assets) {
        const state = { open: false, events: [] };
        window.seen[asset] = state;
        const es = new EventSource(`/v1/${key}/events/${asset}`);
        es.onopen = () => { state.open = true; };
        es.addEventListener('queued', (e) => { state.events.push(`${e.lastEventId} ${e.type}`); });
      }
    }, { key: options.key, assets: options.assets });
    const state = () => page.evaluate(() => window.seen);
    const deadline = Date.now() + options.timeoutMs;
    while (!Object.values(await state()).every((s) => s.open)) {
      if (Date.now() > deadline) {
        const open = Object.values(await state()).filter((s) => s.open).length;
        throw new Error(`${open} of ${options.assets.length} streams open`);
      }
      await page.waitForTimeout(20);
    }
    emit('OPEN');
    while (!Object.values(await state()).every((s) => s.events.length > 0) && Date.now() < deadline) {
      await page.waitForTimeout(20);
    }
    const seen = await state();
    for (const asset of options.assets) {
      for (const event of seen[asset].events) emit(`STREAM ${asset} ${event}`);
    }
    for (const protocol of protocols) emit(`PROTOCOL ${protocol}`);
    await page.close();
  });
