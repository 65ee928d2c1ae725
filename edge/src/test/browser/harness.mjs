// Shared by the browser scripts (dashboard-browser.mjs, event-source-browser.mjs): Debian's Chromium,
// headless, through playwright-core (which downloads no browser), with https://motioness.com served
// by a local TLS terminator in front of an edge, and a record of every EventSource request a page
// makes. The scripts report what the browser saw, one line per fact on stdout; the Java tests judge.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The customer's site where the spec's example runs: another origin than motioness.com. */
export const CUSTOMER = 'app.customer.test';
/** The closed enum of event types, as `event:` names them. */
export const TYPES = ['queued', 'vision_started', 'vision_completed', 'vision_failed', 'stage_started',
  'stage_completed', 'stage_failed', 'retry_scheduled', 'r2_write_completed', 'webhook_dispatched',
  'webhook_delivered', 'webhook_failed', 'webhook_dead_letter', 'ready', 'failed', 'cancelled'];

export const emit = (line) => console.log(line);

/** A self-signed certificate for motioness.com, made now (nothing secret is kept in the repository). */
function certificate(scratch) {
  const key = join(scratch, 'key.pem');
  const cert = join(scratch, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
    '-days', '1', '-subj', '/CN=motioness.com', '-addext', `subjectAltName=DNS:motioness.com,DNS:${CUSTOMER}`],
  { stdio: 'ignore' });
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

/**
 * HTTPS on a free loopback port for two names: motioness.com, passed through to the edge as it
 * streams, and a customer's site, an empty page where the spec's example runs. The example needs a
 * secure context: Chromium's Private Network Access blocks a non-secure page (about:blank) from
 * reaching a loopback address, which motioness.com is here.
 */
function tlsTerminator(scratch, edgePort) {
  const server = https.createServer(certificate(scratch), (req, res) => {
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
export function recordStreams(page) {
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

/** One line per request: `<prefix> <status> <Last-Event-ID or ->[ <late 0|1>] <path>`. */
export function printRequests(prefix, entries, withLate) {
  for (const e of entries) {
    const late = withLate ? ` ${e.late ? 1 : 0}` : '';
    emit(`${prefix} ${e.status} ${e.lastEventId ?? '-'}${late} ${new URL(e.url).pathname}`);
  }
}

/**
 * The spec's "Subscribe" example, unchanged, in a customer's page: waits until its EventSource is
 * closed, then quietMs more, in which a reconnect would show. Prints SPEC_REQUESTS_AT_END (requests
 * made until it closed), SPEC_CONSOLE (the page's console, in order) and SPEC_REQUEST lines
 * (status, Last-Event-ID or -, URL).
 */
export async function specExample(context, { pk, assetId, timeoutMs, quietMs }) {
  const page = await context.newPage();
  const requests = recordStreams(page);
  const output = [];
  page.on('console', (message) => output.push(`${message.type()} ${message.text()}`));
  page.on('pageerror', (error) => output.push(`pageerror ${error.message}`));
  await page.goto(`https://${CUSTOMER}/`);
  // The example leaves PK and ASSET_ID to the reader; defining them is all that is added.
  const example = readFileSync(new URL('./spec-subscribe-example.js', import.meta.url), 'utf8');
  await page.addScriptTag({ content: `const PK = ${JSON.stringify(pk)};\n`
    + `const ASSET_ID = ${JSON.stringify(assetId)};\n${example}` });
  // Until the example's `es` is closed: by the example at ready or failed, or by the browser after
  // an answer that is not a stream (which EventSource never retries).
  const deadline = Date.now() + timeoutMs;
  while (!await page.evaluate(() => es.readyState === EventSource.CLOSED) && Date.now() < deadline) {
    await page.waitForTimeout(20);
  }
  const atEnd = requests.length;
  await page.waitForTimeout(quietMs);
  emit(`SPEC_REQUESTS_AT_END ${atEnd}`);
  for (const line of output) emit(`SPEC_CONSOLE ${line}`);
  for (const e of requests) emit(`SPEC_REQUEST ${e.status} ${e.lastEventId ?? '-'} ${e.url}`);
  await page.close();
}

/**
 * Runs `phases(context)` in headless Chromium, with https://motioness.com (and the customer's site)
 * resolved to a TLS terminator in front of the edge on `motionessPort`. Prints DONE, or FAIL <why>
 * and exits 1; on SIGTERM (the test gave up) closes Chromium and removes its profile first.
 */
export async function runInChromium({ chromium: executablePath, motionessPort, timeoutMs }, phases) {
  const scratch = mkdtempSync(join(tmpdir(), 'motioness-browser-'));
  let context;
  let proxy;
  process.on('SIGTERM', async () => {
    await context?.close().catch(() => {});
    rmSync(scratch, { recursive: true, force: true });
    process.exit(143);
  });
  const watchdog = setTimeout(() => {
    emit('FAIL timed out');
    process.exit(1);
  }, timeoutMs * 3);
  try {
    proxy = await tlsTerminator(scratch, motionessPort);
    context = await chromium.launchPersistentContext(join(scratch, 'profile'), {
      executablePath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        `--host-resolver-rules=MAP motioness.com 127.0.0.1:${proxy.address().port},`
          + `MAP ${CUSTOMER} 127.0.0.1:${proxy.address().port}`, '--ignore-certificate-errors'],
    });
    await phases(context);
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
}
