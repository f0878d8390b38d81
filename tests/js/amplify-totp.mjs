// aws-amplify v6 with a pool that requires MFA (TOTP only): signIn meets
// CONTINUE_SIGN_IN_WITH_TOTP_SETUP, confirmSignIn with a code from the shared secret; then after
// signOut, a second signIn meets CONFIRM_SIGN_IN_WITH_TOTP_CODE. Codes come from the RFC 6238
// implementation below. Prints one JSON line.
import crypto from 'node:crypto';
import { Amplify } from 'aws-amplify';
import { signIn, confirmSignIn, signOut, fetchAuthSession } from 'aws-amplify/auth';

const [endpoint, userPoolId, userPoolClientId, username, password] = process.argv.slice(2);
Amplify.configure({ Auth: { Cognito: { userPoolId, userPoolClientId, userPoolEndpoint: endpoint } } });

function base32(s) {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, val = 0;
  const out = [];
  for (const c of s.replace(/=+$/, '')) {
    val = ((val << 5) | A.indexOf(c.toUpperCase())) & 0xffff;
    bits += 5;
    if (bits >= 8) { out.push((val >>> (bits - 8)) & 255); bits -= 8; }
  }
  return Buffer.from(out);
}
function totp(secret, unix) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unix / 30)));
  const h = crypto.createHmac('sha1', base32(secret)).update(counter).digest();
  const o = h[19] & 15;
  const n = ((h[o] & 127) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1000000).padStart(6, '0');
}
const now = () => Math.floor(Date.now() / 1000);

try {
  const first = await signIn({ username, password });
  const setupStep = first.nextStep?.signInStep;
  const secret = first.nextStep?.totpSetupDetails?.sharedSecret;
  if (!secret) throw new Error(`expected TOTP setup, got ${setupStep}`);
  const done = await confirmSignIn({ challengeResponse: totp(secret, now()) });
  if (!done.isSignedIn) throw new Error(`setup did not sign in: ${done.nextStep?.signInStep}`);
  await signOut();
  const second = await signIn({ username, password });
  const codeStep = second.nextStep?.signInStep;
  const again = await confirmSignIn({ challengeResponse: totp(secret, now() + 30) });
  const session = await fetchAuthSession();
  console.log(JSON.stringify({
    ok: again.isSignedIn,
    setupStep,
    codeStep,
    tokenUse: session.tokens?.accessToken?.payload?.token_use,
  }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, name: e.name, message: e.message }));
  process.exit(1);
}
