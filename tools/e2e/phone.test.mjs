// End-to-end tests of the phone UI against the real meldwijzer binary.
// Run from the repo root: node --test tools/e2e/
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setup, shot, axe, settled, EXIT_URL, onPhone, option } from './harness.mjs';

let server;
let browser;
setup((s, b) => { server = s; browser = b; });

// phone opens a page, runs fn, then checks that nothing left the machine and nothing logged an error.
const phone = (opts, fn) => onPhone(browser, opts, fn);


// Start screen: audience, then (when not in the URL) the institution.
async function begin(page, { audience = 'Ik ben student', institution = /demo/ } = {}) {
  await page.getByRole('button', { name: audience }).tap();
  if (institution !== null) {
    const sel = page.getByLabel(/Op welke school/);
    await sel.waitFor();
    if (institution) {
      await page.waitForFunction(() => document.querySelectorAll('#school option').length > 1);
      const values = await sel.locator('option').evaluateAll((os, src) =>
        os.filter((o) => new RegExp(src, 'i').test(o.textContent)).map((o) => o.value), institution.source);
      assert.ok(values[0], 'a demo institution is listed');
      await sel.selectOption(values[0]);
    }
    await page.getByRole('button', { name: 'Verder' }).tap();
  }
  await option(page, /Pesten/).waitFor();
  await settled(page);
}

// The student's way by buttons from the first question to a route page. Returns the number of taps.
async function toRoutePage(page) {
  let taps = 0;
  for (const name of [/^Pesten/, /^Op school$/, /^Nee/, /Wat kan ik doen/]) {
    if (await page.locator('#log .card').count()) break;
    await option(page, name).tap();
    taps++;
    await settled(page);
  }
  await page.locator('#log .card').first().waitFor();
  return taps;
}

describe('phone UI', () => {
  test('student path by buttons reaches a route card in ≤ 4 taps, and a reload keeps it', async () => {
    await phone({}, async (page) => {
      await page.goto(server.url + '/');
      await shot(page, '01-start');
      await begin(page);
      assert.match(new URL(page.url()).pathname, /^\/i\/[^/]+$/, 'institution is carried in the path');
      await shot(page, '02-chat-first-question');
      const taps = await toRoutePage(page);
      assert.ok(taps <= 4, `reached the route page in ${taps} taps`);
      // focus went to the newest guide message
      assert.ok(await page.evaluate(() => document.activeElement?.classList.contains('msg')), 'focus on new message');
      const cards = page.locator('#log .card');
      assert.ok(await cards.count() >= 1);
      const actionable = page.locator('#log .card a[href^="tel:"], #log .card a[href^="http"]');
      assert.ok(await actionable.count() >= 1, 'a card with a tel: or website link');
      for (const a of await page.locator('#log .card a[href^="http"]').all()) {
        assert.equal(await a.getAttribute('rel'), 'noopener noreferrer');
      }
      assert.ok(await page.locator('#log .card.institution').count() >= 1, "the school's own contact is shown");
      await shot(page, '03-route-page');
      await shot(page, '03-route-page-full', true);

      // the meldpunt form opens (report.test.mjs covers it), and Terug returns to the conversation
      await page.locator('#log').getByRole('button', { name: 'Anoniem melden' }).tap();
      await page.getByRole('heading', { level: 1, name: 'Anoniem melden' }).waitFor();
      await page.getByRole('button', { name: 'Terug' }).tap();
      await page.locator('#log .card').first().waitFor();

      const url = page.url();
      const before = await page.locator('#log .msg').count();
      await page.reload();
      await page.locator('#log .card').first().waitFor();
      assert.equal(page.url(), url);
      assert.equal(await page.locator('#log .msg').count(), before, 'the conversation survives a reload');
      assert.ok(await page.getByRole('button', { name: 'Opnieuw beginnen' }).count() >= 1);
    });
  });

  for (const how of ['button', 'Shift three times']) {
    test(`quick exit via ${how} ends on the stub page with sessionStorage empty`, async () => {
      await phone({}, async (page) => {
        await page.goto(server.url + '/');
        await begin(page);
        await option(page, /^Pesten/).tap();
        await settled(page);
        assert.ok(await page.evaluate(() => sessionStorage.length) > 0, 'conversation kept in sessionStorage');
        if (how === 'button') await page.getByRole('button', { name: 'Snel weg' }).tap();
        else for (let i = 0; i < 3; i++) await page.keyboard.press('Shift');
        await page.waitForURL(EXIT_URL);
        await page.getByText('stub search page').waitFor();
        // Same tab, same origin again: nothing of the conversation is left.
        await page.goto(server.url + '/');
        assert.equal(await page.evaluate(() => sessionStorage.length), 0);
        assert.equal(await page.locator('#log .msg').count(), 0);
        assert.ok(await page.getByRole('button', { name: 'Ik ben student' }).isVisible());
      });
    });
  }

  test('a typed message leads to a route page', async () => {
    await phone({}, async (page) => {
      await page.goto(server.url + '/');
      await begin(page, { institution: '' });
      assert.equal(new URL(page.url()).pathname, '/', 'no institution: nothing in the path');
      const box = page.getByLabel('Typ wat er is gebeurd');
      await box.fill('Ik word al weken gepest in de klas');
      const answer = page.waitForResponse('**/api/v1/wegwijzer/message');
      await page.getByRole('button', { name: 'Stuur' }).tap();
      const body = await (await answer).json();
      assert.equal(body.theme, 'pesten');
      await settled(page);
      await page.locator('#log .msg.user', { hasText: 'gepest in de klas' }).waitFor();
      await page.locator('#log .card').first().waitFor(); // straight to the route page, no more taps
      assert.ok(await page.locator('#log .card a[href^="tel:"], #log .card a[href^="http"]').count() >= 1);
      assert.equal(await box.inputValue(), '');
      assert.ok(await page.evaluate(() => document.activeElement?.classList.contains('msg')), 'focus on the answer');
      await shot(page, '04-typed-message');

      // an urgent message opens with the emergency routes
      await box.fill('Ik wil niet meer leven');
      await page.getByRole('button', { name: 'Stuur' }).tap();
      await settled(page);
      const urgent = page.locator('#log .msg.is-urgent');
      await urgent.waitFor();
      assert.ok(await urgent.locator('.card.emergency a[href^="tel:"]').count() >= 1, 'emergency card with a phone link');
      await shot(page, '04b-typed-urgent');
    });
  });

  test('"Direct hulp" shows 112, and 112 stays reachable when the API fails', async () => {
    await phone({ failedLoadsExpected: true }, async (page) => {
      await page.goto(server.url + '/');
      assert.equal(await page.locator('header a[href="tel:112"]').count(), 1, 'static tel:112 link');
      await page.getByRole('button', { name: 'Direct hulp' }).tap();
      await settled(page);
      const urgent = page.locator('#log .msg.is-urgent');
      await urgent.waitFor();
      assert.match(await urgent.innerText(), /112/);
      assert.ok(await page.locator('#log .card.emergency a[href="tel:112"]').count() >= 1, 'emergency card calls 112');
      await shot(page, '05-direct-hulp');

      // API down: a friendly error with a retry button, and the header's 112 link still works
      await page.route('**/api/**', (r) => r.abort());
      await page.getByRole('button', { name: 'Direct hulp' }).tap();
      await page.getByRole('button', { name: 'Probeer opnieuw' }).waitFor();
      assert.ok(await page.locator('#log .error a[href="tel:112"]').count() === 1);
      assert.ok(await page.locator('header a[href="tel:112"]').isVisible());
      await shot(page, '06-api-down');
      await page.unroute('**/api/**');
      await page.getByRole('button', { name: 'Probeer opnieuw' }).tap();
      await settled(page);
      assert.equal(await page.locator('#log .msg.is-urgent').count(), 2);
    });
  });

  test('language switch to English re-fetches the current node', async () => {
    await phone({}, async (page) => {
      await page.goto(server.url + '/');
      await begin(page);
      await option(page, /^Pesten/).tap();
      await settled(page);
      await page.locator('#log').getByText('Waar gebeurde het?').waitFor();
      await page.getByRole('button', { name: 'English' }).tap();
      await settled(page);
      await page.locator('#log').getByText('Where did it happen?').waitFor();
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      assert.equal(await page.locator('#log').getByText('Waar gebeurde het?').count(), 0, 'the node was replaced, not repeated');
      assert.ok(await option(page, 'At school').isVisible());
      assert.ok(await page.getByRole('button', { name: 'Urgent help' }).isVisible());
      assert.ok(await page.getByRole('button', { name: 'Quick exit' }).isVisible());
      assert.ok(await page.getByLabel('Type what happened').isVisible());
      await shot(page, '07-english');
      await option(page, 'At school').tap();
      await settled(page);
      await page.getByText(/in danger right now/).waitFor();
      await page.getByRole('button', { name: 'Nederlands' }).tap();
      await settled(page);
      assert.equal(await page.getAttribute('html', 'lang'), 'nl');
      await page.getByText(/nu in gevaar/).first().waitFor();
    });
  });

  test('axe: no WCAG 2.1 A/AA violations on start screen, chat and route page', async () => {
    await phone({}, async (page) => {
      await page.goto(server.url + '/');
      assert.deepEqual(await axe(page), [], 'start screen');
      await page.getByRole('button', { name: 'Ik ben student' }).tap();
      await page.getByLabel(/Op welke school/).waitFor();
      assert.deepEqual(await axe(page), [], 'institution choice');
      await page.getByRole('button', { name: 'Verder' }).tap();
      await option(page, /^Pesten/).waitFor();
      await settled(page);
      assert.deepEqual(await axe(page), [], 'chat');
      await toRoutePage(page);
      assert.deepEqual(await axe(page), [], 'route page');
      await page.getByRole('button', { name: 'Direct hulp' }).tap();
      await settled(page);
      assert.deepEqual(await axe(page), [], 'urgent node');
    });
  });

  test('keyboard only: start, choose and answer with Tab and Enter', async () => {
    await phone({}, async (page) => {
      await page.goto(server.url + '/');
      const focused = () => page.evaluate(() => document.activeElement?.textContent.trim());
      let guard = 0;
      while ((await focused()) !== 'Ik ben student' && guard++ < 10) await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'school', 'focus moves to the school choice');
      await page.keyboard.press('Tab');
      assert.equal(await focused(), 'Verder');
      await page.keyboard.press('Enter');
      await option(page, /^Pesten/).waitFor();
      await settled(page);
      await page.keyboard.press('Tab'); // from the new message into its options
      const first = await focused();
      assert.ok(first && first === await page.locator('#log .opt').first().textContent(), 'Tab reaches the first option');
      guard = 0;
      while (!/^Pesten/.test(await focused()) && guard++ < 15) await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await settled(page);
      await page.locator('#log').getByText('Waar gebeurde het?').waitFor();
    });
  });

  test('works at 320 px wide without horizontal scroll', async () => {
    await phone({ width: 320, height: 640 }, async (page) => {
      const noHScroll = async (where) => {
        const [sw, cw] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
        assert.ok(sw <= cw, `${where}: scrollWidth ${sw} > ${cw}`);
      };
      await page.goto(server.url + '/');
      await noHScroll('start');
      await shot(page, '08-320-start');
      await begin(page);
      await noHScroll('chat');
      for (const b of await page.locator('#log .opt').all()) {
        const box = await b.boundingBox();
        assert.ok(box.height >= 48, 'option at least 48px tall');
        assert.ok(box.width >= 280, 'option full width');
      }
      await toRoutePage(page);
      await noHScroll('route page');
      await shot(page, '09-320-route');
      await page.getByRole('button', { name: 'English' }).tap();
      await settled(page);
      await noHScroll('route page, English');
      await shot(page, '10-320-route-en');
      await shot(page, '10-320-route-en-full', true);
    });
  });

  test('a 429 is waited out (Retry-After) and retried once', async () => {
    await phone({ failedLoadsExpected: true }, async (page) => {
      let limited = 0;
      await page.route('**/api/v1/wegwijzer/step', async (route) => {
        if (limited++ === 0) {
          return route.fulfill({
            status: 429, contentType: 'application/json', headers: { 'Retry-After': '1' },
            body: '{"error":{"code":"rate_limited","message":"slow down"}}',
          });
        }
        return route.continue();
      });
      await page.goto(server.url + '/');
      const t0 = Date.now();
      await begin(page);
      assert.ok(Date.now() - t0 >= 1000, 'waited for Retry-After');
      assert.equal(limited, 2, 'one retry');
      assert.equal(await page.locator('#log .error').count(), 0);
    });
  });
});
