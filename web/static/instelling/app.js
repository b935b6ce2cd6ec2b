// Meldwijzer, institution side: the handler's inbox and the dashboard. Plain JS, no build step,
// same-origin API only (and the sign-in provider's token endpoint, oidc.js); no bundler, like the
// phone UI. The tokens live in memory only: never in sessionStorage, localStorage, a cookie or a
// URL, so a reload signs in again (with the provider's own session, without a password while it
// lasts). A token's payload is decoded only to show the institution and the role; the server
// checks every request.
'use strict';
(() => {
  const T = {
    nl: {
      skip: 'Naar de inhoud', other: 'English', brandSub: 'instelling', signout: 'Afmelden', tabsNav: 'Onderdelen',
      tabInbox: 'Meldingen', tabDash: 'Dashboard', tabAudit: 'Logboek',
      siTitle: 'Aanmelden voor medewerkers',
      siIntro: 'Hier lezen de vertrouwenspersoon en het meldpunt de anonieme meldingen. Kwaliteit en bestuur zien het dashboard met aantallen.',
      demoTitle: 'Demo-aanmelding', demoIntro: 'Alleen op deze lokale demo-server. De scholen zijn verzonnen.',
      demoInst: 'Instelling', demoRole: 'Rol', demoGo: 'Aanmelden als demo',
      role_handler: 'Vertrouwenspersoon / meldpunt', role_viewer: 'Kwaliteit / bestuur',
      roleHandlerHint: 'Leest en beantwoordt meldingen.', roleViewerHint: 'Ziet alleen het dashboard met aantallen.',
      tokTitle: 'Aanmelden met een token',
      tokHint: 'Bij een echte school meld je je aan via je eigen organisatie (SURFconext of Cognito). Op een eigen server maakt de beheerder een token met',
      tokLabel: 'Token', tokGo: 'Aanmelden',
      oidcTitle: 'Aanmelden met je schoolaccount', oidcIntro: 'Je gaat naar de aanmeldpagina van je school. Daarna kom je hier terug.',
      oidcGo: 'Aanmelden met schoolaccount', eState: 'Deze aanmelding klopt niet of is te oud. Meld je opnieuw aan.',
      eProvider: 'Aanmelden bij je school lukte niet:', eToken: 'Je school gaf geen geldige aanmelding terug. Meld je opnieuw aan.',
      eTokFmt: 'Dit is geen geldig token. Plak het hele token.', eTokExp: 'Dit token is verlopen. Vraag een nieuw token.',
      eTokClaims: 'In dit token staan geen instelling en rol.', expired: 'Je bent afgemeld. Meld je opnieuw aan.',
      signedOut: 'Je bent afgemeld.', network: 'Dat lukte niet. Is de verbinding weg? Probeer het opnieuw.',
      failed: 'Dat lukte niet:', retry: 'Probeer opnieuw',
      inTitle: 'Meldingen', show: 'Toon:', f_open: 'Open', f_received: 'Nieuw', f_in_progress: 'In behandeling', f_closed: 'Afgesloten',
      more: 'Meer laden', none: 'Er zijn hier geen meldingen.', nShown: '{n} meldingen', nShown1: '1 melding', loading: 'Laden…',
      b_new: 'Nieuw', b_ack: 'Ontvangst bevestigen te laat', b_fb: 'Terugkoppeling te laat', b_wait: 'Wacht op antwoord',
      b_you: 'Melder wacht op jou', b_them: 'Wacht op melder',
      sortBy: 'Volgorde:', s_newest: 'Nieuwste eerst', s_deadline: 'Eerste deadline', f_overdue: 'Te laat',
      nextBy: 'Eerstvolgende deadline', asH: 'Behandelaar', asNobody: 'Nog niemand heeft deze melding.', asIs: 'Behandelaar: {who}',
      asNobodyShort: 'niemand', asYou: 'jij', asMe: 'Aan mij toewijzen', asNone: 'Toewijzing weghalen', asOther: 'Overdragen aan een collega (naam zoals in het logboek)',
      asGo: 'Overdragen', eAs: 'Schrijf de naam van een collega.', asDone: 'De behandelaar is nu: {who}.', asCleared: 'Niemand heeft de melding nu.',
      ntH: 'Interne notities', ntWarn: 'Alleen voor wie meldingen behandelt. De melder ziet dit nooit. Schrijf niet meer op dan nodig, en geen namen als het niet hoeft.',
      ntLabel: 'Nieuwe notitie', ntSave: 'Notitie opslaan', ntNone: 'Nog geen notities.', eNote: 'Schrijf eerst een notitie.', ntSaved: 'De notitie is opgeslagen.',
      a_assign: 'Behandelaar gekozen', a_note: 'Notitie geschreven',
      st_received: 'Ontvangen', st_in_progress: 'In behandeling', st_closed: 'Afgesloten',
      reported: 'Gemeld op', ackBy: 'Ontvangst bevestigen vóór', fbBy: 'Terugkoppeling vóór', ackDone: 'Ontvangst bevestigd op',
      ref: 'Kenmerk', msgs: 'berichten', msgs1: 'bericht',
      back: 'Terug naar meldingen', descH: 'Wat de melder schreef', convH: 'Gesprek met de melder',
      noMsgs: 'Nog geen berichten.', fromReporter: 'Melder', fromInst: 'Instelling',
      noFollow: 'De melder wilde geen antwoord. Daarom kun je geen bericht sturen.',
      closedNote: 'Deze melding is afgesloten. Heropen de melding als je nog iets wilt sturen.',
      replyLabel: 'Antwoord aan de melder',
      replyHint: 'De melder leest dit met de ontvangstcode. Schrijf kort en in gewone taal. Zet er geen namen in.',
      replySend: 'Stuur antwoord', eReply: 'Schrijf eerst een antwoord.', sent: 'Je antwoord is verstuurd.',
      count: '{n} van de 2000 tekens', factsH: 'Gegevens', stH: 'Status', stNowL: 'Nu:',
      f_status: 'Status', f_where: 'Waar', f_audience: 'Wie meldt', f_when: 'Wanneer gebeurd', f_grounds: 'Waarom (gronden)',
      f_follow: 'Wil antwoord', f_lang: 'Taal van de melder', f_closedAt: 'Afgesloten op', f_expires: 'Tekst wordt gewist op',
      yes: 'Ja', no: 'Nee', lang_nl: 'Nederlands', lang_en: 'Engels',
      take: 'In behandeling nemen', close: 'Afsluiten', reopen: 'Heropenen', stChanged: 'De status is nu: {s}.',
      retention: 'Na het afsluiten bewaren we de tekst en de berichten nog 12 maanden. Daarna wissen we ze. De aantallen in het dashboard blijven.',
      cfTitle: 'Melding afsluiten?',
      cfText: 'De melder kan daarna geen berichten meer sturen. 12 maanden na het afsluiten wissen we de tekst en de berichten. De aantallen in het dashboard blijven.',
      cfYes: 'Ja, afsluiten', cfNo: 'Annuleren',
      dbTitle: 'Dashboard', dbIntro: 'Aantallen meldingen bij jouw instelling. Zonder teksten en zonder namen.',
      from: 'Van maand', to: 'Tot en met maand', showPeriod: 'Toon', csv: 'Download CSV', csvDone: 'Het CSV-bestand is gedownload.',
      ePeriod: 'Kies twee maanden. De eerste maand komt niet na de tweede. Samen hoogstens 36 maanden.',
      s_total: 'Meldingen in deze periode', s_open: 'Open meldingen nu', s_ack: 'Ontvangst bevestigen te laat', s_fb: 'Terugkoppeling te laat',
      casesNote: 'Open en te laat: alle meldingen van nu, niet alleen uit deze periode.',
      supNote: 'Kleine aantallen worden niet getoond, om melders te beschermen. Bij minder dan {k} meldingen zie je "< {k}". Soms verbergen we ook een groter aantal, zodat niemand een klein aantal kan uitrekenen. Dan zie je "verborgen".',
      hidden: 'verborgen', c_month: 'Meldingen per maand', c_theme: 'Per onderwerp', c_where: 'Waar het gebeurde',
      c_audience: 'Wie meldde', c_ground: 'Gronden bij discriminatie', col_month: 'Maand', col_count: 'Aantal',
      col_theme: 'Onderwerp', col_where: 'Waar', col_audience: 'Wie', col_ground: 'Grond', tableOf: 'Tabel:',
      auTitle: 'Logboek', auIntro: 'Hier zie je wie meldingen heeft bekeken of veranderd. Niemand kan dit logboek aanpassen.',
      auWhen: 'Wanneer', auWho: 'Wie', auRole: 'Rol', auAction: 'Actie', auReport: 'Melding', auNone: 'Nog niets in het logboek.',
      a_list: 'Lijst met meldingen bekeken', a_read: 'Melding gelezen', a_reply: 'Antwoord gestuurd', a_status: 'Status veranderd',
      l_open: 'open', l_all: 'alle',
      dnTitle: 'Geen toegang', dnText: 'Je account mag dit deel niet zien. Denk je dat dit niet klopt? Vraag het de beheerder van Meldwijzer bij jouw school.',
      toDash: 'Naar het dashboard',
      th_discriminatie: 'Discriminatie of racisme', th_seksueel: 'Seksueel grensoverschrijdend gedrag',
      th_agressie: 'Agressie, geweld of bedreiging', th_pesten: 'Pesten, ook online', th_criminaliteit: 'Drugs, diefstal of criminaliteit',
      th_stagemisbruik: 'Stagemisbruik', th_discussie: 'Discussie met gevolgen', th_thuis: 'Thuis niet veilig', th_anders: 'Iets anders',
      wh_school: 'Op school', wh_stage: 'Op stage of werk', wh_online: 'Online', wh_elders: 'Ergens anders',
      au_student: 'Student', au_staff: 'Medewerker',
      gr_herkomst: 'Afkomst of huidskleur', gr_religie: 'Geloof', 'gr_seksuele-orientatie': 'Seksuele oriëntatie',
      gr_gender: 'Geslacht of genderidentiteit', gr_handicap: 'Handicap of chronische ziekte', gr_leeftijd: 'Leeftijd', gr_anders: 'Iets anders',
      wn_week: 'In de week voor de melding', wn_month: 'In de maand voor de melding', wn_longer: 'Langer geleden',
      locale: 'nl-NL'
    },
    en: {
      skip: 'Skip to content', other: 'Nederlands', brandSub: 'institution', signout: 'Sign out', tabsNav: 'Sections',
      tabInbox: 'Reports', tabDash: 'Dashboard', tabAudit: 'Audit log',
      siTitle: 'Sign in for staff',
      siIntro: 'Here the confidential adviser and the reporting point read the anonymous reports. Quality staff and the board see the dashboard with counts.',
      demoTitle: 'Demo sign-in', demoIntro: 'Only on this local demo server. The schools are made up.',
      demoInst: 'Institution', demoRole: 'Role', demoGo: 'Sign in as demo',
      role_handler: 'Confidential adviser / reporting point', role_viewer: 'Quality staff / board',
      roleHandlerHint: 'Reads and answers reports.', roleViewerHint: 'Sees only the dashboard with counts.',
      tokTitle: 'Sign in with a token',
      tokHint: 'At a real school you sign in through your own organisation (SURFconext or Cognito). On a self-hosted server the administrator makes a token with',
      tokLabel: 'Token', tokGo: 'Sign in',
      oidcTitle: 'Sign in with your school account', oidcIntro: 'You go to your school\'s sign-in page. Then you come back here.',
      oidcGo: 'Sign in with school account', eState: 'This sign-in does not match or is too old. Please sign in again.',
      eProvider: 'Signing in at your school did not work:', eToken: 'Your school did not return a valid sign-in. Please sign in again.',
      eTokFmt: 'This is not a valid token. Paste the whole token.', eTokExp: 'This token has expired. Ask for a new one.',
      eTokClaims: 'This token holds no institution and role.', expired: 'You have been signed out. Please sign in again.',
      signedOut: 'You have signed out.', network: 'That did not work. Is the connection down? Please try again.',
      failed: 'That did not work:', retry: 'Try again',
      inTitle: 'Reports', show: 'Show:', f_open: 'Open', f_received: 'New', f_in_progress: 'Being handled', f_closed: 'Closed',
      more: 'Load more', none: 'There are no reports here.', nShown: '{n} reports', nShown1: '1 report', loading: 'Loading…',
      b_new: 'New', b_ack: 'Acknowledgement overdue', b_fb: 'Feedback overdue', b_wait: 'Awaiting answer',
      b_you: 'Reporter is waiting for you', b_them: 'Waiting for the reporter',
      sortBy: 'Order:', s_newest: 'Newest first', s_deadline: 'First deadline', f_overdue: 'Overdue',
      nextBy: 'Next deadline', asH: 'Handler', asNobody: 'Nobody has this report yet.', asIs: 'Handler: {who}',
      asNobodyShort: 'nobody', asYou: 'you', asMe: 'Assign to me', asNone: 'Unassign', asOther: 'Hand over to a colleague (name as in the audit log)',
      asGo: 'Hand over', eAs: 'Write a colleague\'s name.', asDone: 'The handler is now: {who}.', asCleared: 'Nobody has the report now.',
      ntH: 'Internal notes', ntWarn: 'Only for those who handle reports. The reporter never sees this. Write no more than needed, and no names unless you must.',
      ntLabel: 'New note', ntSave: 'Save note', ntNone: 'No notes yet.', eNote: 'Write a note first.', ntSaved: 'The note has been saved.',
      a_assign: 'Chose a handler', a_note: 'Wrote a note',
      st_received: 'Received', st_in_progress: 'Being handled', st_closed: 'Closed',
      reported: 'Reported on', ackBy: 'Acknowledge before', fbBy: 'Feedback before', ackDone: 'Acknowledged on',
      ref: 'Reference', msgs: 'messages', msgs1: 'message',
      back: 'Back to reports', descH: 'What the reporter wrote', convH: 'Conversation with the reporter',
      noMsgs: 'No messages yet.', fromReporter: 'Reporter', fromInst: 'Institution',
      noFollow: 'The reporter did not want an answer. So you cannot send a message.',
      closedNote: 'This report is closed. Reopen it if you still want to send something.',
      replyLabel: 'Answer to the reporter',
      replyHint: 'The reporter reads this with the receipt code. Write briefly and in plain words. Do not put names in it.',
      replySend: 'Send answer', eReply: 'Write an answer first.', sent: 'Your answer has been sent.',
      count: '{n} of 2000 characters', factsH: 'Details', stH: 'Status', stNowL: 'Now:',
      f_status: 'Status', f_where: 'Where', f_audience: 'Who reports', f_when: 'When it happened', f_grounds: 'Why (grounds)',
      f_follow: 'Wants an answer', f_lang: 'Reporter\'s language', f_closedAt: 'Closed on', f_expires: 'Text deleted on',
      yes: 'Yes', no: 'No', lang_nl: 'Dutch', lang_en: 'English',
      take: 'Start handling', close: 'Close', reopen: 'Reopen', stChanged: 'The status is now: {s}.',
      retention: 'After closing we keep the text and the messages for 12 more months. Then we delete them. The counts in the dashboard stay.',
      cfTitle: 'Close this report?',
      cfText: 'The reporter can no longer send messages. 12 months after closing we delete the text and the messages. The counts in the dashboard stay.',
      cfYes: 'Yes, close it', cfNo: 'Cancel',
      dbTitle: 'Dashboard', dbIntro: 'Numbers of reports at your institution. Without texts and without names.',
      from: 'From month', to: 'Up to and including month', showPeriod: 'Show', csv: 'Download CSV', csvDone: 'The CSV file has been downloaded.',
      ePeriod: 'Choose two months. The first month is not after the second. At most 36 months together.',
      s_total: 'Reports in this period', s_open: 'Open reports now', s_ack: 'Acknowledgement overdue', s_fb: 'Feedback overdue',
      casesNote: 'Open and overdue: all reports as of now, not only from this period.',
      supNote: 'Small numbers are not shown, to protect reporters. With fewer than {k} reports you see "< {k}". Sometimes we also hide a larger number, so that no one can work out a small one. Then you see "hidden".',
      hidden: 'hidden', c_month: 'Reports per month', c_theme: 'By subject', c_where: 'Where it happened',
      c_audience: 'Who reported', c_ground: 'Grounds of discrimination', col_month: 'Month', col_count: 'Number',
      col_theme: 'Subject', col_where: 'Where', col_audience: 'Who', col_ground: 'Ground', tableOf: 'Table:',
      auTitle: 'Audit log', auIntro: 'Here you see who read or changed reports. No one can change this log.',
      auWhen: 'When', auWho: 'Who', auRole: 'Role', auAction: 'Action', auReport: 'Report', auNone: 'Nothing in the log yet.',
      a_list: 'Viewed the list of reports', a_read: 'Read a report', a_reply: 'Sent an answer', a_status: 'Changed the status',
      l_open: 'open', l_all: 'all',
      dnTitle: 'No access', dnText: 'Your account may not see this part. Do you think this is wrong? Ask the Meldwijzer administrator at your school.',
      toDash: 'To the dashboard',
      th_discriminatie: 'Discrimination or racism', th_seksueel: 'Sexual harassment or violence',
      th_agressie: 'Aggression, violence or threats', th_pesten: 'Bullying, also online', th_criminaliteit: 'Drugs, theft or crime',
      th_stagemisbruik: 'Internship abuse', th_discussie: 'Discussion with consequences', th_thuis: 'Not safe at home', th_anders: 'Something else',
      wh_school: 'At school', wh_stage: 'At work placement or job', wh_online: 'Online', wh_elders: 'Somewhere else',
      au_student: 'Student', au_staff: 'Staff member',
      gr_herkomst: 'Origin or skin colour', gr_religie: 'Religion', 'gr_seksuele-orientatie': 'Sexual orientation',
      gr_gender: 'Sex or gender identity', gr_handicap: 'Disability or chronic illness', gr_leeftijd: 'Age', gr_anders: 'Something else',
      wn_week: 'In the week before the report', wn_month: 'In the month before the report', wn_longer: 'Longer ago',
      locale: 'en-GB'
    }
  };
  const DIM = { theme: 'th_', where: 'wh_', audience: 'au_', ground: 'gr_' };
  const KEY = 'meldwijzer.instelling';
  const S = {
    lang: 'nl', token: null, inst: '', role: '', sub: '', instName: '', view: '', busy: false,
    // cfg is GET /api/v1/staff/config; oidc the provider session (ID and refresh token); gen
    // counts sign-ins and sign-outs, so that an answer for an earlier session is dropped.
    cfg: { oidc: null, demoSignIn: false }, oidc: null, gen: 0,
    status: 'open', sort: '', overdue: false, cases: [], cursor: null, report: null, messages: [], notes: [], dash: null, audit: [], auCursor: null
  };
  const $ = (id) => document.getElementById(id);
  const t = (k, v) => {
    let s = T[S.lang][k] ?? T.nl[k] ?? k;
    if (v) for (const [a, b] of Object.entries(v)) s = s.split('{' + a + '}').join(b);
    return s;
  };
  const label = (dim, id) => T[S.lang][DIM[dim] + id] || id;
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
  const svg = (tag, attrs) => {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  };
  // Report and message times are days (YYYY-MM-DD, read as that local day); only a handler's
  // audit log has times of day.
  const dayOf = (s) => { const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(s); return m ? new Date(+m[1], m[2] - 1, +m[3]) : new Date(s); };
  const fmtDate = (s) => s ? dayOf(s).toLocaleDateString(t('locale'), { day: 'numeric', month: 'short', year: 'numeric' }) : '';
  const fmtTime = (s) => !s ? '' : /^\d{4}-\d\d-\d\d$/.test(s) ? fmtDate(s) : new Date(s).toLocaleString(t('locale'), { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  const fmtMonth = (m, long) => new Date(m + '-15T12:00:00').toLocaleDateString(t('locale'), long ? { month: 'long', year: 'numeric' } : { month: 'short' });
  const ym = (d) => d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0');
  const ref = (id) => (id || '').slice(-8);
  const announce = (msg) => { const l = $('live'); l.textContent = ''; setTimeout(() => { l.textContent = msg; }, 50); };
  // alertIn shows the text of key (plus extra, a server's message) in an alert; '' hides it.
  // The key is kept so that a language switch translates a visible alert too.
  function alertIn(id, key, retry, extra) {
    const a = $(id);
    a.textContent = key ? t(key) + (extra ? ' ' + extra : '') : '';
    if (retry) a.append(' ', h('button', { type: 'button', class: 'link', text: t('retry'), onclick: retry }));
    a.hidden = !key;
    a._redo = key ? () => alertIn(id, key, retry, extra) : null;
  }

  // ---- token and session ----
  const OIDC = window.MeldwijzerOIDC;
  const claimsOf = OIDC.claims;
  // Only for display and for choosing the views; the server decides what the token may do.
  function identityOf(c) {
    const list = (v) => (Array.isArray(v) ? v : []);
    const granted = [c.role, ...list(c.roles), ...list(c['cognito:groups'])];
    const role = granted.includes('handler') ? 'handler' : granted.includes('viewer') ? 'viewer' : '';
    return { inst: c.institution || c['custom:institution'] || '', role, sub: c.sub || '', exp: c.exp };
  }
  function save() {
    try { sessionStorage.setItem(KEY, JSON.stringify({ lang: S.lang })); } catch (_) { /* private mode */ }
  }
  function useToken(tok) {
    const c = claimsOf(tok);
    if (!c) return 'eTokFmt';
    const id = identityOf(c);
    if (!id.inst || (id.role !== 'handler' && id.role !== 'viewer')) return 'eTokClaims';
    if (id.exp && id.exp * 1000 < Date.now()) return 'eTokExp';
    // Another person or school starts from empty views; a refreshed token keeps them.
    if (S.token && (S.sub !== id.sub || S.inst !== id.inst || S.role !== id.role)) clearSession();
    if (!S.token) S.gen++;
    const same = S.inst === id.inst && S.instName;
    Object.assign(S, { token: tok, inst: id.inst, role: id.role, sub: id.sub, instName: same ? S.instName : '' });
    if (!same) fetch('/api/v1/institutions/' + encodeURIComponent(S.inst))
      .then((r) => (r.ok ? r.json() : null)).then((d) => { if (d && d.name && S.token === tok) { S.instName = d.name; header(); } })
      .catch(() => {});
    return '';
  }
  // clearSession forgets the signed-in person and empties every view: lists, figures, filters,
  // the period and the alerts, so that nothing of theirs stays in the page for the next one.
  function clearSession() {
    clearTimeout(refreshTimer);
    S.gen++;
    Object.assign(S, { token: null, oidc: null, inst: '', role: '', sub: '', instName: '', busy: false, status: 'open', sort: '', overdue: false,
      cases: [], cursor: null, loaded: false, report: null, messages: [], notes: [], dash: null, audit: [], auCursor: null });
    for (const id of ['cases', 'inCount', 'rpTitle', 'rpBadges', 'rpDesc', 'thread', 'facts', 'stNow', 'stBtns', 'asNow', 'notes',
      'stats', 'supNote', 'charts', 'auRows', 'whoInst', 'whoRole']) $(id).textContent = '';
    for (const id of ['tok', 'replyText', 'noteText', 'asWho', 'from', 'to']) $(id).value = '';
    for (const a of document.querySelectorAll('.alert')) if (a.id !== 'siAlert') alertIn(a.id, '');
    $('more').hidden = $('auMore').hidden = true;
  }
  function signOut(reason) {
    const session = S.oidc;
    clearSession();
    if (location.hash) history.replaceState(null, '', location.pathname);
    route();
    alertIn('siAlert', reason || '');
    // Signing out revokes the refresh token and ends the provider's session, so that the next
    // person must sign in with their own password (not after an expiry: the provider keeps its
    // session then).
    if (session) OIDC.revoke(S.cfg.oidc, session.refresh);
    if (!reason && session && OIDC.endSession(S.cfg.oidc, session.idToken)) return;
    if (!reason) announce(t('signedOut'));
  }
  // The ID token is renewed with the refresh token a minute before it expires (or halfway,
  // for a short one), without a new sign-in; when the provider refuses, the person signs in again.
  let refreshTimer = 0;
  function useSession(session) {
    const err = useToken(session.idToken);
    if (err) throw new OIDC.SignInError(err);
    S.oidc = session;
    clearTimeout(refreshTimer);
    if (!session.refresh) return;
    const left = session.exp * 1000 - Date.now();
    refreshTimer = setTimeout(() => renew().catch(() => {}), Math.max(1000, left - Math.min(60000, left / 2)));
  }
  let renewing = null;
  function renew() {
    if (!S.oidc || !S.oidc.refresh) return Promise.reject(new Error('no refresh token'));
    const gen = S.gen;
    renewing ||= OIDC.refresh(S.cfg.oidc, S.oidc).then((next) => {
      if (gen === S.gen) useSession(next);
    }, (e) => {
      if (gen === S.gen) signOut('expired');
      throw e;
    }).finally(() => { renewing = null; });
    return renewing;
  }

  // ---- API ----
  class ApiError extends Error { constructor(status, msg) { super(msg || ''); this.status = status; } }
  const base = () => '/api/v1/institutions/' + encodeURIComponent(S.inst);
  // api calls the signed-in institution's API. An answer that arrives after a sign-out or for
  // another session is dropped (ApiError 401, which no view shows). A 401 gets one retry after
  // a refresh, when there is a refresh token (a timer may have slept with the laptop).
  async function api(path, opts = {}, retried = false) {
    const { method = 'GET', body, raw } = opts;
    const gen = S.gen;
    const headers = { Authorization: 'Bearer ' + S.token };
    if (body) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(base() + path, { method, headers, body: body ? JSON.stringify(body) : undefined, cache: 'no-store' });
    } catch (_) { throw new ApiError(gen === S.gen ? 0 : 401, t('network')); }
    if (gen !== S.gen) throw new ApiError(401);
    if (res.status === 401 && !retried && S.oidc && S.oidc.refresh) {
      try { await renew(); } catch (_) { throw new ApiError(401); }
      if (gen === S.gen) return api(path, opts, true);
      throw new ApiError(401);
    }
    if (res.status === 401) { signOut('expired'); throw new ApiError(401); }
    if (!res.ok) {
      let msg = '';
      try { msg = (await res.json()).error.message; } catch (_) { /* not JSON */ }
      throw new ApiError(res.status, msg);
    }
    return raw ? res : res.json();
  }
  // failed shows an API error in the view's alert, or the "no access" view for a 403.
  function failed(e, alertId, retry) {
    if (e.status === 401) return;
    if (e.status === 403) { show('vDenied'); return; }
    alertIn(alertId, e.status ? 'failed' : 'network', retry, e.status ? e.message || String(e.status) : '');
  }

  // ---- views ----
  const VIEWS = ['vSignin', 'vInbox', 'vReport', 'vDash', 'vAudit', 'vDenied'];
  function show(id, focus = true) {
    for (const v of VIEWS) $(v).hidden = v !== id;
    S.view = id;
    header();
    if (focus) { const h1 = $(id).querySelector('h1'); if (h1 && document.activeElement !== h1) h1.focus({ preventScroll: false }); }
    window.scrollTo(0, 0);
  }
  function header() {
    const on = !!S.token;
    $('signout').hidden = $('who').hidden = $('tabs').hidden = !on;
    $('whoInst').textContent = S.instName || S.inst;
    $('whoRole').textContent = S.role ? t('role_' + S.role) : '';
    $('tabInbox').hidden = S.role !== 'handler';
    const cur = { vInbox: 'tabInbox', vReport: 'tabInbox', vDash: 'tabDash', vAudit: 'tabAudit' }[S.view];
    for (const id of ['tabInbox', 'tabDash', 'tabAudit']) {
      if (id === cur) $(id).setAttribute('aria-current', 'page'); else $(id).removeAttribute('aria-current');
    }
    document.title = (S.view && S.view !== 'vSignin' && $(S.view).querySelector('h1').textContent
      ? $(S.view).querySelector('h1').textContent + ' – ' : '') + 'Meldwijzer ' + t('brandSub');
  }
  function route() {
    if (!S.token) { show('vSignin'); loadDemo(); return; }
    const [, name, arg] = (location.hash.match(/^#\/([a-z]+)\/?(.*)$/) || []);
    const handler = S.role === 'handler';
    if (name === 'melding' && arg) return handler ? openReport(decodeURIComponent(arg)) : show('vDenied');
    if (name === 'meldingen') { if (!handler) return show('vDenied'); inboxFrom(arg); return openInbox(); }
    if (name === 'logboek') return openAudit();
    if (name === 'dashboard' || !handler) return openDash();
    return openInbox();
  }

  // ---- sign-in ----
  let demoLoaded = false;
  async function loadDemo() {
    if (demoLoaded) return;
    demoLoaded = true;
    try {
      const r = await fetch('/api/v1/institutions');
      const list = ((await r.json()).institutions || []).filter((i) => /demo/i.test(i.name));
      const sel = $('demoInst');
      sel.textContent = '';
      for (const i of list) sel.append(h('option', { value: i.id, text: i.name }));
      $('demoForm').hidden = list.length === 0 || !S.cfg.demoSignIn;
    } catch (_) { demoLoaded = false; }
  }
  $('demoForm').addEventListener('submit', async (e) => {
    e.preventDefault();
    const role = $('demoForm').querySelector('input[name=role]:checked').value;
    alertIn('siAlert', '');
    try {
      const r = await fetch('/api/v1/local/signin', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ institution: $('demoInst').value, role })
      });
      const d = await r.json().catch(() => ({}));
      if (!r.ok || !d.token) throw new Error((d.error && d.error.message) || String(r.status));
      const err = useToken(d.token);
      if (err) throw Object.assign(new Error(err), { key: err });
      const want = role === 'handler' ? '#/meldingen' : '#/dashboard';
      if (location.hash !== want) location.hash = want; else route();
    } catch (x) {
      alertIn('siAlert', x instanceof TypeError ? 'network' : x.key || 'failed', null, x.key ? '' : x.message);
    }
  });
  $('oidcGo').addEventListener('click', () => {
    alertIn('siAlert', '');
    OIDC.begin(S.cfg.oidc, S.lang).catch(() => alertIn('siAlert', 'failed'));
  });
  $('tokenForm').addEventListener('submit', (e) => {
    e.preventDefault();
    const tok = $('tok').value.trim().replace(/^Bearer\s+/i, '');
    const err = useToken(tok);
    alertIn('siAlert', err);
    if (err) { $('tok').setAttribute('aria-invalid', 'true'); $('tok').focus(); return; }
    $('tok').removeAttribute('aria-invalid');
    $('tok').value = '';
    route();
  });

  // ---- inbox ----
  function badgesOf(c) {
    const b = [];
    if (c.status === 'received') b.push(['new', t('b_new')]);
    else b.push(['st', t('st_' + c.status)]);
    if ((c.overdue || []).includes('acknowledge')) b.push(['late', t('b_ack')]);
    if ((c.overdue || []).includes('feedback')) b.push(['late', t('b_fb')]);
    // Who waits for whom: the reporter (they wrote last, or nobody answered yet) or the school.
    if (c.waitingOn === 'institution') b.push(['you', t('b_you')]);
    else if (c.waitingOn === 'reporter') b.push(['them', t('b_them')]);
    return b.map(([k, s]) => h('span', { class: 'badge ' + k, text: s }));
  }
  async function openInbox(more) {
    if (!more) { show('vInbox', S.view !== 'vInbox'); renderInbox(true); }
    alertIn('inAlert', '');
    const q = new URLSearchParams({ status: S.status });
    if (S.sort) q.set('sort', S.sort);
    if (S.overdue) q.set('overdue', 'true');
    if (more && S.cursor) q.set('cursor', S.cursor);
    try {
      const d = await api('/reports?' + q);
      S.cases = more ? S.cases.concat(d.reports) : d.reports;
      S.cursor = d.cursor || null;
      S.loaded = true;
      renderInbox();
    } catch (e) {
      if (e.status === 401) return;
      S.cases = [];
      S.cursor = null;
      $('cases').textContent = $('inCount').textContent = '';
      $('cases').setAttribute('aria-busy', 'false');
      failed(e, 'inAlert', () => openInbox(more));
    }
  }
  function renderInbox(loading) {
    for (const b of document.querySelectorAll('#vInbox .chip[data-status]')) b.setAttribute('aria-pressed', String(b.dataset.status === S.status));
    for (const b of document.querySelectorAll('#vInbox .chip[data-sort]')) b.setAttribute('aria-pressed', String(b.dataset.sort === S.sort));
    $('overdueChip').setAttribute('aria-pressed', String(S.overdue));
    // Closed reports have no deadline: the deadline order and the overdue filter are for open ones.
    for (const b of document.querySelectorAll('#vInbox .chip[data-sort=deadline], #overdueChip')) b.disabled = S.status === 'closed';
    const ul = $('cases');
    ul.textContent = '';
    $('cases').setAttribute('aria-busy', String(!!loading));
    if (loading) { $('inCount').textContent = t('loading'); $('more').hidden = true; return; }
    const n = S.cases.length;
    $('inCount').textContent = n === 0 ? t('none') : n === 1 ? t('nShown1') : t('nShown', { n });
    for (const c of S.cases) {
      const dl = [t('reported') + ' ' + fmtDate(c.createdAt)];
      if (c.status !== 'closed') {
        dl.push(c.acknowledgedAt ? t('ackDone') + ' ' + fmtDate(c.acknowledgedAt) : t('ackBy') + ' ' + fmtDate(c.acknowledgeBy));
        dl.push(t('fbBy') + ' ' + fmtDate(c.feedbackBy));
      } else if (c.closedAt) dl.push(t('f_closedAt') + ' ' + fmtDate(c.closedAt));
      const who = c.assignee ? t('asIs', { who: c.assignee === S.sub ? t('asYou') : c.assignee }) : c.status !== 'closed' && t('asNobody');
      ul.append(h('li', { class: 'case' + (c.status === 'received' ? ' is-new' : '') },
        h('h2', {}, h('a', { href: '#/melding/' + encodeURIComponent(c.id), text: label('theme', c.theme) })),
        h('p', { class: 'badges' }, badgesOf(c)),
        h('p', { class: 'meta' }, [label('where', c.where), c.audience && label('audience', c.audience),
          t('ref') + ' ' + ref(c.id), (c.messageCount || 0) + ' ' + (c.messageCount === 1 ? t('msgs1') : t('msgs'))].filter(Boolean).join(' · ')),
        h('p', { class: 'meta' }, dl.join(' · ')),
        who && h('p', { class: 'meta', translate: c.assignee ? 'no' : null, text: who })));
    }
    $('more').hidden = !S.cursor;
  }
  // The inbox's filters live in the address (#/meldingen/te-laat is the overdue list the
  // dashboard's tiles link to), so that back and reload keep them.
  function inboxHash() {
    if (S.overdue && S.status === 'open') return '#/meldingen/te-laat';
    const q = new URLSearchParams();
    if (S.status !== 'open') q.set('status', S.status);
    if (S.sort) q.set('sort', S.sort);
    if (S.overdue) q.set('overdue', 'true');
    return '#/meldingen' + (String(q) ? '/' + q : '');
  }
  function inboxFrom(arg) {
    const q = new URLSearchParams(arg === 'te-laat' ? 'overdue=true&sort=deadline' : arg || '');
    const st = q.get('status');
    S.status = ['open', 'received', 'in_progress', 'closed'].includes(st) ? st : 'open';
    S.sort = q.get('sort') === 'deadline' && S.status !== 'closed' ? 'deadline' : '';
    S.overdue = q.get('overdue') === 'true' && S.status !== 'closed';
  }
  function goInbox() {
    S.cursor = null;
    const want = inboxHash();
    if (location.hash !== want) location.hash = want; else openInbox();
  }
  for (const b of document.querySelectorAll('#vInbox .chip[data-status]')) {
    b.addEventListener('click', () => {
      S.status = b.dataset.status;
      if (S.status === 'closed') { S.sort = ''; S.overdue = false; }
      goInbox();
    });
  }
  for (const b of document.querySelectorAll('#vInbox .chip[data-sort]')) {
    b.addEventListener('click', () => { S.sort = b.dataset.sort; if (!S.sort) S.overdue = false; goInbox(); });
  }
  $('overdueChip').addEventListener('click', () => { S.overdue = !S.overdue; if (S.overdue) S.sort = 'deadline'; goInbox(); });
  $('more').addEventListener('click', () => openInbox(true));

  // ---- one report ----
  async function openReport(id) {
    if (!S.report || S.report.id !== id) { S.report = null; S.notes = []; $('replyText').value = ''; $('noteText').value = ''; $('asWho').value = ''; }
    show('vReport', false);
    $('vReport').querySelector('.back').href = inboxHash(); // back to the list as it was filtered
    alertIn('rpAlert', '');
    if (!S.report) { $('rpTitle').textContent = t('loading'); for (const x of ['rpBadges', 'rpDesc', 'thread', 'facts', 'stBtns', 'stNow']) $(x).textContent = ''; }
    try {
      const d = await api('/reports/' + encodeURIComponent(id));
      S.report = d.report;
      S.messages = d.messages || [];
      S.notes = d.notes || [];
      renderReport();
      $('rpTitle').focus();
    } catch (e) { failed(e, 'rpAlert', () => openReport(id)); }
  }
  function renderReport() {
    const r = S.report;
    if (!r) return;
    $('rpTitle').textContent = label('theme', r.theme);
    header();
    const bd = $('rpBadges');
    bd.textContent = '';
    bd.append(...badgesOf(r));
    $('rpDesc').textContent = r.description || '';
    const th = $('thread');
    th.textContent = '';
    if (!S.messages.length) th.append(h('li', { class: 'note', text: t('noMsgs') }));
    for (const m of S.messages) {
      const mine = m.from === 'institution';
      th.append(h('li', { class: 'msg ' + (mine ? 'inst' : 'rep') },
        h('p', { class: 'who' }, h('strong', { text: mine ? t('fromInst') : t('fromReporter') }), ' · ', h('span', { text: fmtTime(m.at) })),
        h('p', { class: 'text', text: m.text })));
    }
    const closed = r.status === 'closed';
    $('noFollow').hidden = r.followUp !== false;
    $('closedNote').hidden = !closed || r.followUp === false;
    const off = r.followUp === false || closed;
    $('replyText').disabled = $('replySend').disabled = off;
    $('replyForm').classList.toggle('off', off);
    counter();
    const facts = $('facts');
    facts.textContent = '';
    const row = (k, v) => v && facts.append(h('div', {}, h('dt', { text: t(k) }), h('dd', { text: v })));
    row('f_status', t('st_' + r.status));
    row('ref', ref(r.id));
    row('reported', fmtTime(r.createdAt));
    row('f_where', label('where', r.where));
    row('f_audience', r.audience && label('audience', r.audience));
    row('f_when', r.when && t('wn_' + r.when));
    row('f_grounds', (r.grounds || []).map((g) => label('ground', g)).join(', '));
    row('f_follow', r.followUp ? t('yes') : t('no'));
    row('f_lang', r.lang && t('lang_' + r.lang));
    row(r.acknowledgedAt ? 'ackDone' : 'ackBy', fmtDate(r.acknowledgedAt || r.acknowledgeBy));
    if (!closed) row('fbBy', fmtDate(r.feedbackBy));
    row('nextBy', r.nextDeadline && fmtDate(r.nextDeadline));
    row('f_closedAt', closed && fmtDate(r.closedAt));
    row('f_expires', closed && fmtDate(r.expiresAt));
    renderCaseWork();
    $('stNow').textContent = t('stNowL') + ' ' + t('st_' + r.status);
    const btns = $('stBtns');
    btns.textContent = '';
    const btn = (k, status, cls) => btns.append(h('button', { type: 'button', class: 'btn ' + cls, text: t(k), onclick: () => setStatus(status) }));
    if (r.status === 'received') btn('take', 'in_progress', 'primary');
    if (!closed) btn('close', 'closed', 'line');
    else btn('reopen', 'in_progress', 'line');
  }
  function counter() { $('replyCount').textContent = t('count', { n: $('replyText').value.length }); }
  $('replyText').addEventListener('input', () => { counter(); $('replyErr').hidden = true; $('replyText').removeAttribute('aria-invalid'); });
  $('replyForm').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (S.busy || !S.report) return;
    const text = $('replyText').value.trim();
    const err = $('replyErr');
    if (!text) {
      err.textContent = t('eReply');
      err.hidden = false;
      $('replyText').setAttribute('aria-invalid', 'true');
      $('replyText').focus();
      return;
    }
    S.busy = true;
    $('replySend').disabled = true;
    try {
      // The answer carries the report as it is now, so no second read (and audit entry) is needed.
      const d = await api('/reports/' + encodeURIComponent(S.report.id) + '/messages', { method: 'POST', body: { text } });
      $('replyText').value = '';
      S.report = d.report;
      S.messages = d.messages || [];
      S.notes = d.notes || S.notes;
      renderReport();
      announce(t('sent'));
    } catch (x) {
      if (x.status === 403) failed(x);
      else if (x.status !== 401) { err.textContent = x.status ? t('failed') + ' ' + (x.message || x.status) : x.message; err.hidden = false; }
    } finally {
      S.busy = false;
      if (S.report) $('replySend').disabled = S.report.followUp === false || S.report.status === 'closed';
    }
  });
  async function setStatus(status) {
    if (S.busy || !S.report) return;
    if (status === 'closed' && !(await confirmClose())) return;
    S.busy = true;
    try {
      const d = await api('/reports/' + encodeURIComponent(S.report.id), { method: 'PATCH', body: { status } });
      S.report = d.report;
      S.messages = d.messages || S.messages;
      S.notes = d.notes || S.notes;
      renderReport();
      announce(t('stChanged', { s: t('st_' + S.report.status) }));
      $('stH').setAttribute('tabindex', '-1');
      $('stH').focus();
    } catch (x) { failed(x, 'rpAlert'); } finally { S.busy = false; }
  }
  function confirmClose() {
    const d = $('confirm');
    return new Promise((resolve) => {
      const done = (ok) => { d.removeEventListener('close', onClose); if (d.open) d.close(); resolve(ok); };
      const onClose = () => done(false);
      $('cfYes').onclick = () => done(true);
      $('cfNo').onclick = () => done(false);
      d.addEventListener('close', onClose);
      d.showModal();
      $('cfNo').focus();
    });
  }

  // ---- case work: who has the case, internal notes ----
  function renderCaseWork() {
    const r = S.report;
    const expired = r.expiresAt && dayOf(r.expiresAt) <= new Date();
    $('asNow').textContent = r.assignee ? t('asIs', { who: r.assignee === S.sub ? t('asYou') + ' (' + r.assignee + ')' : r.assignee }) : t('asNobody');
    $('asMe').hidden = !S.sub || r.assignee === S.sub;
    $('asNone').hidden = !r.assignee;
    for (const id of ['asMe', 'asNone', 'asWho', 'noteText', 'noteSend']) $(id).disabled = !!expired;
    const ol = $('notes');
    ol.textContent = '';
    if (!S.notes.length) ol.append(h('li', { class: 'note', text: t('ntNone') }));
    for (const n of S.notes) {
      ol.append(h('li', { class: 'nt' },
        h('p', { class: 'who' }, h('strong', { translate: 'no', text: n.author }), ' · ', h('span', { text: fmtTime(n.at) })),
        h('p', { class: 'text', text: n.text })));
    }
  }
  async function assign(who) {
    if (S.busy || !S.report) return;
    S.busy = true;
    try {
      const d = await api('/reports/' + encodeURIComponent(S.report.id), { method: 'PATCH', body: { assignee: who } });
      S.report = d.report;
      S.messages = d.messages || S.messages;
      S.notes = d.notes || S.notes;
      $('asWho').value = '';
      renderReport();
      announce(who ? t('asDone', { who }) : t('asCleared'));
    } catch (x) { failed(x, 'rpAlert'); } finally { S.busy = false; }
  }
  $('asMe').addEventListener('click', () => assign(S.sub));
  $('asNone').addEventListener('click', () => assign(''));
  $('asForm').addEventListener('submit', (e) => {
    e.preventDefault();
    const who = $('asWho').value.trim();
    $('asErr').hidden = !!who;
    if (!who) { $('asErr').textContent = t('eAs'); $('asWho').setAttribute('aria-invalid', 'true'); $('asWho').focus(); return; }
    $('asWho').removeAttribute('aria-invalid');
    assign(who);
  });
  $('noteForm').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (S.busy || !S.report) return;
    const text = $('noteText').value.trim();
    const err = $('noteErr');
    err.hidden = !!text;
    if (!text) { err.textContent = t('eNote'); $('noteText').setAttribute('aria-invalid', 'true'); $('noteText').focus(); return; }
    $('noteText').removeAttribute('aria-invalid');
    S.busy = true;
    try {
      const d = await api('/reports/' + encodeURIComponent(S.report.id) + '/notes', { method: 'POST', body: { text } });
      $('noteText').value = '';
      S.report = d.report;
      S.messages = d.messages || S.messages;
      S.notes = d.notes || [];
      renderReport();
      announce(t('ntSaved'));
    } catch (x) {
      if (x.status === 403 || x.status === 401) failed(x);
      else { err.textContent = x.status ? t('failed') + ' ' + (x.message || x.status) : x.message; err.hidden = false; }
    } finally { S.busy = false; }
  });

  // ---- dashboard ----
  // A viewer's dashboard ends with the last whole month (the server shows a viewer no more).
  function defaultPeriod() {
    const now = new Date();
    const end = S.role === 'handler' ? now : new Date(now.getFullYear(), now.getMonth() - 1, 1);
    $('to').value = ym(end);
    $('from').value = ym(new Date(end.getFullYear(), end.getMonth() - 11, 1));
  }
  function periodOk() {
    const f = $('from').value, to = $('to').value, re = /^\d{4}-\d{2}$/;
    if (!re.test(f) || !re.test(to) || f > to) return false;
    const [fy, fm] = f.split('-').map(Number), [ty, tm] = to.split('-').map(Number);
    return (ty - fy) * 12 + (tm - fm) < 36;
  }
  async function openDash() {
    show('vDash', S.view !== 'vDash');
    if (!$('to').value || !$('from').value) defaultPeriod();
    await loadDash();
  }
  async function loadDash() {
    alertIn('dbAlert', '');
    for (const id of ['from', 'to']) $(id).removeAttribute('aria-invalid');
    if (!periodOk()) {
      S.dash = null;
      for (const id of ['stats', 'supNote', 'charts']) $(id).textContent = '';
      for (const id of ['from', 'to']) $(id).setAttribute('aria-invalid', 'true');
      alertIn('dbAlert', 'ePeriod');
      return;
    }
    $('charts').setAttribute('aria-busy', 'true');
    try {
      S.dash = await api('/dashboard?' + new URLSearchParams({ from: $('from').value, to: $('to').value }));
      renderDash();
    } catch (e) {
      if (e.status === 401) return; // signed out: the views are empty already
      // Never old figures under a new question: a failed query empties the dashboard.
      S.dash = null;
      for (const id of ['stats', 'supNote', 'charts']) $(id).textContent = '';
      failed(e, 'dbAlert', loadDash);
    } finally { $('charts').removeAttribute('aria-busy'); }
  }
  $('period').addEventListener('submit', (e) => { e.preventDefault(); loadDash(); });
  $('csv').addEventListener('click', async () => {
    if (!periodOk()) { alertIn('dbAlert', 'ePeriod'); return; }
    const f = $('from').value, to = $('to').value;
    try {
      const res = await api('/dashboard.csv?' + new URLSearchParams({ from: f, to }), { raw: true });
      const url = URL.createObjectURL(await res.blob());
      const a = h('a', { href: url, download: 'meldwijzer-' + S.inst + '-' + f + '-' + to + '.csv', hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      announce(t('csvDone'));
    } catch (e) { failed(e, 'dbAlert'); }
  });

  // upperBounds works out, for each suppressed cell, the largest count it can have from the
  // published cells: a month's total is the sum of each exclusive dimension's values, and a
  // period count the sum of its months. A bound under k lets the page say "< k" truthfully;
  // otherwise (a count hidden only so that a small one cannot be worked out) it says "hidden".
  function upperBounds(d) {
    const all = [...d.cells, ...(d.period || []), { month: '', dimension: 'total', value: 'all', count: d.total, suppressed: d.total == null }];
    const at = new Map(all.map((c) => [c.month + '|' + c.dimension + '|' + c.value, c]));
    const months = [...new Set(d.cells.map((c) => c.month))];
    const values = {};
    for (const c of all) (values[c.dimension] ||= new Set()).add(c.value);
    const eqs = [];
    for (const m of [...months, '']) {
      for (const dim of ['theme', 'where', 'audience']) eqs.push([m + '|total|all', [...(values[dim] || [])].map((v) => m + '|' + dim + '|' + v)]);
    }
    for (const [dim, vs] of Object.entries(values)) for (const v of vs) eqs.push(['|' + dim + '|' + v, months.map((m) => m + '|' + dim + '|' + v)]);
    const ub = new Map();
    for (const [sum, parts] of eqs) {
      const s = at.get(sum);
      if (!s || s.count == null) continue;
      let rest = s.count;
      const hidden = [];
      for (const p of parts) { const c = at.get(p); if (!c) continue; if (c.count == null) hidden.push(p); else rest -= c.count; }
      for (const p of hidden) ub.set(p, Math.min(ub.get(p) ?? Infinity, rest));
    }
    return ub;
  }
  function renderDash() {
    const d = S.dash;
    if (!d) return;
    const k = d.suppressedBelow || 5;
    const ub = upperBounds(d);
    // hi is the largest count a cell can have: its own, or the bound of a hidden one.
    const hi = (c) => c.count != null ? c.count : ub.get(c.month + '|' + c.dimension + '|' + c.value) ?? Infinity;
    const shown = (c) => c.count != null ? String(c.count) : hi(c) < k ? '< ' + k : t('hidden');
    const stats = $('stats');
    stats.textContent = '';
    const cs = d.cases || {};
    // The overdue tiles open the inbox's overdue list (te laat).
    const stat = (n, key, late) => stats.append(h('li', { class: late && n > 0 ? 'late' : '' }, late
      ? h('a', { class: 'tile', href: '#/meldingen/te-laat' }, h('span', { class: 'num', text: n }), h('span', { class: 'lbl', text: t(key) }))
      : [h('span', { class: 'num', text: n }), h('span', { class: 'lbl', text: t(key) })]));
    stat(d.total != null ? d.total : t('hidden'), 's_total'); // hidden when a month's total is
    if (d.cases) {
      stat(cs.open ?? 0, 's_open');
      stat(cs.overdueAcknowledge ?? 0, 's_ack', true);
      stat(cs.overdueFeedback ?? 0, 's_fb', true);
    }
    $('supNote').textContent = t('supNote', { k });
    const charts = $('charts');
    charts.textContent = '';
    const monthRows = d.cells.filter((c) => c.dimension === 'total')
      .map((c) => ({ label: fmtMonth(c.month, true), short: fmtMonth(c.month), c }));
    charts.append(chart('month', t('c_month'), t('col_month'), monthRows, shown, hi, k, true));
    let period = d.period;
    if (!period || !period.length) period = sumPeriod(d.cells);
    for (const dim of ['theme', 'where', 'audience', 'ground']) {
      const rows = period.filter((c) => c.dimension === dim).map((c) => ({ label: label(dim, c.value), c }));
      if (rows.length) charts.append(chart(dim, t('c_' + dim), t('col_' + dim), rows, shown, hi, k, false));
    }
    drawAll();
  }
  function sumPeriod(cells) {
    const m = new Map();
    for (const c of cells) {
      if (c.dimension === 'total') continue;
      const key = c.dimension + '|' + c.value;
      const p = m.get(key) || { month: '', dimension: c.dimension, value: c.value, count: 0 };
      if (c.count == null || p.count == null) { p.count = null; p.suppressed = true; } else p.count += c.count;
      m.set(key, p);
    }
    return [...m.values()];
  }
  function chart(id, title, col, rows, shown, hi, k, vertical) {
    const hid = 'ch-' + id;
    const box = h('div', { class: 'plot', 'aria-hidden': 'true' });
    box._draw = () => (vertical ? vbars : hbars)(box, rows, shown, hi, k);
    return h('section', { class: 'chart' + (vertical ? ' wide' : ''), 'aria-labelledby': hid },
      h('h2', { id: hid, text: title }),
      h('div', { class: 'chart-body' }, box,
        h('table', { class: 'data' },
          h('caption', { class: 'sr', text: t('tableOf') + ' ' + title }),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: col }), h('th', { scope: 'col', class: 'n', text: t('col_count') }))),
          h('tbody', {}, rows.map((r) => h('tr', { class: r.c.count == null ? 'sup' : '' },
            h('th', { scope: 'row', text: r.label }), h('td', { class: 'n', text: shown(r.c) })))))));
  }
  const maxOf = (rows, k) => Math.max(k, ...rows.map((r) => r.c.count || 0));
  // hbars: one row per value, the label above its bar, the number after it. A hidden count is a
  // dashed box from 0 to the most it can be.
  function hbars(box, rows, shown, hi, k) {
    const W = Math.max(240, box.clientWidth), rowH = 46, H = rows.length * rowH + 4, max = maxOf(rows, k), span = W - 64;
    const s = svg('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, focusable: 'false' });
    rows.forEach((r, i) => {
      const y = i * rowH;
      const tx = svg('text', { x: 0, y: y + 15, class: 'lbl' });
      tx.textContent = r.label;
      s.append(tx);
      const sup = r.c.count == null;
      const w = span * Math.min(hi(r.c), max) / max;
      s.append(svg('rect', { x: 0, y: y + 21, width: Math.max(sup ? w : 0, r.c.count ? Math.max(2, w) : 0), height: 18, rx: 3, class: sup ? 'bar sup' : 'bar' }));
      if (!sup && !r.c.count) s.append(svg('rect', { x: 0, y: y + 21, width: 2, height: 18, class: 'zero' }));
      const txt = shown(r.c), x = (sup || r.c.count ? w : 2) + 6, inside = x + txt.length * 8 > W;
      const v = svg('text', { x: inside ? w - 6 : x, y: y + 35, class: 'val', 'text-anchor': inside ? 'end' : 'start' });
      v.textContent = txt;
      s.append(v);
    });
    box.textContent = '';
    box.append(s);
  }
  // vbars: one column per month, with month names under them.
  function vbars(box, rows, shown, hi, k) {
    const W = Math.max(240, box.clientWidth), H = 220, top = 22, bottom = 40, plot = H - top - bottom, max = maxOf(rows, k);
    const pad = 12, n = Math.max(rows.length, 1), slot = (W - 2 * pad) / n, bw = Math.max(4, Math.min(48, slot * 0.7));
    const every = Math.ceil(32 / slot);
    const s = svg('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, focusable: 'false' });
    s.append(svg('line', { x1: 0, x2: W, y1: top + plot + 0.5, y2: top + plot + 0.5, class: 'axis' }));
    rows.forEach((r, i) => {
      const cx = pad + slot * i + slot / 2, sup = r.c.count == null;
      const hgt = plot * Math.min(hi(r.c), max) / max;
      if (hgt > 0) s.append(svg('rect', { x: cx - bw / 2, y: top + plot - hgt, width: bw, height: hgt, rx: 2, class: sup ? 'bar sup' : 'bar' }));
      if (slot >= 22 || sup || r.c.count) {
        const v = svg('text', { x: cx, y: top + plot - hgt - 5, class: 'val', 'text-anchor': 'middle' });
        v.textContent = slot >= 22 || !sup ? shown(r.c) : '?';
        if (slot >= 22 || (n - 1 - i) % every === 0) s.append(v);
      }
      if ((n - 1 - i) % every === 0) {
        const m = svg('text', { x: cx, y: top + plot + 17, class: 'lbl', 'text-anchor': 'middle' });
        m.textContent = r.short.replace('.', '');
        s.append(m);
        if (i < every || r.c.month.endsWith('-01')) {
          const y = svg('text', { x: cx, y: top + plot + 34, class: 'yr', 'text-anchor': 'middle' });
          y.textContent = r.c.month.slice(0, 4);
          s.append(y);
        }
      }
    });
    box.textContent = '';
    box.append(s);
  }
  function drawAll() { for (const b of document.querySelectorAll('#charts .plot')) b._draw(); }
  let resizeTimer = 0, lastW = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { if (S.view === 'vDash' && innerWidth !== lastW) { lastW = innerWidth; drawAll(); } }, 150);
  });

  // ---- audit log ----
  async function openAudit(more) {
    if (!more) { show('vAudit'); S.audit = []; S.auCursor = null; renderAudit(); }
    alertIn('auAlert', '');
    try {
      const d = await api('/audit' + (more && S.auCursor ? '?' + new URLSearchParams({ cursor: S.auCursor }) : ''));
      S.audit = S.audit.concat(d.entries || []);
      S.auCursor = d.cursor || null;
      renderAudit();
    } catch (e) { failed(e, 'auAlert', () => openAudit(more)); }
  }
  function actionText(e) {
    let s = t('a_' + e.action);
    if (e.action === 'status' && e.detail) s += ': ' + t('st_' + e.detail);
    if (e.action === 'assign') s += ': ' + (e.detail || t('asNobodyShort'));
    if (e.action === 'list') s += ' (' + (e.detail ? t('f_' + e.detail).toLowerCase() : t('l_all')) + ')';
    return s;
  }
  function renderAudit() {
    const tb = $('auRows');
    tb.textContent = '';
    if (!S.audit.length) tb.append(h('tr', { role: 'row' }, h('td', { role: 'cell', colspan: 5, text: t('auNone') })));
    for (const e of S.audit) {
      const rid = e.reportId ? (S.role === 'handler'
        ? h('a', { href: '#/melding/' + encodeURIComponent(e.reportId), text: ref(e.reportId) })
        : ref(e.reportId)) : '–';
      const td = (k, props, ...kids) => h('td', { role: 'cell', 'data-label': t(k), ...props }, ...kids);
      tb.append(h('tr', { role: 'row' }, td('auWhen', { text: fmtTime(e.at) }), td('auWho', { translate: 'no', text: e.actor }),
        td('auRole', { text: T[S.lang]['role_' + e.role] || e.role }), td('auAction', { text: actionText(e) }), td('auReport', {}, rid)));
    }
    $('auMore').hidden = !S.auCursor;
  }
  $('auMore').addEventListener('click', () => openAudit(true));

  // ---- language and wiring ----
  function applyLang() {
    const d = T[S.lang];
    document.documentElement.lang = S.lang;
    for (const e of document.querySelectorAll('[data-t]')) e.textContent = d[e.dataset.t];
    for (const e of document.querySelectorAll('[data-ta]')) e.setAttribute('aria-label', d[e.dataset.ta]);
    const lb = $('lang');
    lb.textContent = d.other;
    lb.lang = S.lang === 'nl' ? 'en' : 'nl';
    header();
    counter();
    if (S.view === 'vInbox') renderInbox(!S.loaded);
    if (S.view === 'vReport' && S.report) renderReport();
    if (S.view === 'vDash' && S.dash) renderDash();
    if (S.view === 'vAudit') renderAudit();
    for (const a of document.querySelectorAll('.alert')) if (!a.hidden && a._redo) a._redo();
    header();
  }
  $('lang').addEventListener('click', () => { S.lang = S.lang === 'nl' ? 'en' : 'nl'; save(); applyLang(); });
  $('signout').addEventListener('click', () => signOut());
  window.addEventListener('hashchange', () => { if (S.token) route(); });

  let saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch (_) { saved = null; }
  if (saved && (saved.lang === 'en' || saved.lang === 'nl')) S.lang = saved.lang;
  else if (/^en\b/i.test(navigator.language || '')) S.lang = 'en';
  save(); // drops a token an older version of this page kept
  applyLang();
  // How staff sign in here: the provider's button, the demo sign-in, or (with neither) a pasted
  // token. Then, when this load is the return from the provider, its code becomes the session.
  (async () => {
    try {
      const r = await fetch('/api/v1/staff/config', { cache: 'no-store' });
      if (r.ok) S.cfg = await r.json();
    } catch (_) { /* offline: the token form stays */ }
    $('oidcBox').hidden = !S.cfg.oidc;
    $('tokenForm').hidden = !!S.cfg.oidc;
    const out = OIDC.signedOut();
    if (S.cfg.oidc) {
      try {
        const session = await OIDC.finish(S.cfg.oidc);
        if (session) useSession(session);
      } catch (e) {
        route();
        alertIn('siAlert', e.key || 'failed', null, e.key === 'eProvider' ? e.message : '');
        return;
      }
    }
    route();
    if (out) announce(t('signedOut'));
  })();
})();
