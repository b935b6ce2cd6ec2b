// Meldwijzer phone UI: plain JS, no build step, same-origin API only.
// Privacy: no cookies, no localStorage. The conversation may live in sessionStorage (so a reload keeps
// it) and is wiped by "Snel weg" / Esc. The institution is carried in the URL path /i/{id}.
'use strict';
(() => {
  const T = {
    nl: {
      skip: 'Naar de inhoud', helpNav: 'Hulp', exit: 'Snel weg', urgent: 'Direct hulp', call112: 'Bel 112',
      other: 'English',
      title: 'Er is iets gebeurd? Wij wijzen je de weg.',
      intro: 'Je blijft anoniem. We vragen niet naar je naam.',
      yourSchool: 'Je school:', change: 'Andere school',
      who: 'Wie ben jij?', student: 'Ik ben student', staff: 'Ik werk op een mbo-school',
      school: 'Op welke school zit je?', schoolStaff: 'Op welke school werk je?',
      none: 'Weet ik niet / zeg ik liever niet', next: 'Verder',
      exitTip: 'Tip: kijkt er iemand mee? Druk op Snel weg of op Esc.',
      chat: 'Gesprek', restart: 'Opnieuw beginnen', me: 'Jij:', guide: 'Meldwijzer:',
      type: 'Typ wat er is gebeurd', send: 'Stuur', choose: 'Kies een antwoord',
      report: 'Anoniem melden',
      reportSoon: 'Anoniem melden kan binnenkort hier. Tot dan kun je terecht bij de vertrouwenspersoon hierboven.',
      error: 'Sorry, dat lukte niet. Misschien is je internet weg. Probeer het nog eens.',
      danger: 'Ben je nu in gevaar? Bel 112.', retry: 'Probeer opnieuw', wait: 'Even geduld…',
      emergency: 'Spoed', institution: 'Op school', outside: 'Buiten school',
      call: 'Bel', website: 'Website', chatLink: 'Chat', mail: 'Mail', serves: 'Voor wie:', hours: 'Wanneer:',
      checked: 'Gecontroleerd op', source: 'bron', steps: 'Wat doe je nu?', locale: 'nl-NL'
    },
    en: {
      skip: 'Skip to content', helpNav: 'Help', exit: 'Quick exit', urgent: 'Urgent help', call112: 'Call 112',
      other: 'Nederlands',
      title: 'Did something happen? We help you find your way.',
      intro: 'You stay anonymous. We do not ask your name.',
      yourSchool: 'Your school:', change: 'Other school',
      who: 'Who are you?', student: 'I am a student', staff: 'I work at an mbo school',
      school: 'Which school do you go to?', schoolStaff: 'Which school do you work at?',
      none: 'I do not know / I would rather not say', next: 'Continue',
      exitTip: 'Tip: is someone watching? Press Quick exit or Esc.',
      chat: 'Conversation', restart: 'Start again', me: 'You:', guide: 'Meldwijzer:',
      type: 'Type what happened', send: 'Send', choose: 'Choose an answer',
      report: 'Report anonymously',
      reportSoon: 'Reporting anonymously will be possible here soon. Until then, you can go to the confidential adviser (vertrouwenspersoon) shown above.',
      error: 'Sorry, that did not work. Maybe your internet is down. Please try again.',
      danger: 'Are you in danger right now? Call 112.', retry: 'Try again', wait: 'Please wait…',
      emergency: 'Emergency', institution: 'At school', outside: 'Outside school',
      call: 'Call', website: 'Website', chatLink: 'Chat', mail: 'Email', serves: 'Who for:', hours: 'When:',
      checked: 'Checked on', source: 'source', steps: 'What to do now', locale: 'en-GB'
    }
  };
  const KEY = 'meldwijzer';
  const $ = (id) => document.getElementById(id);
  const log = $('log');
  const S = { lang: 'nl', audience: null, inst: null, instName: '', items: [], node: null, nodeEl: null, busy: false };
  let instReady = Promise.resolve();
  const t = (k) => T[S.lang][k];
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
  function wait(res) {
    const h = res.headers.get('Retry-After') || '';
    let s = /^\d+$/.test(h) ? +h : (Date.parse(h) - Date.now()) / 1000;
    if (!(s >= 0)) s = 2;
    return new Promise((r) => setTimeout(r, Math.min(s, 30) * 1000));
  }
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
      b.append(el('span', 'sr', t('guide') + ' '), el('p', '', t('error')));
      if (urgent) {
        const p = el('p');
        const a = el('a', '', t('danger'));
        a.href = 'tel:112';
        p.append(a);
        b.append(p);
      }
      const again = el('button', 'btn primary', t('retry'));
      again.type = 'button';
      again.addEventListener('click', () => { m.remove(); run(req, ok, urgent); });
      b.append(again);
      m.append(b);
      log.append(m);
      again.focus();
    }
  }

  // ---- rendering ----
  function reveal(node) {
    node.focus({ preventScroll: true });
    node.scrollIntoView({ block: 'start', behavior: reduced() ? 'auto' : 'smooth' });
  }
  function addUser(text, keep) {
    const m = el('div', 'msg user');
    const b = el('div', 'bubble');
    b.append(el('span', 'sr', t('me') + ' '), document.createTextNode(text));
    m.append(b);
    log.append(m);
    if (!keep) { S.items.push({ k: 'u', text }); save(); }
  }
  function addNote(key, keep) {
    const m = el('div', 'msg guide');
    m.tabIndex = -1;
    const b = el('div', 'bubble', T[S.lang][key]);
    b.prepend(el('span', 'sr', t('guide') + ' '));
    m.append(b);
    log.append(m);
    if (!keep) { S.items.push({ k: 'n', key }); save(); }
    return m;
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
    for (const [k, v] of [['serves', r.serves], ['hours', r.hours]]) {
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
      const p = el('p', 'small', t('checked') + ' ' + fmtDate(r.verified));
      const src = safeUrl(r.source);
      if (src) {
        const a = el('a', '', t('source'));
        a.href = src;
        a.rel = 'noopener noreferrer';
        p.append(' (', a, ')');
      }
      c.append(p);
    }
    return c;
  }
  function renderNode(node, current) {
    const m = el('div', 'msg guide' + (node.urgent ? ' is-urgent' : ''));
    m.tabIndex = -1;
    const b = el('div', 'bubble');
    b.append(el('span', 'sr', t('guide') + ' '));
    for (const line of String(node.text || '').split(/\n+/)) if (line.trim()) b.append(el('p', '', line));
    if (Array.isArray(node.steps) && node.steps.length) {
      b.append(el('h2', 'steps-h', t('steps')));
      const ol = el('ol', 'steps');
      for (const s of node.steps) ol.append(el('li', '', s));
      b.append(ol);
    }
    m.append(b);
    if (Array.isArray(node.routes) && node.routes.length) {
      const list = el('div', 'cards');
      for (const r of node.routes) list.append(card(r));
      m.append(list);
    }
    if (node.report) {
      const rb = el('button', 'btn report', t('report'));
      rb.type = 'button';
      rb.addEventListener('click', () => reveal(addNote('reportSoon')));
      m.append(rb);
    }
    if (current && Array.isArray(node.options) && node.options.length) {
      const g = el('div', 'opts');
      g.setAttribute('role', 'group');
      g.setAttribute('aria-label', t('choose'));
      for (const o of node.options) {
        const btn = el('button', 'opt', o.label);
        btn.type = 'button';
        btn.addEventListener('click', () => choose(o));
        g.append(btn);
      }
      m.append(g);
    }
    return m;
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
  // Language switch: the same node again, in the other language, in place.
  function replaceNode(node) {
    for (let i = S.items.length - 1; i >= 0; i--) {
      if (S.items[i].k === 'g') { S.items[i] = { k: 'g', node }; break; }
    }
    const fresh = renderNode(node, true);
    if (S.nodeEl && S.nodeEl.isConnected) S.nodeEl.replaceWith(fresh); else log.append(fresh);
    S.node = node;
    S.nodeEl = fresh;
    save();
    reveal(fresh);
  }

  // ---- actions ----
  function choose(o) {
    if (S.busy || !S.node) return;
    dropOptions();
    addUser(o.label);
    const id = S.node.id;
    run(step({ node: id, choice: o.id }), showNode);
  }
  function showChat() {
    $('start').hidden = true;
    $('chat').hidden = false;
    $('composer').hidden = false;
    $('chatSchool').textContent = S.inst && S.instName ? t('yourSchool') + ' ' + S.instName : '';
  }
  function begin() {
    S.items = [];
    S.node = null;
    log.textContent = '';
    showChat();
    run(step({}), showNode);
  }
  function showStart() {
    $('chat').hidden = true;
    $('composer').hidden = true;
    $('start').hidden = false;
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
      const sel = $('school');
      for (const i of d.institutions || []) {
        const o = el('option', '', i.name);
        o.value = i.id;
        sel.append(o);
      }
    }, () => { instList = null; }); // only "I don't know" then; the guide works without an institution
    return instList;
  }
  function quickExit() {
    try { sessionStorage.clear(); } catch (_) { /* ignore */ }
    S.items = [];
    S.node = S.nodeEl = null;
    log.textContent = '';
    $('text').value = '';
    document.title = 'Google';
    document.body.textContent = '';
    location.replace('https://www.google.nl/');
  }
  function applyLang() {
    const d = T[S.lang];
    document.documentElement.lang = S.lang;
    for (const e of document.querySelectorAll('[data-t]')) e.textContent = d[e.dataset.t];
    for (const e of document.querySelectorAll('[data-ta]')) e.setAttribute('aria-label', d[e.dataset.ta]);
    for (const e of document.querySelectorAll('[data-tp]')) e.placeholder = d[e.dataset.tp];
    $('schoolLabel').textContent = S.audience === 'staff' ? d.schoolStaff : d.school;
    const lb = $('lang');
    lb.textContent = d.other;
    lb.lang = S.lang === 'nl' ? 'en' : 'nl';
    if (!$('chat').hidden) showChat();
  }

  // ---- wiring ----
  $('exit').addEventListener('click', quickExit);
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); quickExit(); } });
  $('lang').addEventListener('click', () => {
    if (S.busy) return;
    S.lang = S.lang === 'nl' ? 'en' : 'nl';
    applyLang();
    save();
    if (S.node && !$('chat').hidden) run(step({ node: S.node.id }), replaceNode);
  });
  $('urgent').addEventListener('click', () => {
    if (S.busy) return;
    if (!S.audience) S.audience = 'student';
    if ($('chat').hidden) showChat();
    dropOptions();
    addUser(t('urgent'));
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
    run(() => api('/api/v1/wegwijzer/message', base({ text })), (d) => showNode(d.node), true);
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
      if (!$('chat').hidden) showChat();
    }, (e) => {
      if (e.status === 404 || e.status === 400) setInst(null); // unknown school: go on without it
    });
  }
  const saved = load();
  if (saved && Array.isArray(saved.i) && saved.i.length) {
    S.lang = saved.l === 'en' ? 'en' : 'nl';
    S.audience = saved.a === 'staff' ? 'staff' : 'student';
    S.items = saved.i;
    applyLang();
    showChat();
    let last = -1;
    S.items.forEach((it, n) => { if (it.k === 'g') last = n; });
    S.items.forEach((it, n) => {
      if (it.k === 'u') addUser(it.text, true);
      else if (it.k === 'n') addNote(it.key, true);
      else if (it.k === 'g') {
        const e = renderNode(it.node, n === last);
        log.append(e);
        if (n === last) { S.node = it.node; S.nodeEl = e; }
      }
    });
  } else {
    applyLang();
    schoolLine();
  }
  if (!S.inst) loadInstitutions();
})();
