// amazon-cognito-identity-js and TOTP MFA. Mode "enroll": sign in, associate and verify an
// authenticator (access token), prefer it, then sign in again through totpRequired/sendMFACode.
// Mode "setup": a pool that requires MFA; the library meets mfaSetup, associates and verifies
// with the challenge Session (it then answers MFA_SETUP itself). TOTP codes come from the small
// RFC 6238 implementation below (not the server's). Prints one JSON line.
const crypto = require('crypto');
const { CognitoUserPool, CognitoUser, AuthenticationDetails } = require('amazon-cognito-identity-js');

const [mode, endpoint, poolId, clientId, username, password] = process.argv.slice(2);
const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint });

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

function associate(user) {
  return new Promise((resolve, reject) =>
    user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }));
}

function verify(user, code) {
  return new Promise((resolve, reject) =>
    user.verifySoftwareToken(code, 'js authenticator', { onSuccess: resolve, onFailure: reject }));
}

function signIn(onChallenge) {
  return new Promise((resolve, reject) => {
    const user = new CognitoUser({ Username: username, Pool: pool });
    const handlers = {
      onSuccess: (session) => resolve({ user, session, via: 'password' }),
      onFailure: reject,
      totpRequired: (name) => onChallenge(user, name, handlers),
      mfaSetup: (name) => onChallenge(user, name, handlers),
    };
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), handlers);
  });
}

(async () => {
  try {
    if (mode === 'enroll') {
      const first = await signIn(() => { throw new Error('no MFA expected yet'); });
      const secret = await associate(first.user);
      await verify(first.user, totp(secret, now()));
      await new Promise((resolve, reject) => first.user.setUserMfaPreference(
        null, { PreferredMfa: true, Enabled: true }, (err, res) => (err ? reject(err) : resolve(res))));
      let challenge;
      const second = await new Promise((resolve, reject) => {
        signIn((user, name, handlers) => {
          challenge = name;
          // The verification spent this step's code: the next step's (one step of drift).
          user.sendMFACode(totp(secret, now() + 30), {
            onSuccess: (session) => resolve({ session }),
            onFailure: reject,
          }, 'SOFTWARE_TOKEN_MFA');
        }).then(resolve, reject);
      });
      console.log(JSON.stringify({ ok: true, challenge, tokenUse: second.session.getAccessToken().payload.token_use }));
    } else {
      let challenge;
      const done = await new Promise((resolve, reject) => {
        signIn(async (user, name) => {
          challenge = name;
          try {
            const secret = await associate(user);
            const session = await verify(user, totp(secret, now()));
            resolve({ session });
          } catch (e) { reject(e); }
        }).then(resolve, reject);
      });
      console.log(JSON.stringify({ ok: true, challenge, tokenUse: done.session.getAccessToken().payload.token_use }));
    }
  } catch (err) {
    console.log(JSON.stringify({ ok: false, code: err.code, message: err.message }));
    process.exit(1);
  }
})();
