// Drives Debian's Chromium headless (playwright-core, no downloaded browser) for DashboardBrowserTest.
// It reports what the browser saw, one line per fact on stdout; the Java test decides what is right.
//
//   node dashboard-browser.mjs '<json>'   with
//   { "chromium": "/usr/bin/chromium",
//     "dashboardUrl": "http://127.0.0.1:<port>/dashboard/?project=demo&key=...&asset=...",
//     "asset": "<the asset the dashboard follows>", "cards": ["<an asset whose card is reported>", ...],
//     "demoPort": <port of an edge running the demo>, "demoKey": "...", "demoAsset": "demo-asset-1",
//     "quietMs": 1500, "timeoutMs": 60000 }
//
// Phase 1, the dashboard against an edge whose events the test publishes (some before the page
// opens): prints WATCHING once both streams are open (the test then publishes), waits for the asset's
// `ready` in its list and in the feed, waits quietMs more, then prints TIMELINE / FEED / CARD / MARKS /
// REQUEST / STATUS lines.
// Phase 2, against the demo behind a local TLS terminator that Chromium reaches as motioness.com
// (harness.mjs): the dashboard at https://motioness.com/dashboard/?project=demo with no sign-in
// (DEMO_CARD, DEMO_ASSET, DEMO_FOLLOW lines), then the spec's "Subscribe" example, unchanged, in a customer's
// page on another origin (SPEC_CONSOLE, SPEC_REQUEST lines). Ends with DONE, or FAIL <why> and exit code 1.
import { emit, printRequests, recordStreams, runInChromium, specExample } from './harness.mjs';

const options = JSON.parse(process.argv[2]);

async function dashboardPhase(context) {
  const page = await context.newPage();
  const requests = recordStreams(page);
  page.on('pageerror', (error) => emit(`PAGE_ERROR ${error.message}`));
  await page.goto(options.dashboardUrl);
  await page.waitForSelector('#activity-status[data-state="open"]');
  await page.waitForSelector('#asset-status[data-state="open"]');
  emit('WATCHING');
  await page.waitForSelector('#asset-log li[data-type="ready"]', { timeout: options.timeoutMs });
  requests.late = true;
  // The asset's own `ready`: the feed's history holds another asset's.
  await page.waitForSelector(`#feed li[data-type="ready"][data-asset="${options.asset}"]`, { timeout: options.timeoutMs });
  // No request for the asset may follow: the page closed its EventSource at `ready`. The window is
  // several times the edge's retry: a reconnecting EventSource would have asked again within it.
  await page.waitForTimeout(options.quietMs);
  const list = (selector) => page.$$eval(selector, (items) => items.map((li) => `${li.dataset.id} ${li.dataset.type}`));
  for (const line of await list('#asset-log li')) emit(`TIMELINE ${line}`);
  for (const line of (await list('#feed li')).reverse()) emit(`FEED ${line}`);
  for (const asset of [options.asset, ...options.cards]) {
    const card = await describeCard(page, asset);
    emit(`CARD ${asset} partial=${card.partial} state=${card.state} retries=${card.retries} errors=${card.errors} `
      + `steps=${card.steps.join(',')}`);
    emit(`MARKS ${asset} ${card.marks.join(' ')}`);
    emit(`CARD_TEXT ${asset} ${card.text}`);
  }
  for (const id of ['activity-status', 'asset-status']) {
    const status = await page.$eval(`#${id}`, (el) => `${el.dataset.state} ${el.dataset.opens}`);
    emit(`STATUS ${id} ${status}`);
  }
  printRequests('REQUEST', requests, true);
  await page.close();
}

/**
 * A card as the page drew it: its table's rows (step:status:latency) and its timeline's marks
 * (step:kind:attempt statuses:retries@x, in the SVG's order).
 */
function describeCard(page, asset) {
  return page.$eval(`.card[data-asset="${asset}"]`, (el) => ({
    partial: el.dataset.partial, state: el.dataset.state, retries: el.dataset.retries, errors: el.dataset.errors,
    steps: [...el.querySelectorAll('tr')].map((tr) => `${tr.dataset.step}:${tr.dataset.status}:${tr.dataset.latency ?? ''}`),
    marks: [...el.querySelectorAll('svg.timeline g.mark')].map((g) => `${g.dataset.step}:${g.dataset.kind}:`
      + `${g.dataset.attempts}:${g.dataset.retries}@${g.dataset.x}`),
    text: el.textContent,
  }));
}

async function demoPhase(context) {
  const page = await context.newPage();
  const requests = recordStreams(page);
  page.on('pageerror', (error) => emit(`PAGE_ERROR ${error.message}`));
  await page.goto('https://motioness.com/dashboard/?project=demo');
  await page.waitForSelector('#activity-status[data-state="open"]');
  const done = await page.waitForSelector('.card[data-state="ready"]', { timeout: options.timeoutMs });
  const asset = await done.getAttribute('data-asset');
  for (const line of await page.$$eval('.card', (cards) => cards.map((c) => `${c.dataset.asset} ${c.dataset.state}`))) {
    emit(`DEMO_CARD ${line}`);
  }
  // The demo's first asset ended long before this page opened: its card comes from the feed's history.
  const first = await describeCard(page, options.demoAsset);
  emit(`DEMO_ASSET ${options.demoAsset} partial=${first.partial} state=${first.state} `
    + `marks=${first.marks.map((m) => m.split(':')[0]).join(',')}`);
  await done.click();
  await page.waitForSelector('#asset-status[data-state="ended"]', { timeout: options.timeoutMs });
  const types = await page.$$eval('#asset-log li', (items) => items.map((li) => li.dataset.type));
  emit(`DEMO_FOLLOW ${asset} ${types.join(',')}`);
  printRequests('DEMO_REQUEST', requests, false);
  await page.close();
}

await runInChromium({ chromium: options.chromium, motionessPort: options.demoPort, timeoutMs: options.timeoutMs },
  async (context) => {
    await dashboardPhase(context);
    await demoPhase(context);
    await specExample(context, { pk: options.demoKey, assetId: options.demoAsset, timeoutMs: options.timeoutMs,
      quietMs: options.quietMs });
  });
