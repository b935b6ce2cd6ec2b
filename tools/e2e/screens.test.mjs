// The phone screens for a student on a bad day (issue 16): a deliberate keyboard exit that Back does not
// undo, a header that stays reachable at 200% text, the next step first on a route page, a receipt
// that is not lost, what a screen reader hears, the whole conversation in the other language, forms
// as Dutch government forms, dark mode and forced colours. Each at 360×640, and at 200% text where
// it applies. Run from the repo root: node --test tools/e2e/
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newPhone, shot, axe, settled, textSize, EXIT_URL } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function phone(opts, fn) {
  const p = await newPhone(browser, opts);
  try {
    await fn(p.page, p);
    const problems = opts.failedLoadsExpected ? p.problems.filter((m) => !/Failed to load resource/.test(m)) : p.problems;
    assert.deepEqual(problems, [], 'foreign requests, console errors or page errors');
  } finally {
    await p.context.close();
  }
}

const option = (page, name) => page.locator('#log .opts').getByRole('button', { name });
const SIZES = [100, 200];

async function begin(page, { audience = 'Ik ben student', school = true } = {}) {
  await page.getByRole('button', { name: audience }).click();
  const sel = page.locator('#school');
  await sel.waitFor();
  if (school) {
    await page.waitForFunction(() => document.querySelectorAll('#school option').length > 1);
    await sel.selectOption('roc-voorbeeldstad');
  }
  await page.locator('#schoolStep button[type=submit]').click();
  await page.locator('#log .opts .opt').first().waitFor();
  await settled(page);
}

async function path(page, names) {
  for (const name of names) {
    await option(page, name).click();
    await settled(page);
  }
}

// inView: the element's box lies wholly inside the viewport.
async function inView(page, locator) {
  const box = await locator.boundingBox();
  const vp = page.viewportSize();
  return !!box && box.y >= 0 && box.y + box.height <= vp.height + 0.5 && box.x >= 0 && box.x + box.width <= vp.width + 0.5;
}
async function noHScroll(page, where) {
  const [sw, cw] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(sw <= cw, `${where}: the page scrolls sideways (${sw} > ${cw})`);
}
// Free rect: the part of the viewport between the sticky header row and the sticky text box.
async function freeRect(page) {
  return page.evaluate(() => {
    const top = document.getElementById('helpBar').getBoundingClientRect().bottom;
    const c = document.getElementById('composer');
    const bottom = c.hidden ? innerHeight : c.getBoundingClientRect().top;
    return { top, bottom };
  });
}

describe('1. quick exit', () => {
  test('Esc does not leave: it closes the menu and keeps the conversation and the draft', async () => {
    await phone({}, async (page) => {
      await page.goto(server.url + '/');
      await begin(page);
      await page.getByLabel('Typ wat er is gebeurd').fill('een half getypt bericht');
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Menu' }).click();
      await page.locator('#menu').waitFor();
      await page.keyboard.press('Escape');
      assert.ok(await page.locator('#menu').isHidden(), 'Esc closes the menu');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'menuBtn', 'focus back on the menu button');
      assert.ok(page.url().startsWith(server.url), 'still on Meldwijzer');
      assert.equal(await page.getByLabel('Typ wat er is gebeurd').inputValue(), 'een half getypt bericht');
      assert.ok(await page.locator('#log .msg').count() >= 1);
    });
  });

  test('Shift three times leaves, says how many presses are left, and typing capitals does not count', async () => {
    await phone({}, async (page) => {
      await page.goto(server.url + '/');
      await begin(page);
      const box = page.getByLabel('Typ wat er is gebeurd');
      await box.click();
      for (const k of ['KeyI', 'KeyW', 'KeyG', 'KeyA']) await page.keyboard.press('Shift+' + k); // capitals: not a gesture
      await page.keyboard.press('Shift');
      await page.keyboard.type('x');
      await page.keyboard.press('Shift');
      assert.ok(page.url().startsWith(server.url), 'two Shifts with a key between: still here');
      await page.keyboard.press('Shift');
      assert.equal(await page.locator('#exitSay').textContent(), 'Druk nog 1 keer op Shift om snel weg te gaan.');
      await shot(page, '30-exit-shift-count');
      await page.keyboard.press('Shift');
      await page.waitForURL(EXIT_URL);
    });
  });

  for (const from of ['chat', 'report form']) {
    test(`after Snel weg from the ${from}, Back does not return to Meldwijzer`, async () => {
      await phone({}, async (page) => {
        await page.goto('data:text/html,<title>before</title><p>the page before');
        await page.goto(server.url + '/');
        await begin(page);
        if (from === 'report form') {
          await page.getByRole('button', { name: 'Menu' }).click();
          await page.locator('#menu').getByRole('button', { name: 'Anoniem melden' }).click();
          await page.locator('#rTitle').waitFor();
          await page.locator('#rText').fill('draft');
        }
        for (let i = 0; i < 3; i++) await page.keyboard.press('Shift');
        await page.waitForURL(EXIT_URL);
        await page.goBack();
        await page.waitForLoadState();
        assert.ok(!page.url().startsWith(server.url), `Back went to ${page.url()}`);
        assert.match(await page.title(), /before/);
      });
    });
  }

  test('the start screen says how to leave safely and how to clear the history', async () => {
    await phone({}, async (page) => {
      await page.goto(server.url + '/');
      await page.getByText('Veilig gebruiken').click();
      await page.getByText(/druk 3 keer op Shift/).waitFor();
      await page.getByText(/wis daarna je geschiedenis/).waitFor();
      await page.getByText(/Terug kom je niet meer op Meldwijzer/).waitFor();
      await shot(page, '31-safe-use');
      assert.deepEqual(await axe(page), []);
    });
  });
});

describe('2. header at 150–200% text, focus not obscured', () => {
  for (const pct of [100, 150, 200]) {
    test(`at ${pct}% text Snel weg, Direct hulp and Bel 112 stay on screen, nothing scrolls sideways`, async () => {
      await phone({}, async (page) => {
        await page.goto(server.url + '/');
        await textSize(page, pct);
        await noHScroll(page, 'start');
        await begin(page);
        await path(page, [/^Pesten/, /^Op school$/, /^Nee/]);
        await noHScroll(page, 'chat');
        await page.evaluate(() => scrollTo(0, document.body.scrollHeight));
        for (const name of ['Snel weg', 'Direct hulp', 'Bel 112']) {
          assert.ok(await inView(page, page.getByRole('banner').getByRole(name === 'Bel 112' ? 'link' : 'button', { name })), `${name} on screen`);
        }
        const share = await page.evaluate(() => {
          const c = document.getElementById('composer').getBoundingClientRect();
          const h = document.getElementById('helpBar').getBoundingClientRect();
          return (h.bottom + (innerHeight - c.top)) / innerHeight;
        });
        assert.ok(share <= (pct === 100 ? 0.25 : 0.38), `header row and text box take ${Math.round(share * 100)}% of the height`);
        await shot(page, `32-header-${pct}`);
        if (pct === 200) assert.deepEqual(await axe(page), []);
      });
    });
  }

  test('at 200% browser zoom on a laptop (640×360 CSS px) the sticky parts stay small', async () => {
    await phone({ width: 640, height: 360 }, async (page) => {
      await page.goto(server.url + '/');
      await begin(page);
      await page.evaluate(() => scrollTo(0, document.body.scrollHeight));
      const share = await page.evaluate(() => {
        const c = document.getElementById('composer').getBoundingClientRect();
        const h = document.getElementById('helpBar').getBoundingClientRect();
        return (h.bottom + (innerHeight - c.top)) / innerHeight;
      });
      assert.ok(share <= 0.35, `header row and text box take ${Math.round(share * 100)}% of the height`);
      await shot(page, '33-zoom-200-laptop');
    });
  });

  for (const pct of SIZES) {
    test(`at ${pct}% text a focused option is never hidden under the header or the text box`, async () => {
      await phone({}, async (page) => {
        await page.goto(server.url + '/');
        await textSize(page, pct);
        await begin(page);
        const n = await page.locator('#log .opt').count();
        await page.locator('#log .msg').last().focus();
        for (let i = 0; i < n; i++) {
          await page.keyboard.press('Tab');
          const r = await page.evaluate(() => document.activeElement.getBoundingClientRect().toJSON());
          const f = await freeRect(page);
          assert.ok(r.top >= f.top - 0.5 && r.bottom <= f.bottom + 0.5,
            `option ${i + 1}: ${Math.round(r.top)}–${Math.round(r.bottom)} outside the free area ${Math.round(f.top)}–${Math.round(f.bottom)}`);
        }
        // and back up with Shift+Tab
        for (let i = 0; i < n - 1; i++) {
          await page.keyboard.press('Shift+Tab');
          const r = await page.evaluate(() => document.activeElement.getBoundingClientRect().toJSON());
          const f = await freeRect(page);
          assert.ok(r.top >= f.top - 0.5 && r.bottom <= f.bottom + 0.5, `going back, option ${n - 1 - i}`);
        }
        await shot(page, `34-focus-${pct}`);
      });
    });
  }
});
