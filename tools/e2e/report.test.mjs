// End-to-end tests of the meldpunt in the phone UI: the report form, sending through a flaky
// connection, the receipt, and "Mijn melding bekijken". Run from the repo root: node --test tools/e2e/
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setup, shot, axe, settled, EXIT_URL, onPhone, option } from './harness.mjs';

let server;
let browser;
setup((s, b) => { server = s; browser = b; });

const RECEIPT = /^\d{4}( \d{4}){4}$/; // 20 digits, grouped in fours as the API gives them
const REPORTS = '**/api/v1/institutions/*/reports';

// phone opens a page, runs fn, then checks that nothing left the machine and nothing logged an error.
// Every request URL is kept, so a test can check that a receipt never appears in one.
const phone = (opts, fn) => onPhone(browser, opts, fn);


// A student picks the first demo school and taps through to the route page of a theme.
async function toRoutePage(page, theme = /^Pesten/, where = /^Op school$/) {
  await page.goto(server.url + '/');
  await page.getByRole('button', { name: 'Ik ben student' }).tap();
  const sel = page.getByLabel(/Op welke school/);
  await page.waitForFunction(() => document.querySelectorAll('#school option').length > 1);
  await sel.selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Verder' }).tap();
  await settled(page);
  for (const name of [theme, where, /^Nee/, /Wat kan ik doen/]) {
    if (await page.locator('#log .card').count()) break;
    await option(page, name).first().waitFor();
    await option(page, name).first().tap();
    await settled(page);
  }
  await page.locator('#log .card').first().waitFor();
}

async function openForm(page) {
  await page.locator('#log').getByRole('button', { name: 'Anoniem melden' }).tap();
  await page.getByRole('heading', { level: 1, name: 'Anoniem melden' }).waitFor();
}

const storage = (page) => page.evaluate(() => JSON.stringify(Object.entries(sessionStorage)));
const draft = (page) => page.evaluate(() => JSON.parse(sessionStorage.getItem('meldwijzer.draft') || 'null'));
const digits = (s) => s.replace(/\D/g, '');
// receiptOf waits for the receipt screen and returns the code shown on it.
async function receiptOf(page, timeout) {
  await page.locator('#rcpt').filter({ hasText: /\d/ }).waitFor({ timeout });
  return (await page.locator('#rcpt').innerText()).trim();
}

async function noHScroll(page, where) {
  const [sw, cw] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(sw <= cw, `${where}: scrollWidth ${sw} > ${cw}`);
}

describe('meldpunt', () => {
  test('route page → pre-filled form → receipt → copy → view my report and write back', async () => {
    await phone({}, async (page, { context, urls }) => {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      await toRoutePage(page);
      await openForm(page);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'rTitle', 'focus on the form heading');
      // pre-filled from the conversation, the school is known
      assert.equal(await page.getByLabel('Waar gaat het over?').inputValue(), 'pesten');
      assert.equal(await page.getByLabel('Waar gebeurde het?').inputValue(), 'school');
      assert.match(await page.locator('#rFor').innerText(), /Je melding gaat naar:\s*ROC Voorbeeldstad/);
      assert.equal(await page.locator('#rInst').isVisible(), false, 'no school question when the school is known');
      assert.equal(await page.getByRole('group', { name: /anders behandeld/ }).count(), 0, 'no grounds for pesten');
      assert.ok(await page.getByRole('radio', { name: /^Ja/ }).isChecked(), 'an answer is wanted by default');
      for (const text of [/alleen wat je hier typt en kiest/, /De vertrouwenspersoon of het meldpunt van je school leest het\. Meestal blijft het daar/,
        /12 maanden/, /geen IP-adres en geen cookies/]) {
        assert.ok(await page.locator('.privacy').getByText(text).isVisible(), `privacy: ${text}`);
      }
      assert.equal(await page.locator('#report').getByText(/naam/i).filter({ has: page.locator('input') }).count(), 0);
      await shot(page, '20-report-form');
      await shot(page, '20-report-form-full', true);

      // a missing description is an error tied to the field, with focus on it
      await page.getByRole('button', { name: 'Verstuur melding' }).tap();
      const box = page.getByLabel('Wat is er gebeurd?');
      assert.equal(await box.getAttribute('aria-invalid'), 'true');
      assert.match(await box.getAttribute('aria-describedby'), /\beText\b/);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'rSum', 'focus on the error summary at the top');
      await page.locator('#rSum').getByRole('link', { name: 'Schrijf kort wat er is gebeurd.' }).tap();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'rText', 'its link goes to the field');
      assert.ok(await page.locator('#eText').getByText('Schrijf kort wat er is gebeurd.').isVisible());
      await shot(page, '21-report-form-error');

      const text = 'In de groepsapp van mijn klas lachen ze me steeds uit.';
      await box.fill(text);
      assert.equal(await page.locator('#cText').innerText(), `${text.length} van de 5000 tekens`);
      await page.getByRole('radio', { name: 'Deze week' }).check();
      assert.ok(await page.evaluate(() => sessionStorage.getItem('meldwijzer.draft')?.includes('groepsapp')), 'draft kept');

      const request = page.waitForRequest((r) => r.method() === 'POST' && /\/reports$/.test(r.url()));
      const response = page.waitForResponse((r) => r.request().method() === 'POST' && /\/reports$/.test(r.url()));
      await page.getByRole('button', { name: 'Verstuur melding' }).tap();
      const req = await request;
      assert.match(new URL(req.url()).pathname, /^\/api\/v1\/institutions\/roc-voorbeeldstad\/reports$/);
      assert.equal(req.headers()['content-type'], 'application/json');
      assert.match(req.headers()['idempotency-key'], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.deepEqual(req.postDataJSON(), {
        audience: 'student', lang: 'nl', theme: 'pesten', where: 'school', when: 'week', description: text, followUp: true,
      });
      assert.equal((await response).status(), 201);

      // the receipt, once, large, grouped; focus on the heading above it
      const code = page.locator('#rcpt');
      const receipt = await receiptOf(page);
      assert.match(receipt, RECEIPT);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'dTitle');
      assert.ok(await page.getByText('Bewaar deze code. Zonder code kun je je melding niet terugzien.').isVisible());
      assert.ok(parseFloat(await code.evaluate((e) => getComputedStyle(e).fontSize)) >= 28, 'receipt in large type');
      assert.equal(await draft(page), null, 'the draft is cleared after success');
      assert.ok(!digits(await storage(page)).includes(digits(receipt)), 'no receipt in sessionStorage');
      await shot(page, '22-receipt');

      await page.getByRole('button', { name: 'Kopieer de code' }).tap();
      await page.getByText('De code is gekopieerd.').waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), receipt);

      // a reload does not show the receipt again
      // (shown once: it is in no storage, so it cannot come back)
      await page.getByRole('button', { name: 'Mijn melding bekijken' }).tap();
      await page.getByRole('button', { name: 'Ja, ik heb hem bewaard' }).tap(); // the receipt asks first
      await page.getByRole('heading', { level: 1, name: 'Mijn melding bekijken' }).waitFor();
      assert.equal(await code.innerText(), '', 'the receipt is gone from the page once it is left');
      const input = page.getByLabel('Je code');
      assert.equal(await input.getAttribute('inputmode'), 'numeric');
      await input.fill(receipt.replace(/ /g, '-')); // dashes are fine too
      const lookup = page.waitForRequest((r) => /\/api\/v1\/reports\/self$/.test(r.url()));
      await page.getByRole('button', { name: 'Bekijk mijn melding' }).tap();
      assert.equal((await lookup).headers().authorization, 'Receipt ' + digits(receipt));
      await page.locator('#sView').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'sHead');
      assert.equal(await page.locator('#sStatus').innerText(), 'Ontvangen');
      assert.equal(await page.locator('#sTheme').innerText(), 'Pesten, ook online');
      assert.match(await page.locator('#sDate').innerText(), /\d{4}/);
      assert.equal(await input.inputValue(), '', 'the code is not left in the field');
      await shot(page, '23-my-report');

      const reply = 'Dank je. Ik wil er graag over praten.';
      await page.getByLabel('Schrijf een bericht aan je school').fill(reply);
      const posted = page.waitForResponse((r) => /\/api\/v1\/reports\/self\/messages$/.test(r.url()));
      await page.getByRole('button', { name: 'Stuur bericht' }).tap();
      assert.equal((await posted).status(), 201);
      await page.locator('#sLog .msg.user', { hasText: reply }).waitFor();
      assert.equal(await page.getByLabel('Schrijf een bericht aan je school').inputValue(), '');
      await shot(page, '24-my-report-reply');
      await shot(page, '24-my-report-reply-full', true);

      for (const u of urls) assert.ok(!digits(u).includes(digits(receipt)), 'receipt in a URL: ' + u);
      assert.ok(!digits(await storage(page)).includes(digits(receipt)), 'no receipt in sessionStorage');
      assert.ok(!page.url().includes(digits(receipt)));

      // leaving the view forgets the receipt: back to the conversation and nothing of it is left
      await page.goBack();
      await page.locator('#log .card').first().waitFor();
      assert.equal(await page.locator('#sLog .msg').count(), 0);
    });
  });

  test('a flaky connection neither loses nor doubles a report: retries keep the Idempotency-Key', async () => {
    await phone({ failedLoadsExpected: true }, async (page) => {
      await toRoutePage(page, /^Discriminatie/);
      await openForm(page);
      assert.equal(await page.getByLabel('Waar gaat het over?').inputValue(), 'discriminatie');
      const grounds = page.getByRole('group', { name: /anders behandeld/ });
      assert.ok(await grounds.isVisible(), 'grounds shown for discriminatie');
      await grounds.getByRole('checkbox', { name: 'Geloof' }).check();
      await grounds.getByRole('checkbox', { name: /^Afkomst/ }).check();
      await page.getByLabel('Wat is er gebeurd?').fill('Een docent maakt steeds grappen over mijn hoofddoek.');

      // 1: the server stores it but the answer is lost; 2: no connection; 3: 503 Retry-After 1; 4: through.
      const attempts = [];
      let stored = null;
      await page.route(REPORTS, async (route) => {
        const req = route.request();
        attempts.push({ key: req.headers()['idempotency-key'], body: req.postData(), at: Date.now() });
        const n = attempts.length;
        if (n === 1) {
          stored = await (await route.fetch()).json();
          return route.abort('failed');
        }
        if (n === 2) return route.abort('failed');
        if (n === 3) {
          return route.fulfill({
            status: 503, contentType: 'application/json', headers: { 'Retry-After': '1' },
            body: '{"error":{"code":"unavailable","message":"try again"}}',
          });
        }
        return route.continue();
      });
      const t0 = Date.now();
      await page.getByRole('button', { name: 'Verstuur melding' }).tap();
      const status = page.getByText('Nog niet verstuurd, we proberen het opnieuw…', { exact: false });
      await status.waitFor();
      assert.ok(await page.getByRole('button', { name: 'Nu opnieuw proberen' }).isVisible(), 'a manual retry button');
      assert.ok(await page.getByLabel('Wat is er gebeurd?').isDisabled(), 'the fields are locked while the report is out');
      await shot(page, '25-retrying');
      const receipt = await receiptOf(page, 20000);
      assert.match(receipt, RECEIPT);
      assert.equal(attempts.length, 4, 'two failures, a 503, then through');
      assert.ok(attempts.every((a) => a.key === attempts[0].key), 'the same Idempotency-Key on every attempt');
      assert.ok(attempts.every((a) => a.body === attempts[0].body), 'the same body on every attempt');
      assert.deepEqual(JSON.parse(attempts[0].body).grounds, ['herkomst', 'religie']);
      assert.ok(attempts[3].at - attempts[2].at >= 900, 'waited for Retry-After');
      assert.ok(Date.now() - t0 < 15000);
      assert.equal(receipt, stored.receipt, 'the retry got the answer of the report that was already stored');
      assert.equal(await page.locator('#rcpt').count(), 1, 'exactly one receipt');
      assert.equal(await page.locator('#rAlert').isVisible(), false);
    });
  });

  test('a reload while offline keeps the draft and its key; sending resumes with the same key', async () => {
    await phone({ failedLoadsExpected: true }, async (page) => {
      await toRoutePage(page);
      await openForm(page);
      await page.getByLabel('Wat is er gebeurd?').fill('Ze sturen gemene berichten over mij.');
      const keys = [];
      await page.route(REPORTS, (route) => { keys.push(route.request().headers()['idempotency-key']); return route.abort('failed'); });
      await page.getByRole('button', { name: 'Verstuur melding' }).tap();
      await page.getByText(/Nog niet verstuurd/).waitFor();
      const before = await draft(page);
      assert.ok(before.k && before.sent, 'the draft with its key and the sent body is in sessionStorage');
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Anoniem melden' }).waitFor();
      assert.equal(await page.getByLabel('Wat is er gebeurd?').inputValue(), 'Ze sturen gemene berichten over mij.');
      await page.getByText(/Nog niet verstuurd/).waitFor();
      assert.equal((await draft(page)).k, before.k, 'same key after the reload');
      await page.unroute(REPORTS);
      const req = page.waitForRequest((r) => r.method() === 'POST' && /\/reports$/.test(r.url()));
      await page.getByRole('button', { name: 'Nu opnieuw proberen' }).tap();
      assert.equal((await req).headers()['idempotency-key'], before.k);
      assert.match(await receiptOf(page), RECEIPT);
      assert.ok(keys.length >= 1 && keys.every((k) => k === before.k));
      assert.equal(await draft(page), null);
    });
  });

  test('a 400 shows the message in a friendly box and keeps the draft; "no answer" gets thanks, no code', async () => {
    await phone({ failedLoadsExpected: true }, async (page) => {
      await toRoutePage(page);
      await openForm(page);
      await page.getByLabel('Wat is er gebeurd?').fill('Iemand heeft mijn fiets gesloopt.');
      await page.getByRole('radio', { name: /^Nee/ }).check();
      let n = 0;
      await page.route(REPORTS, (route) => (n++ === 0
        ? route.fulfill({ status: 400, contentType: 'application/json', body: '{"error":{"code":"invalid","message":"description is too short"}}' })
        : route.continue()));
      await page.getByRole('button', { name: 'Verstuur melding' }).tap();
      const alert = page.getByRole('alert');
      await alert.getByText('description is too short').waitFor();
      assert.match(await alert.innerText(), /nog niet verstuurd/);
      assert.equal(await page.getByLabel('Wat is er gebeurd?').inputValue(), 'Iemand heeft mijn fiets gesloopt.');
      assert.ok(await page.getByLabel('Wat is er gebeurd?').isEditable(), 'the fields can be changed again');
      const key = (await draft(page)).k;
      await shot(page, '26-report-400');
      const req = page.waitForRequest((r) => r.method() === 'POST' && /\/reports$/.test(r.url()));
      await page.getByRole('button', { name: 'Verstuur melding' }).tap();
      assert.equal((await req).headers()['idempotency-key'], key, 'nothing was stored, so the key stays');
      assert.equal((await req).postDataJSON().followUp, false);
      await page.getByRole('heading', { level: 1, name: 'Je melding is verstuurd' }).waitFor();
      assert.ok(await page.getByText(/Je krijgt geen antwoord/).isVisible());
      assert.equal(await page.locator('#rcpt').isVisible(), false, 'no code without follow-up');
      assert.equal(await page.getByRole('button', { name: 'Mijn melding bekijken' }).isVisible(), false);
      await shot(page, '27-sent-no-answer');
    });
  });

  test('without a school the form asks for one first; a wrong receipt gets the uniform message; 429 is waited out', async () => {
    await phone({ failedLoadsExpected: true }, async (page) => {
      await page.goto(server.url + '/');
      // "Mijn melding bekijken" from the start screen
      await page.locator('#start').getByRole('button', { name: 'Mijn melding bekijken' }).tap();
      const input = page.getByLabel('Je code');
      await input.fill('1234');
      await page.getByRole('button', { name: 'Bekijk mijn melding' }).tap();
      await page.getByText('Vul de 20 cijfers van je code in.').waitFor();
      await input.fill('1111 2222 3333 4444 5555');
      await page.getByRole('button', { name: 'Bekijk mijn melding' }).tap();
      await page.getByText('Deze code kennen we niet. Controleer de cijfers.').waitFor();
      assert.equal(await input.getAttribute('aria-invalid'), 'true');
      assert.match(await input.getAttribute('aria-describedby'), /\beCode\b/);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'sCode');
      await shot(page, '28-wrong-receipt');

      let limited = 0;
      await page.route('**/api/v1/reports/self', (route) => (limited++ === 0
        ? route.fulfill({ status: 429, contentType: 'application/json', headers: { 'Retry-After': '1' }, body: '{"error":{"code":"rate_limited","message":"wait"}}' })
        : route.continue()));
      await page.getByRole('button', { name: 'Bekijk mijn melding' }).tap();
      await page.getByText(/Je hebt het vaak geprobeerd.*over 1 seconden/).waitFor();
      await page.getByText('Deze code kennen we niet. Controleer de cijfers.').waitFor();
      assert.equal(limited, 2, 'waited and asked once more');
      await page.unroute('**/api/v1/reports/self');

      // "Anoniem melden" from the header menu, with no school chosen: the form asks which school
      const menu = page.getByRole('button', { name: 'Menu' });
      await menu.tap();
      assert.equal(await menu.getAttribute('aria-expanded'), 'true');
      await page.getByRole('navigation', { name: 'Menu' }).getByRole('button', { name: 'Anoniem melden' }).tap();
      await page.getByRole('heading', { level: 1, name: 'Anoniem melden' }).waitFor();
      const school = page.getByLabel('Bij welke school wil je melden?');
      assert.ok(await school.isVisible());
      await page.getByLabel('Wat is er gebeurd?').fill('Er wordt gedeald bij de ingang.');
      await page.getByRole('button', { name: 'Verstuur melding' }).tap();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'rSum', 'focus on the error summary');
      assert.equal(await page.locator('#rSum a').first().innerText(), 'Kies je school.', 'the school first');
      for (const id of ['rInst', 'rTheme', 'rWhere']) assert.equal(await page.locator('#' + id).getAttribute('aria-invalid'), 'true');
      assert.equal(await page.locator('#rText').getAttribute('aria-invalid'), null);
      await shot(page, '29-form-no-school-errors');
      await school.selectOption({ index: 2 });
      await page.getByLabel('Waar gaat het over?').selectOption('criminaliteit');
      await page.getByLabel('Waar gebeurde het?').selectOption('school');
      const req = page.waitForRequest((r) => r.method() === 'POST' && /\/reports$/.test(r.url()));
      await page.getByRole('button', { name: 'Verstuur melding' }).tap();
      assert.match((await req).url(), /\/institutions\/techniek-college-denkbeeldig\/reports$/);
      assert.match(await receiptOf(page), RECEIPT);
    });
  });

  test('axe: no WCAG 2.1 A/AA violations on the form, the receipt and my report', async () => {
    await phone({}, async (page) => {
      await toRoutePage(page, /^Discriminatie/);
      await openForm(page);
      assert.deepEqual(await axe(page), [], 'form');
      await page.getByRole('button', { name: 'Verstuur melding' }).tap();
      assert.deepEqual(await axe(page), [], 'form with an error');
      await page.getByLabel('Wat is er gebeurd?').fill('Ze noemen me steeds bij een scheldwoord.');
      await page.getByRole('button', { name: 'Verstuur melding' }).tap();
      const receipt = await receiptOf(page);
      assert.deepEqual(await axe(page), [], 'receipt');
      await page.getByRole('button', { name: 'Mijn melding bekijken' }).tap();
      await page.getByRole('button', { name: 'Ja, ik heb hem bewaard' }).tap(); // the receipt asks first
      assert.deepEqual(await axe(page), [], 'receipt entry');
      await page.getByLabel('Je code').fill(receipt);
      await page.getByRole('button', { name: 'Bekijk mijn melding' }).tap();
      await page.locator('#sView').waitFor();
      await page.getByLabel('Schrijf een bericht aan je school').fill('Hallo');
      await page.getByRole('button', { name: 'Stuur bericht' }).tap();
      await page.locator('#sLog .msg.user').waitFor();
      assert.deepEqual(await axe(page), [], 'my report');
      await page.getByRole('button', { name: 'English' }).tap();
      await page.getByText('Being handled').or(page.getByText('Received')).waitFor();
      assert.deepEqual(await axe(page), [], 'my report, English');
    });
  });

  test('quick exit clears the draft; sessionStorage never holds a receipt', async () => {
    await phone({}, async (page) => {
      await toRoutePage(page);
      await openForm(page);
      await page.getByLabel('Wat is er gebeurd?').fill('Dit mag niemand zien.');
      assert.ok((await draft(page))?.text === 'Dit mag niemand zien.');
      await page.getByRole('button', { name: 'Snel weg' }).tap();
      await page.waitForURL(EXIT_URL);
      await page.goto(server.url + '/');
      assert.equal(await page.evaluate(() => sessionStorage.length), 0);
      assert.equal(await page.getByLabel('Wat is er gebeurd?').isVisible(), false);
      assert.ok(await page.getByRole('button', { name: 'Ik ben student' }).isVisible());

      // the keyboard's quick exit (Shift three times) during "my report" forgets the receipt too
      await toRoutePage(page);
      await openForm(page);
      await page.getByLabel('Wat is er gebeurd?').fill('Nog een melding.');
      await page.getByRole('button', { name: 'Verstuur melding' }).tap();
      const receipt = await receiptOf(page);
      assert.ok(!digits(await storage(page)).includes(digits(receipt)));
      await page.getByRole('button', { name: 'Mijn melding bekijken' }).tap();
      await page.getByRole('button', { name: 'Ja, ik heb hem bewaard' }).tap(); // the receipt asks first
      await page.getByLabel('Je code').fill(receipt);
      await page.getByRole('button', { name: 'Bekijk mijn melding' }).tap();
      await page.locator('#sView').waitFor();
      assert.ok(!digits(await storage(page)).includes(digits(receipt)));
      for (let i = 0; i < 3; i++) await page.keyboard.press('Shift');
      await page.waitForURL(EXIT_URL);
      await page.goBack(); // Back does not return to Meldwijzer (screens.test.mjs); open it again instead
      assert.ok(!page.url().startsWith(server.url), 'Back went to ' + page.url());
      await page.goto(server.url + '/');
      assert.equal(await page.evaluate(() => sessionStorage.length), 0);
      assert.ok(!digits(await page.content()).includes(digits(receipt)), 'the receipt is not on the page after coming back');
    });
  });

  test('keyboard only: fill in and send the form with Tab, Space and Enter', async () => {
    await phone({}, async (page) => {
      await toRoutePage(page);
      await openForm(page);
      const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent.trim());
      await page.keyboard.press('Tab'); // theme
      assert.equal(await focused(), 'rTheme');
      await page.keyboard.press('Tab'); // where
      await page.keyboard.press('Tab');
      assert.equal(await focused(), 'rText');
      await page.keyboard.type('Ik word buitengesloten.');
      await page.keyboard.press('Tab'); // first "when" radio
      await page.keyboard.press('Space');
      assert.ok(await page.getByRole('radio', { name: 'Deze week' }).isChecked());
      let guard = 0;
      while ((await focused()) !== 'rSend' && guard++ < 15) await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await receiptOf(page);
      assert.equal(await focused(), 'dTitle');
    });
  });

  test('at 320 px the form, the receipt and my report have no horizontal scroll', async () => {
    await phone({ width: 320, height: 640 }, async (page) => {
      await toRoutePage(page, /^Discriminatie/);
      await openForm(page);
      await noHScroll(page, 'form');
      for (const c of await page.locator('#report :is(.choice, select, textarea, .btn, .link):visible').all()) {
        const box = await c.boundingBox();
        assert.ok(box.height >= 48, 'target at least 48px tall: ' + await c.evaluate((e) => e.outerHTML.slice(0, 60)));
      }
      await shot(page, '30-320-form', true);
      await page.getByRole('button', { name: 'English' }).tap();
      await noHScroll(page, 'form, English');
      await shot(page, '31-320-form-en', true);
      await page.getByLabel('What happened?').fill('They keep making jokes about where I come from.');
      await page.getByRole('button', { name: 'Send report' }).tap();
      await receiptOf(page);
      await noHScroll(page, 'receipt');
      await shot(page, '32-320-receipt-en');
      const receipt = await receiptOf(page);
      await page.getByRole('button', { name: 'Nederlands' }).tap();
      await page.getByRole('button', { name: 'Mijn melding bekijken' }).tap();
      await page.getByRole('button', { name: 'Ja, ik heb hem bewaard' }).tap(); // the receipt asks first
      await page.getByLabel('Je code').fill(receipt);
      await page.getByRole('button', { name: 'Bekijk mijn melding' }).tap();
      await page.locator('#sView').waitFor();
      await noHScroll(page, 'my report');
      await shot(page, '33-320-my-report', true);
    });
  });

  test('English browsers start in English; urgent options stand out; school contacts say how to reach them', async () => {
    await phone({ locale: 'en-GB' }, async (page) => {
      await page.goto(server.url + '/');
      await page.getByRole('heading', { level: 1, name: /Did something happen/ }).waitFor();
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await page.getByRole('button', { name: 'I am a student' }).tap();
      await page.getByRole('button', { name: 'Continue' }).tap();
      await settled(page);
      const urgent = page.locator('#log .opt.opt-urgent');
      assert.ok(await urgent.count() >= 1, 'an urgent option');
      assert.equal(await urgent.first().locator('.ico').innerText(), '!', 'marked by more than colour');
      await shot(page, '34-en-urgent-option');
    });
    await phone({}, async (page) => {
      await toRoutePage(page);
      const how = page.locator('#log .card.institution', { hasText: 'Zo bereik je ze:' });
      assert.ok(await how.count() >= 1, 'the "how" line of a school contact');
      await how.first().scrollIntoViewIfNeeded();
      await shot(page, '35-card-how');
      // "Mijn melding bekijken" from the header menu, anywhere
      await page.getByRole('button', { name: 'Menu' }).tap();
      await shot(page, '36-menu-open');
      await page.getByRole('navigation', { name: 'Menu' }).getByRole('button', { name: 'Mijn melding bekijken' }).tap();
      await page.getByRole('heading', { level: 1, name: 'Mijn melding bekijken' }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Menu' }).getAttribute('aria-expanded'), 'false', 'the menu closes');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'sTitle');
      await page.getByRole('button', { name: 'Terug' }).tap();
      await page.locator('#log .card').first().waitFor();
    });
  });
});
