// End-to-end test of case work on the institution side (/instelling), at phone size (360×640)
// against the real meldwijzer binary with its demo data: the dashboard's overdue tile opens the
// inbox's overdue list by deadline; a handler assigns a case to themself, writes an internal
// note, answers (the case goes in progress) and closes it; the reporter, with the receipt, sees
// the answer and never the note. axe on every view.
// Run from the repo root: node --test tools/e2e/cases.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, launchBrowser, onPhone, shot, axe } from './harness.mjs';

const ROC = 'roc-voorbeeldstad';
let server;
let browser;

before(async () => {
  server = await startServer({ demoData: true }); // twelve months of demo reports: some are overdue
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function check(page, name) {
  await page.evaluate(() => document.fonts.ready);
  assert.deepEqual(await axe(page), [], `axe violations on ${name}`);
  const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(sw <= iw, `${name}: page is ${sw}px wide in a ${iw}px window`);
  await shot(page, 'cases-' + name, true);
}

// api calls the institution API as the page's demo handler does (the page keeps its token in
// memory only, out of reach: the demo sign-in gives the same identity a token of its own).
async function api(page, path) {
  const { token } = await (await fetch(`${server.url}/api/v1/local/signin`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ institution: ROC, role: 'handler' }),
  })).json();
  const r = await fetch(`${server.url}/api/v1/institutions/${ROC}${path}`, { headers: { Authorization: 'Bearer ' + token } });
  return r.json();
}

test('handler: overdue by deadline, assign to me, note, answer, close; the reporter sees the answer, never the note', async () => {
  const res = await fetch(`${server.url}/api/v1/institutions/${ROC}/reports`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
    body: JSON.stringify({ audience: 'student', lang: 'nl', theme: 'seksueel', where: 'stage', followUp: true,
      description: 'Mijn stagebegeleider raakt me steeds aan terwijl ik dat niet wil.' }),
  });
  assert.equal(res.status, 201);
  const filed = await res.json();
  const id = filed.report.id;
  const note = 'Intern: gesproken met de stagecoördinator van school. Niet met het bedrijf delen.';
  const answer = 'Dank je voor je melding. Ik ben de vertrouwenspersoon. We nemen dit serieus.';

  await onPhone(browser, {}, async (page) => {
    await page.goto(server.url + '/instelling');
    await page.locator('#demoForm').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('#demoInst option').length > 1);
    await page.getByLabel('Instelling').selectOption(ROC);
    await page.getByLabel(/Vertrouwenspersoon \/ meldpunt/).check();
    await page.getByRole('button', { name: 'Aanmelden als demo' }).click();
    await page.locator('#cases li.case').first().waitFor();

    // The dashboard's overdue tile opens the overdue list, by deadline.
    await page.getByRole('link', { name: 'Dashboard' }).click();
    const tile = page.locator('#stats a.tile', { hasText: 'Ontvangst bevestigen te laat' });
    await tile.waitFor();
    await check(page, '1-dashboard');
    await tile.click();
    await page.waitForURL(/#\/meldingen\/te-laat$/);
    await page.locator('#cases li.case').first().waitFor();
    assert.equal(await page.getByRole('button', { name: 'Te laat' }).getAttribute('aria-pressed'), 'true');
    assert.equal(await page.getByRole('button', { name: 'Eerste deadline' }).getAttribute('aria-pressed'), 'true');
    const want = await api(page, '/reports?status=open&sort=deadline&overdue=true');
    assert.ok(want.reports.length > 0, 'the demo data has overdue cases');
    const shown = await page.locator('#cases li.case h2 a').evaluateAll((as) => as.map((a) => decodeURIComponent(a.getAttribute('href').split('/').pop())));
    assert.deepEqual(shown, want.reports.map((r) => r.id), 'the overdue list, as the API orders it by deadline');
    const deadlines = want.reports.map((r) => r.nextDeadline);
    assert.deepEqual(deadlines, [...deadlines].sort(), 'the next deadline first');
    for (const card of await page.locator('#cases li.case').all()) assert.ok(await card.locator('.badge.late').count() > 0, 'every case in the overdue list is late');
    assert.ok(!shown.includes(id), 'a report of today is not overdue');
    await check(page, '2-inbox-overdue');

    // Off the overdue filter, newest first: today's report is at the top, the reporter waits.
    await page.getByRole('button', { name: 'Te laat' }).click();
    await page.getByRole('button', { name: 'Nieuwste eerst' }).click();
    const card = page.locator('li.case', { has: page.locator(`a[href="#/melding/${id}"]`) });
    await card.waitFor();
    assert.equal(await card.locator('.badge.you').innerText(), 'Melder wacht op jou');
    assert.match(await card.innerText(), /Nog niemand heeft deze melding/);
    await card.locator('a').click();
    await page.getByRole('heading', { level: 1, name: 'Seksueel grensoverschrijdend gedrag' }).waitFor();
    await page.locator('#rpDesc', { hasText: 'stagebegeleider' }).waitFor();

    // Assign to me.
    await page.getByRole('button', { name: 'Aan mij toewijzen' }).click();
    await page.locator('#asNow', { hasText: 'Behandelaar: jij' }).waitFor();

    // An internal note, with the plain warning beside it.
    assert.match(await page.locator('#ntWarn').innerText(), /De melder ziet dit nooit\. Schrijf niet meer op dan nodig/);
    await page.getByLabel('Nieuwe notitie').fill(note);
    await page.getByRole('button', { name: 'Notitie opslaan' }).click();
    await page.locator('#notes .nt', { hasText: 'stagecoördinator' }).waitFor();
    assert.equal(await page.getByLabel('Nieuwe notitie').inputValue(), '');

    // The answer takes the case in progress; now it waits on the reporter.
    await page.getByLabel('Antwoord aan de melder').fill(answer);
    await page.getByRole('button', { name: 'Stuur antwoord' }).click();
    await page.locator('#thread .msg.inst', { hasText: 'We nemen dit serieus' }).waitFor();
    await page.locator('#stNow', { hasText: 'In behandeling' }).waitFor();
    assert.equal(await page.locator('#rpBadges .badge.them').innerText(), 'Wacht op melder');
    assert.ok(await page.locator('#notes .nt', { hasText: 'stagecoördinator' }).isVisible(), 'the note stays after the answer');
    await check(page, '3-case');

    // Close it.
    await page.getByRole('button', { name: 'Afsluiten' }).click();
    const dialog = page.getByRole('dialog', { name: 'Melding afsluiten?' });
    await dialog.getByRole('button', { name: 'Ja, afsluiten' }).click();
    await page.locator('#stNow', { hasText: 'Afgesloten' }).waitFor();
    assert.equal(await page.locator('#rpBadges .badge.them, #rpBadges .badge.you').count(), 0, 'a closed case waits on nobody');

    // In English too.
    await page.locator('#lang').click();
    await page.locator('#ntWarn', { hasText: 'The reporter never sees this' }).waitFor();
    await page.locator('#asNow', { hasText: 'Handler: you' }).waitFor();
    await check(page, '4-case-closed-en');

    // The audit log has the assignment and the note, never its text.
    await page.locator('#lang').click();
    await page.getByRole('link', { name: 'Logboek' }).click();
    await page.locator('#auRows tr', { hasText: 'Notitie geschreven' }).first().waitFor();
    assert.match(await page.locator('#auRows').innerText(), /Behandelaar gekozen/);
    assert.doesNotMatch(await page.locator('#auRows').innerText(), /stagecoördinator/);
  });

  // The reporter, with the receipt, sees the answer and never the note.
  await onPhone(browser, {}, async (page) => {
    await page.goto(server.url + '/');
    await page.locator('#start').getByRole('button', { name: 'Mijn melding bekijken' }).tap();
    await page.getByLabel('Je code').fill(filed.receipt);
    const self = page.waitForResponse((r) => /\/api\/v1\/reports\/self$/.test(r.url()));
    await page.getByRole('button', { name: 'Bekijk mijn melding' }).tap();
    const body = await (await self).text();
    await page.locator('#sView').waitFor();
    await page.locator('#sLog', { hasText: 'We nemen dit serieus' }).waitFor();
    assert.doesNotMatch(await page.locator('body').innerText(), /stagecoördinator/);
    assert.ok(!body.includes('stagecoördinator') && !body.includes('notes') && !body.includes('assignee'), 'the reporter\'s answer holds no note: ' + body);
    await shot(page, 'cases-5-reporter');
  });
});
