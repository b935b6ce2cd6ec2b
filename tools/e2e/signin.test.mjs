// Staff sign in with their school account: the staff pages against a REAL OpenID Connect
// provider (zitadel/oidc's op package, tools/oidcprovider), with the authorization code flow and
// PKCE, a refresh without a new sign-in, and a sign-out that ends the provider's session. Then
// the per-person views: after signing out nothing of the previous school is left in the page.
// Run from the repo root: node --test tools/e2e/signin.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { randomUUID, randomBytes, createHash } from 'node:crypto';
import path from 'node:path';
import { startServer, launchBrowser, onPhone, shot, axe, repoRoot } from './harness.mjs';

const ROC = 'roc-voorbeeldstad';
const TCD = 'techniek-college-denkbeeldig';
const USER = 'vp@voorbeeldstad.example';
const PASS = 'Zeven-lange-woorden-2026';
const LIFETIME_S = 120; // the ID token's; the page renews it halfway (60 s), the test fast-forwards

let server, browser, idp, otherIdp;

// startProvider builds tools/oidcprovider once (the go build cache makes a second build instant)
// and runs it on a free port; it logs {"msg":"listening","issuer":...} when it is ready.
async function startProvider() {
  const bin = path.join(repoRoot, 'build', 'oidcprovider');
  if (!startProvider.built) {
    execFileSync('go', ['build', '-o', bin, './oidcprovider'], { cwd: path.join(repoRoot, 'tools'), stdio: 'inherit' });
    startProvider.built = true;
  }
  const proc = spawn(bin, ['-addr', '127.0.0.1:0', '-client', 'meldwijzer', '-client', 'other',
    '-redirect', 'http://127.0.0.1:*/instelling/', '-user', `${USER}:${PASS}:${ROC}:handler`,
    '-id-token-lifetime', LIFETIME_S + 's'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const issuer = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('provider did not start:\n' + log)), 20000);
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`provider exited with ${code}:\n${log}`)); });
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (c) => {
      log += c;
      for (const line of log.split('\n')) {
        try { const r = JSON.parse(line); if (r.msg === 'listening') { clearTimeout(timer); resolve(r.issuer); } } catch (_) { /* partial */ }
      }
    });
  });
  proc.removeAllListeners('exit');
  return { issuer, stop: () => proc.kill('SIGTERM') };
}

// codeFlow signs in at a provider without a browser (its login form by HTTP) and returns the
// token answer: how a token for another client or from another issuer is made.
async function codeFlow(issuer, clientId) {
  const redirect = server.url + '/instelling/';
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const q = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirect, scope: 'openid',
    state: 'st', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' });
  let res = await fetch(`${issuer}/auth?${q}`, { redirect: 'manual' });
  const login = new URL(res.headers.get('location'), issuer);
  res = await fetch(new URL('/login/username', issuer), { method: 'POST', redirect: 'manual',
    body: new URLSearchParams({ id: login.searchParams.get('authRequestID'), username: USER, password: PASS }) });
  for (let i = 0; i < 3 && !res.headers.get('location')?.startsWith(redirect); i++) {
    res = await fetch(new URL(res.headers.get('location'), issuer), { redirect: 'manual' });
  }
  const code = new URL(res.headers.get('location')).searchParams.get('code');
  res = await fetch(`${issuer}/oauth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code',
    client_id: clientId, code, redirect_uri: redirect, code_verifier: verifier }) });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

async function fileReport(inst, theme, description) {
  const res = await fetch(`${server.url}/api/v1/institutions/${inst}/reports`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
    body: JSON.stringify({ audience: 'student', lang: 'nl', where: 'school', theme, description, followUp: false }),
  });
  assert.equal(res.status, 201, await res.clone().text());
}

before(async () => {
  [idp, otherIdp] = await Promise.all([startProvider(), startProvider()]);
  server = await startServer({ extraArgs: ['-oidc-issuer', idp.issuer, '-oidc-client-id', 'meldwijzer'] });
  browser = await launchBrowser();
  // School A's figures: seven discrimination reports (shown: k = 5) and a case to read.
  for (let i = 0; i < 7; i++) await fileReport(ROC, 'discriminatie', `Opmerkingen over afkomst in de kantine, week ${i}`);
});
after(async () => {
  await browser?.close();
  await server?.stop();
  idp?.stop();
  otherIdp?.stop();
});

// Only the provider's address is allowed besides this server's: onPhone checks that nothing
// else was asked for (the harness aborts any request that leaves 127.0.0.1).
test('a handler signs in at the provider, reads the inbox, stays signed in past a refresh and signs out of the provider too', async () => {
  // The provider's login page asks for a favicon it does not have: a "Failed to load resource".
  await onPhone(browser, { failedLoadsExpected: true }, async (page, { context }) => {
    await page.clock.install();
    const tokens = [];
    page.on('response', async (r) => {
      if (r.url() === idp.issuer + '/oauth/token' && r.ok()) tokens.push(await r.json());
    });
    const bearers = [];
    page.on('request', (r) => { if (/\/api\/v1\/institutions\/[^/]+\/reports/.test(r.url())) bearers.push(r.headers().authorization); });

    await page.goto(server.url + '/instelling');
    await page.getByRole('button', { name: 'Aanmelden met schoolaccount' }).waitFor();
    assert.equal(await page.locator('#tokenForm').isVisible(), false, 'no token form where the school signs in');
    assert.deepEqual(await axe(page), []);
    await shot(page, 'signin-1-button');
    await page.getByRole('button', { name: 'Aanmelden met schoolaccount' }).click();

    // The provider's own login page, on the provider's address.
    await page.waitForURL((u) => u.href.startsWith(idp.issuer + '/login/'));
    assert.ok(new URL(page.url()).searchParams.get('authRequestID'));
    await page.getByLabel('Username:').fill(USER);
    await page.getByLabel('Password:').fill(PASS);
    await page.getByRole('button', { name: 'Login' }).click();

    // Back at the inbox, signed in for school A, with the code gone from the address.
    await page.waitForURL((u) => u.href.startsWith(server.url + '/instelling/') && !u.search);
    await page.locator('li.case').first().waitFor();
    assert.equal(await page.locator('li.case').count(), 7);
    assert.match(await page.locator('#whoInst').innerText(), /ROC Voorbeeldstad/);
    assert.match(await page.locator('#whoRole').innerText(), /Vertrouwenspersoon/);
    await shot(page, 'signin-2-inbox');
    assert.equal(tokens.length, 1);
    assert.ok(tokens[0].refresh_token, 'a refresh token (offline_access)');
    // The tokens are in memory only: not in any storage the page keeps, not in a cookie.
    const kept = await page.evaluate(() => JSON.stringify({ s: { ...sessionStorage }, l: { ...localStorage }, c: document.cookie }));
    for (const secret of [tokens[0].id_token, tokens[0].refresh_token, tokens[0].access_token]) assert.ok(!kept.includes(secret), kept);
    assert.ok(!(await context.cookies(server.url)).length);

    // The ID token is renewed halfway through its life, without a new sign-in; the inbox then
    // works with the new token.
    const renewed = page.waitForResponse((r) => r.url() === idp.issuer + '/oauth/token' && r.request().postData().includes('grant_type=refresh_token'));
    await page.clock.fastForward(LIFETIME_S * 500 + 1000);
    assert.equal((await renewed).status(), 200);
    for (let i = 0; i < 50 && tokens.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(tokens.length, 2);
    assert.notEqual(tokens[1].id_token, tokens[0].id_token);
    // The test reads the provider's answer in parallel with the page, so the page may not have
    // taken the new token yet at the first click: it must have within a second.
    const renewedBearer = 'Bearer ' + tokens[1].id_token;
    for (let i = 0; i < 20; i++) {
      const before = bearers.length;
      await page.getByRole('button', { name: 'Nieuw', exact: true }).click();
      await page.locator('#inCount', { hasText: '7 meldingen' }).waitFor();
      for (let j = 0; j < 50 && bearers.length === before; j++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(bearers.length > before, 'the inbox is read again');
      if (bearers.at(-1) === renewedBearer) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(bearers.at(-1), renewedBearer, 'the inbox is read with the renewed token');
    assert.ok(bearers.every((b) => b === 'Bearer ' + tokens[0].id_token || b === renewedBearer), 'only the two tokens are used');

    // Signing out revokes the refresh token and ends the provider's session: the refresh token
    // is dead, and a new sign-in asks for the password again.
    const revoked = page.waitForRequest((r) => r.url() === idp.issuer + '/revoke' && r.postData().includes(tokens[1].refresh_token));
    const ended = page.waitForRequest((r) => r.url().startsWith(idp.issuer + '/end_session?') &&
      new URL(r.url()).searchParams.get('id_token_hint') === tokens[1].id_token);
    await page.getByRole('button', { name: 'Afmelden' }).click();
    await Promise.all([revoked, ended]);
    await page.waitForURL((u) => u.href.startsWith(server.url + '/instelling/'));
    await page.getByRole('heading', { name: 'Aanmelden voor medewerkers' }).waitFor();
    assert.equal(await page.locator('#cases li').count(), 0);
    assert.ok(tokens[1].refresh_token, 'the provider rotates the refresh token');
    const again = await fetch(idp.issuer + '/oauth/token', { method: 'POST', body: new URLSearchParams({
      grant_type: 'refresh_token', client_id: 'meldwijzer', refresh_token: tokens[1].refresh_token }) });
    assert.equal(again.status, 400, 'the refresh token still works after the sign-out');
    await page.getByRole('button', { name: 'Aanmelden met schoolaccount' }).click();
    await page.waitForURL((u) => u.href.startsWith(idp.issuer + '/login/'));
    await page.getByLabel('Password:').waitFor();
  });
});

// Issue 13's first browser test: signed in through the provider, a handler works a case from
// start to end (assign, internal note, answer, status) and signs out. The case is closed at the
// end, so the open inbox holds the seven reports again for the tests after this one (the
// dashboard counts eight discrimination reports from then on).
test('a handler signed in at the provider works a case: assign, note, answer, close; then signs out', async () => {
  const res = await fetch(`${server.url}/api/v1/institutions/${ROC}/reports`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
    body: JSON.stringify({ audience: 'student', lang: 'nl', where: 'stage', theme: 'discriminatie', followUp: true,
      description: 'Mijn collega-stagiairs maken grappen over mijn afkomst en sluiten me buiten bij de lunch' }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const { report } = await res.json();
  await onPhone(browser, { failedLoadsExpected: true }, async (page) => {
    await page.goto(server.url + '/instelling');
    await page.getByRole('button', { name: 'Aanmelden met schoolaccount' }).click();
    await page.waitForURL((u) => u.href.startsWith(idp.issuer + '/login/'));
    await page.getByLabel('Username:').fill(USER);
    await page.getByLabel('Password:').fill(PASS);
    await page.getByRole('button', { name: 'Login' }).click();
    await page.waitForURL((u) => u.href.startsWith(server.url + '/instelling/') && !u.search);

    const card = page.locator('li.case', { has: page.locator(`a[href="#/melding/${report.id}"]`) });
    await card.waitFor();
    assert.equal(await card.locator('.badge.you').innerText(), 'Melder wacht op jou');
    await card.locator('a').click();
    await page.locator('#rpDesc', { hasText: 'buiten bij de lunch' }).waitFor();

    await page.getByRole('button', { name: 'Aan mij toewijzen' }).click();
    await page.locator('#asNow', { hasText: 'Behandelaar: jij' }).waitFor();
    await page.getByLabel('Nieuwe notitie').fill('Stagebegeleider gebeld, gesprek donderdag.');
    await page.getByRole('button', { name: 'Notitie opslaan' }).click();
    await page.locator('#notes .nt', { hasText: 'gesprek donderdag' }).waitFor();
    await page.getByLabel('Antwoord aan de melder').fill('Dank je voor je melding. We gaan met je stagebegeleider praten.');
    await page.getByRole('button', { name: 'Stuur antwoord' }).click();
    await page.locator('#thread .msg.inst', { hasText: 'stagebegeleider praten' }).waitFor();
    await page.locator('#stNow', { hasText: 'In behandeling' }).waitFor();
    assert.deepEqual(await axe(page), [], 'axe on a worked case');
    await shot(page, 'signin-case-worked');
    await page.getByRole('button', { name: 'Afsluiten' }).click();
    await page.getByRole('dialog', { name: 'Melding afsluiten?' }).getByRole('button', { name: 'Ja, afsluiten' }).click();
    await page.locator('#stNow', { hasText: 'Afgesloten' }).waitFor();

    const ended = page.waitForRequest((r) => r.url().startsWith(idp.issuer + '/end_session?'));
    await page.getByRole('button', { name: 'Afmelden' }).click();
    await ended;
    await page.waitForURL((u) => u.href.startsWith(server.url + '/instelling/'));
    await page.getByRole('heading', { name: 'Aanmelden voor medewerkers' }).waitFor();
    assert.equal(await page.locator('#rpDesc').innerText(), '', 'the case is gone from the page');
  });
  // The case is as the handler left it.
  const tok = (await codeFlow(idp.issuer, 'meldwijzer')).id_token;
  const c = await fetch(`${server.url}/api/v1/institutions/${ROC}/reports/${report.id}`, { headers: { Authorization: 'Bearer ' + tok } }).then((r) => r.json());
  assert.equal(c.report.status, 'closed');
  assert.ok(c.report.assignee, 'assigned');
  assert.equal(c.notes.length, 1);
  assert.equal(c.messages.filter((m) => m.from === 'institution').length, 1);
});

test('the API refuses a token of the provider for another client, and one from another issuer', async () => {
  const inbox = (tok) => fetch(`${server.url}/api/v1/institutions/${ROC}/reports`, { headers: { Authorization: 'Bearer ' + tok } }).then((r) => r.status);
  assert.equal(await inbox((await codeFlow(idp.issuer, 'meldwijzer')).id_token), 200, 'the right client at the right issuer');
  assert.equal(await inbox((await codeFlow(idp.issuer, 'other')).id_token), 401, 'another client of the same provider');
  assert.equal(await inbox((await codeFlow(otherIdp.issuer, 'meldwijzer')).id_token), 401, 'the same client id at another issuer');
});

// Item 7 of issue 13: a person's views are theirs alone.
test('signing out clears every figure, list and filter; the next school never sees the previous one', async () => {
  await onPhone(browser, { failedLoadsExpected: true }, async (page) => {
    const demo = async (inst) => {
      await page.locator('#demoForm').waitFor();
      await page.waitForFunction(() => document.querySelectorAll('#demoInst option').length > 1);
      await page.getByLabel('Instelling').selectOption(inst);
      await page.getByLabel(/Vertrouwenspersoon \/ meldpunt/).check();
      await page.getByRole('button', { name: 'Aanmelden als demo' }).click();
      await page.locator('#inCount').filter({ hasNotText: 'Laden' }).waitFor();
    };
    // School A's marks: its name, its reports' text, its count and its figures (B has none).
    const A = [/ROC Voorbeeldstad/, /Opmerkingen over afkomst/, /7 meldingen/, /Discriminatie of racisme\s*8/, /(^|\D)8\s*Meldingen in deze periode/];
    const leftOfA = async () => {
      // The demo form lists every demo school by name: that list is no one's data.
      const text = await page.evaluate(() => {
        const body = document.body.cloneNode(true);
        body.querySelector('#demoInst').remove();
        return body.textContent + [...document.querySelectorAll('input,textarea')].map((e) => e.value).join(' ');
      });
      return A.filter((re) => re.test(text)).map(String);
    };

    await page.goto(server.url + '/instelling');
    await demo(ROC);
    await page.getByRole('button', { name: 'Afgesloten' }).click(); // a filter to forget
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.locator('#inCount', { hasText: '7 meldingen' }).waitFor();
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Per onderwerp', exact: true }).waitFor();
    assert.match(await page.locator('#charts').innerText(), /Discriminatie of racisme\s+8/);

    // Sign out: nothing of A in the DOM, the period is empty.
    await page.getByRole('button', { name: 'Afmelden' }).click();
    await page.getByRole('heading', { name: 'Aanmelden voor medewerkers' }).waitFor();
    assert.deepEqual(await leftOfA(), []);
    assert.equal(await page.locator('#from').inputValue(), '');

    // School B: its own (empty) inbox and dashboard, nothing of A anywhere.
    await demo(TCD);
    assert.match(await page.locator('#inCount').innerText(), /geen meldingen/);
    assert.equal(await page.locator('#vInbox .chip[data-status][aria-pressed="true"]').innerText(), 'Open');
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Meldingen per maand' }).waitFor();
    assert.deepEqual(await leftOfA(), []);
    await shot(page, 'signin-3-school-b');

    // A query that fails leaves no figures under the new question.
    await page.route('**/dashboard?**', (r) => r.fulfill({ status: 503, contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'unavailable', message: 'tijdelijk niet bereikbaar' } }) }));
    await page.getByRole('button', { name: 'Toon', exact: true }).click();
    await page.locator('#dbAlert', { hasText: 'tijdelijk niet bereikbaar' }).waitFor();
    assert.equal(await page.locator('#charts').innerHTML(), '');
    assert.equal(await page.locator('#stats').innerHTML(), '');
    await page.unroute('**/dashboard?**');

    // An answer for A that arrives after A signed out and B signed in is dropped.
    await page.getByRole('button', { name: 'Afmelden' }).click();
    await demo(ROC);
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route('**/dashboard?**', async (r) => { await held; await r.continue(); });
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('button', { name: 'Afmelden' }).click();
    await demo(TCD);
    await page.unroute('**/dashboard?**');
    release();
    await page.waitForTimeout(300);
    assert.deepEqual(await leftOfA(), []);
  });
});
