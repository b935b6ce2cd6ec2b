// End-to-end test of the admin's contacts (/instelling, #/contactpersonen) against the real
// meldwijzer binary: an admin signs in with the demo sign-in on a phone (360 px), is told beside
// the field what is wrong, renames the vertrouwenspersoon, and a student's route page in the guide
// shows the new name from the same running server (no restart).
// Run from the repo root: node --test tools/e2e/contacts.test.mjs
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setup, shot, axe, settled, onPhone, option } from './harness.mjs';

let server;
let browser;
setup((s, b) => { server = s; browser = b; });

const NEW_NAME = 'Vertrouwenspersoon Noor Bakker (demo)';

async function noSideScroll(page) {
  const [sw, w] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
  assert.ok(sw <= w, `the page scrolls sideways: ${sw} > ${w}`);
}

describe('contacts (admin)', () => {
  test('an admin renames the vertrouwenspersoon and the guide shows it without a restart', async () => {
    await onPhone(browser, { failedLoadsExpected: true }, async (page) => {
      await page.goto(server.url + '/instelling');
      const form = page.locator('#demoForm');
      await form.waitFor();
      await page.waitForFunction(() => document.querySelectorAll('#demoInst option').length > 0);
      const roc = await page.locator('#demoInst option').evaluateAll((os) => os.find((o) => /Voorbeeldstad/.test(o.textContent)).value);
      await page.locator('#demoInst').selectOption(roc);
      await page.getByRole('radio', { name: /Beheerder/ }).check();
      await page.getByRole('button', { name: 'Aanmelden als demo' }).tap();
      await page.getByRole('heading', { level: 1, name: 'Contactpersonen' }).waitFor();
      const vp = page.locator('fieldset.contact[data-role="vertrouwenspersoon"]');
      await vp.waitFor();
      assert.match(await vp.getByLabel('Naam (Nederlands)').inputValue(), /Sam de Vries/);
      assert.equal(await page.locator('#tabSettings').getAttribute('aria-current'), 'page');
      assert.ok(await page.locator('#tabDash').isHidden(), 'an admin has no dashboard tab');
      await noSideScroll(page);
      assert.deepEqual(await axe(page), [], 'axe on the contacts form');
      await shot(page, 'contacts-01-form');

      // A mistake is named beside its field, and nothing is saved.
      await vp.getByLabel('Naam (Nederlands)').fill(NEW_NAME);
      await vp.getByLabel('E-mailadres').fill('vertrouwenspersoon bij school');
      await page.getByRole('button', { name: 'Opslaan' }).tap();
      const email = vp.getByLabel('E-mailadres');
      assert.equal(await email.getAttribute('aria-invalid'), 'true');
      assert.ok(await email.evaluate((e) => document.activeElement === e), 'focus on the field to correct');
      assert.match(await vp.locator('.err:not([hidden])').first().textContent(), /geen e-mailadres/);
      assert.ok(await page.locator('#seAlert').isVisible());
      assert.deepEqual(await axe(page), [], 'axe with the error shown');
      await noSideScroll(page);
      await shot(page, 'contacts-02-error');
      const before = await (await fetch(server.url + '/api/v1/institutions/roc-voorbeeldstad')).json();
      assert.ok(JSON.stringify(before).includes('Sam de Vries'), 'a refused edit changed nothing');

      // The server's own check (a website without https) is shown beside the field too.
      await email.fill('vertrouwenspersoon@roc-voorbeeldstad.example');
      await page.getByRole('button', { name: 'Opslaan' }).tap();
      await page.getByText('Opgeslagen. De wegwijzer toont dit binnen een minuut.').first().waitFor();
      assert.equal(await page.locator('fieldset.contact[data-role="vertrouwenspersoon"]').getByLabel('Naam (Nederlands)').inputValue(), NEW_NAME);
      await shot(page, 'contacts-03-saved');

      // English labels too.
      await page.getByRole('button', { name: 'English' }).tap();
      await page.getByRole('heading', { level: 1, name: 'Contacts' }).waitFor();
      assert.equal(await page.locator('fieldset.contact[data-role="vertrouwenspersoon"]').getByLabel('Name (Dutch)').inputValue(), NEW_NAME);
    });

    // The student, on the same running server: the route page shows the new name.
    await onPhone(browser, {}, async (page) => {
      await page.goto(server.url + '/');
      await page.getByRole('button', { name: 'Ik ben student' }).tap();
      const sel = page.getByLabel(/Op welke school/);
      await sel.waitFor();
      await page.waitForFunction(() => document.querySelectorAll('#school option').length > 1);
      const roc = await sel.locator('option').evaluateAll((os) => os.find((o) => /Voorbeeldstad/.test(o.textContent)).value);
      await sel.selectOption(roc);
      await page.getByRole('button', { name: 'Verder' }).tap();
      for (const name of [/^Pesten/, /^Op school$/, /^Nee/, /Wat kan ik doen/]) {
        if (await page.locator('#log .card').count()) break;
        await option(page, name).tap();
        await settled(page);
      }
      await page.locator('#log .card').first().waitFor();
      const card = page.locator('#log .card.institution', { hasText: NEW_NAME });
      await card.first().waitFor({ state: 'attached' });
      // The first card is the mentor; the vertrouwenspersoon is under "Meer hulp".
      if (!(await card.first().isVisible())) await page.locator('#log summary', { hasText: /Meer hulp/ }).last().tap();
      await card.first().scrollIntoViewIfNeeded();
      assert.ok(await card.first().isVisible(), 'the card with the new name is shown');
      assert.equal(await page.locator('#log .card.institution', { hasText: 'Sam de Vries' }).count(), 0, 'the old name is gone');
      await shot(page, 'contacts-04-route-page');
    });
  });

  test('a viewer cannot open the contacts', async () => {
    const r = await fetch(server.url + '/api/v1/local/signin', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ institution: 'roc-voorbeeldstad', role: 'viewer' }),
    });
    const { token } = await r.json();
    const res = await fetch(server.url + '/api/v1/institutions/roc-voorbeeldstad/settings', { headers: { Authorization: 'Bearer ' + token } });
    assert.equal(res.status, 403);
  });
});
