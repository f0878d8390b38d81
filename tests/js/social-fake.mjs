// Local fakes of the four social providers' protocols, each with a login page a person uses in
// the browser, for COGNATE_SOCIAL_ENDPOINTS_FILE:
//   Google: OIDC (PKCE S256, an ES256 ID token with the nonce, JWKS).
//   Facebook: OAuth 2.0 dialog, token by GET with the app secret, the Graph API's /me?fields=.
//   Login with Amazon: OAuth 2.0, token by POST, /user/profile.
//   Sign in with Apple: OIDC with response_mode=form_post (the page posts code, state and the
//   `user` JSON back), the client secret an ES256 JWT by the team's key, checked here.
// Each checks what Cognate sends it (secrets, PKCE, redirect URI, the client secret JWT).
// For identity-pool logins (no browser): GET /{google,apple,oidc}/mint?sub=&aud= answers an
// ID token, GET /{facebook,amazon}/mint?user= an access token; /oidc is a generic OIDC issuer
// (`{url}/oidc`, with discovery).
//
// Usage: node social-fake.mjs CONFIG_JSON
//   CONFIG_JSON: {secrets: {google, facebook, amazon}, apple: {client_id, team_id, key_id, team_public_jwk}}
// Prints one JSON line {url, endpoints_toml} when ready; runs until killed.
import { createServer } from 'node:http';
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';

const cfg = JSON.parse(process.argv[2]);
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'fake-k1', use: 'sig', alg: 'ES256' };
const b64u = (b) => Buffer.from(b).toString('base64url');
const jwt = (claims) => {
  const head = b64u(JSON.stringify({ alg: 'ES256', kid: 'fake-k1', typ: 'JWT' }));
  const body = b64u(JSON.stringify(claims));
  const sig = sign('sha256', Buffer.from(`${head}.${body}`), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${head}.${body}.${b64u(sig)}`;
};
const people = {
  google: { pat: { sub: '1098765', email: 'pat@gmail.example', email_verified: true, name: 'Pat Google' } },
  facebook: { fay: { id: '10001', email: 'fay@facebook.example', name: 'Fay Book' } },
  amazon: { ann: { user_id: 'amzn1.account.AF', email: 'ann@amazon.example', name: 'Ann Zon' } },
  apple: { abe: { sub: '001234.apple', email: 'abe@privaterelay.appleid.com', email_verified: 'true' } },
};
const codes = new Map(); // code → {provider, person, nonce, challenge, redirect_uri, client_id}
const tokens = new Map(); // access token → person

const server = createServer();
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const esc = (s) => String(s ?? '').replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const now = () => Math.floor(Date.now() / 1000);

async function body(req) {
  let s = '';
  for await (const c of req) s += c;
  return Object.fromEntries(new URLSearchParams(s));
}
const json = (res, code, v) => { res.writeHead(code, { 'content-type': 'application/json' }); res.end(JSON.stringify(v)); };
const basic = (req) => {
  const h = req.headers.authorization || '';
  if (!h.startsWith('Basic ')) return {};
  const [id, secret] = Buffer.from(h.slice(6), 'base64').toString().split(':').map(decodeURIComponent);
  return { client_id: id, client_secret: secret };
};

function loginPage(res, provider, q) {
  const hidden = ['redirect_uri', 'state', 'nonce', 'code_challenge', 'client_id', 'response_mode']
    .map((k) => `<input type="hidden" name="${k}" value="${esc(q[k])}">`).join('');
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end(`<!doctype html><title>${provider}</title><h1>Sign in to ${provider}</h1><form method="post" action="/${provider}/login">` +
    `${hidden}<label>Account <input id="username" name="user"></label><button id="submit" type="submit">Continue</button></form>`);
}

function appleSecretOk(secret) {
  try {
    const [h, b, s] = secret.split('.');
    const head = JSON.parse(Buffer.from(h, 'base64url'));
    const claims = JSON.parse(Buffer.from(b, 'base64url'));
    const key = createPublicKey({ key: cfg.apple.team_public_jwk, format: 'jwk' });
    const good = verify('sha256', Buffer.from(`${h}.${b}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
    return good && head.alg === 'ES256' && head.kid === cfg.apple.key_id && claims.iss === cfg.apple.team_id &&
      claims.sub === cfg.apple.client_id && claims.aud === 'https://appleid.apple.com' && claims.exp > now();
  } catch { return false; }
}

server.on('request', async (req, res) => {
  const url = new URL(req.url, base);
  const q = Object.fromEntries(url.searchParams);
  const [, provider, step] = url.pathname.split('/');
  try {
    if (step === 'authorize') return loginPage(res, provider, q);
    if (step === 'login' && req.method === 'POST') {
      const f = await body(req);
      const person = people[provider]?.[f.user];
      if (!person) { res.writeHead(401); return res.end('unknown account'); }
      const code = b64u(randomBytes(16));
      codes.set(code, { provider, person, nonce: f.nonce, challenge: f.code_challenge, redirect_uri: f.redirect_uri, client_id: f.client_id });
      if (provider === 'apple') {
        // form_post: the page posts the answer back, with the name on the first sign-in.
        const user = JSON.stringify({ name: { firstName: 'Abe', lastName: 'Apple' }, email: person.email });
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end(`<!doctype html><body onload="document.forms[0].submit()"><form method="post" action="${esc(f.redirect_uri)}">` +
          `<input type="hidden" name="code" value="${code}"><input type="hidden" name="state" value="${esc(f.state)}">` +
          `<input type="hidden" name="user" value="${esc(user)}"><button type="submit">Continue</button></form></body>`);
      }
      const back = new URL(f.redirect_uri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', f.state);
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (step === 'token') {
      const f = req.method === 'POST' ? { ...(await body(req)), ...basic(req) } : q;
      const c = codes.get(f.code);
      codes.delete(f.code);
      const secretOk = provider === 'apple' ? appleSecretOk(f.client_secret || '') : f.client_secret === cfg.secrets[provider];
      const pkceOk = !c?.challenge || createHash('sha256').update(f.code_verifier || '').digest('base64url') === c.challenge;
      if (!c || c.provider !== provider || !secretOk || !pkceOk || f.redirect_uri !== c.redirect_uri) {
        return json(res, 400, { error: 'invalid_grant', secretOk, pkceOk });
      }
      const access = b64u(randomBytes(16));
      tokens.set(access, c.person);
      const out = { access_token: access, token_type: 'Bearer', expires_in: 3600 };
      if (provider === 'google' || provider === 'apple') {
        const iss = provider === 'google' ? 'https://accounts.google.com' : 'https://appleid.apple.com';
        out.id_token = jwt({ iss, aud: c.client_id, iat: now(), exp: now() + 600, nonce: c.nonce, ...c.person });
      }
      return json(res, 200, out);
    }
    if (step === 'jwks') return json(res, 200, { keys: [jwk] });
    // For identity pools, without a browser: an ID token or access token minted directly.
    if (provider === 'oidc' && url.pathname === '/oidc/.well-known/openid-configuration') {
      return json(res, 200, { issuer: `${base}/oidc`, jwks_uri: `${base}/oidc/jwks`, authorization_endpoint: `${base}/oidc/authorize` });
    }
    if (step === 'mint') {
      const iss = { oidc: `${base}/oidc`, google: 'https://accounts.google.com', apple: 'https://appleid.apple.com' }[provider];
      if (iss) return json(res, 200, { token: jwt({ iss, aud: q.aud, sub: q.sub, iat: now(), exp: now() + 600, email: `${q.sub}@example.test` }) });
      const person = people[provider]?.[q.user];
      if (!person) return json(res, 400, { error: 'unknown account' });
      const access = b64u(randomBytes(16));
      tokens.set(access, person);
      return json(res, 200, { token: access });
    }
    const bearer = (req.headers.authorization || '').replace(/^Bearer /, '');
    const person = tokens.get(bearer);
    if (step === 'me' && person) {
      const fields = (q.fields || 'id').split(',');
      return json(res, 200, Object.fromEntries(fields.filter((k) => k in person).map((k) => [k, person[k]])));
    }
    if (step === 'profile' && person) return json(res, 200, person);
    json(res, 400, { error: 'invalid_request' });
  } catch (e) {
    json(res, 500, { error: String(e) });
  }
});

const endpoints_toml = [
  `[Google]\nauthorize_url = "${base}/google/authorize"\ntoken_url = "${base}/google/token"\njwks_uri = "${base}/google/jwks"`,
  `[Facebook]\nauthorize_url = "${base}/facebook/authorize"\ntoken_url = "${base}/facebook/token"\nattributes_url = "${base}/facebook/me?fields="`,
  `[LoginWithAmazon]\nauthorize_url = "${base}/amazon/authorize"\ntoken_url = "${base}/amazon/token"\nattributes_url = "${base}/amazon/profile"`,
  `[SignInWithApple]\nauthorize_url = "${base}/apple/authorize"\ntoken_url = "${base}/apple/token"\njwks_uri = "${base}/apple/jwks"`,
].join('\n');
console.log(JSON.stringify({ url: base, endpoints_toml }));
