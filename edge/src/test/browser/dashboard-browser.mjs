// Drives Debian's Chromium headless (playwright-core, no downloaded browser) for DashboardBrowserTest.
// It reports what the browser saw, one line per fact on stdout; the Java test decides what is right.
//
//   node dashboard-browser.mjs '<json>'   with
//   { "chromium": "/usr/bin/chromium",
//     "dashboardUrl": "http://127.0.0.1:<port>/dashboard/?project=demo&key=...&asset=...",
//     "asset": "<the asset the dashboard follows>",
//     "demoPort": <port of an edge running the demo>, "demoKey": "...", "demoAsset": "demo-asset-1",
//     "quietMs": 1500, "timeoutMs": 60000 }
//
// Phase 1, the dashboard against an edge whose events the test publishes: prints WATCHING once both
// streams are open (the test then publishes), waits for `ready` in the asset's list and in the feed,
// waits quietMs more, then prints TIMELINE / FEED / CARD / REQUEST / STATUS lines.
// Phase 2, against the demo behind a local TLS terminator that Chromium reaches as motioness.com
// (--host-resolver-rules): the dashboard at https://motioness.com/dashboard/?project=demo with no
// sign-in (DEMO_CARD, DEMO_FOLLOW lines), then the spec's "Subscribe" example, unchanged, in a
// customer's page on another origin (SPEC_CONSOLE, SPEC_REQUEST lines). Ends with DONE, or FAIL <why> and exit code 1.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const options = JSON.parse(process.argv[2]);
const emit = (line) => console.log(line);
const scratch = mkdtempSync(join(tmpdir(), 'motioness-browser-'));
const CUSTOMER = 'app.customer.test';

/** A self-signed certificate for motioness.com, made now (nothing secret is kept in the repository). */
function certificate() {
  const key = join(scratch, 'key.pem');
  const cert = join(scratch, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
    '-days', '1', '-subj', '/CN=motioness.com', '-addext', `subjectAltName=DNS:motioness.com,DNS:${CUSTOMER}`],
  { stdio: 'ignore' });
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

/**
 * HTTPS on a free loopback port for two names: motioness.com, passed through to the demo edge as it
 * streams, and a customer's site, an empty page where the spec's example runs. The example needs a
 * secure context: Chromium's Private Network Access blocks a non-secure page (about:blank) from
 * reaching a loopback address, which motioness.com is here.
 */
function tlsTerminator(edgePort) {
  const server = https.createServer(certificate(), (req, res) => {
    if (req.headers.host?.startsWith(CUSTOMER)) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>A customer of Motioness</title>');
      return;
    }
    const upstream = http.request({ host: '127.0.0.1', port: edgePort, method: req.method, path: req.url,
      headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * Records every EventSource request of a page: URL, Last-Event-ID sent, status answered, and
 * whether it was made after `entries.late` was set.
 */
function recordStreams(page) {
  const entries = [];
  entries.late = false;
  const byRequest = new Map();
  page.on('request', (request) => {
    if (request.resourceType() !== 'eventsource') return;
    const entry = { url: request.url(), lastEventId: null, status: 0, late: entries.late };
    entries.push(entry);
    byRequest.set(request, entry);
    request.allHeaders().then((headers) => { entry.lastEventId = headers['last-event-id'] ?? null; }, () => {});
  });
  page.on('response', (response) => {
    const entry = byRequest.get(response.request());
    if (entry) entry.status = response.status();
  });
  return entries;
}

function printRequests(prefix, entries, withLate) {
  for (const e of entries) {
    const late = withLate ? ` ${e.late ? 1 : 0}` : '';
    emit(`${prefix} ${e.status} ${e.lastEventId ?? '-'}${late} ${new URL(e.url).pathname}`);
  }
}

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
  await page.waitForSelector('#feed li[data-type="ready"]', { timeout: options.timeoutMs });
  // No request for the asset may follow: the page closed its EventSource at `ready`. The window is
  // several times the edge's retry: a reconnecting EventSource would have asked again within it.
  await page.waitForTimeout(options.quietMs);
  const list = (selector) => page.$$eval(selector, (items) => items.map((li) => `${li.dataset.id} ${li.dataset.type}`));
  for (const line of await list('#asset-log li')) emit(`TIMELINE ${line}`);
  for (const line of (await list('#feed li')).reverse()) emit(`FEED ${line}`);
  const card = await page.$eval(`.card[data-asset="${options.asset}"]`, (el) => ({
    state: el.dataset.state, retries: el.dataset.retries, errors: el.dataset.errors,
    steps: [...el.querySelectorAll('tr')].map((tr) => `${tr.dataset.step}:${tr.dataset.status}:${tr.dataset.latency ?? ''}`),
    text: el.textContent,
  }));
  emit(`CARD state=${card.state} retries=${card.retries} errors=${card.errors} steps=${card.steps.join(',')}`);
  emit(`CARD_TEXT ${card.text}`);
  for (const id of ['activity-status', 'asset-status']) {
    const status = await page.$eval(`#${id}`, (el) => `${el.dataset.state} ${el.dataset.opens}`);
    emit(`STATUS ${id} ${status}`);
  }
  printRequests('REQUEST', requests, true);
  await page.close();
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
  await done.click();
  await page.waitForSelector('#asset-status[data-state="ended"]', { timeout: options.timeoutMs });
  const types = await page.$$eval('#asset-log li', (items) => items.map((li) => li.dataset.type));
  emit(`DEMO_FOLLOW ${asset} ${types.join(',')}`);
  printRequests('DEMO_REQUEST', requests, false);
  await page.close();
}

async function specPhase(context) {
  const page = await context.newPage();
  const requests = recordStreams(page);
  const output = [];
  page.on('console', (message) => output.push(`${message.type()} ${message.text()}`));
  page.on('pageerror', (error) => output.push(`pageerror ${error.message}`));
  await page.goto(`https://${CUSTOMER}/`);
  // The example leaves PK and ASSET_ID to the reader; defining them is all that is added.
  const example = readFileSync(new URL('./spec-subscribe-example.js', import.meta.url), 'utf8');
  await page.addScriptTag({ content: `const PK = ${JSON.stringify(options.demoKey)};\n`
    + `const ASSET_ID = ${JSON.stringify(options.demoAsset)};\n${example}` });
  const deadline = Date.now() + options.timeoutMs;
  while (!output.some((line) => line === 'log mp4 hot' || line.startsWith('error ')) && Date.now() < deadline) {
    await page.waitForTimeout(50);
  }
  const atEnd = requests.length;
  await page.waitForTimeout(options.quietMs);
  emit(`SPEC_REQUESTS_AT_END ${atEnd}`);
  for (const line of output) emit(`SPEC_CONSOLE ${line}`);
  for (const e of requests) emit(`SPEC_REQUEST ${e.status} ${e.url}`);
  await page.close();
}

let context;
let proxy;
// The test stops the script with SIGTERM when it has failed: close Chromium and clean up first.
process.on('SIGTERM', async () => {
  await context?.close().catch(() => {});
  rmSync(scratch, { recursive: true, force: true });
  process.exit(143);
});
const watchdog = setTimeout(() => {
  emit('FAIL timed out');
  process.exit(1);
}, options.timeoutMs * 3);
try {
  proxy = await tlsTerminator(options.demoPort);
  context = await chromium.launchPersistentContext(join(scratch, 'profile'), {
    executablePath: options.chromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--host-resolver-rules=MAP motioness.com 127.0.0.1:${proxy.address().port},`
        + `MAP ${CUSTOMER} 127.0.0.1:${proxy.address().port}`, '--ignore-certificate-errors'],
  });
  await dashboardPhase(context);
  await demoPhase(context);
  await specPhase(context);
  emit('DONE');
} catch (error) {
  emit(`FAIL ${String(error.stack || error).replace(/\n/g, ' | ')}`);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await context?.close().catch(() => {});
  proxy?.closeAllConnections();
  proxy?.close();
  rmSync(scratch, { recursive: true, force: true });
}
