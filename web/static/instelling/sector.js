// Meldwijzer, the sector page: sums across the schools that take part, national and per region.
// Plain JS, same-origin API only. The token lives in memory only, as on the staff pages: a
// reload signs out; sessionStorage keeps the language alone. The server decides what is shown: a hidden cell comes as null and is shown as "–".
'use strict';
(() => {
  const T = {
    nl: {
      skip: 'Naar de inhoud', other: 'English', brandSub: 'sector', signout: 'Afmelden',
      siTitle: 'Sectoroverzicht: aanmelden',
      siIntro: 'Voor de sector, zoals de MBO Raad of het ministerie. Je ziet aantallen van alle scholen die meedoen samen, landelijk en per regio. Nooit de aantallen van één school.',
      demoTitle: 'Demo-aanmelding', demoIntro: 'Alleen op deze lokale demo-server. Alle scholen en regio\'s zijn verzonnen.',
      demoGo: 'Aanmelden als sector (demo)',
      tokTitle: 'Aanmelden met een token', tokHint: 'Plak het token met de rol sector dat je van de beheerder kreeg.',
      tokLabel: 'Token', tokGo: 'Aanmelden', toSchool: 'Werk je bij een school? Ga naar de aanmelding voor scholen.',
      eTokFmt: 'Dit is geen geldig token. Plak het hele token.', eTokExp: 'Dit token is verlopen. Vraag een nieuw token.',
      eTokRole: 'Dit token is niet voor het sectoroverzicht. Een school meldt zich aan bij de aanmelding voor scholen.',
      expired: 'Je bent afgemeld. Meld je opnieuw aan.', signedOut: 'Je bent afgemeld.',
      network: 'Dat lukte niet. Is de verbinding weg? Probeer het opnieuw.', failed: 'Dat lukte niet:', retry: 'Probeer opnieuw',
      denied: 'Dit account mag het sectoroverzicht niet zien.',
      scTitle: 'Sectoroverzicht',
      scIntro: 'Meldingen bij {n} scholen die meedoen, {from} tot en met {to}. Per kwartaal, en alleen kwartalen die voorbij zijn.',
      from: 'Van maand (het kwartaal telt)', to: 'Tot en met maand (het kwartaal telt)', showPeriod: 'Toon', csv: 'Download CSV', csvDone: 'Het CSV-bestand is gedownload.',
      ePeriod: 'Kies twee maanden. De eerste maand komt niet na de tweede. Samen hoogstens 36 maanden.',
      supNote: '– betekent: verborgen. We tonen een aantal alleen als het gaat om minstens {k} meldingen van minstens {m} scholen, en als geen school zo groot is dat je haar aantal kunt schatten. Soms verbergen we nog een aantal, zodat niemand een verborgen aantal kan uitrekenen. Zo kan geen school de aantallen van een andere school te weten komen.',
      hidden: 'verborgen', natTitle: 'Landelijk', regTitle: 'Per regio',
      regNone: 'Er zijn nog te weinig scholen per regio. Een regio tonen we pas vanaf {m} scholen.',
      otherRegions: 'Overige regio\'s', schools: '{n} scholen',
      c_month: 'Meldingen per kwartaal', quarter: '{q}e kwartaal {y}', qShort: 'K{q} {y}', c_total: 'Alle meldingen', c_theme: 'Per onderwerp', c_where: 'Waar het gebeurde',
      c_audience: 'Wie meldde', c_ground: 'Gronden bij discriminatie',
      col_month: 'Kwartaal', col_count: 'Aantal', col_value: 'Wat', all: 'Alle meldingen', locale: 'nl-NL'
    },
    en: {
      skip: 'Skip to content', other: 'Nederlands', brandSub: 'sector', signout: 'Sign out',
      siTitle: 'Sector overview: sign in',
      siIntro: 'For the sector, such as the MBO Raad or the ministry. You see the numbers of all participating schools together, national and per region. Never the numbers of one school.',
      demoTitle: 'Demo sign-in', demoIntro: 'Only on this local demo server. All schools and regions are made up.',
      demoGo: 'Sign in as sector (demo)',
      tokTitle: 'Sign in with a token', tokHint: 'Paste the token with the sector role that the administrator gave you.',
      tokLabel: 'Token', tokGo: 'Sign in', toSchool: 'Do you work at a school? Go to the sign-in for schools.',
      eTokFmt: 'This is not a valid token. Paste the whole token.', eTokExp: 'This token has expired. Ask for a new one.',
      eTokRole: 'This token is not for the sector overview. A school signs in at the sign-in for schools.',
      expired: 'You have been signed out. Please sign in again.', signedOut: 'You have signed out.',
      network: 'That did not work. Is the connection down? Please try again.', failed: 'That did not work:', retry: 'Try again',
      denied: 'This account may not see the sector overview.',
      scTitle: 'Sector overview',
      scIntro: 'Reports at {n} participating schools, {from} up to and including {to}. Per quarter, and only quarters that have ended.',
      from: 'From month (its quarter counts)', to: 'Up to and including month (its quarter counts)', showPeriod: 'Show', csv: 'Download CSV', csvDone: 'The CSV file has been downloaded.',
      ePeriod: 'Choose two months. The first month is not after the second. At most 36 months together.',
      supNote: '– means: hidden. We show a number only when it covers at least {k} reports from at least {m} schools, and when no school is so large that its number could be estimated. Sometimes we hide another number too, so that no one can work out a hidden one. So no school can learn the numbers of another school.',
      hidden: 'hidden', natTitle: 'National', regTitle: 'Per region',
      regNone: 'There are too few schools per region yet. We show a region from {m} schools.',
      otherRegions: 'Other regions', schools: '{n} schools',
      c_month: 'Reports per quarter', quarter: 'quarter {q} of {y}', qShort: 'Q{q} {y}', c_total: 'All reports', c_theme: 'By subject', c_where: 'Where it happened',
      c_audience: 'Who reported', c_ground: 'Grounds of discrimination',
      col_month: 'Quarter', col_count: 'Number', col_value: 'What', all: 'All reports', locale: 'en-GB'
    }
  };
  const KEY = 'meldwijzer.sector';
  const DIMS = [['theme', 'themes'], ['where', 'where'], ['audience', 'audiences'], ['ground', 'grounds']];
  const S = { lang: 'nl', token: null, dash: null, labels: {}, from: '', to: '' };
  const $ = (id) => document.getElementById(id);
  const t = (k, v) => {
    let s = T[S.lang][k] ?? T.nl[k] ?? k;
    if (v) for (const [a, b] of Object.entries(v)) s = s.split('{' + a + '}').join(b);
    return s;
  };
  function h(tag, props, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v == null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of kids.flat()) if (c != null && c !== false) e.append(c);
    return e;
  }
  const announce = (msg) => { const l = $('live'); l.textContent = ''; setTimeout(() => { l.textContent = msg; }, 50); };
  // fmtQuarter shows "2026-Q1" as the page's language says it.
  const fmtQuarter = (q, long) => { const [y, n] = q.split('-Q'); return t(long ? 'quarter' : 'qShort', { q: n, y }); };
  const ym = (d) => d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0');
  function alertIn(id, key, retry, extra) {
    const a = $(id);
    a.textContent = key ? t(key) + (extra ? ' ' + extra : '') : '';
    if (retry) a.append(' ', h('button', { type: 'button', class: 'link', text: t('retry'), onclick: retry }));
    a.hidden = !key;
  }

  // ---- token ----
  function claimsOf(tok) {
    const p = tok.split('.');
    if (p.length !== 3) return null;
    try {
      let b = p[1].replace(/-/g, '+').replace(/_/g, '/');
      b += '==='.slice((b.length + 3) % 4);
      const c = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(b), (ch) => ch.charCodeAt(0))));
      return c && typeof c === 'object' ? c : null;
    } catch (_) { return null; }
  }
  // Only to choose the page; the server checks the token on every request.
  function useToken(tok) {
    const c = claimsOf(tok);
    if (!c) return 'eTokFmt';
    const roles = [c.role].concat(Array.isArray(c.roles) ? c.roles : [], Array.isArray(c['cognito:groups']) ? c['cognito:groups'] : []);
    if (!roles.includes('sector') || c.institution || c['custom:institution']) return 'eTokRole';
    if (c.exp && c.exp * 1000 < Date.now()) return 'eTokExp';
    S.token = tok;
    save();
    return '';
  }
  function save() {
    try { sessionStorage.setItem(KEY, JSON.stringify({ lang: S.lang })); } catch (_) { /* private mode */ }
  }
  function signOut(reason) {
    S.token = null;
    S.dash = null;
    save();
    show();
    alertIn('siAlert', reason || '');
    if (!reason) announce(t('signedOut'));
  }

  // ---- API ----
  async function api(path, raw) {
    let res;
    try {
      res = await fetch(path, { headers: { Authorization: 'Bearer ' + S.token }, cache: 'no-store' });
    } catch (_) { throw Object.assign(new Error(t('network')), { status: 0 }); }
    if (res.status === 401) { signOut('expired'); throw Object.assign(new Error(''), { status: 401 }); }
    if (!res.ok) {
      let msg = '';
      try { msg = (await res.json()).error.message; } catch (_) { /* not JSON */ }
      throw Object.assign(new Error(msg), { status: res.status });
    }
    return raw ? res : res.json();
  }
  async function loadLabels() {
    if (S.labels[S.lang]) return;
    const r = await fetch('/api/v1/taxonomy?lang=' + S.lang);
    const tax = await r.json();
    const out = {};
    for (const [dim, key] of DIMS) for (const l of tax[key] || []) out[dim + ':' + l.id] = l.label;
    S.labels[S.lang] = out;
  }
  const label = (dim, v) => dim === 'total' ? t('all') : ((S.labels[S.lang] || {})[dim + ':' + v] || v);
  const region = (id) => id === 'overig' ? t('otherRegions') : id;

  // ---- views ----
  function show() {
    const on = !!S.token;
    $('vSignin').hidden = on;
    $('vSector').hidden = !on;
    $('signout').hidden = !on;
    document.title = (on ? t('scTitle') : t('siTitle')) + ' – Meldwijzer';
    const h1 = on ? $('scTitle') : $('siTitle');
    h1.focus({ preventScroll: true });
    if (on) load(); else loadDemo();
  }
  // The default period: the four quarters before this one, as the months that start and end them.
  function defaults() {
    const now = new Date();
    const end = new Date(now.getFullYear(), now.getMonth() - (now.getMonth() % 3) - 1, 1);
    return [ym(new Date(end.getFullYear(), end.getMonth() - 11, 1)), ym(end)];
  }
  async function load() {
    if (!S.from) [S.from, S.to] = defaults();
    $('from').value = S.from;
    $('to').value = S.to;
    $('from').max = $('to').max = defaults()[1];
    alertIn('scAlert', '');
    try {
      await loadLabels();
      S.dash = await api('/api/v1/sector/dashboard?from=' + S.from + '&to=' + S.to);
      render();
    } catch (e) {
      if (e.status === 401) return;
      alertIn('scAlert', e.status === 403 ? 'denied' : e.status ? 'failed' : 'network', e.status === 403 ? null : load, e.status && e.status !== 403 ? e.message || String(e.status) : '');
    }
  }
  // cellText is a count, or "–" with "hidden" for screen readers.
  function cellText(c) {
    if (!c || c.count == null) return [h('span', { 'aria-hidden': 'true', text: '–' }), h('span', { class: 'sr', text: t('hidden') })];
    return String(c.count);
  }
  function valueTable(caption, head, rows) {
    return h('div', { class: 'scroll', role: 'region', 'aria-label': caption, tabindex: '0' },
      h('table', { class: 'data' },
        h('caption', { class: 'sr', text: caption }),
        h('thead', {}, h('tr', {}, head.map((x, i) => h('th', { scope: 'col', class: i ? 'num' : null, text: x })))),
        h('tbody', {}, rows.map((r) => h('tr', {}, h('th', { scope: 'row', text: r[0] }),
          r.slice(1).map((c) => h('td', { class: c && c.count != null ? 'n' : 'n hid' }, cellText(c))))))));
  }
  function render() {
    const d = S.dash;
    $('scIntro').textContent = t('scIntro', { n: d.institutions, from: fmtQuarter(d.from, true), to: fmtQuarter(d.to, true) });
    $('supNote').textContent = t('supNote', { k: d.suppressedBelow, m: d.minInstitutions });
    const find = (cells, scope, reg, month, dim, v) => cells.find((c) => c.series === 'reports' && c.scope === scope &&
      (c.region || '') === reg && (c.quarter || '') === month && c.dimension === dim && c.value === v);
    const values = (dim) => [...new Set(d.period.filter((c) => c.dimension === dim).map((c) => c.value))];
    const months = [...new Set(d.cells.map((c) => c.quarter))].sort();
    const nat = $('national');
    nat.textContent = '';
    nat.append(h('section', {}, h('h3', { text: t('c_month') }),
      valueTable(t('natTitle') + ': ' + t('c_month'), [t('col_month'), t('col_count')],
        months.map((m) => [fmtQuarter(m), find(d.cells, 'national', '', m, 'total', 'all')])
          .concat([[t('c_total'), find(d.period, 'national', '', '', 'total', 'all')]]))));
    for (const [dim] of DIMS) {
      nat.append(h('section', {}, h('h3', { text: t('c_' + dim) }),
        valueTable(t('natTitle') + ': ' + t('c_' + dim), [t('col_value'), t('col_count')],
          values(dim).map((v) => [label(dim, v), find(d.period, 'national', '', '', dim, v)]))));
    }
    const reg = $('regional');
    reg.textContent = '';
    $('regNone').hidden = d.regions.length > 0;
    $('regNone').textContent = t('regNone', { m: d.minInstitutions });
    if (!d.regions.length) return;
    const head = [t('col_value')].concat(d.regions.map((r) => region(r.id) + ' (' + t('schools', { n: r.institutions }) + ')'));
    for (const dim of ['total'].concat(DIMS.map((x) => x[0]))) {
      const rows = (dim === 'total' ? ['all'] : values(dim)).map((v) =>
        [label(dim, v)].concat(d.regions.map((r) => find(d.period, 'region', r.id, '', dim, v))));
      reg.append(h('section', {}, h('h3', { text: dim === 'total' ? t('c_total') : t('c_' + dim) }),
        valueTable(t('regTitle') + ': ' + (dim === 'total' ? t('c_total') : t('c_' + dim)), head, rows)));
    }
  }

  // ---- sign-in ----
  let demoLoaded = false;
  async function loadDemo() {
    if (demoLoaded) return;
    demoLoaded = true;
    try {
      const r = await fetch('/api/v1/institutions');
      const list = ((await r.json()).institutions || []).filter((i) => /demo/i.test(i.name));
      $('demoForm').hidden = list.length === 0;
    } catch (_) { demoLoaded = false; }
  }
  $('demoForm').addEventListener('submit', async (e) => {
    e.preventDefault();
    alertIn('siAlert', '');
    try {
      const r = await fetch('/api/v1/local/signin', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ role: 'sector' }) });
      const d = await r.json().catch(() => ({}));
      if (!r.ok || !d.token) throw new Error((d.error && d.error.message) || String(r.status));
      const err = useToken(d.token);
      if (err) throw Object.assign(new Error(err), { key: err });
      show();
    } catch (x) {
      alertIn('siAlert', x instanceof TypeError ? 'network' : x.key || 'failed', null, x.key ? '' : x.message);
    }
  });
  $('tokenForm').addEventListener('submit', (e) => {
    e.preventDefault();
    const err = useToken($('tok').value.trim().replace(/^Bearer\s+/i, ''));
    alertIn('siAlert', err);
    if (err) { $('tok').setAttribute('aria-invalid', 'true'); $('tok').focus(); return; }
    $('tok').removeAttribute('aria-invalid');
    $('tok').value = '';
    show();
  });
  $('period').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = $('from').value, to = $('to').value;
    const ok = /^\d{4}-\d\d$/.test(f) && /^\d{4}-\d\d$/.test(to) && f <= to;
    $('from').toggleAttribute('aria-invalid', !ok);
    $('to').toggleAttribute('aria-invalid', !ok);
    if (!ok) { alertIn('scAlert', 'ePeriod'); return; }
    [S.from, S.to] = [f, to];
    load();
  });
  $('csv').addEventListener('click', async () => {
    try {
      const res = await api('/api/v1/sector/dashboard.csv?from=' + S.from + '&to=' + S.to, true);
      const url = URL.createObjectURL(await res.blob());
      const a = h('a', { href: url, download: 'meldwijzer-sector-' + S.from + '-' + S.to + '.csv' });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
      announce(t('csvDone'));
    } catch (e) {
      if (e.status !== 401) alertIn('scAlert', e.status ? 'failed' : 'network', null, e.message);
    }
  });

  function applyLang() {
    document.documentElement.lang = S.lang;
    for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
    $('lang').textContent = t('other');
    $('lang').lang = S.lang === 'nl' ? 'en' : 'nl';
    if (S.dash) loadLabels().then(render).catch(() => {});
  }
  $('lang').addEventListener('click', () => { S.lang = S.lang === 'nl' ? 'en' : 'nl'; save(); applyLang(); });
  $('signout').addEventListener('click', () => signOut());

  let saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch (_) { saved = null; }
  if (saved && (saved.lang === 'en' || saved.lang === 'nl')) S.lang = saved.lang;
  else if (/^en\b/i.test(navigator.language || '')) S.lang = 'en';
  save(); // forgets a token an older version of this page kept
  applyLang();
  show();
})();
