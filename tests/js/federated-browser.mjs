// A person signs in through an upstream OpenID Connect provider from Cognate's authorization
// endpoint, in headless Chromium: Cognate sends the browser to the provider, the person types
// their login on the provider's page, and Cognate sends the browser back to the app with a code.
//
// Usage: node federated-browser.mjs CONFIG_JSON
// CONFIG_JSON: {authorize_url, callback, login, button?}: with `button`, the authorization
// request names no provider and the person clicks "Continue with {button}" on Cognate's page.
// Prints one JSON line: {ok, callback_url, seen} or {ok: false, step, error, seen}.
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
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) seen.push(f.url().slice(0, 120)); });
  step = 'to the provider';
  await page.goto(cfg.authorize_url);
  if (cfg.button) {
    step = 'the provider button on the sign-in page';
    await page.getByRole('link', { name: `Continue with ${cfg.button}` }).click();
  }
  await page.waitForSelector('input[name="login"]', { timeout: 15000 });
  step = 'sign in at the provider';
  await page.fill('input[name="login"]', cfg.login);
  await page.fill('input[name="password"]', 'any-password');
  await Promise.all([page.waitForURL((u) => u.href.startsWith(cfg.callback), { timeout: 15000 }), page.click('button[type="submit"]')]);
  console.log(JSON.stringify({ ok: true, callback_url: page.url(), seen }));
} catch (e) {
  let text = '';
  try { text = (await page.innerText('body')).slice(0, 400); } catch {}
  console.log(JSON.stringify({ ok: false, step, error: String(e && e.stack || e), seen, page: text }));
} finally {
  await browser.close();
}
