// End-to-end tests of the institution side (/instelling): the handler's inbox and a report,
// the dashboard, the audit log, against the real meldwijzer binary. Each flow runs at desktop
// (1280×800) and phone (360×640) width, with axe and a horizontal-scroll check on every view.
// Run from the repo root: node --test tools/e2e/institution.test.mjs
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, newPhone, shot, axe, EXIT_URL } from './harness.mjs';

let server;
let browser;

const ROC = 'roc-voorbeeldstad';
const TCD = 'techniek-college-denkbeeldig';

// fileReport files a report through the public API, as the phone UI does, and returns the answer.
async function fileReport(inst, body) {
  const res = await fetch(`${server.url}/api/v1/institutions/${inst}/reports`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
    body: JSON.stringify({ audience: 'student', lang: 'nl', where: 'school', ...body }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  // The dashboard's institution: 8 bullying reports, 2 about aggression, 1 sexual: the last two
  // are under k = 5 and hidden, and their sum (3) bounds each of them, so the page may say "< 5".
  for (let i = 0; i < 8; i++) await fileReport(TCD, { theme: 'pesten', description: `Pesten in de klas ${i}`, followUp: false });
  for (let i = 0; i < 2; i++) await fileReport(TCD, { theme: 'agressie', description: `Bedreiging ${i}`, followUp: false });
  await fileReport(TCD, { theme: 'seksueel', description: 'Naroepen op de gang', followUp: false });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 360, height: 640 },
];

// newDesk is newPhone without the touch emulation: a desktop browser that records the same problems.
async function newDesk({ width, height }) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, locale: 'nl-NL', reducedMotion: 'reduce' });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  const problems = [];
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (/^https?:$/.test(u.protocol) && u.hostname !== '127.0.0.1') problems.push('request to another host: ' + u.href);
  });
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console error: ' + m.text()); });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
  return { context, page, problems };
}

// browse opens a page at a size, runs fn, then checks that nothing left the machine, nothing
// logged an error, and every API call to the institution's data carried the Bearer token.
async function browse(size, fn, { failedLoadsExpected = false } = {}) {
  const p = size.name === 'phone' ? await newPhone(browser, size) : await newDesk(size);
  const requests = [];
  p.page.on('request', (r) => requests.push({ url: r.url(), auth: r.headers().authorization || '' }));
  try {
    await fn(p.page, p.context);
    // Tests that get a 401 or 403 on purpose allow the browser's "Failed to load resource" line.
    const problems = failedLoadsExpected ? p.problems.filter((m) => !/Failed to load resource/.test(m)) : p.problems;
    assert.deepEqual(problems, [], 'foreign requests, console errors or page errors');
    const foreign = requests.filter((r) => new URL(r.url).hostname !== '127.0.0.1' && !r.url.startsWith(EXIT_URL));
    assert.deepEqual(foreign, [], 'no request to another host');
    const staff = requests.filter((r) => /^\/api\/v1\/institutions\/[^/]+\/(reports|dashboard|audit)/.test(new URL(r.url).pathname));
    assert.ok(staff.length > 0);
    for (const r of staff) assert.match(r.auth, /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/, 'Bearer token on ' + r.url);
  } finally {
    await p.context.close();
  }
}

// check runs axe, asserts no horizontal scrolling, and saves a screenshot.
async function check(page, size, name) {
  await page.evaluate(() => document.fonts.ready);
  assert.deepEqual(await axe(page), [], `axe violations on ${name} at ${size.name}`);
  const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(sw <= iw, `${name} at ${size.name}: page is ${sw}px wide in a ${iw}px window`);
  await shot(page, `inst-${size.name}-${name}`, true);
}

async function demoSignIn(page, inst, role) {
  await page.goto(server.url + '/instelling');
  await page.locator('#demoForm').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#demoInst option').length > 1);
  await page.getByLabel('Instelling').selectOption(inst);
  await page.getByLabel(role === 'handler' ? /Vertrouwenspersoon \/ meldpunt/ : /Kwaliteit \/ bestuur/).check();
  await page.getByRole('button', { name: 'Aanmelden als demo' }).click();
}

describe('institution side', () => {
  for (const size of SIZES) {
    test(`handler at ${size.name}: inbox shows a new report, reply and take in progress reach the reporter`, async () => {
      const filed = await fileReport(ROC, {
        theme: 'pesten', when: 'week', followUp: true,
        description: `Iemand uit mijn klas stuurt steeds gemene berichten in de groepsapp (${size.name}).`,
      });
      assert.match(filed.receipt, /^\d{4}( \d{4}){4}$/);
      const quiet = await fileReport(ROC, { theme: 'agressie', description: 'Een man schreeuwde en dreigde bij de ingang.', followUp: false });
      const id = filed.report.id;

      await browse(size, async (page) => {
        await page.goto(server.url + '/instelling');
        await page.locator('#demoForm').waitFor();
        await page.waitForFunction(() => document.querySelectorAll('#demoInst option').length > 1);
        await check(page, size, '1-signin');

        await demoSignIn(page, ROC, 'handler');
        const card = page.locator('li.case', { has: page.locator(`a[href="#/melding/${id}"]`) });
        await card.waitFor();
        assert.match(await card.locator('.badge.new').innerText(), /^Nieuw$/);
        assert.match(await card.innerText(), /Pesten, ook online/);
        assert.match(await card.innerText(), /Op school/);
        assert.match(await card.innerText(), /Ontvangst bevestigen vóór/);
        assert.match(await page.locator('#whoInst').innerText(), /ROC Voorbeeldstad/);
        assert.match(await page.locator('#whoRole').innerText(), /Vertrouwenspersoon/);
        // The token is kept in memory only: not in sessionStorage, localStorage or a cookie.
        const store = await page.evaluate(() => ({ s: JSON.stringify({ ...sessionStorage }), l: localStorage.length, c: document.cookie }));
        assert.doesNotMatch(store.s, /ey[\w-]+\.ey/);
        assert.equal(store.l, 0);
        assert.equal(store.c, '');
        await check(page, size, '2-inbox');

        // open it
        await card.locator('a').click();
        await page.getByRole('heading', { level: 1, name: 'Pesten, ook online' }).waitFor();
        await page.locator('#rpDesc', { hasText: 'groepsapp' }).waitFor();
        assert.match(await page.locator('#facts').innerText(), /In de week voor de melding/);
        assert.equal(await page.locator('#replyText').isDisabled(), false);
        await check(page, size, '3-report');

        // reply: the answer takes the report in progress
        const answer = 'Dank je voor je melding. Ik ben de vertrouwenspersoon. Ik wil graag met je praten.';
        assert.ok(await page.getByRole('button', { name: 'In behandeling nemen' }).isVisible());
        await page.getByLabel('Antwoord aan de melder').fill(answer);
        await page.getByRole('button', { name: 'Stuur antwoord' }).click();
        await page.locator('#thread .msg.inst', { hasText: 'graag met je praten' }).waitFor();
        assert.equal(await page.locator('#replyText').inputValue(), '');
        await page.locator('#stNow', { hasText: 'In behandeling' }).waitFor();
        assert.equal(await page.getByRole('button', { name: 'In behandeling nemen' }).count(), 0);
        await check(page, size, '4-report-in-progress');

        // the reporter sees the answer and the status
        const self = await fetch(server.url + '/api/v1/reports/self', { headers: { Authorization: 'Receipt ' + filed.receipt } });
        assert.equal(self.status, 200);
        const body = await self.json();
        assert.equal(body.report.status, 'in_progress');
        assert.ok(body.messages.some((m) => m.from === 'institution' && m.text === answer), JSON.stringify(body.messages));

        // a report without follow-up: no reply box; closing asks first and explains retention
        await page.goto(server.url + `/instelling#/melding/${quiet.report.id}`);
        await page.getByRole('heading', { level: 1, name: 'Agressie, geweld of bedreiging' }).waitFor();
        await page.locator('#rpDesc', { hasText: 'ingang' }).waitFor();
        assert.ok(await page.locator('#noFollow').isVisible());
        assert.ok(await page.locator('#replyText').isDisabled());
        await page.getByRole('button', { name: 'Afsluiten' }).click();
        const dialog = page.getByRole('dialog', { name: 'Melding afsluiten?' });
        await dialog.waitFor();
        assert.match(await dialog.innerText(), /12 maanden/);
        await check(page, size, '5-close-confirm');
        await dialog.getByRole('button', { name: 'Ja, afsluiten' }).click();
        await page.locator('#stNow', { hasText: 'Afgesloten' }).waitFor();
        assert.match(await page.locator('#facts').innerText(), /Tekst wordt gewist op/);
        assert.ok(await page.getByRole('button', { name: 'Heropenen' }).isVisible());

        // the closed tab lists it; the audit log shows the work done
        await page.getByRole('link', { name: 'Terug naar meldingen' }).click();
        await page.getByRole('button', { name: 'Afgesloten' }).click();
        await page.locator(`a[href="#/melding/${quiet.report.id}"]`).waitFor();
        await page.getByRole('link', { name: 'Logboek' }).click();
        await page.locator('#auRows tr', { hasText: 'Antwoord gestuurd' }).first().waitFor();
        assert.match(await page.locator('#auRows').innerText(), /Status veranderd: In behandeling/);
        await check(page, size, '6-audit');

        // sign out clears the token: the API is no longer called with it
        await page.getByRole('button', { name: 'Afmelden' }).click();
        await page.getByRole('heading', { name: 'Aanmelden voor medewerkers' }).waitFor();
        assert.equal(await page.locator('#whoInst').innerText(), '');
      });
    });

    test(`handler at ${size.name}: dashboard with this month's counts, tables, suppressed cells and CSV`, async () => {
      await browse(size, async (page) => {
        // Counts of the current month and open cases are a handler's (docs/api.md): a viewer
        // sees whole past months only.
        await demoSignIn(page, TCD, 'handler');
        await page.locator('#cases').waitFor();
        await page.goto(server.url + '/instelling#/dashboard');
        await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
        await page.locator('#stats li').first().waitFor();
        const stats = await page.locator('#stats').innerText();
        assert.match(stats, /11\s+Meldingen in deze periode/);
        assert.match(stats, /11\s+Open meldingen nu/);
        // five charts, each with its data table
        assert.equal(await page.locator('#charts section.chart').count(), 5);
        assert.equal(await page.locator('#charts section.chart svg').count(), 5);
        assert.equal(await page.locator('#charts table').count(), 5);
        const theme = page.locator('#charts section.chart', { has: page.getByRole('heading', { name: 'Per onderwerp' }) });
        const row = (name) => theme.locator('tbody tr', { has: page.getByRole('rowheader', { name }) }).locator('td');
        assert.equal(await row('Pesten, ook online').innerText(), '8');
        assert.equal(await row('Agressie, geweld of bedreiging').innerText(), '< 5');
        assert.equal(await row('Seksueel grensoverschrijdend gedrag').innerText(), '< 5');
        assert.equal(await row('Stagemisbruik').innerText(), '0');
        assert.match(await page.locator('#supNote').innerText(), /Kleine aantallen worden niet getoond, om melders te beschermen/);
        // the month chart's table holds this month's total
        const months = page.locator('#charts section.chart', { has: page.getByRole('heading', { name: 'Meldingen per maand' }) });
        assert.equal(await months.locator('tbody tr').count(), 12);
        assert.equal(await months.locator('tbody tr').last().locator('td').innerText(), '11');
        await check(page, size, '7-dashboard');

        // CSV through fetch with the Bearer header, saved as a Blob download
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
        assert.match(download.suggestedFilename(), /^meldwijzer-techniek-college-denkbeeldig-\d{4}-\d{2}-\d{4}-\d{2}\.csv$/);
        const csv = readFileSync(await download.path(), 'utf8');
        assert.ok(csv.startsWith('month,dimension,value,count,suppressed'), csv.slice(0, 80));
        assert.match(csv, /all,theme,pesten,8,false/);
        assert.match(csv, /all,theme,agressie,,true/);
      });
    });

    test(`viewer at ${size.name}: dashboard of whole past months without case counts; no inbox`, async () => {
      await browse(size, async (page) => {
        await demoSignIn(page, TCD, 'viewer');
        await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
        await page.locator('#stats li').first().waitFor();
        // This month's eleven reports are not shown to a viewer until the month ends, and open
        // and overdue counts are not a viewer's.
        const stats = await page.locator('#stats').innerText();
        assert.match(stats, /0\s+Meldingen in deze periode/);
        assert.doesNotMatch(stats, /Open meldingen nu/);
        const months = page.locator('#charts section.chart', { has: page.getByRole('heading', { name: 'Meldingen per maand' }) });
        assert.equal(await months.locator('tbody tr').count(), 12);
        const now = new Date();
        const lastMonth = new Date(now.getFullYear(), now.getMonth() - 1, 15).toLocaleDateString('nl-NL', { month: 'long', year: 'numeric' });
        assert.equal(await months.locator('tbody tr').last().locator('th').innerText(), lastMonth);
        assert.equal(await months.locator('tbody tr').last().locator('td').innerText(), '0');
        // viewers have no inbox
        assert.equal(await page.getByRole('link', { name: 'Meldingen' }).count(), 0);
        assert.ok(await page.getByRole('link', { name: 'Dashboard' }).isVisible());
        await check(page, size, '7-dashboard');

        // another period: a bad one is refused in the page; a good one reloads
        await page.getByLabel('Van maand').fill('2020-01');
        await page.getByRole('button', { name: 'Toon', exact: true }).click();
        assert.match(await page.locator('#dbAlert').innerText(), /hoogstens 36 maanden/);
        assert.equal(await page.getByLabel('Van maand').getAttribute('aria-invalid'), 'true');
        const to = await page.getByLabel('Tot en met maand').inputValue();
        await page.getByLabel('Van maand').fill(to);
        await page.getByRole('button', { name: 'Toon', exact: true }).click();
        await page.locator('#dbAlert').waitFor({ state: 'hidden' });
        // Wait for the new period's render: the month chart's table then has one row (the old
        // render's twelve rows may still be on screen for a moment on a busy machine).
        await page.waitForFunction(() => document.querySelector('#charts section.chart tbody')?.rows.length === 1);
        assert.equal(await page.locator('#charts section.chart').first().locator('tbody tr').count(), 1);

        // the inbox address itself says "Geen toegang" (the server refuses too)
        await page.goto(server.url + '/instelling#/meldingen');
        await page.getByRole('heading', { level: 1, name: 'Geen toegang' }).waitFor();
        const tok = (await (await fetch(server.url + '/api/v1/local/signin', {
          method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ institution: TCD, role: 'viewer' }),
        })).json()).token;
        const status = (await fetch(`${server.url}/api/v1/institutions/${TCD}/reports?status=open`, { headers: { Authorization: 'Bearer ' + tok } })).status;
        assert.equal(status, 403);

        // English
        await page.getByRole('link', { name: 'Naar het dashboard' }).click();
        await page.locator('#stats li').first().waitFor();
        await page.getByRole('button', { name: 'English' }).click();
        await page.getByRole('heading', { name: 'Reports per month' }).waitFor();
        assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
        assert.match(await page.locator('#whoRole').innerText(), /Quality staff \/ board/);
        await check(page, size, '8-dashboard-en');

        // the audit log is open to viewers
        await page.getByRole('link', { name: 'Audit log' }).click();
        await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
      }, { failedLoadsExpected: true });
    });
  }

  test('a pasted token signs in; a broken or expired one is refused; a rejected token goes back to sign-in', async () => {
    await browse(SIZES[1], async (page) => {
      await page.goto(server.url + '/instelling');
      const res = await fetch(server.url + '/api/v1/local/signin', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ institution: ROC, role: 'viewer' }),
      });
      const { token } = await res.json();
      await page.getByLabel('Token', { exact: true }).fill('not a token');
      await page.getByRole('button', { name: 'Aanmelden', exact: true }).click();
      assert.match(await page.locator('#siAlert').innerText(), /geen geldig token/);
      const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
      await page.getByLabel('Token', { exact: true }).fill(`${b64({ alg: 'none' })}.${b64({ institution: ROC, role: 'viewer', exp: 1000 })}.x`);
      await page.getByRole('button', { name: 'Aanmelden', exact: true }).click();
      assert.match(await page.locator('#siAlert').innerText(), /verlopen/);
      await page.getByLabel('Token', { exact: true }).fill('Bearer ' + token);
      await page.getByRole('button', { name: 'Aanmelden', exact: true }).click();
      await page.locator('#stats li').first().waitFor();
      assert.match(await page.locator('#whoRole').innerText(), /Kwaliteit \/ bestuur/);
      // A token the server does not accept (forged signature, future expiry) ends on the sign-in page.
      const forged = `${b64({ alg: 'HS256' })}.${b64({ institution: ROC, role: 'handler', exp: 4102444800 })}.c2ln`;
      await page.getByRole('button', { name: 'Afmelden' }).click();
      await page.getByLabel('Token', { exact: true }).fill(forged);
      await page.getByRole('button', { name: 'Aanmelden', exact: true }).click();
      await page.getByRole('heading', { name: 'Aanmelden voor medewerkers' }).waitFor();
      await page.locator('#siAlert', { hasText: 'Meld je opnieuw aan' }).waitFor();
    }, { failedLoadsExpected: true });
  });
});
