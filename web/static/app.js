// Meldwijzer phone UI: plain JS, no build step, same-origin API only. One file on purpose (about
// 1,200 lines): the first load is one script within the 30 KB gzip budget (tools/e2e/size.test.mjs)
// and there is no bundler to split it.
// Privacy: no cookies, no localStorage. The conversation and an unsent report draft (with its
// Idempotency-Key) may live in sessionStorage (so a reload keeps them) and are wiped by "Snel weg" (the
// button, or Shift pressed three times).
// A receipt is never stored, logged or put in a URL: it lives in a variable while it is on screen.
// The institution is carried in the URL path /i/{id}.
'use strict';
(() => {
  const T = {
    nl: {
      skip: 'Naar de inhoud', helpNav: 'Hulp', exit: 'Snel weg', urgent: 'Direct hulp', call112: 'Bel 112',
      exitA: 'Snel', exitB: 'weg', urgentA: 'Direct', urgentB: 'hulp', callA: 'Bel',
      other: 'English',
      title: 'Er is iets gebeurd? Wij wijzen je de weg.',
      intro: 'Je blijft anoniem. We vragen niet naar je naam.',
      yourSchool: 'Je school:', change: 'Andere school',
      who: 'Wie ben jij?', student: 'Ik ben student', staff: 'Ik werk op een mbo-school',
      school: 'Op welke school zit je?', schoolStaff: 'Op welke school werk je?',
      none: 'Weet ik niet / zeg ik liever niet', next: 'Verder',
      exitTip: 'Kijkt er iemand mee? Druk op Snel weg, of druk 3 keer op Shift. Je gaat dan naar Google en je gesprek wordt gewist.',
      safeH: 'Veilig gebruiken', safeBack: 'Met de knop Terug kom je niet meer op Meldwijzer.',
      safeHist: 'Je browser onthoudt wel dat je hier was. Gebruik daarom een privévenster (incognito). Of wis daarna je geschiedenis: open het menu van je browser, kies Geschiedenis en wis Meldwijzer.',
      shift2: 'Druk nog 2 keer op Shift om snel weg te gaan.', shift1: 'Druk nog 1 keer op Shift om snel weg te gaan.',
      chat: 'Gesprek', restart: 'Opnieuw beginnen', me: 'Jij:', guide: 'Meldwijzer:',
      type: 'Typ wat er is gebeurd', send: 'Stuur', choose: 'Kies een antwoord',
      report: 'Anoniem melden', menu: 'Menu', view: 'Mijn melding bekijken', already: 'Heb je al iets gemeld?',
      how: 'Zo bereik je ze:',
      rIntro: 'Vertel wat er is gebeurd. Je naam is niet nodig.', rTo: 'Je melding gaat naar:',
      rInst: 'Bij welke school wil je melden?', pick: 'Kies een school', pick2: 'Kies wat het best past',
      rTheme: 'Waar gaat het over?', rWhere: 'Waar gebeurde het?',
      rGrounds: 'Waarom werd je anders behandeld? Je mag meer dan één kiezen.',
      rText: 'Wat is er gebeurd?', rTextHint: 'Schrijf het in je eigen woorden. Je naam hoeft er niet in.',
      rWhen: 'Wanneer gebeurde het?', wn_week: 'Deze week', wn_month: 'Deze maand', wn_longer: 'Langer geleden',
      rFu: 'Wil je een antwoord?', fuYes: 'Ja. Je krijgt een code om het antwoord te lezen.',
      fuNo: 'Nee, ik wil het alleen laten weten.',
      pTitle: 'Wat gebeurt er met je melding?',
      p1: 'We bewaren alleen wat je hier typt en kiest.',
      p2: 'De vertrouwenspersoon of het meldpunt van je school leest het. Meestal blijft het daar. Is iemand in gevaar, of gaat het om seksueel misbruik door een medewerker? Dan moet de school soms iets doen.',
      p3: 'Is je melding afgesloten? Dan bewaren we de tekst nog 12 maanden. Daarna wissen we hem. Alleen anonieme aantallen blijven over.',
      p4: 'We bewaren niets over je telefoon of internet: geen IP-adres en geen cookies.',
      rSend: 'Verstuur melding', back: 'Terug', retryNow: 'Nu opnieuw proberen',
      sending: 'Je melding wordt verstuurd…',
      notYet: 'Nog niet verstuurd, we proberen het opnieuw… Je melding blijft bewaard in dit venster.',
      eInst: 'Kies je school.', eTheme: 'Kies waar het over gaat.', eWhere: 'Kies waar het gebeurde.',
      eText: 'Schrijf kort wat er is gebeurd.', count: 'van de', chars: 'tekens',
      failed: 'Je melding is nog niet verstuurd. Je tekst staat er nog. Dit ging er mis:',
      dTitle: 'Je melding is verstuurd', dCodeH: 'Dit is je code', copy: 'Kopieer de code',
      copied: 'De code is gekopieerd.', selectCopy: 'De code is geselecteerd. Kopieer hem zelf.',
      keep: 'Bewaar deze code. Zonder code kun je je melding niet terugzien.',
      when7: 'Je school moet binnen 7 dagen antwoorden. Kijk daarom op {d} bij Mijn melding bekijken. Het kan ook eerder.',
      safeKeep: 'Zo bewaar je de code', wPaper: 'Schrijf hem op papier.',
      wPaperT: 'Dit laat niets achter op je telefoon. Leg het papier op een veilige plek.',
      wPw: 'Bewaar hem bij je wachtwoorden.',
      wPwT: 'Je telefoon vraagt of je hem wilt bewaren. Wie je telefoon kan openen, kan hem daar zien.',
      savePw: 'Bewaar bij mijn wachtwoorden', pwAsked: 'Je telefoon vraagt nu of je de code wilt bewaren.',
      pwFailed: 'Dat lukte niet op deze telefoon. Schrijf de code op.',
      wCopy: 'Kopieer hem', wCopyT: 'met de knop hierboven. Hij staat dan op je klembord tot je iets anders kopieert.',
      wShot: 'Een screenshot', wShotT: "komt in je foto's. Is het thuis niet veilig, of kijkt iemand in je telefoon? Maak dan geen screenshot.",
      sureH: 'Heb je de code bewaard?', sureT: 'Hierna zie je de code niet meer. Zonder code kun je het antwoord van je school niet lezen.',
      sureNo: 'Nee, laat de code nog zien', sureYes: 'Ja, ik heb hem bewaard',
      getPw: 'Haal de code uit mijn wachtwoorden', pwUser: 'melding',
      thanks: 'Dank je wel voor je melding. Je school weet nu wat er is gebeurd.',
      noAnswer: 'Je krijgt geen antwoord, want je wilde geen antwoord. Dat is goed zo.', finish: 'Klaar',
      sCode: 'Je code', sCodeHint: 'Die kreeg je toen je je melding verstuurde. 20 cijfers.', sOpen: 'Bekijk mijn melding',
      eCode: 'Deze code kennen we niet. Controleer de cijfers.', eCodeFmt: 'Vul de 20 cijfers van je code in.',
      limited: 'Je hebt het vaak geprobeerd. We wachten even en proberen het over {s} seconden opnieuw.',
      sHead: 'Je melding', sStatus: 'Status', sTheme: 'Onderwerp', sDate: 'Gemeld op', sMsgs: 'Berichten',
      noMsgs: 'Er zijn nog geen berichten. Je school reageert zo snel mogelijk.', school2: 'School:',
      sText: 'Schrijf een bericht aan je school', sSend: 'Stuur bericht', eReply: 'Schrijf eerst een bericht.',
      sClosedNote: 'Je melding is afgesloten. Je kunt geen berichten meer sturen.', refresh: 'Vernieuwen',
      st_received: 'Ontvangen', st_in_progress: 'In behandeling', st_closed: 'Afgesloten',
      th_discriminatie: 'Discriminatie of racisme', th_seksueel: 'Seksueel grensoverschrijdend gedrag',
      th_agressie: 'Agressie, geweld of bedreiging', th_pesten: 'Pesten, ook online',
      th_criminaliteit: 'Drugs, diefstal of criminaliteit', th_stagemisbruik: 'Problemen op je stage',
      th_discussie: 'Een discussie die uit de hand liep', th_thuis: 'Het is thuis niet veilig',
      th_anders: 'Iets anders, of ik weet het niet',
      wh_school: 'Op school', wh_stage: 'Op mijn stage of werk', wh_online: 'Online of in een app', wh_elders: 'Ergens anders',
      gr_herkomst: 'Afkomst of huidskleur', gr_religie: 'Geloof',
      'gr_seksuele-orientatie': 'Seksuele oriëntatie (bijvoorbeeld homo, lesbisch, bi)',
      gr_gender: 'Geslacht of genderidentiteit (bijvoorbeeld trans)', gr_handicap: 'Een handicap of chronische ziekte',
      gr_leeftijd: 'Leeftijd', gr_anders: 'Iets anders',
      error: 'Sorry, dat lukte niet. Misschien is je internet weg. Probeer het nog eens.',
      danger: 'Ben je nu in gevaar? Bel 112.', talk113: 'Denk je aan zelfdoding? Bel 113.', retry: 'Probeer opnieuw', wait: 'Even geduld…',
      emergency: 'Spoed', institution: 'Op school', outside: 'Buiten school',
      call: 'Bel', website: 'Website', chatLink: 'Chat', mail: 'Mail', serves: 'Voor wie:', hours: 'Wanneer:',
      errTitle: 'Fout:', optional: '(niet verplicht)', sumH: 'Er ontbreekt nog iets', noneStaff: 'Mijn school staat er niet bij', sSent: 'Je bericht is verstuurd.', sNew1: 'Er is 1 nieuw bericht van je school.',
      sNewN: 'Er zijn {n} nieuwe berichten van je school.', sNone: 'Geen nieuwe berichten.',
      checked: 'Gecontroleerd op', source: 'bron', steps: 'Wat doe je nu?', locale: 'nl-NL',
      registerIncident: 'Registreer dit incident', registerHint: 'Voor medewerkers van de school. Zonder namen, in een minuut.',
      more: 'Meer hulp: nog {n} plekken', more1: 'Meer hulp: nog 1 plek', srcH: 'Waar komt dit vandaan?'
    },
    en: {
      skip: 'Skip to content', helpNav: 'Help', exit: 'Quick exit', urgent: 'Urgent help', call112: 'Call 112',
      exitA: 'Quick', exitB: 'exit', urgentA: 'Urgent', urgentB: 'help', callA: 'Call',
      other: 'Nederlands',
      title: 'Did something happen? We help you find your way.',
      intro: 'You stay anonymous. We do not ask your name.',
      yourSchool: 'Your school:', change: 'Other school',
      who: 'Who are you?', student: 'I am a student', staff: 'I work at an mbo school',
      school: 'Which school do you go to?', schoolStaff: 'Which school do you work at?',
      none: 'I do not know / I would rather not say', next: 'Continue',
      exitTip: 'Is someone watching? Press Quick exit, or press Shift 3 times. You go to Google and your conversation is deleted.',
      safeH: 'Use it safely', safeBack: 'The Back button does not bring you back to Meldwijzer.',
      safeHist: 'Your browser does remember that you were here. So use a private window (incognito). Or clear your history afterwards: open your browser menu, choose History and delete Meldwijzer.',
      shift2: 'Press Shift 2 more times for a quick exit.', shift1: 'Press Shift 1 more time for a quick exit.',
      chat: 'Conversation', restart: 'Start again', me: 'You:', guide: 'Meldwijzer:',
      type: 'Type what happened', send: 'Send', choose: 'Choose an answer',
      report: 'Report anonymously', menu: 'Menu', view: 'View my report', already: 'Did you already report something?',
      how: 'How to reach them:',
      rIntro: 'Tell us what happened. We do not need your name.', rTo: 'Your report goes to:',
      rInst: 'Which school do you want to report to?', pick: 'Choose a school', pick2: 'Choose what fits best',
      rTheme: 'What is it about?', rWhere: 'Where did it happen?',
      rGrounds: 'Why were you treated differently? You may choose more than one.',
      rText: 'What happened?', rTextHint: 'Write it in your own words. You do not need to put your name in it.',
      rWhen: 'When did it happen?', wn_week: 'This week', wn_month: 'This month', wn_longer: 'Longer ago',
      rFu: 'Do you want an answer?', fuYes: 'Yes. You get a code to read the answer.',
      fuNo: 'No, I only want to let them know.',
      pTitle: 'What happens to your report?',
      p1: 'We only keep what you type and choose here.',
      p2: 'The confidential adviser or the reporting point of your school reads it. Usually it stays there. Is someone in danger, or is it about sexual abuse by a staff member? Then the school sometimes has to act.',
      p3: 'When your report is closed, we keep the text for 12 more months. Then we delete it. Only anonymous counts stay.',
      p4: 'We keep nothing about your phone or internet: no IP address and no cookies.',
      rSend: 'Send report', back: 'Back', retryNow: 'Try again now',
      sending: 'Sending your report…',
      notYet: 'Not sent yet, we are trying again… Your report stays saved in this window.',
      eInst: 'Choose your school.', eTheme: 'Choose what it is about.', eWhere: 'Choose where it happened.',
      eText: 'Write briefly what happened.', count: 'of', chars: 'characters',
      failed: 'Your report has not been sent yet. Your text is still here. This went wrong:',
      dTitle: 'Your report has been sent', dCodeH: 'This is your code', copy: 'Copy the code',
      copied: 'The code has been copied.', selectCopy: 'The code is selected. Copy it yourself.',
      keep: 'Keep this code. Without the code you cannot see your report again.',
      when7: 'Your school must answer within 7 days. So look again on {d} under View my report. It may be sooner.',
      safeKeep: 'How to keep the code', wPaper: 'Write it down on paper.',
      wPaperT: 'This leaves nothing on your phone. Keep the paper in a safe place.',
      wPw: 'Save it with your passwords.',
      wPwT: 'Your phone asks whether you want to save it. Anyone who can open your phone can see it there.',
      savePw: 'Save with my passwords', pwAsked: 'Your phone now asks whether you want to save the code.',
      pwFailed: 'That did not work on this phone. Write the code down.',
      wCopy: 'Copy it', wCopyT: 'with the button above. It stays on your clipboard until you copy something else.',
      wShot: 'A screenshot', wShotT: 'goes into your photos. Is it not safe at home, or does someone look at your phone? Then do not take a screenshot.',
      sureH: 'Have you kept your code?', sureT: 'After this you will not see the code again. Without the code you cannot read the answer from your school.',
      sureNo: 'No, show the code again', sureYes: 'Yes, I have kept it',
      getPw: 'Get the code from my passwords', pwUser: 'report',
      thanks: 'Thank you for your report. Your school now knows what happened.',
      noAnswer: 'You will not get an answer, because you did not want one. That is fine.', finish: 'Done',
      sCode: 'Your code', sCodeHint: 'You got it when you sent your report. 20 digits.', sOpen: 'View my report',
      eCode: 'We do not know this code. Check the digits.', eCodeFmt: 'Enter the 20 digits of your code.',
      limited: 'You have tried many times. We wait a moment and try again in {s} seconds.',
      sHead: 'Your report', sStatus: 'Status', sTheme: 'Subject', sDate: 'Reported on', sMsgs: 'Messages',
      noMsgs: 'There are no messages yet. Your school will answer as soon as possible.', school2: 'School:',
      sText: 'Write a message to your school', sSend: 'Send message', eReply: 'Write a message first.',
      sClosedNote: 'Your report is closed. You can no longer send messages.', refresh: 'Refresh',
      st_received: 'Received', st_in_progress: 'Being handled', st_closed: 'Closed',
      th_discriminatie: 'Discrimination or racism', th_seksueel: 'Sexual harassment or violence',
      th_agressie: 'Aggression, violence or threats', th_pesten: 'Bullying, also online',
      th_criminaliteit: 'Drugs, theft or crime', th_stagemisbruik: 'Problems at your work placement',
      th_discussie: 'A discussion that got out of hand', th_thuis: 'It is not safe at home',
      th_anders: 'Something else, or I am not sure',
      wh_school: 'At school', wh_stage: 'At my work placement or job', wh_online: 'Online or in an app', wh_elders: 'Somewhere else',
      gr_herkomst: 'Origin or skin colour', gr_religie: 'Religion',
      'gr_seksuele-orientatie': 'Sexual orientation (for example gay, lesbian, bi)',
      gr_gender: 'Sex or gender identity (for example trans)', gr_handicap: 'A disability or chronic illness',
      gr_leeftijd: 'Age', gr_anders: 'Something else',
      error: 'Sorry, that did not work. Maybe your internet is down. Please try again.',
      danger: 'Are you in danger right now? Call 112.', talk113: 'Thinking about suicide? Call 113.', retry: 'Try again', wait: 'Please wait…',
      emergency: 'Emergency', institution: 'At school', outside: 'Outside school',
      call: 'Call', website: 'Website', chatLink: 'Chat', mail: 'Email', serves: 'Who for:', hours: 'When:',
      errTitle: 'Error:', optional: '(optional)', sumH: 'Something is still missing', noneStaff: 'My school is not in the list', sSent: 'Your message has been sent.', sNew1: 'There is 1 new message from your school.',
      sNewN: 'There are {n} new messages from your school.', sNone: 'No new messages.',
      checked: 'Checked on', source: 'source', steps: 'What to do now', locale: 'en-GB',
      registerIncident: 'Register this incident', registerHint: 'For the school\'s staff. Without names, in a minute.',
      more: 'More help: {n} more places', more1: 'More help: 1 more place', srcH: 'Where is this from?'
    }
  };
  const KEY = 'meldwijzer';
  const $ = (id) => document.getElementById(id);
  const log = $('log');
  const S = { lang: 'nl', audience: null, inst: null, instName: '', items: [], node: null, nodeEl: null, busy: false, view: 'start', stale: false };
  let instReady = Promise.resolve();
  let leaving = false;
  const t = (k) => T[S.lang][k];
  const VIEWS = ['start', 'chat', 'report', 'done', 'self'];
  const reduced = () => matchMedia('(prefers-reduced-motion: reduce)').matches;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  // ---- storage (conversation only) ----
  function save() {
    try { sessionStorage.setItem(KEY, JSON.stringify({ a: S.audience, l: S.lang, i: S.items })); } catch (_) { /* private mode */ }
  }
  function load() {
    try { return JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch (_) { return null; }
  }

  // ---- API ----
  // secs: the Retry-After of a response in seconds (at most max), or def when it has none.
  function secs(res, def, max) {
    const h = (res && res.headers.get('Retry-After')) || '';
    let s = /^\d+$/.test(h) ? +h : (Date.parse(h) - Date.now()) / 1000;
    if (!(s >= 0)) s = def;
    return Math.min(Math.ceil(s), max || 30);
  }
  const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));
  const wait = (res) => sleep(secs(res, 2));
  async function api(path, body, retried) {
    const res = await fetch(path, body ? {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body)
    } : {});
    if (res.status === 429 && !retried) { await wait(res); return api(path, body, true); }
    let data = null;
    try { data = await res.json(); } catch (_) { /* not JSON */ }
    if (!res.ok || !data) {
      const e = new Error((data && data.error && data.error.message) || 'HTTP ' + res.status);
      e.status = res.status;
      throw e;
    }
    return data;
  }
  function base(extra) {
    const b = { audience: S.audience || 'student', lang: S.lang };
    if (S.inst) b.institution = S.inst;
    return Object.assign(b, extra);
  }
  const step = (extra) => () => api('/api/v1/wegwijzer/step', base(extra)).then((d) => d.node);

  // Runs a request with a waiting bubble; on failure shows a friendly bubble with a retry button.
  async function run(req, ok, urgent) {
    if (S.busy) return;
    S.busy = true;
    const dots = el('div', 'msg guide typing');
    dots.setAttribute('aria-hidden', 'true');
    dots.append(el('div', 'bubble', '• • •'));
    log.append(dots);
    log.setAttribute('aria-busy', 'true');
    try {
      await instReady;
      const data = await req();
      dots.remove();
      log.removeAttribute('aria-busy');
      S.busy = false;
      ok(data);
    } catch (_) {
      dots.remove();
      log.removeAttribute('aria-busy');
      S.busy = false;
      const m = el('div', 'msg guide error');
      const b = el('div', 'bubble');
      const why = el('p', '', t('error'));
      why.id = 'err' + Date.now();
      b.append(el('span', 'sr', t('guide') + ' '), why);
      if (urgent) {
        // Without the server the page still offers both lines: danger (112) and suicide (113).
        const box = el('div', 'crisis offline');
        box.append(linkBtn('call big', 'tel:112', t('danger'), '112'), linkBtn('call big', 'tel:113', t('talk113'), '113'));
        b.append(box);
      }
      const again = el('button', 'btn primary', t('retry'));
      again.type = 'button';
      again.setAttribute('aria-describedby', why.id); // focus lands here: the reason is read with it
      again.addEventListener('click', () => { m.remove(); run(req, ok, urgent); });
      b.append(again);
      m.append(b);
      log.append(m);
      // the whole bubble (with 112 and 113 when it matters) on screen, focus on "try again"
      m.scrollIntoView({ block: 'start', behavior: 'auto' });
      again.focus({ preventScroll: true });
    }
  }

  // ---- rendering ----
  function reveal(node) {
    node.focus({ preventScroll: true });
    node.scrollIntoView({ block: 'start', behavior: reduced() ? 'auto' : 'smooth' });
  }
  // addUser shows the person's answer. An option remembers its node and id (on, c), the urgent button its
  // key, so that a language switch can show them in the other language; typed text stays as typed.
  function addUser(text, keep, extra) {
    const m = el('div', 'msg user');
    const b = el('div', 'bubble');
    b.append(el('span', 'sr', t('me') + ' '), document.createTextNode(text));
    m.append(b);
    log.append(m);
    if (!keep) { S.items.push(Object.assign({ k: 'u', text }, extra)); save(); }
  }
  function safeUrl(u) { return typeof u === 'string' && /^https?:\/\//i.test(u) ? u : null; }
  function linkBtn(cls, href, label, name) {
    const a = el('a', 'btn ' + cls, label);
    a.href = href;
    a.setAttribute('aria-label', label + ': ' + name);
    if (/^http/.test(href)) a.rel = 'noopener noreferrer';
    return a;
  }
  function fmtDate(s) {
    const m = /^(\d{4})-(\d\d)-(\d\d)/.exec(s || '');
    if (!m) return s;
    return new Date(+m[1], m[2] - 1, +m[3]).toLocaleDateString(t('locale'), { day: 'numeric', month: 'long', year: 'numeric' });
  }
  function card(r) {
    const kind = ['emergency', 'institution', 'outside'].includes(r.kind) ? r.kind : 'outside';
    const c = el('article', 'card ' + kind);
    const badge = el('p', 'badge');
    if (kind === 'emergency') badge.append(el('span', 'ico', '!'));
    badge.append(t(kind));
    c.append(badge, el('h2', '', r.name));
    if (r.for) c.append(el('p', '', r.for));
    for (const [k, v] of [['how', r.how], ['serves', r.serves], ['hours', r.hours]]) {
      if (!v) continue;
      const p = el('p');
      p.append(el('strong', '', t(k) + ' '), v);
      c.append(p);
    }
    const acts = el('div', 'acts');
    const tel = String(r.tel || '').replace(/[^\d+]/g, '');
    if (tel) acts.append(linkBtn('call', 'tel:' + tel, t('call') + ' ' + (r.phone || tel), r.name));
    const web = safeUrl(r.website), chat = safeUrl(r.chat);
    if (chat) acts.append(linkBtn('line', chat, t('chatLink'), r.name));
    if (web) acts.append(linkBtn('line', web, t('website'), r.name));
    if (r.email && /^[^\s@]+@[^\s@]+$/.test(r.email)) {
      const a = linkBtn('line mail', 'mailto:' + r.email, t('mail') + ' ' + r.email, r.name);
      acts.append(a);
    }
    if (acts.childNodes.length) c.append(acts);
    if (r.verified) {
      // Where the facts come from, folded away: it matters to few, and only after the rest.
      const d = el('details', 'src');
      const p = el('p', 'small', t('checked') + ' ' + fmtDate(r.verified));
      const src = safeUrl(r.source);
      if (src) {
        const a = el('a', '', t('source'));
        a.href = src;
        a.rel = 'noopener noreferrer';
        p.append(' (', a, ')');
      }
      d.append(el('summary', 'small', t('srcH')), p);
      c.append(d);
    }
    return c;
  }
  // The one call that fits, first in the crisis answer, so that it is on the first screen of a
  // small phone before any text; the full cards follow below.
  function crisisCall(r) {
    const box = el('div', 'crisis');
    appendCall(box, r, 'call big');
    return box;
  }
  // hintLine is the help line of an answer to a message with some risk: its sentence and its call.
  function hintLine(h) {
    const box = el('div', 'hint');
    box.append(el('p', '', h.text));
    appendCall(box, h.route, 'call');
    return box;
  }
  // appendCall adds a route's call button and its chat link, when it has them.
  function appendCall(box, r, cls) {
    const tel = String(r.tel || '').replace(/[^\d+]/g, '');
    if (tel) box.append(linkBtn(cls, 'tel:' + tel, t('call') + ' ' + (r.phone || tel), r.name));
    const chat = safeUrl(r.chat);
    if (chat) box.append(linkBtn('line', chat, t('chatLink'), r.name));
  }
  function renderNode(node, current) {
    const m = el('div', 'msg guide' + (node.urgent ? ' is-urgent' : ''));
    m.tabIndex = -1;
    const b = el('div', 'bubble');
    b.append(el('span', 'sr', t('guide') + ' '));
    const first = Array.isArray(node.routes) && node.routes[0];
    if (first && first.kind === 'emergency') b.append(crisisCall(first));
    for (const line of String(node.text || '').split(/\n+/)) if (line.trim()) b.append(el('p', '', line));
    // Some risk in a typed message, less than a direct question needs: a help line with its
    // number, in the bubble, so that it is on the first screen; the conversation goes on below.
    if (node.hint && node.hint.route) b.append(hintLine(node.hint));
    if (Array.isArray(node.steps) && node.steps.length) {
      b.append(el('h2', 'steps-h', t('steps')));
      const ol = el('ol', 'steps');
      for (const s of node.steps) ol.append(el('li', '', s));
      b.append(ol);
    }
    m.append(b);
    // A direct question about a risk ("Denk je erover om een eind aan je leven te maken?") has its
    // call on top; its answers follow the question at once, and the full cards come below them.
    const askFirst = !node.urgent && first && first.kind === 'emergency';
    if (askFirst) appendOptions(m, node, current);
    // The staff protocol ends in registering what happened: one tap to the form, with what the
    // conversation already knows.
    if (S.audience === 'staff' && Array.isArray(node.steps) && node.steps.length) {
      const q = new URLSearchParams();
      if (node.theme) q.set('theme', node.theme);
      if (node.where) q.set('where', node.where);
      const reg = el('a', 'btn line wide register', t('registerIncident'));
      reg.href = '/instelling/#/incident' + (q.toString() ? '?' + q : '');
      m.append(reg, el('p', 'small', t('registerHint')));
    }
    // The one best next step first: the server orders the routes by relevance. Emergency routes all
    // stay in view; the other routes wait behind "Meer hulp". A route that
    // says whom it serves (audience) and does not serve this person is left out.
    const routes = (Array.isArray(node.routes) ? node.routes : []).filter((r) => !Array.isArray(r.audience) || r.audience.includes(S.audience || 'student'));
    let lead = 0;
    while (lead < routes.length && routes[lead].kind === 'emergency') lead++;
    lead = Math.max(lead, Math.min(1, routes.length));
    // The report button comes before the lead card: a card can be long (a school's contact with how
    // to reach them), and both must be on the first screen of a small phone.
    if (node.report) {
      const rb = el('button', 'btn primary wide report', t('report'));
      rb.type = 'button';
      rb.addEventListener('click', () => openReport(node));
      m.append(rb);
    }
    if (lead) {
      const list = el('div', 'cards');
      for (const r of routes.slice(0, lead)) list.append(card(r));
      m.append(list);
    }
    if (routes.length > lead) {
      const more = el('details', 'more');
      const n = routes.length - lead;
      more.append(el('summary', '', n === 1 ? t('more1') : t('more').replace('{n}', n)));
      const list = el('div', 'cards');
      for (const r of routes.slice(lead)) list.append(card(r));
      more.append(list);
      m.append(more);
    }
    if (!askFirst) appendOptions(m, node, current);
    return m;
  }
  // appendOptions adds the answers of the current question.
  function appendOptions(m, node, current) {
    if (!current || !Array.isArray(node.options) || !node.options.length) return;
    const g = el('div', 'opts');
    g.setAttribute('role', 'group');
    g.setAttribute('aria-label', t('choose'));
    for (const o of node.options) {
      const btn = el('button', 'opt' + (o.urgent ? ' opt-urgent' : ''));
      btn.type = 'button';
      if (o.urgent) {
        const i = el('span', 'ico', '!');
        i.setAttribute('aria-hidden', 'true');
        btn.append(i);
      }
      btn.append(el('span', 'lbl', o.label));
      btn.addEventListener('click', () => choose(o));
      g.append(btn);
    }
    m.append(g);
  }
  function dropOptions() {
    for (const g of log.querySelectorAll('.opts')) g.remove();
  }
  function showNode(node) {
    if (!node || !node.id) throw new Error('no node');
    dropOptions();
    S.items.push({ k: 'g', node });
    S.node = node;
    S.nodeEl = renderNode(node, true);
    log.append(S.nodeEl);
    save();
    reveal(S.nodeEl);
  }
  // renderAll draws the whole conversation from S.items; only the last guide message has its options.
  function renderAll() {
    log.textContent = '';
    let last = -1;
    S.items.forEach((it, n) => { if (it.k === 'g') last = n; });
    S.node = S.nodeEl = null;
    S.items.forEach((it, n) => {
      if (it.k === 'u') addUser(it.text, true);
      else if (it.k === 'g') {
        const e = renderNode(it.node, n === last);
        log.append(e);
        if (n === last) { S.node = it.node; S.nodeEl = e; }
      }
    });
  }
  // Language switch: every guide message again in the other language (in parallel), and the person's
  // chosen answers with them; what they typed stays as typed. A message that cannot be fetched stays.
  const relang = () => Promise.all(S.items.map((it) => (it.k === 'g'
    ? api('/api/v1/wegwijzer/step', base({ node: it.node.id })).then((d) => d.node, () => it.node) : null)));
  function relangDone(nodes) {
    if (!nodes.some((n, i) => n && n !== S.items[i].node)) throw new Error('nothing fetched');
    S.items = S.items.map((it, i) => (it.k === 'g' ? { k: 'g', node: nodes[i] || it.node } : it));
    for (const it of S.items) {
      if (it.k !== 'u') continue;
      if (it.key) it.text = t(it.key);
      const at = it.on && S.items.find((g) => g.k === 'g' && g.node.id === it.on);
      const o = at && (at.node.options || []).find((x) => x.id === it.c);
      if (o) it.text = o.label;
    }
    renderAll();
    save();
    if (S.nodeEl) reveal(S.nodeEl);
  }

  // ---- actions ----
  function choose(o) {
    if (S.busy || !S.node) return;
    dropOptions();
    const id = S.node.id;
    addUser(o.label, false, { on: id, c: o.id });
    run(step({ node: id, choice: o.id }), showNode);
  }
  // show makes one view visible; leaving the receipt or the report view forgets the receipt.
  function show(v) {
    for (const x of VIEWS) $(x).hidden = x !== v;
    $('composer').hidden = v !== 'chat';
    if (v !== 'done') $('rcpt').textContent = '';
    if (v !== 'self') forgetSelf();
    S.view = v;
    closeMenu();
    title();
  }
  // Each view has its own page title (read first by a screen reader, shown in the tab); a form with
  // errors says so first, as GOV.UK's and NL Design System's forms do.
  function title(err) {
    if (leaving) return;
    const k = { start: 'title', chat: 'chat', report: 'report', done: 'dTitle', self: 'view' }[S.view] || 'title';
    document.title = (err ? t('errTitle') + ' ' : '') + t(k) + ' – Meldwijzer';
  }
  function chatLine() {
    $('chatSchool').textContent = S.inst && S.instName ? t('yourSchool') + ' ' + S.instName : '';
  }
  function showChat() {
    show('chat');
    chatLine();
  }
  function begin() {
    S.items = [];
    S.node = null;
    log.textContent = '';
    showChat();
    run(step({}), showNode);
  }
  function showStart() {
    show('start');
    $('schoolStep').hidden = true;
    $('whoStep').hidden = false;
    schoolLine();
  }
  function schoolLine() {
    $('schoolNow').hidden = !S.inst;
    $('schoolName').textContent = S.instName || S.inst || '';
  }
  function setInst(id, name) {
    S.inst = id || null;
    S.instName = name || '';
    history.replaceState(null, '', S.inst ? '/i/' + encodeURIComponent(S.inst) : '/');
    schoolLine();
  }
  let instList = null;
  function loadInstitutions() {
    instList = instList || api('/api/v1/institutions').then((d) => {
      for (const sel of [$('school'), $('rInst')]) {
        for (const i of d.institutions || []) {
          const o = el('option', '', i.name);
          o.value = i.id;
          sel.append(o);
        }
      }
    }, () => { instList = null; }); // only "I don't know" then; the guide works without an institution
    return instList;
  }
  function quickExit() {
    D = null;
    forgetSelf();
    clearTimeout(sendTimer);
    try { sessionStorage.clear(); } catch (_) { /* ignore */ }
    S.items = [];
    S.node = S.nodeEl = null;
    log.textContent = '';
    $('text').value = '';
    leaving = true;
    const pushed = history.state && history.state.v;
    try { history.replaceState(null, '', '/'); } catch (_) { /* ignore */ }
    document.title = 'Google';
    document.body.textContent = '';
    // The exit page replaces this history entry, so Back does not return. A view of its own (the form,
    // the receipt, my report) is one entry more: step back over it first, then replace the first one.
    let gone = false;
    const leave = () => {
      if (gone) return;
      gone = true;
      try { history.replaceState(null, '', '/'); } catch (_) { /* ignore */ }
      location.replace('https://www.google.nl/');
    };
    if (pushed) {
      addEventListener('popstate', leave, { once: true });
      setTimeout(leave, 500);
      history.back();
    } else leave();
  }
  function applyLang() {
    const d = T[S.lang];
    document.documentElement.lang = S.lang;
    for (const e of document.querySelectorAll('[data-t]')) e.textContent = d[e.dataset.t];
    for (const e of document.querySelectorAll('[data-ta]')) e.setAttribute('aria-label', d[e.dataset.ta]);
    for (const e of document.querySelectorAll('[data-tp]')) e.placeholder = d[e.dataset.tp];
    $('schoolLabel').textContent = S.audience === 'staff' ? d.schoolStaff : d.school;
    $('school').options[0].textContent = S.audience === 'staff' ? d.noneStaff : d.none;
    const lb = $('lang');
    lb.textContent = d.other;
    lb.lang = S.lang === 'nl' ? 'en' : 'nl';
    if (S.view === 'chat') chatLine();
    counters();
    if (S.view === 'self' && selfData) renderSelf();
    if (S.view === 'done') whenBack();
    title();
  }

  // ---- layout ----
  // The header's upper row (name, language, menu) scrolls away; the row with Snel weg, Direct hulp and
  // Bel 112 stays on screen at every text size. The scroll padding keeps a focused element clear of that
  // row and of the text box at the bottom (WCAG 2.2 SC 2.4.11), and a focus that lands under them anyway
  // is scrolled free.
  function layout() {
    if (leaving) return;
    const hb = $('helpBar');
    const r = document.documentElement.style;
    $('top').style.top = $('top').getBoundingClientRect().top - hb.getBoundingClientRect().top + 'px';
    r.setProperty('--head', hb.offsetHeight + 8 + 'px');
    r.setProperty('--foot', ($('composer').hidden ? 0 : $('composer').offsetHeight) + 8 + 'px');
  }
  if (window.ResizeObserver) {
    const ro = new ResizeObserver(layout);
    ro.observe($('top'));
    ro.observe($('composer'));
  }
  function unobscure() {
    const x = document.activeElement;
    if (!x || x === document.body || x.classList.contains('msg') || x.closest('.top, .composer')) return;
    const r = x.getBoundingClientRect();
    const top = $('helpBar').getBoundingClientRect().bottom;
    const bottom = $('composer').hidden ? innerHeight : $('composer').getBoundingClientRect().top;
    if (r.top < top) scrollBy(0, r.top - top - 8);
    else if (r.bottom > bottom && r.height < bottom - top) scrollBy(0, r.bottom - bottom + 8);
  }
  document.addEventListener('focusin', () => requestAnimationFrame(unobscure));

  // ---- wiring ----
  $('exit').addEventListener('click', quickExit);
  // The keyboard's quick exit is Shift pressed three times within 5 seconds, with no other key between
  // (as GOV.UK's "Exit this page"): Esc closes menus and boxes and is pressed by accident, Shift alone
  // does nothing else, exists on every keyboard and is never part of typing when pressed on its own.
  let shifts = 0;
  let shiftTimer = 0;
  let shiftAlone = false;
  const exitSay = (k) => { $('exitSay').textContent = k ? t(k) : ''; };
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Shift') { if (!e.repeat) shiftAlone = true; return; }
    shiftAlone = false;
    if (shifts) { shifts = 0; exitSay(); }
    if (e.key === 'Escape' && !$('menu').hidden) { closeMenu(); $('menuBtn').focus(); }
    if (e.key === 'Escape' && $('dSure').open) sureNo();
  });
  document.addEventListener('keyup', (e) => {
    if (e.key !== 'Shift' || !shiftAlone) return;
    shiftAlone = false;
    clearTimeout(shiftTimer);
    if (++shifts >= 3) { quickExit(); return; }
    exitSay('shift' + (3 - shifts));
    shiftTimer = setTimeout(() => { shifts = 0; exitSay(); }, 5000);
  });
  $('lang').addEventListener('click', () => {
    if (S.busy) return;
    S.lang = S.lang === 'nl' ? 'en' : 'nl';
    applyLang();
    save();
    if (S.node && S.view === 'chat') run(relang, relangDone);
    else if (S.node) S.stale = true;
  });
  $('urgent').addEventListener('click', () => {
    if (S.busy) return;
    if (!S.audience) S.audience = 'student';
    if (history.state && history.state.v) history.replaceState(null, '');
    if (S.view !== 'chat') showChat();
    dropOptions();
    addUser(t('urgent'), false, { key: 'urgent' });
    run(step({ node: 'urgent' }), showNode, true);
  });
  for (const b of document.querySelectorAll('[data-aud]')) {
    b.addEventListener('click', () => {
      S.audience = b.dataset.aud;
      applyLang();
      if (S.inst) { begin(); return; }
      $('whoStep').hidden = true;
      $('schoolStep').hidden = false;
      loadInstitutions();
      $('school').focus();
    });
  }
  $('schoolStep').addEventListener('submit', (e) => {
    e.preventDefault();
    const sel = $('school');
    setInst(sel.value, sel.value ? sel.options[sel.selectedIndex].text : '');
    begin();
  });
  $('change').addEventListener('click', () => {
    setInst(null);
    showStart();
    $('title').focus();
  });
  $('restart').addEventListener('click', () => {
    S.items = [];
    S.node = S.nodeEl = null;
    S.audience = null;
    log.textContent = '';
    try { sessionStorage.removeItem(KEY); } catch (_) { /* ignore */ }
    showStart();
    $('title').focus();
  });
  const ta = $('text');
  const grow = () => { ta.style.height = ''; if (ta.value) ta.style.height = Math.min(ta.scrollHeight + 4, 136) + 'px'; };
  ta.addEventListener('input', grow);
  ta.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && matchMedia('(pointer: fine)').matches) {
      e.preventDefault();
      $('composer').requestSubmit();
    }
  });
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = ta.value.trim().slice(0, 2000);
    if (!text || S.busy) return;
    dropOptions();
    addUser(text);
    ta.value = '';
    grow();
    run(() => api('/api/v1/wegwijzer/message', base(S.node && S.node.id ? { text, node: S.node.id } : { text })), (d) => showNode(d.node), true);
  });

  // ---- navigation between views ----
  // The report form, the receipt and "my report" get a history entry, so the phone's back button
  // returns to the conversation or the start screen. The entry holds only the view's name.
  function go(v) {
    if (history.state && history.state.v) history.replaceState({ v }, '');
    else history.pushState({ v }, '');
    show(v);
    scrollTo(0, 0);
  }
  function toBase() {
    if (S.items.length) {
      showChat();
      if (S.stale && S.node) { S.stale = false; run(relang, relangDone); }
      else if (S.nodeEl) reveal(S.nodeEl);
    } else {
      showStart();
      $('title').focus();
    }
  }
  function back() {
    if (history.state && history.state.v) history.back(); else toBase();
  }
  addEventListener('popstate', (e) => {
    if (leaving) return;
    const v = e.state && e.state.v;
    if (v === 'report' && D) { show('report'); fillForm(); $('rTitle').focus(); }
    else if (v === 'self') { show('self'); $('sTitle').focus(); }
    else toBase();
  });
  function closeMenu() {
    $('menu').hidden = true;
    $('menuBtn').setAttribute('aria-expanded', 'false');
  }
  $('menuBtn').addEventListener('click', () => {
    const open = $('menu').hidden;
    $('menu').hidden = !open;
    $('menuBtn').setAttribute('aria-expanded', String(open));
  });
  for (const b of document.querySelectorAll('[data-go]')) {
    b.addEventListener('click', () => leaveDone(() => (b.dataset.go === 'self' ? openSelf() : openReport(S.node && S.node.report ? S.node : null))));
  }
  for (const b of document.querySelectorAll('[data-back]')) b.addEventListener('click', () => leaveDone(back));

  // ---- form helpers ----
  // setErr shows (or with no key, clears) the error under a field and ties it to the field.
  function setErr(field, id, key, text) {
    const e = $(id);
    const ids = (field.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && x !== id);
    if (key || text) {
      if (key) e.dataset.t = key; else delete e.dataset.t;
      e.textContent = key ? t(key) : text;
      ids.push(id);
      field.setAttribute('aria-invalid', 'true');
    } else {
      delete e.dataset.t;
      e.textContent = '';
      field.removeAttribute('aria-invalid');
    }
    e.hidden = !(key || text);
    if (ids.length) field.setAttribute('aria-describedby', ids.join(' ')); else field.removeAttribute('aria-describedby');
  }
  function counters() {
    for (const [f, c] of [['rText', 'cText'], ['sText', 'cReply']]) {
      const a = $(f);
      $(c).textContent = a.value.length + ' ' + t('count') + ' ' + a.maxLength + ' ' + t('chars');
    }
  }
  function say(id, key, extra) {
    const e = $(id);
    if (key) e.dataset.t = key; else delete e.dataset.t;
    e.textContent = key ? t(key) : extra || '';
  }
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const h = Array.from(b, (x) => (x + 256).toString(16).slice(1)).join('');
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join('-');
  }

  // ---- meldpunt: the report draft ----
  // D is the draft: the fields, its Idempotency-Key (made once) and, once a send was tried, the exact
  // body that was sent. While a body is out, the fields are locked so that every retry is identical.
  const DK = 'meldwijzer.draft';
  let D = null;
  let sendTimer = 0;
  let sending = false;
  let tries = 0;
  function saveDraft() {
    try { if (D) sessionStorage.setItem(DK, JSON.stringify(D)); else sessionStorage.removeItem(DK); } catch (_) { /* private mode */ }
  }
  function openReport(node) {
    if (!D || (!D.text && !D.sent)) {
      D = {
        k: uuid(), inst: S.inst || '', instName: S.inst ? S.instName : '', aud: S.audience || 'student',
        theme: (node && node.theme) || '', where: (node && node.where) || '', grounds: [], when: '', text: '', fu: true, sent: null
      };
      saveDraft();
    }
    go('report');
    $('rAlert').hidden = true;
    summary([]);
    fillForm();
    $('rTitle').focus();
  }
  const radios = (name) => $('rForm').querySelectorAll('input[name="' + name + '"]');
  function fillForm() {
    if (!D) return;
    const f = $('rForm');
    $('fInst').hidden = !!D.inst;
    $('rFor').hidden = !D.inst;
    $('rForName').textContent = D.instName || D.inst;
    if (!D.inst) loadInstitutions().then(() => { $('rInst').value = D ? D.inst : ''; });
    $('rTheme').value = D.theme;
    $('rWhere').value = D.where;
    $('rText').value = D.text;
    for (const c of radios('g')) c.checked = D.grounds.includes(c.value);
    for (const r of radios('when')) r.checked = r.value === D.when;
    for (const r of radios('fu')) r.checked = r.value === (D.fu ? 'yes' : 'no');
    $('fGrounds').hidden = D.theme !== 'discriminatie';
    for (const e of f.querySelectorAll('input, select, textarea')) e.disabled = !!D.sent;
    $('rSend').hidden = !!D.sent;
    $('rWait').hidden = !D.sent;
    counters();
    if (D.sent && !sending && !sendTimer) { say('rStatus', 'notYet'); sendTimer = setTimeout(submit, 1000); }
  }
  function readForm() {
    if (!D || D.sent) return;
    if (!$('fInst').hidden) {
      D.inst = $('rInst').value;
      D.instName = D.inst ? $('rInst').options[$('rInst').selectedIndex].text : '';
    }
    D.theme = $('rTheme').value;
    D.where = $('rWhere').value;
    D.text = $('rText').value;
    D.grounds = Array.from(radios('g')).filter((c) => c.checked).map((c) => c.value);
    const w = Array.from(radios('when')).find((r) => r.checked);
    D.when = w ? w.value : '';
    D.fu = !radios('fu')[1].checked;
    $('fGrounds').hidden = D.theme !== 'discriminatie';
    saveDraft();
  }
  $('rForm').addEventListener('input', readForm);
  $('rForm').addEventListener('change', readForm);
  $('rText').addEventListener('input', counters);
  $('sText').addEventListener('input', counters);
  for (const [f, e] of [['rInst', 'eInst'], ['rTheme', 'eTheme'], ['rWhere', 'eWhere'], ['rText', 'eText']]) {
    $(f).addEventListener('input', () => {
      if ($(f).value.trim() && !$(e).hidden) {
        setErr($(f), e);
        for (const a of $('rSumList').querySelectorAll('a')) if (a.dataset.t === e) a.parentNode.remove();
        if (!$('rSumList').children.length) summary([]);
      }
    });
  }
  // validate marks each missing field (the error above it) and lists them in a summary at the top
  // whose links go to the fields; focus goes to the summary, and the page title starts with "Fout:".
  function validate() {
    const bad = [];
    for (const [f, e, ok] of [['rInst', 'eInst', D.inst], ['rTheme', 'eTheme', D.theme], ['rWhere', 'eWhere', D.where], ['rText', 'eText', D.text.trim()]]) {
      setErr($(f), e, ok ? null : e);
      if (!ok) bad.push([f, e]);
    }
    summary(bad);
    if (bad.length) $('rSum').focus();
    return !bad.length;
  }
  function summary(bad) {
    const ul = $('rSumList');
    ul.textContent = '';
    for (const [f, e] of bad) {
      const a = el('a', '', t(e));
      a.href = '#' + f;
      a.dataset.t = e;
      a.addEventListener('click', (ev) => {
        ev.preventDefault(); // no #fragment in the history
        $(f).focus();
        const l = $(f).closest('.field');
        if (l) l.scrollIntoView({ block: 'start' });
      });
      const li = el('li');
      li.append(a);
      ul.append(li);
    }
    $('rSum').hidden = !bad.length;
    title(bad.length > 0);
  }
  function body() {
    const b = { audience: D.aud, lang: S.lang, theme: D.theme, where: D.where, description: D.text.trim(), followUp: D.fu };
    if (D.theme === 'discriminatie' && D.grounds.length) b.grounds = D.grounds;
    if (D.when) b.when = D.when;
    return b;
  }
  $('rForm').addEventListener('submit', (e) => {
    e.preventDefault();
    if (!D || D.sent || sending) return;
    readForm();
    $('rAlert').hidden = true;
    if (!validate()) return;
    D.sent = body();
    saveDraft();
    submit();
  });
  $('rRetry').addEventListener('click', () => { if (!sending) submit(); });
  addEventListener('online', () => { if (D && D.sent && !sending) submit(); });
  async function submit() {
    clearTimeout(sendTimer);
    sendTimer = 0;
    if (!D || !D.sent || sending) return;
    sending = true;
    fillForm();
    say('rStatus', 'sending');
    const d = D;
    let res = null;
    let data = null;
    try {
      res = await fetch('/api/v1/institutions/' + encodeURIComponent(d.inst) + '/reports', {
        method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': d.k }, body: JSON.stringify(d.sent)
      });
      data = await res.json();
    } catch (_) { /* offline, or not JSON */ }
    sending = false;
    if (D !== d) return; // quick exit meanwhile
    if (res && (res.status === 200 || res.status === 201) && data && data.report) { tries = 0; sent(data); return; }
    if (!res || res.status === 429 || res.status >= 500) {
      // The report may or may not have arrived: try again with the same key and body.
      const s = secs(res, Math.min(2 ** tries, 30));
      tries++;
      say('rStatus', 'notYet');
      sendTimer = setTimeout(submit, s * 1000);
      return;
    }
    // A 4xx changed nothing: unlock the fields so the person can change them; keep the draft and key.
    tries = 0;
    if (res.status === 404) D.inst = '';
    D.sent = null;
    saveDraft();
    fillForm();
    const a = $('rAlert');
    a.textContent = '';
    a.append(el('p', '', t('failed')), el('p', '', (data && data.error && data.error.message) || 'HTTP ' + res.status));
    a.hidden = false;
    a.tabIndex = -1;
    a.focus();
  }
  function sent(data) {
    const fu = D.sent.followUp;
    D = null;
    saveDraft();
    $('rForm').reset();
    $('rAlert').hidden = true;
    go('done');
    const code = fu && data.receipt ? String(data.receipt) : '';
    $('rcpt').textContent = code;
    $('dCode').hidden = !code;
    $('dView').hidden = !code;
    $('dNo').hidden = fu;
    say('copied');
    whenBack();
    $('wPw').hidden = !window.PasswordCredential;
    $('dTitle').focus();
  }
  // The day to look again: the school must answer within 7 days.
  function whenBack() {
    const d = new Date(Date.now() + 7 * 864e5);
    $('dWhen').textContent = t('when7').replace('{d}', d.toLocaleDateString(t('locale'), { weekday: 'long', day: 'numeric', month: 'long' }));
  }
  // The phone's password manager, through the Credential Management API: only when the person asks.
  $('savePw').addEventListener('click', async () => {
    const c = $('rcpt').textContent;
    if (!c) return;
    try {
      await navigator.credentials.store(new PasswordCredential({ id: t('pwUser') + ' ' + new Date().toISOString().slice(0, 10), password: c, name: 'Meldwijzer' }));
      say('copied', 'pwAsked');
    } catch (_) { say('copied', 'pwFailed'); }
  });
  $('getPw').addEventListener('click', async () => {
    try {
      const c = await navigator.credentials.get({ password: true, mediation: 'optional' });
      if (c && c.password) { $('sCode').value = c.password; $('sCode').focus(); }
    } catch (_) { /* not offered */ }
  });
  // Leaving the receipt asks first whether the code was kept: it is shown only this once. The question
  // is not modal, so that Snel weg and Bel 112 stay within reach while it is open.
  let sureThen = null;
  function leaveDone(then) {
    if (S.view !== 'done' || !$('rcpt').textContent || !$('dSure').show) { then(); return; }
    sureThen = then;
    $('dSure').show();
    $('sureNo').focus();
  }
  function sureNo() {
    $('dSure').close();
    $('rcpt').scrollIntoView({ block: 'center' });
    $('copy').focus({ preventScroll: true });
  }
  $('sureNo').addEventListener('click', sureNo);
  $('sureYes').addEventListener('click', () => { $('dSure').close(); const f = sureThen; sureThen = null; if (f) f(); });
  $('copy').addEventListener('click', async () => {
    const code = $('rcpt').textContent;
    try {
      await navigator.clipboard.writeText(code);
      say('copied', 'copied');
    } catch (_) {
      const r = document.createRange();
      r.selectNodeContents($('rcpt'));
      const sel = getSelection();
      sel.removeAllRanges();
      sel.addRange(r);
      say('copied', 'selectCopy');
    }
  });

  // ---- meldpunt: my report ----
  let code = null; // the receipt, only while the report is on screen
  let selfData = null;
  let selfTimer = 0;
  function forgetSelf() {
    code = null;
    selfData = null;
    clearTimeout(selfTimer);
    $('sCode').value = '';
    $('sText').value = '';
    $('sLog').textContent = '';
    $('sNews').textContent = '';
    $('sView').hidden = true;
    $('sForm').hidden = false;
    say('sWait');
    setErr($('sCode'), 'eCode');
    setErr($('sText'), 'eReply');
  }
  function openSelf() {
    go('self');
    $('getPw').hidden = !window.PasswordCredential;
    $('sTitle').focus();
  }
  $('sForm').addEventListener('submit', (e) => {
    e.preventDefault();
    const c = $('sCode').value.replace(/[\s.\-]/g, '');
    if (!/^\d{16,32}$/.test(c)) { setErr($('sCode'), 'eCode', 'eCodeFmt'); $('sCode').focus(); return; }
    setErr($('sCode'), 'eCode');
    code = c;
    fetchSelf(true);
  });
  function selfReq(path, opts) {
    opts = opts || {};
    opts.headers = Object.assign({ Authorization: 'Receipt ' + code }, opts.headers);
    opts.cache = 'no-store';
    return fetch('/api/v1/reports/self' + path, opts);
  }
  // limitedWait says how long we wait after a 429 and then runs again.
  function limitedWait(res, again) {
    const s = secs(res, 5, 600);
    say('sWait', '', t('limited').replace('{s}', s));
    selfTimer = setTimeout(again, s * 1000);
  }
  const fromSchool = (d) => (Array.isArray(d.messages) ? d.messages : []).filter((m) => m.from !== 'reporter').length;
  // fetchSelf loads my report; news says what is new since the last load, in a status line that a
  // screen reader announces (the thread itself is not a live region, so nothing is read twice).
  async function fetchSelf(first, news) {
    clearTimeout(selfTimer);
    if (!code) return;
    let res = null;
    let data = null;
    try {
      res = await selfReq('');
      data = await res.json();
    } catch (_) { /* offline */ }
    if (!code) return;
    if (res && res.status === 429) { limitedWait(res, () => fetchSelf(first, news)); return; }
    say('sWait');
    if (res && res.status === 401) {
      const keep = $('sCode').value;
      forgetSelf();
      $('sCode').value = keep;
      setErr($('sCode'), 'eCode', 'eCode');
      $('sCode').focus();
      return;
    }
    if (!res || !res.ok || !data || !data.report) {
      say('sWait', 'error');
      return;
    }
    const had = selfData ? fromSchool(selfData) : -1;
    selfData = data;
    if (had >= 0 && news) {
      const n = fromSchool(data) - had;
      say('sNews', '', n > 0 ? (n === 1 ? t('sNew1') : t('sNewN').replace('{n}', n)) : t('sNone'));
    } else say('sNews');
    $('sCode').value = '';
    $('sForm').hidden = true;
    $('sView').hidden = false;
    renderSelf();
    if (first) $('sHead').focus();
  }
  function renderSelf() {
    const r = selfData.report;
    $('sStatus').textContent = t('st_' + r.status) || r.status;
    $('sTheme').textContent = t('th_' + r.theme) || r.theme;
    $('sDate').textContent = fmtDate(r.createdAt);
    const box = $('sLog');
    box.textContent = '';
    const ms = Array.isArray(selfData.messages) ? selfData.messages : [];
    if (!ms.length) box.append(el('p', 'note', t('noMsgs')));
    for (const m of ms) {
      const mine = m.from === 'reporter';
      const d = el('div', 'msg ' + (mine ? 'user' : 'guide'));
      const b = el('div', 'bubble');
      b.append(el('span', 'sr', (mine ? t('me') : t('school2')) + ' '), el('p', '', m.text));
      if (m.at) b.append(el('p', 'at', fmtDate(m.at))); // the API gives days only
      d.append(b);
      box.append(d);
    }
    const closed = r.status === 'closed';
    $('sReply').hidden = closed;
    $('sClosed').hidden = !closed;
    counters();
  }
  $('sRefresh').addEventListener('click', () => fetchSelf(false, true));
  let replying = false;
  $('sReply').addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = $('sText').value.trim();
    if (!text) { setErr($('sText'), 'eReply', 'eReply'); $('sText').focus(); return; }
    if (replying || !code) return;
    setErr($('sText'), 'eReply');
    replying = true;
    let res = null;
    let data = null;
    for (let i = 0; i < 2; i++) {
      try {
        res = await selfReq('/messages', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text }) });
        data = await res.json();
      } catch (_) { res = null; }
      if (!res || res.status !== 429 || i) break;
      const s = secs(res, 5, 600);
      say('sWait', '', t('limited').replace('{s}', s));
      await sleep(s);
      say('sWait');
      if (!code) break;
    }
    replying = false;
    if (!code) return;
    if (res && res.status === 201) {
      $('sText').value = '';
      counters();
      await fetchSelf(false);
      // focus on the message just sent, which says it arrived; the status line says it too
      const mine = $('sLog').querySelectorAll('.msg.user');
      const last = mine[mine.length - 1];
      say('sNews', 'sSent');
      if (last) { last.tabIndex = -1; last.focus(); } else $('sText').focus();
      return;
    }
    if (res && res.status === 401) { fetchSelf(false); return; }
    setErr($('sText'), 'eReply', null, (data && data.error && data.error.message) || t('error'));
    $('sText').focus();
  });

  // ---- boot ----
  const m = /^\/i\/([^/]+)\/?$/.exec(location.pathname);
  if (m) {
    let id = '';
    try { id = decodeURIComponent(m[1]); } catch (_) { /* bad escape */ }
    S.inst = id || null;
    instReady = api('/api/v1/institutions/' + encodeURIComponent(id)).then((d) => {
      S.instName = d.name || id;
      schoolLine();
      chatLine();
      if (D && D.inst === id && !D.instName) { D.instName = S.instName; fillForm(); }
    }, (e) => {
      if (e.status === 404 || e.status === 400) setInst(null); // unknown school: go on without it
    });
  }
  const saved = load();
  if (saved && (saved.l === 'en' || saved.l === 'nl')) S.lang = saved.l;
  else {
    // First visit: English when the browser prefers it over Dutch, else Dutch.
    for (const l of navigator.languages || [navigator.language || '']) {
      const p = String(l).slice(0, 2).toLowerCase();
      if (p === 'nl' || p === 'en') { S.lang = p; break; }
    }
  }
  try { D = JSON.parse(sessionStorage.getItem(DK) || 'null'); } catch (_) { D = null; }
  if (D && (typeof D.k !== 'string' || !D.k)) D = null;
  applyLang();
  if (saved && Array.isArray(saved.i) && saved.i.length) {
    S.audience = saved.a === 'staff' ? 'staff' : 'student';
    S.items = saved.i;
    showChat();
    renderAll();
  } else {
    schoolLine();
  }
  // A reload keeps the report form with its draft; a draft that was already sent out resumes sending.
  const hv = history.state && history.state.v;
  if (D && (hv === 'report' || D.sent)) { go('report'); fillForm(); }
  else if (hv === 'self') show('self');
  else if (hv) history.replaceState(null, '');
  // The school list is needed only after "Wie ben jij?" (which loads it too): fetch it when the first
  // screen is idle, so that it adds no work before the page can be used.
  if (!S.inst) (window.requestIdleCallback || setTimeout)(() => loadInstitutions(), { timeout: 2000 });
})();
