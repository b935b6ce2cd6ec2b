// End-to-end test of registering an incident (issue 14): the staff protocol leads to the form in
// one tap; at phone size (360×640) a staff member signs in (demo), fills and submits the form in
// under a minute, axe finds nothing, the registration is in their list, and it appears in the
// dashboard's incidents series and in the export. Run from the repo root:
// node --test tools/e2e/incident.test.mjs
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setup, shot, axe, settled, onPhone, option } from './harness.mjs';

let server;
let browser;
setup((s, b) => { server = s; browser = b; });

const ROC = 'roc-voorbeeldstad';

async function noScroll(page, name) {
  const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(sw <= iw, `${name}: page is ${sw}px wide in a ${iw}px window`);
}

describe('incident registration', () => {
  test('from the staff protocol to a registered incident at 360 px, in under a minute', async () => {
    await onPhone(browser, {}, async (page) => {
      // The staff protocol: aggression, students among themselves, no danger now.
      await page.goto(server.url + '/');
      await page.getByRole('button', { name: 'Ik werk op een mbo-school' }).click();
      await page.waitForFunction(() => document.querySelectorAll('#school option').length > 1);
      await page.locator('#school').selectOption(ROC);
      await page.locator('#schoolStep button[type=submit]').click();
      await page.locator('#log .opts .opt').first().waitFor();
      await settled(page);
      for (const name of ['Agressie, geweld, bedreiging of wapens', 'Studenten onderling', 'Nee, nu niet']) {
        await option(page, name).click();
        await settled(page);
      }
      const register = page.getByRole('link', { name: 'Registreer dit incident' });
      await register.waitFor();
      assert.match(await register.getAttribute('href'), /^\/instelling\/#\/incident\?theme=agressie/);
      await shot(page, 'incident-1-protocol');

      // One tap, then the demo sign-in as a staff member; the form keeps the theme.
      const began = Date.now();
      await register.click();
      await page.locator('#demoForm').waitFor();
      await page.waitForFunction(() => document.querySelectorAll('#demoInst option').length > 1);
      await page.getByLabel('Instelling').selectOption(ROC);
      await page.getByLabel(/^Medewerker/).check();
      await page.getByRole('button', { name: 'Aanmelden als demo' }).click();
      await page.locator('#vIncident:not([hidden])').waitFor();
      await page.getByRole('heading', { name: 'Jouw registraties' }).waitFor();
      assert.equal(await page.locator('#icTheme').inputValue(), 'agressie');
      const today = await page.evaluate(() => { const d = new Date(); return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0'); });
      assert.equal(await page.locator('#icDay').inputValue(), today, 'the day defaults to today');
      assert.deepEqual(await axe(page), [], 'axe on the form');
      await noScroll(page, 'the form');
      await shot(page, 'incident-2-form', true);

      // The few taps a real registration needs: what happened, that it is serious, what was done.
      await page.getByRole('checkbox', { name: 'Bedreiging' }).check();
      await page.getByRole('checkbox', { name: 'Wapen' }).check();
      await page.getByRole('checkbox', { name: 'Medewerker' }).check();
      await page.getByRole('radio', { name: 'Ja' }).check();
      await page.getByRole('checkbox', { name: 'Leidinggevende ingelicht' }).check();
      await page.getByLabel(/Korte notitie/).fill('Dreiging met een mes bij de kantine.');
      await page.getByRole('button', { name: 'Registreer incident' }).click();
      const item = page.locator('#icList li.serious');
      await item.waitFor();
      const took = Date.now() - began;
      assert.ok(took < 60_000, `the registration took ${took} ms`);
      assert.match(await item.innerText(), /Agressie, geweld of bedreiging|Agressie/);
      assert.match(await item.innerText(), /Wapen/);
      assert.equal(await page.locator('#icNote').inputValue(), '', 'the form is cleared for the next one');
      assert.deepEqual(await axe(page), [], 'axe after submitting');
      await noScroll(page, 'the list');
      await shot(page, 'incident-3-done', true);
      // A staff member has no dashboard or inbox tab.
      assert.equal(await page.locator('#tabDash').isHidden(), true);
      assert.equal(await page.locator('#tabInbox').isHidden(), true);
    });

    // The handler's dashboard and export have it, in the incidents series.
    const res = await fetch(`${server.url}/api/v1/local/signin`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ institution: ROC, role: 'handler' }),
    });
    const { token } = await res.json();
    const auth = { Authorization: 'Bearer ' + token };
    const month = new Date().toISOString().slice(0, 7);
    const dash = await (await fetch(`${server.url}/api/v1/institutions/${ROC}/dashboard?from=${month}&to=${month}`, { headers: auth })).json();
    const cells = dash.cells.filter((c) => c.series === 'incidents' && c.month === month);
    assert.ok(cells.some((c) => c.dimension === 'category' && c.value === 'weapon'), 'the dashboard has the incidents series');
    const exp = await (await fetch(`${server.url}/api/v1/institutions/${ROC}/export.json?from=${month}&to=${month}`, { headers: auth })).json();
    const weapon = exp.rows.find((r) => r.series === 'incidents' && r.month === month && r.dimension === 'category' && r.value === 'weapon');
    assert.ok(weapon && weapon.count >= 1, 'the export counts the weapon: ' + JSON.stringify(weapon));
    const serious = await (await fetch(`${server.url}/api/v1/institutions/${ROC}/incidents?serious=true`, { headers: auth })).json();
    assert.ok(serious.incidents.length >= 1 && serious.incidents.every((i) => i.serious && !i.note), 'the serious list, without notes');
  });
});
