// Shared set-up for the phone UI end-to-end tests: starts the real meldwijzer binary on a free port
// and Debian's chromium through playwright-core. No browser is downloaded; there is no network.
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const { default: AxeBuilder } = await import('@axe-core/playwright');
// @axe-core/playwright 4.13.0 bundles its own axe-core ~4.13; run the pinned axe-core 4.14.1 instead.
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const axeVersion = require('axe-core/package.json').version;

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const shotDir = path.join(here, 'screenshots');
export const EXIT_URL = 'https://www.google.nl/';

// startServer runs `meldwijzer serve -demo -demo-data=false -addr 127.0.0.1:0 -data <tmp>` (the demo
// institutions and sign-in, without the seeded reports; extraArgs are added) and reads the port from the
// JSON log line {"msg":"listening","addr":"127.0.0.1:PORT"} on stderr.
// With demoData, the demo institutions get their twelve months of fictitious reports too.
export async function startServer({ demoData = false, extraArgs = [] } = {}) {
  const bin = path.resolve(repoRoot, process.env.MELDWIJZER_BIN || 'build/meldwijzer');
  const data = mkdtempSync(path.join(tmpdir(), 'meldwijzer-e2e-'));
  const proc = spawn(bin, ['serve', '-demo', '-demo-data=' + demoData, '-addr', '127.0.0.1:0', '-data', data, ...extraArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not log "listening" within 20 s:\n' + stderr)), 20000);
    proc.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${bin} (build it with \`go build -o build/meldwijzer ./cmd/meldwijzer\` or set MELDWIJZER_BIN): ${e.message}`));
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${stderr}`)); });
    let buf = '';
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk) => {
      stderr += chunk;
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const rec = JSON.parse(line);
          if (rec.msg === 'listening' && rec.addr) { clearTimeout(timer); resolve('http://' + rec.addr); }
        } catch (_) { /* not a JSON line */ }
      }
    });
  });
  proc.removeAllListeners('exit');
  return {
    url,
    async stop() {
      if (proc.exitCode === null) {
        const gone = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      rmSync(data, { recursive: true, force: true });
    },
  };
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// newPhone opens a fresh phone-sized context (own sessionStorage) and a page that records every
// request to another host, every console error and every page error, so a test can assert none.
export async function newPhone(browser, { width = 360, height = 640, locale = 'nl-NL' } = {}) {
  const context = await browser.newContext({
    viewport: { width, height }, isMobile: true, hasTouch: true, deviceScaleFactor: 1,
    locale, reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  const problems = [];
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (!/^https?:$/.test(u.protocol)) return;
    if (u.hostname === '127.0.0.1') return;
    if (u.href.startsWith(EXIT_URL)) return; // fulfilled below by the stub; never leaves the machine
    problems.push('request to another host: ' + u.href);
  });
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console error: ' + m.text()); });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  // Nothing may leave the machine: abort every foreign request, serve a stub for the quick-exit target.
  await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
  await page.route(EXIT_URL + '**', (route) => route.fulfill({
    status: 200, contentType: 'text/html', body: '<!doctype html><title>Google</title><p>stub search page</p>',
  }));
  return { context, page, problems };
}

export async function shot(page, name, fullPage = false) {
  mkdirSync(shotDir, { recursive: true });
  await page.screenshot({ path: path.join(shotDir, name + '.png'), fullPage });
  // A full-page screenshot resets Chromium's font sizes: set them again.
  if (fullPage && keep.has(page)) await textSize(page, keep.get(page).pct);
}

export async function axe(page) {
  const res = await new AxeBuilder({ page, axeSource }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  if (res.testEngine?.version !== axeVersion) throw new Error(`ran axe ${res.testEngine?.version}, want ${axeVersion}`);
  return res.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ` +
    v.nodes.map((n) => n.target.join(' ') + ' — ' + n.failureSummary.replace(/\n/g, ' ')).join('\n    '));
}

// Waits until the conversation shows a guide message that is not the waiting dots.
export async function settled(page) {
  await page.waitForFunction(() => !document.querySelector('#log[aria-busy]') && !document.querySelector('#log .typing'));
}

// textSize sets the browser's default font size to pct % of 16 px, as a person does in the browser's or
// phone's text settings (Chromium's Page.setFontSizes): rem-based text grows, the viewport stays.
const keep = new Map();
export async function textSize(page, pct) {
  let cdp = keep.get(page)?.cdp;
  if (!cdp) cdp = await page.context().newCDPSession(page);
  keep.set(page, { cdp, pct }); // a session that is collected detaches, and the override goes with it
  const px = Math.round(16 * pct / 100);
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: px, fixed: Math.round(13 * pct / 100) } });
  await page.waitForFunction((want) => parseFloat(getComputedStyle(document.documentElement).fontSize) === want, px);
}

// onPhone opens a fresh phone (newPhone), runs fn(page, { context, problems, urls }) and then
// checks that nothing left the machine and nothing logged an error. Tests that make requests fail
// on purpose (failedLoadsExpected) allow the browser's "Failed to load resource" line.
export async function onPhone(browser, opts, fn) {
  const p = await newPhone(browser, opts);
  const urls = [];
  p.page.on('request', (r) => urls.push(r.url()));
  try {
    await fn(p.page, { ...p, urls });
    const problems = opts.failedLoadsExpected ? p.problems.filter((m) => !/Failed to load resource/.test(m)) : p.problems;
    assert.deepEqual(problems, [], 'foreign requests, console errors or page errors');
  } finally {
    await p.context.close();
  }
}

// option is an answer button of the conversation's current question.
export const option = (page, name) => page.locator('#log .opts').getByRole('button', { name });

// setup starts the server and Debian's chromium before a file's tests and stops both after them;
// ready receives them once they run.
export function setup(ready) {
  let server;
  let browser;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ready(server, browser);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
}
