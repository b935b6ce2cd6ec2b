// The conversation keeps its place when a person types, and the crisis answer puts the one call
// that fits on the first screen of a 360×640 phone, in Dutch and in English, online and offline.
// Run from the repo root: node --test tools/e2e/
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setup, shot, settled, onPhone, option } from './harness.mjs';

let server;
let browser;
setup((s, b) => { server = s; browser = b; });

const words = {
  nl: {
    student: 'Ik ben student', next: 'Verder', box: 'Typ wat er is gebeurd', send: 'Stuur',
    bullying: /^Pesten/, school: /^Op school$/, notNow: /^Nee, nu niet/, unclear: /^Dat begreep ik niet goed/,
    place: 'op mijn stage', gibberish: 'qwerty asdf',
    suicide: 'ik wil niet meer leven', danger: 'hij staat nu voor de deur met een mes', assault: 'ik ben gisteren verkracht',
    joke: 'als die rekenles nog langer duurt pleeg ik zelfmoord hahaha grapje', asked: /Denk je erover om een eind aan je leven te maken\?/, yes: /^Ja, of soms/,
    someRisk: 'ik huil al weken elke avond om wat ze in de groepsapp over me posten', hintLine: /Praat erover met 113/,
    schoolTalk: 'ik heb echt geen zin meer in deze opleiding, wat heeft het voor nut', schoolSaid: /Je schrijft over school\./,
  },
  en: {
    student: 'I am a student', next: 'Continue', box: 'Type what happened', send: 'Send',
    bullying: /^Bullying/, school: /^At school$/, notNow: /^No, not now/, unclear: /^I did not quite understand/,
    place: 'at my internship', gibberish: 'qwerty asdf',
    suicide: 'I want to end my life', danger: 'someone is outside with a knife right now', assault: 'I was raped last night',
    joke: 'bro im gonna kill myself if this lesson takes any longer lmao jk', asked: /Are you thinking about ending your life\?/, yes: /^Yes, or sometimes/,
    someRisk: 'i have been crying every night because of what they post about me in the group chat', hintLine: /Talk about it with 113/,
    schoolTalk: 'honestly there is no point in this course anymore, i want to quit', schoolSaid: /You are writing about school\./,
  },
};

const phone = (opts, fn) => onPhone(browser, opts, fn);


async function begin(page, lang) {
  const w = words[lang];
  await page.goto(server.url + '/');
  if (lang === 'en') await page.locator('#lang').tap();
  await page.getByRole('button', { name: w.student }).tap();
  await page.getByRole('button', { name: w.next }).tap();
  await option(page, w.bullying).waitFor();
  await settled(page);
}

async function type(page, lang, text) {
  const w = words[lang];
  await page.getByLabel(w.box).fill(text);
  const answer = page.waitForResponse('**/api/v1/wegwijzer/message');
  await page.getByRole('button', { name: w.send, exact: true }).tap();
  const res = await answer;
  await settled(page);
  return { res, body: res.ok() ? await res.json() : null, req: res.request().postDataJSON() };
}

// onFirstScreen: the element is visible and wholly inside the viewport, without scrolling.
async function onFirstScreen(page, locator) {
  await locator.waitFor();
  const box = await locator.boundingBox();
  const vp = page.viewportSize();
  return box && box.y >= 0 && box.y + box.height <= vp.height && box.x >= 0 && box.x + box.width <= vp.width;
}

for (const lang of ['nl', 'en']) {
  describe(`conversation (${lang})`, () => {
    test('a typed answer in the middle of the conversation continues it', async () => {
      await phone({}, async (page) => {
        const w = words[lang];
        await begin(page, lang);
        await option(page, w.bullying).tap();
        await option(page, w.school).waitFor(); // "Waar gebeurde het?"
        await settled(page);
        const { body, req } = await type(page, lang, w.place);
        assert.match(req.node, /^where\?theme=pesten/, 'the message carries the position');
        assert.match(body.node.id, /^danger\?/, 'goes on to the next question');
        assert.equal(body.theme, 'pesten', 'what was known stays known');
        assert.equal(body.where, 'stage');
        await option(page, w.notNow).waitFor();
        const last = page.locator('#log .msg.guide .bubble').last();
        assert.doesNotMatch(await last.innerText(), /Hoi|Hi\./, 'no second greeting');
        assert.doesNotMatch(await last.locator('p').first().innerText(), w.unclear);
        await shot(page, `20-typed-answer-${lang}`);
      });
    });

    test('an unreadable message keeps the current question', async () => {
      await phone({}, async (page) => {
        const w = words[lang];
        await begin(page, lang);
        await option(page, w.bullying).tap();
        await option(page, w.school).waitFor();
        await settled(page);
        const { body } = await type(page, lang, w.gibberish);
        assert.match(body.node.id, /^where\?theme=pesten/, 'the same position');
        const last = page.locator('#log .msg.guide .bubble').last();
        assert.match(await last.locator('p').first().innerText(), w.unclear);
        assert.doesNotMatch(await last.innerText(), /Hoi|Hi\./, 'no second greeting');
        await option(page, w.school).waitFor(); // the current question's options again
        await shot(page, `21-unreadable-${lang}`);
      });
    });

    for (const [kind, tel, unrelated] of [['suicide', 'tel:113', /Seksueel Geweld|Sexual Assault/], ['danger', 'tel:112', /Seksueel Geweld|Sexual Assault|113/], ['assault', 'tel:08000188', /113/]]) {
      test(`the crisis first screen holds for ${kind}`, async () => {
        await phone({}, async (page) => {
          await begin(page, lang);
          const { body } = await type(page, lang, words[lang][kind]);
          assert.equal(body.urgent, true);
          const urgent = page.locator('#log .msg.is-urgent').last();
          const call = urgent.locator(`.crisis a[href="${tel}"]`);
          assert.ok(await onFirstScreen(page, call), `the ${tel} call is on the first screen`);
          const cards = await urgent.locator('.card.emergency h2').allInnerTexts();
          assert.ok(cards.every((c) => !unrelated.test(c)), `no unrelated emergency card: ${cards}`);
          await shot(page, `22-crisis-${kind}-${lang}`);
        });
      });
    }

    // A joke with a suicide cue, and talk about school itself going badly, are neither let go nor
    // answered with the emergency screen: the guide asks straight out (after school talk it first
    // says why it asks about life), with 113 and the answers on the first screen.
    for (const { name, text, said, shotName } of [
      { name: 'a joke with a suicide cue', text: 'joke', shotName: 'joke' },
      { name: 'school talk, with why,', text: 'schoolTalk', said: 'schoolSaid', shotName: 'school' },
    ]) {
      test(`${name} gets the direct question, with 113 and the answers on the first screen`, async () => {
        await phone({}, async (page) => {
          const w = words[lang];
          await begin(page, lang);
          const { body } = await type(page, lang, w[text]);
          assert.ok(!body.urgent, 'not the emergency answer');
          assert.match(body.node.id, /^vraag-zelfdoding/);
          const last = page.locator('#log .msg.guide').last();
          const shown = await last.innerText();
          if (said) assert.match(shown, w[said]);
          assert.match(shown, w.asked);
          assert.ok(await onFirstScreen(page, last.locator('a[href="tel:113"]').first()), '113 on the first screen');
          assert.ok(await onFirstScreen(page, option(page, w.yes)), 'the answers right below the question');
          await shot(page, `23-${shotName}-asked-${lang}`);
        });
      });
    }

    // Some risk, less than the direct question needs: the answer goes on as it was, and the help
    // line with 113 is in the bubble, on the first screen.
    test('a message with some risk carries the help line, with 113 on the first screen', async () => {
      await phone({}, async (page) => {
        const w = words[lang];
        await begin(page, lang);
        const { body } = await type(page, lang, w.someRisk);
        assert.ok(!body.urgent, 'not the emergency answer');
        assert.doesNotMatch(body.node.id, /^vraag-/, 'no direct question');
        assert.equal(body.node.hint?.kind, 'suicide');
        assert.equal(body.theme, 'pesten', 'the answer is the one for the story');
        const last = page.locator('#log .msg.guide').last();
        assert.match(await last.locator('.hint p').innerText(), w.hintLine);
        assert.ok(await onFirstScreen(page, last.locator('.hint a[href="tel:113"]')), '113 on the first screen');
        await shot(page, `45-help-line-${lang}`);
      });
    });

    test('offline, the page itself offers 112 and 113', async () => {
      await phone({ failedLoadsExpected: true }, async (page) => {
        await begin(page, lang);
        await page.route('**/api/**', (r) => r.abort());
        await page.getByLabel(words[lang].box).fill(words[lang].suicide);
        await page.getByRole('button', { name: words[lang].send, exact: true }).tap();
        const err = page.locator('#log .error').last();
        await err.waitFor();
        await settled(page);
        await shot(page, `23-offline-${lang}`);
        assert.ok(await onFirstScreen(page, err.locator('a[href="tel:112"]')), '112 without the server');
        assert.ok(await onFirstScreen(page, err.locator('a[href="tel:113"]')), '113 without the server');
      });
    });
  });
}
