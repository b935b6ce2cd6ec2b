// End-to-end test of "who has access" on the institution side (/instelling, #/toegang): an admin
// of a demo school signs in with the demo sign-in of the real meldwijzer binary.
// The local binary has no role directory (its roles come from the identity provider's groups),
// so its members routes answer 501 and the page says where roles are managed. The Cognito-backed
// answers are then played into the browser with page.route (the API's documented shapes), to
// check that the page lists the accounts and sends the roles an admin ticks.
// Run from the repo root: node --test tools/e2e/members.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, onPhone, shot, axe } from './harness.mjs';

let server;
let browser;
setup((s, b) => { server = s; browser = b; });

async function signInAsAdmin(page) {
  await page.goto(server.url + '/instelling');
  await page.getByLabel('Beheerder').check();
  await page.getByRole('button', { name: 'Aanmelden als demo' }).click();
  await page.getByRole('link', { name: 'Toegang' }).click();
  await page.getByRole('heading', { level: 1, name: 'Wie heeft toegang' }).waitFor();
}

test('a self-hosted server: roles are managed at the identity provider', async () => {
  await onPhone(browser, { failedLoadsExpected: true }, async (page) => {
    await signInAsAdmin(page);
    await page.locator('#mbProvider').waitFor();
    assert.match(await page.locator('#mbProvider').textContent(), /groepen van jullie eigen inlogsysteem/);
    assert.equal(await page.locator('#tabMembers').getAttribute('aria-current'), 'page');
    assert.ok(await page.locator('#tabInbox').isHidden(), 'an admin alone sees no reports tab');
    assert.deepEqual(await axe(page), []);
    await shot(page, 'members-provider');
    await page.getByRole('button', { name: 'English' }).click();
    assert.match(await page.locator('#mbProvider').textContent(), /school's own sign-in system/);
  });
});

test('an admin grants and withdraws roles', async () => {
  await onPhone(browser, {}, async (page) => {
    const sent = [];
    const member = {
      subject: 'b2c4e6f8-1a3b-4c5d-8e9f-0a1b2c3d4e5f', email: 'j.devries@voorbeeldschool.example', name: 'Jan de Vries',
      principal: 'jdevries@voorbeeldschool.example', source: 'surfconext', enabled: true, roles: ['handler'], providerRoles: ['viewer'],
    };
    await page.route('**/api/v1/institutions/*/members', (r) => r.fulfill({ json: { members: [member] } }));
    await page.route('**/api/v1/institutions/*/members/*/roles', async (r) => {
      const body = JSON.parse(r.request().postData());
      sent.push({ url: new URL(r.request().url()).pathname, auth: r.request().headers().authorization, body });
      await r.fulfill({ json: { member: { ...member, roles: body.roles } } });
    });
    await signInAsAdmin(page);
    const form = page.getByRole('form', { name: 'Jan de Vries' });
    await form.waitFor();
    assert.match(await form.textContent(), /Via SURFconext/);
    assert.match(await form.textContent(), /Via de groepen van school: Kwaliteit \/ bestuur/);
    assert.ok(await form.getByLabel('Vertrouwenspersoon / meldpunt').isChecked());
    assert.deepEqual(await axe(page), []);
    await shot(page, 'members-list');

    await form.getByLabel('Vertrouwenspersoon / meldpunt').uncheck();
    await form.getByLabel('Medewerker').check();
    await form.getByRole('button', { name: 'Rollen opslaan' }).click();
    await page.waitForFunction(() => document.getElementById('live').textContent.includes('opgeslagen'));
    assert.equal(sent.length, 1);
    assert.equal(sent[0].url, '/api/v1/institutions/roc-voorbeeldstad/members/' + member.subject + '/roles');
    assert.match(sent[0].auth, /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    assert.deepEqual(sent[0].body, { roles: ['staff'] });
  });
});
