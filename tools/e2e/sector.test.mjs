// End-to-end test of the sector page (/instelling/sector.html) against the real meldwijzer binary
// with the demo's fictitious reports: the demo sector account signs in and sees the national and
// regional tables, hidden cells marked "–" with the explanation, at 360 px, axe clean.
// Run from the repo root: node --test tools/e2e/sector.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPhone, shot, axe } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ demoData: true });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the demo sector account sees the national table with hidden cells marked', async () => {
  const { context, page, problems } = await newPhone(browser);
  try {
    // From the staff sign-in, one link to the sector page.
    await page.goto(server.url + '/instelling/');
    await page.getByRole('link', { name: /sectoroverzicht/i }).click();
    await page.waitForURL(/\/instelling\/sector\.html$/);
    await page.getByRole('button', { name: 'Aanmelden als sector (demo)' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sectoroverzicht' }).waitFor();
    await page.locator('#national table').first().waitFor();
    // The token is in memory only, as on the staff pages: no storage holds it.
    const kept = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }) + document.cookie);
    assert.doesNotMatch(kept, /eyJ/, 'a token in storage: ' + kept);

    const intro = await page.locator('#scIntro').textContent();
    assert.match(intro, /9 scholen/, intro);
    const note = await page.locator('#supNote').textContent();
    assert.match(note, /– betekent: verborgen/);
    assert.match(note, /minstens 5 meldingen van minstens 3 scholen/);

    // The national tables show numbers and hidden cells; a hidden cell reads "verborgen" to a screen reader.
    const national = page.locator('#national');
    const shown = await national.locator('td.n:not(.hid)').count();
    const hidden = await national.locator('td.hid').count();
    assert.ok(shown > 0, 'no national number is shown');
    assert.ok(hidden > 0, 'no national cell is hidden');
    assert.equal((await national.locator('td.hid').first().innerText()).trim().split('\n')[0], '–');
    assert.equal(await national.locator('td.hid .sr').first().textContent(), 'verborgen');

    // The four finished quarters before this one and the whole period; never the current quarter.
    const now = new Date();
    const current = `K${Math.floor(now.getMonth() / 3) + 1} ${now.getFullYear()}`;
    const quarters = await national.locator('table').first().locator('tbody th').allTextContents();
    assert.equal(quarters.length, 5, quarters.join(', '));
    assert.ok(!quarters.includes(current), `the current quarter ${current} is shown`);
    assert.match(quarters[0], /^K[1-4] \d{4}$/);

    // Three fictitious regions of three schools each.
    const heads = await page.locator('#regional table').first().locator('thead th').allTextContents();
    assert.deepEqual(heads.slice(1), ['demo-midden (3 scholen)', 'demo-noord (3 scholen)', 'demo-zuid (3 scholen)']);

    // Nothing is wider than the phone, and axe finds nothing.
    // (A phone widens its layout viewport to fit what overflows: innerWidth must stay 360.)
    const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(sw <= 360 && iw === 360, `the page is ${sw} px wide in a ${iw} px viewport at 360 px`);
    assert.deepEqual(await axe(page), []);
    await shot(page, 'sector-phone', true);

    // In English too.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sector overview' }).waitFor();
    await page.locator('#national td.hid .sr', { hasText: 'hidden' }).first().waitFor();
    assert.deepEqual(await axe(page), []);

    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a school account gets no sector figures', async () => {
  const res = await fetch(server.url + '/api/v1/local/signin', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ institution: 'roc-voorbeeldstad', role: 'viewer' }),
  });
  const { token } = await res.json();
  const sector = await fetch(server.url + '/api/v1/sector/dashboard', { headers: { Authorization: 'Bearer ' + token } });
  assert.equal(sector.status, 403);
});
