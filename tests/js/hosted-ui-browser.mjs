// The hosted UI as a person uses it, in headless Chromium (Debian's, through playwright-core;
// no browser download): sign up, confirm with the mailed code, sign in, MFA setup and sign-in
// with an authenticator, new password for an admin-created user, forgot password, the session
// that skips the login page, sign-out, languages, and the error page. Codes are read from the
// server's outbox file (no SMTP configured). With a screenshot dir, each page is saved there.
//
// Usage: node hosted-ui-browser.mjs CONFIG_JSON [SCREENSHOT_DIR]
// CONFIG_JSON: {endpoint, outbox, callback, logout, open: {client}, mfa: {client, user, temp}}; the
// callback and sign-out URLs are a small app server the caller runs.
// Prints one JSON line: {ok, steps: [...]} or {ok: false, step, error}.
import { chromium } from 'playwright-core';
import { createHmac } from 'node:crypto';
import { readFileSync, existsSync, mkdirSync } from 'node:fs';
import { execSync } from 'node:child_process';

const cfg = JSON.parse(process.argv[2]);
const shots = process.argv[3];
if (shots && !existsSync(shots)) mkdirSync(shots, { recursive: true });
const steps = [];
let step = 'start';

function chromiumPath() {
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(p)) return p;
  return execSync('command -v chromium').toString().trim();
}

function base32(s) {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, n = 0; const out = [];
  for (const c of s.replace(/=+$/, '')) {
    bits = (bits << 5) | A.indexOf(c.toUpperCase()); n += 5;
    if (n >= 8) { out.push((bits >>> (n - 8)) & 0xff); n -= 8; }
  }
  return Buffer.from(out);
}

// RFC 6238, written from the RFC, independent of the server.
function totp(secret, t = Date.now() / 1000) {
  const msg = Buffer.alloc(8); msg.writeBigUInt64BE(BigInt(Math.floor(t / 30)));
  const h = createHmac('sha1', base32(secret)).update(msg).digest();
  const o = h[19] & 0xf;
  const bin = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(bin % 1e6).padStart(6, '0');
}

function lastCode(to) {
  const lines = readFileSync(cfg.outbox, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const m = lines.filter((l) => l.to === to).pop();
  return m && m.body.match(/\b(\d{6})\b/)[1];
}

function authorizeUrl(client, extra = '') {
  const q = new URLSearchParams({ response_type: 'code', client_id: client, redirect_uri: cfg.callback,
    scope: 'openid email profile', state: 'st-' + Math.random().toString(36).slice(2) });
  return `${cfg.endpoint}/oauth2/authorize?${q}${extra}`;
}

const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-dev-shm-usage'] });
try {
  const context = await browser.newContext({ viewport: { width: 1000, height: 760 }, locale: 'en-US' });
  const page = await context.newPage();
  const shot = async (name) => { if (shots) await page.screenshot({ path: `${shots}/${name}.png` }); };
  const expectCallback = async () => {
    await page.waitForURL((u) => u.href.startsWith(cfg.callback), { timeout: 15000 });
    const u = new URL(page.url());
    if (!u.searchParams.get('code')) throw new Error('no code in ' + page.url());
    return u.searchParams.get('code');
  };

  step = 'sign-in page';
  await page.goto(authorizeUrl(cfg.open.client));
  await page.waitForSelector('form[action^="/login"]');
  if (!(await page.getByLabel('Username').isVisible())) throw new Error('the user name input has no label');
  await shot('sign-in');
  steps.push(step);

  step = 'sign up';
  await page.getByRole('link', { name: 'Sign up' }).click();
  await page.getByLabel('Username').fill('pia');
  await page.getByLabel('Email address').fill('pia@example.com');
  await page.getByLabel('Password').fill('Browser-Passw0rd!');
  await shot('sign-up');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForSelector('form[action^="/confirmUser"]');
  await shot('confirm');
  await page.getByLabel('Verification code').fill('000000');
  await page.getByRole('button', { name: 'Confirm account' }).click();
  await page.waitForSelector('.errorMessage-customizable');
  await page.getByLabel('Verification code').fill(lastCode('pia@example.com'));
  await page.getByRole('button', { name: 'Confirm account' }).click();
  await expectCallback();
  steps.push(step);

  step = 'session skips the login page';
  await page.goto(authorizeUrl(cfg.open.client));
  await expectCallback();
  steps.push(step);

  step = 'sign out';
  await page.goto(`${cfg.endpoint}/logout?client_id=${cfg.open.client}&logout_uri=${encodeURIComponent(cfg.logout)}`);
  await page.waitForURL((u) => u.href.startsWith(cfg.logout));
  await page.goto(authorizeUrl(cfg.open.client));
  await page.waitForSelector('form[action^="/login"]');
  steps.push(step);

  step = 'wrong password';
  await page.getByLabel('Username').fill('pia');
  await page.getByLabel('Password').fill('Not-The-Passw0rd');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForSelector('.errorMessage-customizable');
  if (!(await page.textContent('.errorMessage-customizable')).includes('Incorrect username or password.')) throw new Error('message');
  await shot('sign-in-error');
  steps.push(step);

  step = 'forgot password';
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByLabel('Username').fill('pia');
  await shot('forgot-password');
  await page.getByRole('button', { name: 'Send code' }).click();
  await page.waitForSelector('form[action^="/confirmForgotPassword"]');
  await page.getByLabel('Verification code').fill(lastCode('pia@example.com'));
  await page.getByLabel('New password').fill('Reset-Passw0rd!');
  await shot('reset-password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.waitForSelector('.info');
  await page.getByLabel('Password').fill('Reset-Passw0rd!');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectCallback();
  steps.push(step);

  step = 'new password and authenticator setup';
  const mfa = await browser.newContext({ viewport: { width: 1000, height: 820 } });
  const p2 = await mfa.newPage();
  const shot2 = async (name) => { if (shots) await p2.screenshot({ path: `${shots}/${name}.png` }); };
  await p2.goto(authorizeUrl(cfg.mfa.client));
  await p2.getByLabel('Username').fill(cfg.mfa.user);
  await p2.getByLabel('Password').fill(cfg.mfa.temp);
  await p2.getByRole('button', { name: 'Sign in' }).click();
  await p2.waitForSelector('input[name="challenge"][value="NEW_PASSWORD_REQUIRED"]', { state: 'attached' });
  await shot2('new-password');
  await p2.getByLabel('New password').fill('Chosen-Passw0rd!');
  await p2.getByRole('button', { name: 'Change password' }).click();
  await p2.waitForSelector('input[name="challenge"][value="MFA_SETUP"]', { state: 'attached' });
  if (!(await p2.locator('.qr svg').count())) throw new Error('no QR code');
  const secret = (await p2.textContent('.secret')).trim();
  await shot2('mfa-setup');
  await p2.getByLabel('Verification code').fill(totp(secret));
  await p2.getByRole('button', { name: 'Verify' }).click();
  await p2.waitForURL((u) => u.href.startsWith(cfg.callback) && u.searchParams.get('code'));
  steps.push(step);

  step = 'sign in with the authenticator';
  await mfa.clearCookies();
  await p2.goto(authorizeUrl(cfg.mfa.client));
  await p2.getByLabel('Username').fill(cfg.mfa.user);
  await p2.getByLabel('Password').fill('Chosen-Passw0rd!');
  await p2.getByRole('button', { name: 'Sign in' }).click();
  await p2.waitForSelector('input[name="challenge"][value="SOFTWARE_TOKEN_MFA"]', { state: 'attached' });
  await shot2('mfa-code');
  // A code from the next 30-second step (the one just used for setup cannot be used again).
  const now = Date.now() / 1000;
  await p2.waitForTimeout((30 - (now % 30)) * 1000 + 200);
  await p2.getByLabel('Verification code').fill(totp(secret));
  await p2.getByRole('button', { name: 'Verify' }).click();
  await p2.waitForURL((u) => u.href.startsWith(cfg.callback) && u.searchParams.get('code'));
  steps.push(step);

  step = 'languages';
  await page.goto(authorizeUrl(cfg.open.client, '&prompt=login&lang=fr'));
  await page.getByRole('button', { name: 'Se connecter' }).waitFor();
  await shot('sign-in-fr');
  await page.getByRole('link', { name: 'Deutsch' }).click();
  await page.getByRole('button', { name: 'Anmelden' }).waitFor();
  steps.push(step);

  step = 'error page';
  const bad = `${cfg.endpoint}/oauth2/authorize?response_type=code&client_id=${cfg.open.client}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`;
  const resp = await page.goto(bad);
  if (resp.status() !== 400 || !page.url().startsWith(cfg.endpoint)) throw new Error('the error page, not a redirect');
  await shot('error');
  steps.push(step);

  step = 'mobile layout';
  const phone = await browser.newContext({ viewport: { width: 375, height: 700 }, isMobile: true });
  const p3 = await phone.newPage();
  await p3.goto(authorizeUrl(cfg.open.client));
  const width = await p3.evaluate(() => document.documentElement.scrollWidth);
  if (width > 375) throw new Error('the page scrolls sideways on a phone: ' + width);
  await p3.screenshot({ path: shots ? `${shots}/sign-in-mobile.png` : '/dev/null' }).catch(() => {});
  steps.push(step);

  console.log(JSON.stringify({ ok: true, steps }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, step, steps, error: String(e && e.message || e) }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
