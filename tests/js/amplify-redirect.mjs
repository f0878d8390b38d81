// Amplify v6's hosted-UI sign-in (`signInWithRedirect`) end to end in headless Chromium: the
// app (bundled with esbuild, served at https://app.test) redirects to the pool's domain, a
// person signs in on Cognate's page, Amplify exchanges the code with PKCE at /oauth2/token,
// reads the user from its tokens, then signs out (RevokeToken, then /logout).
// Amplify builds https://{domain}/… URLs; Playwright routes that host and the API's to Cognate's
// plain-HTTP listener (the TLS a proxy would terminate) and serves the app.
//
// Usage: node amplify-redirect.mjs CONFIG_JSON
// CONFIG_JSON: {endpoint, pool, client, user, password}
// Prints one JSON line: {ok, steps: [...]} or {ok: false, step, error}.
import { chromium } from 'playwright-core';
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cfg = JSON.parse(process.argv[2]);
const DOMAIN = 'auth.cognate.test';
const APP = 'https://app.test';
const steps = [];
let step = 'bundle';

function chromiumPath() {
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(p)) return p;
  return execSync('command -v chromium').toString().trim();
}

const bundle = await build({
  entryPoints: [fileURLToPath(new URL('./amplify-redirect/app.js', import.meta.url))],
  bundle: true, write: false, format: 'iife', platform: 'browser', logLevel: 'silent',
});
const API = 'https://cognito-idp.cognate.test';
const appCfg = { pool: cfg.pool, client: cfg.client, endpoint: API, domain: DOMAIN, app: APP };
const page = (body) => `<!doctype html><meta charset="utf-8"><title>app</title>
<script type="application/json" id="cfg">${JSON.stringify(appCfg)}</script>${body}
<script src="/app.js"></script>`;

const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-dev-shm-usage'] });
const seen = [];
try {
  const context = await browser.newContext({ locale: 'en-US' });
  await context.route(`${APP}/**`, (route) => {
    const u = new URL(route.request().url());
    seen.push(`app ${route.request().method()} ${u.pathname}`);
    if (u.pathname === '/app.js') {
      return route.fulfill({ contentType: 'text/javascript', body: bundle.outputFiles[0].text });
    }
    return route.fulfill({ contentType: 'text/html', body: page(`<h1>${u.pathname === '/bye' ? 'Signed out' : 'App'}</h1>`) });
  });
  // The pool's domain and the API: what a TLS-terminating proxy in front of Cognate would do
  // (one listener serves both).
  for (const host of [`https://${DOMAIN}`, API]) {
    await context.route(`${host}/**`, async (route) => {
      const req = route.request();
      const u = new URL(req.url());
      seen.push(`${req.method()} ${u.pathname}${host === API ? ' ' + (req.headers()['x-amz-target'] || '') : ''}`);
      const response = await route.fetch({ url: cfg.endpoint + u.pathname + u.search, maxRedirects: 0 });
      const location = response.headers()['location'];
      seen.push(`  -> ${response.status()}${location ? ' ' + location : ''}`);
      await route.fulfill({ response });
    });
  }
  const tab = await context.newPage();
  tab.on('requestfailed', (r) => seen.push(`failed ${r.url()} ${r.failure()?.errorText}`));
  tab.on('framenavigated', (f) => { if (f === tab.mainFrame()) seen.push(`nav ${f.url().slice(0, 80)}`); });
  await tab.goto(APP + '/');
  await tab.waitForFunction(() => window.ready === true);
  steps.push(step);

  step = 'signInWithRedirect to the sign-in page';
  await tab.evaluate(() => { window.signIn(); });
  await tab.waitForSelector('form[action^="/login"]', { timeout: 15000 });
  if (!seen.some((s) => s.startsWith('GET /oauth2/authorize'))) throw new Error('not through /oauth2/authorize: ' + seen);
  steps.push(step);

  step = 'sign in on the page';
  await tab.getByLabel('Username').fill(cfg.user);
  await tab.getByLabel('Password').fill(cfg.password);
  await tab.getByRole('button', { name: 'Sign in' }).click();
  await tab.waitForURL((u) => u.href.startsWith(APP + '/'), { timeout: 15000 });
  await tab.waitForFunction(() => window.ready === true);
  steps.push(step);

  step = 'Amplify completes the flow';
  await tab.waitForFunction(() => window.hub.some((e) => e.startsWith('signInWithRedirect')), null, { timeout: 15000 });
  const hub = await tab.evaluate(() => window.hub);
  if (!hub.includes('signInWithRedirect')) throw new Error('hub events: ' + hub.join(', '));
  if (!seen.includes('POST /oauth2/token')) throw new Error('no code exchange: ' + seen);
  const st = await tab.evaluate(() => window.state());
  if (!st.signedIn || st.username !== cfg.user) throw new Error('state: ' + JSON.stringify(st));
  if (st.idClaims.email !== cfg.email || st.idClaims.iss !== `${cfg.endpoint}/${cfg.pool}`) {
    throw new Error('id token claims: ' + JSON.stringify(st.idClaims));
  }
  if (!st.accessScope.includes('aws.cognito.signin.user.admin')) throw new Error('scope: ' + st.accessScope);
  steps.push(step);

  step = 'signOut through RevokeToken and /logout';
  await tab.evaluate(() => { window.signOutNow(); });
  // Chromium does not hand the /logout redirect of a script-started navigation back to the
  // route that serves the app (it looks the made-up host up instead), so the redirect is
  // checked here and the app opened at it.
  const bye = `  -> 302 ${APP}/bye`;
  for (let i = 0; i < 150 && !seen.includes(bye); i++) await new Promise((r) => setTimeout(r, 100));
  const revoke = seen.findIndex((s) => s.includes('RevokeToken'));
  if (revoke < 0 || seen[revoke + 1] !== '  -> 200') throw new Error('the refresh token was not revoked: ' + seen);
  if (!seen.includes(bye)) throw new Error('/logout did not send the browser to the sign-out URL: ' + seen);
  // (The failed lookup may still be landing on an error page: open the app once it has.)
  for (let i = 0; ; i++) {
    try {
      await tab.goto(APP + '/bye');
      await tab.waitForFunction(() => window.ready === true, null, { timeout: 5000 });
      break;
    } catch (e) {
      if (i === 4) throw e;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  const after = await tab.evaluate(() => window.state());
  if (after.signedIn) throw new Error('still signed in');
  steps.push(step);

  console.log(JSON.stringify({ ok: true, steps, seen }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, step, error: String(e && e.stack || e), steps, seen }));
} finally {
  await browser.close();
}
