// A person signs in with a social provider (the fakes of tests/js/social-fake.mjs) in headless
// Chromium: from Cognate's authorization endpoint to the provider's page, an account typed
// there, and back to the app with a code (Sign in with Apple's page posts the answer back).
//
// Usage: node social-browser.mjs CONFIG_JSON   CONFIG_JSON: {authorize_url, callback, user}
// Prints one JSON line: {ok, callback_url, seen} or {ok: false, step, error, seen, page}.
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const cfg = JSON.parse(process.argv[2]);
let step = 'start';
const seen = [];
const chromiumPath = () => ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync) || execSync('command -v chromium').toString().trim();
let page;
const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-dev-shm-usage'] });
try {
  page = await (await browser.newContext()).newPage();
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) seen.push(f.url().slice(0, 100)); });
  step = 'to the provider';
  await page.goto(cfg.authorize_url);
  await page.waitForSelector('#username', { timeout: 15000 });
  step = 'sign in at the provider';
  await page.fill('#username', cfg.user);
  await Promise.all([page.waitForURL((u) => u.href.startsWith(cfg.callback), { timeout: 15000 }), page.click('#submit')]);
  console.log(JSON.stringify({ ok: true, callback_url: page.url(), seen }));
} catch (e) {
  let text = '';
  try { text = (await page.innerText('body')).slice(0, 400); } catch {}
  console.log(JSON.stringify({ ok: false, step, error: String(e && e.stack || e), seen, page: text }));
} finally {
  await browser.close();
}
