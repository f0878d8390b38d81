// A person signs in through a SAML IdP (tests/js/saml-idp.mjs) in headless Chromium, signs out
// (single logout through the IdP), signs in again from the IdP's side (IdP-initiated), and is
// signed out from there too (the IdP's LogoutRequest).
//
// Usage: node saml-browser.mjs CONFIG_JSON
// CONFIG_JSON: {authorize_url, callback, logout_url, logged_out, idp_init_url, slo_init_url,
//   idp_slo, plain_authorize_url, user}; the IdP-initiated sign-out must end the hosted session
//   (the plain authorization request shows the sign-in page again).
// Prints one JSON line: {ok, callback_url, after_logout, idp_init_url, seen} or
// {ok: false, step, error, seen}.
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const cfg = JSON.parse(process.argv[2]);
let step = 'start';
const seen = [];
function chromiumPath() {
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(p)) return p;
  return execSync('command -v chromium').toString().trim();
}
let page;
const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-dev-shm-usage'] });
try {
  const context = await browser.newContext();
  page = await context.newPage();
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) seen.push(f.url().slice(0, 100)); });
  step = 'to the IdP';
  await page.goto(cfg.authorize_url);
  await page.waitForSelector('#username', { timeout: 15000 });
  step = 'sign in at the IdP';
  await page.fill('#username', cfg.user);
  await Promise.all([page.waitForURL((u) => u.href.startsWith(cfg.callback), { timeout: 15000 }), page.click('#submit')]);
  const callback_url = page.url();
  step = 'sign out through the IdP';
  await page.goto(cfg.logout_url);
  await page.waitForURL((u) => u.href.startsWith(cfg.logged_out), { timeout: 15000 });
  const after_logout = page.url();
  step = 'IdP-initiated sign-in';
  await page.goto(cfg.idp_init_url);
  await page.waitForURL((u) => u.href.startsWith(cfg.callback), { timeout: 15000 });
  const idp_init_url = page.url();
  step = 'IdP-initiated sign-out';
  await page.goto(cfg.slo_init_url);
  await page.waitForURL((u) => u.href.startsWith(cfg.idp_slo), { timeout: 15000 });
  step = 'signed out: the sign-in page again';
  await page.goto(cfg.plain_authorize_url);
  await page.waitForSelector('input[name="username"]', { timeout: 15000 });
  console.log(JSON.stringify({ ok: true, callback_url, after_logout, idp_init_url, after_idp_logout: page.url(), seen }));
} catch (e) {
  let text = '';
  try { text = (await page.innerText('body')).slice(0, 400); } catch {}
  console.log(JSON.stringify({ ok: false, step, error: String(e && e.stack || e), seen, page: text }));
} finally {
  await browser.close();
}
