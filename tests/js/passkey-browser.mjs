// Passkeys end to end in headless Chromium with its virtual authenticator (CDP WebAuthn): a page
// on http://localhost registers a passkey through StartWebAuthnRegistration and
// CompleteWebAuthnRegistration and signs in with USER_AUTH / WEB_AUTHN; a forged origin, a
// wrong relying party id, a replayed registration, a replayed assertion and a cloned
// authenticator with a stale counter are refused; then Amplify v6 does the same as an app would
// (associateWebAuthnCredential, listWebAuthnCredentials, signIn with preferredChallenge
// WEB_AUTHN, deleteWebAuthnCredential). A user with an authenticator app turns passkey MFA on
// (SetUserMFAPreference WebAuthnMfaSettings) and then signs in with the passkey alone.
//
// Usage: node passkey-browser.mjs CONFIG_JSON
// CONFIG_JSON: {endpoint, pool, client, user, amplifyUser, password, mfa: {user, access}, hosted}
// Prints one JSON line: {ok, steps: [...]} or {ok: false, step, error}.
import { chromium } from 'playwright-core';
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cfg = JSON.parse(process.argv[2]);
const API = 'https://cognito-idp.cognate.test';
const steps = [];
const seen = [];
let step = 'bundle';

function chromiumPath() {
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(p)) return p;
  return execSync('command -v chromium').toString().trim();
}
function expect(cond, what) {
  if (!cond) throw new Error(what);
}

const bundle = await build({
  entryPoints: [fileURLToPath(new URL('./passkey/app.js', import.meta.url))],
  bundle: true, write: false, format: 'iife', platform: 'browser', logLevel: 'silent',
});
const appCfg = { pool: cfg.pool, client: cfg.client, endpoint: API };
const html = `<!doctype html><meta charset="utf-8"><title>app</title>
<script type="application/json" id="cfg">${JSON.stringify(appCfg)}</script><h1>App</h1><script src="/app.js"></script>`;

const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-dev-shm-usage'] });
try {
  const context = await browser.newContext({ locale: 'en-US' });
  for (const origin of ['http://localhost:4455', 'http://app.localhost:4455']) {
    await context.route(`${origin}/**`, (route) => {
      const u = new URL(route.request().url());
      if (u.pathname === '/app.js') return route.fulfill({ contentType: 'text/javascript', body: bundle.outputFiles[0].text });
      return route.fulfill({ contentType: 'text/html', body: html });
    });
  }
  // The API behind the name a TLS-terminating proxy would give it (Cognate's one listener).
  await context.route(`${API}/**`, async (route) => {
    const u = new URL(route.request().url());
    const response = await route.fetch({ url: cfg.endpoint + u.pathname + u.search });
    await route.fulfill({ response });
  });
  // The pool's hosted pages on localhost (the relying party; a subdomain of localhost is not
  // one a browser lets use it), through the route a TLS-terminating proxy would be; the app's
  // callback.
  await context.route('http://localhost:4456/**', async (route) => {
    const u = new URL(route.request().url());
    seen.push(`${route.request().method()} ${u.pathname}`);
    try {
      const response = await route.fetch({ url: cfg.endpoint + u.pathname + u.search, maxRedirects: 0 });
      const location = response.headers()['location'];
      seen.push(`  -> ${response.status()} ${location || ''}`);
      if (!location) return await route.fulfill({ response });
      // Chromium does not hand a fulfilled redirect's next request back to the routes: the
      // redirect goes on as a page that navigates (with the response's cookies).
      const headers = { ...response.headers(), 'content-type': 'text/html' };
      for (const h of ['location', 'content-length', 'content-security-policy']) delete headers[h];
      const to = new URL(location, u).href.replace(/"/g, '&quot;');
      await route.fulfill({ status: 200, headers, body: `<meta http-equiv="refresh" content="0;url=${to}">` });
    } catch (e) {
      seen.push(`  !! ${e}`);
      throw e;
    }
  });
  await context.route('http://localhost:3000/**', (route) => route.fulfill({ contentType: 'text/html', body: '<h1>callback</h1>' }));
  // A tab with a virtual platform authenticator (resident keys, user verification).
  const tab = async (origin) => {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
        isUserVerified: true, automaticPresenceSimulation: true,
      },
    });
    await page.goto(origin + '/');
    await page.waitForFunction(() => window.ready === true);
    return { page, cdp, authenticatorId };
  };

  step = 'sign in with the password';
  const a = await tab('http://localhost:4455');
  const access = await a.page.evaluate(async ([client, user, password]) => {
    const r = await window.api('InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH', ClientId: client, AuthParameters: { USERNAME: user, PASSWORD: password },
    });
    return r.AuthenticationResult.AccessToken;
  }, [cfg.client, cfg.user, cfg.password]);
  steps.push(step);

  step = 'a forged origin is refused';
  const forged = await a.page.evaluate((t) => window.registerError(t, { origin: 'https://evil.example' }), access);
  expect(forged.startsWith('WebAuthnOriginNotAllowedException'), 'forged origin: ' + forged);
  steps.push(step);

  step = 'register a passkey';
  const sent = await a.page.evaluate((t) => window.register(t), access);
  const again = await a.page.evaluate(async ([t, json]) => {
    try {
      await window.api('CompleteWebAuthnRegistration', { AccessToken: t, Credential: json });
      return 'registered twice';
    } catch (e) { return String(e.message); }
  }, [access, sent]);
  expect(again.startsWith('WebAuthnChallengeNotFoundException'), 'replayed registration: ' + again);
  const listed = await a.page.evaluate((t) => window.api('ListWebAuthnCredentials', { AccessToken: t }), access);
  expect(listed.Credentials.length === 1, 'listed: ' + JSON.stringify(listed));
  const c = listed.Credentials[0];
  expect(c.CredentialId === sent.id && c.RelyingPartyId === 'localhost' && c.CreatedAt, 'credential: ' + JSON.stringify(c));
  steps.push(step);

  step = 'sign in with the passkey';
  const first = await a.page.evaluate((u) => window.passkeySignIn(u), cfg.user);
  expect(first.tokens === true, 'passkey sign-in: ' + JSON.stringify(first));
  const replayed = await a.page.evaluate((ans) => window.passkeySignIn(null, ans), first.answer);
  expect(replayed.error && replayed.error.startsWith('WebAuthnChallengeNotFoundException'), 'replayed assertion: ' + JSON.stringify(replayed));
  steps.push(step);

  step = 'a cloned authenticator with a stale counter is refused';
  const { credentials } = await a.cdp.send('WebAuthn.getCredentials', { authenticatorId: a.authenticatorId });
  const copy = credentials.find((x) => Buffer.from(x.credentialId, 'base64').toString('base64url') === sent.id);
  expect(copy, 'the virtual authenticator holds the credential: ' + JSON.stringify(credentials.map((x) => x.credentialId)) + ' ' + sent.id);
  const second = await a.page.evaluate((u) => window.passkeySignIn(u), cfg.user);
  expect(second.tokens === true, 'second sign-in: ' + JSON.stringify(second));
  await a.cdp.send('WebAuthn.removeCredential', { authenticatorId: a.authenticatorId, credentialId: copy.credentialId });
  await a.cdp.send('WebAuthn.addCredential', { authenticatorId: a.authenticatorId, credential: copy });
  const cloned = await a.page.evaluate((u) => window.passkeySignIn(u), cfg.user);
  expect(cloned.error && cloned.error.startsWith('NotAuthorizedException') && cloned.error.includes('counter'), 'clone: ' + JSON.stringify(cloned));
  steps.push(step);

  if (cfg.mfa) {
    step = 'passkey MFA stands in for the authenticator app';
    await a.page.evaluate((t) => window.register(t), cfg.mfa.access);
    const one = await a.page.evaluate((u) => window.passkeySignIn(u), cfg.mfa.user);
    expect(one.tokens === false && one.next === 'SOFTWARE_TOKEN_MFA', 'passkey then TOTP: ' + JSON.stringify(one));
    await a.page.evaluate((t) => window.api('SetUserMFAPreference', { AccessToken: t, WebAuthnMfaSettings: { Enabled: true } }), cfg.mfa.access);
    const two = await a.page.evaluate((u) => window.passkeySignIn(u), cfg.mfa.user);
    expect(two.tokens === true, 'passkey MFA: ' + JSON.stringify(two));
    steps.push(step);
  }

  step = 'a wrong relying party id is refused';
  const b = await tab('http://app.localhost:4455');
  const wrongRp = await b.page.evaluate((t) => window.registerError(t, { rpId: 'app.localhost' }), access);
  expect(wrongRp.startsWith('WebAuthnRelyingPartyMismatchException'), 'wrong RP id: ' + wrongRp);
  steps.push(step);

  step = 'Amplify: associateWebAuthnCredential';
  const m = await tab('http://localhost:4455');
  const amp = await m.page.evaluate(async ([user, password]) => {
    const out = {};
    const s = await window.amplify.signIn({ username: user, password });
    out.passwordSignIn = s.nextStep.signInStep;
    await window.amplify.associateWebAuthnCredential();
    const { credentials } = await window.amplify.listWebAuthnCredentials();
    out.listed = credentials.length;
    out.credentialId = credentials[0] && credentials[0].credentialId;
    await window.amplify.signOut();
    const p = await window.amplify.signIn({ username: user, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'WEB_AUTHN' } });
    out.passkeySignIn = p.nextStep.signInStep;
    const session = await window.amplify.fetchAuthSession();
    out.tokens = !!(session.tokens && session.tokens.accessToken);
    await window.amplify.deleteWebAuthnCredential({ credentialId: out.credentialId });
    out.afterDelete = (await window.amplify.listWebAuthnCredentials()).credentials.length;
    return out;
  }, [cfg.amplifyUser, cfg.password]);
  expect(amp.passwordSignIn === 'DONE' && amp.listed === 1, 'associate: ' + JSON.stringify(amp));
  expect(amp.passkeySignIn === 'DONE' && amp.tokens, 'Amplify passkey sign-in: ' + JSON.stringify(amp));
  expect(amp.afterDelete === 0, 'delete: ' + JSON.stringify(amp));
  steps.push(step);

  if (cfg.hosted) {
    step = 'the hosted pages: sign in with a passkey';
    const h = cfg.hosted;
    const t = await tab('http://localhost:4455');
    await t.page.evaluate(async ([client, user, password]) => {
      const r = await window.api('InitiateAuth', {
        AuthFlow: 'USER_PASSWORD_AUTH', ClientId: client, AuthParameters: { USERNAME: user, PASSWORD: password },
      });
      await window.register(r.AuthenticationResult.AccessToken);
    }, [h.apiClient, h.user, cfg.password]);
    const cb = encodeURIComponent('http://localhost:3000/cb');
    await t.page.goto(`http://localhost:4456/oauth2/authorize?response_type=code&client_id=${h.client}&redirect_uri=${cb}&scope=openid`);
    await t.page.fill('#username', h.user);
    await t.page.click('button[name=other]');
    await t.page.click('button[value=WEB_AUTHN]');
    await t.page.waitForURL(/localhost:3000\/cb\?code=/, { timeout: 15000 });
    steps.push(step);

    step = 'the hosted pages: add a passkey after a password sign-in';
    await context.clearCookies();
    const v = await tab('http://localhost:4455');
    await v.page.goto(`http://localhost:4456/oauth2/authorize?response_type=code&client_id=${h.client}&redirect_uri=${cb}&scope=openid`);
    await v.page.fill('#username', h.newUser);
    await v.page.fill('#password', cfg.password);
    await v.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await v.page.waitForSelector('#passkey-add', { timeout: 15000 });
    await v.page.click('#passkey-add');
    await v.page.waitForURL(/localhost:3000\/cb\?code=/, { timeout: 15000 });
    steps.push(step);
  }

  console.log(JSON.stringify({ ok: true, steps }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, step, error: String(e && e.stack || e), steps, seen }));
} finally {
  await browser.close();
}
