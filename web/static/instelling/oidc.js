// Meldwijzer, institution side: signing in with the deployment's OpenID Connect provider (the
// Cognito hosted UI on AWS, any issuer on a self-hosted server; GET /api/v1/staff/config names
// it). The authorization code flow with PKCE (S256), state and nonce, for a public client: no
// secret. The tokens it returns are the caller's to keep in memory only; the one thing kept in
// sessionStorage is the short-lived state of a sign-in under way (verifier, state, nonce), which
// the return from the provider needs and removes at once.
'use strict';
window.MeldwijzerOIDC = (() => {
  const TX = 'meldwijzer.oidc', OUT = 'meldwijzer.oidc.out';
  const b64u = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const random = (n) => b64u(crypto.getRandomValues(new Uint8Array(n)));
  const redirectUri = () => location.origin + '/instelling/';
  const withQuery = (url, q) => url + (url.includes('?') ? '&' : '?') + new URLSearchParams(q);
  // SignInError carries the key of the text the page shows, and the provider's own words.
  class SignInError extends Error { constructor(key, detail) { super(detail || ''); this.key = key; } }

  // claims decodes a JWT's payload, for display and for the checks below; the server checks
  // the signature of every token it is sent.
  function claims(tok) {
    const p = String(tok || '').split('.');
    if (p.length !== 3) return null;
    try {
      let b = p[1].replace(/-/g, '+').replace(/_/g, '/');
      b += '==='.slice((b.length + 3) % 4);
      const c = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(b), (ch) => ch.charCodeAt(0))));
      return c && typeof c === 'object' ? c : null;
    } catch (_) { return null; }
  }

  // begin sends the browser to the provider's sign-in page; the page comes back to
  // /instelling/ with a code, and to the view it left (hash).
  async function begin(p, lang) {
    const tx = { state: random(32), nonce: random(32), verifier: random(48), hash: location.hash };
    sessionStorage.setItem(TX, JSON.stringify(tx));
    const challenge = b64u(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(tx.verifier)));
    location.assign(withQuery(p.authorizationEndpoint, {
      response_type: 'code', client_id: p.clientId, redirect_uri: redirectUri(), scope: p.scope || 'openid',
      state: tx.state, nonce: tx.nonce, code_challenge: challenge, code_challenge_method: 'S256', ui_locales: lang
    }));
  }

  // check refuses an ID token for another issuer or client, an expired one, or one that fails
  // the caller's own test (the nonce of this sign-in; the same person at a refresh).
  function check(p, tok, ok) {
    const c = claims(tok);
    const aud = c && (Array.isArray(c.aud) ? c.aud : [c.aud]);
    if (!c || c.iss !== p.issuer || !aud.includes(p.clientId) || !(c.exp * 1000 > Date.now()) || !ok(c)) throw new SignInError('eToken');
    return c;
  }

  async function tokenRequest(p, form) {
    let res;
    try {
      res = await fetch(p.tokenEndpoint, {
        method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: p.clientId, ...form }), cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer'
      });
    } catch (_) { throw new SignInError('network'); }
    const d = await res.json().catch(() => ({}));
    if (!res.ok || !d.id_token) throw new SignInError('eProvider', d.error_description || d.error || String(res.status));
    return d;
  }

  // finish completes a return from the provider: null when this page load is none. The
  // address loses the code at once, whatever happens next.
  async function finish(p) {
    const q = new URLSearchParams(location.search);
    if (!q.has('state') || !(q.has('code') || q.has('error'))) return null;
    let tx = null;
    try { tx = JSON.parse(sessionStorage.getItem(TX) || 'null'); } catch (_) { tx = null; }
    sessionStorage.removeItem(TX);
    history.replaceState(null, '', location.pathname + ((tx && tx.hash) || ''));
    if (!tx || q.get('state') !== tx.state) throw new SignInError('eState');
    if (q.has('error')) throw new SignInError('eProvider', q.get('error_description') || q.get('error'));
    const d = await tokenRequest(p, { grant_type: 'authorization_code', code: q.get('code'), redirect_uri: redirectUri(), code_verifier: tx.verifier });
    const c = check(p, d.id_token, (c) => c.nonce === tx.nonce);
    return { idToken: d.id_token, refresh: d.refresh_token || '', sub: c.sub, exp: c.exp };
  }

  // refresh gets a new ID token with the refresh token, without a new sign-in, for the same
  // person. Cognito keeps the refresh token; other providers may send a new one.
  async function refresh(p, session) {
    const d = await tokenRequest(p, { grant_type: 'refresh_token', refresh_token: session.refresh });
    const c = check(p, d.id_token, (c) => c.sub === session.sub);
    return { idToken: d.id_token, refresh: d.refresh_token || session.refresh, sub: c.sub, exp: c.exp };
  }

  // revoke asks the provider to forget the refresh token (RFC 7009) without waiting for the
  // answer: keepalive lets it finish while the page goes on to the provider's sign-out.
  function revoke(p, token) {
    if (!p || !p.revocationEndpoint || !token) return;
    fetch(p.revocationEndpoint, {
      method: 'POST', keepalive: true, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: p.clientId, token, token_type_hint: 'refresh_token' }), credentials: 'omit', referrerPolicy: 'no-referrer'
    }).catch(() => {});
  }

  // endSession ends the provider's session too, when the provider has an end_session_endpoint
  // (Cognito's /logout reads client_id and logout_uri, the standard one id_token_hint and
  // post_logout_redirect_uri). It returns false when there is none.
  function endSession(p, idToken) {
    if (!p || !p.endSessionEndpoint) return false;
    sessionStorage.setItem(OUT, '1');
    location.assign(withQuery(p.endSessionEndpoint, {
      client_id: p.clientId, id_token_hint: idToken, post_logout_redirect_uri: redirectUri(), logout_uri: redirectUri()
    }));
    return true;
  }
  // signedOut reports (once) that this page load is the return from endSession.
  function signedOut() {
    const out = sessionStorage.getItem(OUT) === '1';
    sessionStorage.removeItem(OUT);
    return out;
  }

  return { claims, begin, finish, refresh, revoke, endSession, signedOut, SignInError };
})();
