// An upstream SAML 2.0 IdP for the federation tests: node `samlify` (xml-crypto signatures,
// xml-encryption), an independent implementation to check Cognate against. It reads Cognate's
// SP metadata (so the ACS, the certificates and the encryption key come from there), shows a
// login page for SP-initiated sign-in, posts the Response to the ACS with the HTTP-POST binding,
// and speaks single logout over HTTP-Redirect. Test-only keys: tests/js/saml/*.pem.
//
// Usage: node saml-idp.mjs CONFIG_JSON
//   CONFIG_JSON: {sp_metadata_url, encrypt?: bool}
// Prints one JSON line {url, metadata_url} when ready; runs until killed.
//
// Endpoints:
//   GET  /metadata                     the IdP metadata
//   GET  /sso?SAMLRequest=…            the login page (HTTP-Redirect AuthnRequest)
//   POST /login                        signs in (form: user, query) → auto-posting form to the ACS
//   GET  /idp-init?user=…&relay=…      an unsolicited Response (IdP-initiated)
//   GET  /craft?<sso query>&user=…&variant=…   JSON {SAMLResponse, RelayState} for the tests:
//        variant: good | response-signed | both-signed | unsigned | evil-key | audience |
//                 expired | recipient | issuer | encrypted
//   GET  /slo?SAMLRequest=…            a LogoutRequest from the SP → LogoutResponse redirect back
//   GET  /slo-init?user=…&relay=…      an IdP-initiated LogoutRequest to the SP
//   GET  /log                          what the IdP saw (AuthnRequest signed?, LogoutRequests)
import saml from 'samlify';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

saml.setSchemaValidator({ validate: async () => 'ok' });
const cfg = JSON.parse(process.argv[2]);
const dir = new URL('./saml/', import.meta.url);
const pem = (n) => readFileSync(new URL(n, dir), 'utf8');
const users = {
  alice: { email: 'alice@corp.example', given: 'Alice', groups: ['staff', 'admins'] },
  bob: { email: 'bob@corp.example', given: 'Bob', groups: ['staff'] },
};
const log = { authnRequests: [], logoutRequests: [], logoutResponses: [] };

const server = createServer();
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const redirect = saml.Constants.namespace.binding.redirect;
const spXml = await (await fetch(cfg.sp_metadata_url)).text();

const attributeTemplate = (user) => {
  const u = users[user];
  const value = (v) => `<saml:AttributeValue xsi:type="xs:string">${v}</saml:AttributeValue>`;
  const attr = (name, vals) => `<saml:Attribute Name="${name}">${vals.map(value).join('')}</saml:Attribute>`;
  return `<saml:AttributeStatement>${attr('email', [u.email])}${attr('given_name', [u.given])}${attr('groups', u.groups)}</saml:AttributeStatement>`;
};

function makeIdp(key = 'idp', encrypt = !!cfg.encrypt) {
  return saml.IdentityProvider({
    entityID: `${base}/metadata`,
    signingCert: pem(`${key}-cert.pem`),
    privateKey: pem(`${key}-key.pem`),
    singleSignOnService: [{ Binding: redirect, Location: `${base}/sso` }],
    singleLogoutService: [{ Binding: redirect, Location: `${base}/slo` }],
    nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified'],
    isAssertionEncrypted: encrypt,
    dataEncryptionAlgorithm: 'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
    keyEncryptionAlgorithm: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
    requestSignatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  });
}
// The SP as Cognate describes itself; variants sign the Response instead of / as well as the
// assertion.
// Cognate wants the IdP's LogoutRequests signed (it refuses unsigned ones).
const sp = saml.ServiceProvider({ metadata: spXml, wantLogoutRequestSigned: true });
const spResponseSigned = saml.ServiceProvider({
  metadata: spXml.replace('WantAssertionsSigned="true"', 'WantAssertionsSigned="false"'),
  wantMessageSigned: true,
});
const spBothSigned = saml.ServiceProvider({ metadata: spXml, wantMessageSigned: true });
const idp = makeIdp();
const acs = spXml.match(/AssertionConsumerService[^>]*Location="([^"]+)"/)[1];
const spEntity = spXml.match(/entityID="([^"]+)"/)[1];

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/// The Response for `user`, answering `requestId` (none: unsolicited), with `over` replacing
/// template values (Audience, SubjectRecipient, ConditionsNotOnOrAfter, Issuer…).
async function response(user, requestId, { variant = 'good', relayState = '' } = {}) {
  const target = { 'response-signed': spResponseSigned, 'both-signed': spBothSigned }[variant] || sp;
  const signer = variant === 'evil-key' ? makeIdp('evil') : variant === 'encrypted' ? makeIdp('idp', true) : idp;
  const now = Date.now();
  const over = {
    audience: { Audience: 'urn:amazon:cognito:sp:someone-else' },
    expired: { ConditionsNotOnOrAfter: iso(now - 3600e3), SubjectConfirmationDataNotOnOrAfter: iso(now - 3600e3) },
    recipient: { SubjectRecipient: 'https://elsewhere.example/acs' },
    issuer: { Issuer: 'https://another-idp.example' },
  }[variant] || {};
  const fill = (template) => {
    const id = '_' + randomUUID();
    const values = {
      ID: id,
      AssertionID: '_' + randomUUID(),
      Destination: acs,
      Audience: spEntity,
      SubjectRecipient: acs,
      NameIDFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
      NameID: user,
      Issuer: `${base}/metadata`,
      IssueInstant: iso(now),
      StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
      ConditionsNotBefore: iso(now - 60e3),
      ConditionsNotOnOrAfter: iso(now + 300e3),
      SubjectConfirmationDataNotOnOrAfter: iso(now + 300e3),
      InResponseTo: requestId || '',
      AuthnStatement: `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="sess-${user}-${randomUUID()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`,
      AttributeStatement: attributeTemplate(user),
      ...over,
    };
    let context = saml.SamlLib.defaultLoginResponseTemplate.context;
    if (!requestId) context = context.replace(/ InResponseTo="\{InResponseTo\}"/g, '');
    for (const [k, v] of Object.entries(values)) context = context.split(`{${k}}`).join(v);
    return { id, context };
  };
  const unsigned = variant === 'unsigned';
  if (unsigned) {
    const { context } = fill();
    return Buffer.from(context).toString('base64');
  }
  const r = await signer.createLoginResponse(target, { extract: { request: { id: requestId } } }, 'post', { email: user }, { customTagReplacement: fill, relayState });
  return r.context;
}

function autoPost(samlResponse, relayState) {
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="${esc(acs)}">` +
    `<input type="hidden" name="SAMLResponse" value="${esc(samlResponse)}"><input type="hidden" name="RelayState" value="${esc(relayState)}">` +
    `<button type="submit">Continue</button></form></body></html>`;
}

async function parseRequest(query) {
  const { extract } = await idp.parseLoginRequest(sp, 'redirect', { query, octetString: octet(query) });
  return extract;
}

// The signed part of a redirect-binding query, as the sender wrote it.
function octet(query) {
  return rawQuery.current.split('&').filter((p) => /^(SAMLRequest|SAMLResponse|RelayState|SigAlg)=/.test(p)).join('&');
}
const rawQuery = { current: '' };

server.on('request', async (req, res) => {
  const url = new URL(req.url, base);
  rawQuery.current = url.search.slice(1);
  const q = Object.fromEntries(url.searchParams);
  const send = (code, type, body, headers = {}) => { res.writeHead(code, { 'content-type': type, ...headers }); res.end(body); };
  try {
    if (url.pathname === '/metadata') return send(200, 'application/xml', idp.getMetadata());
    if (url.pathname === '/log') return send(200, 'application/json', JSON.stringify(log));
    if (url.pathname === '/sso') {
      const signed = !!q.Signature;
      const extract = await parseRequest(q);
      log.authnRequests.push({ id: extract.request.id, signed, issuer: extract.issuer });
      const raw = url.search.slice(1).replace(/"/g, '&quot;');
      return send(200, 'text/html', `<!doctype html><html><body><h1>Corp IdP</h1><form method="post" action="/login">` +
        `<label>User <input id="username" name="user"></label><input type="hidden" name="query" value="${raw}">` +
        `<button id="submit" type="submit">Sign in</button> <button id="cancel" name="cancel" value="1" type="submit">Cancel</button></form></body></html>`);
    }
    if (url.pathname === '/login' && req.method === 'POST') {
      let body = '';
      for await (const c of req) body += c;
      const form = new URLSearchParams(body);
      const query = form.get('query');
      rawQuery.current = query;
      const sq = Object.fromEntries(new URLSearchParams(query));
      const extract = await parseRequest(sq);
      const user = form.get('user');
      if (!users[user]) return send(401, 'text/plain', 'unknown user');
      const r = await response(user, extract.request.id, { relayState: sq.RelayState });
      return send(200, 'text/html', autoPost(r, sq.RelayState || ''));
    }
    if (url.pathname === '/idp-init') {
      const r = await response(q.user, null, { relayState: q.relay });
      return send(200, 'text/html', autoPost(r, q.relay || ''));
    }
    if (url.pathname === '/craft') {
      const extract = q.SAMLRequest ? await parseRequest(q) : null;
      const id = q.variant === 'wrong-request' ? '_not-the-request' : extract && extract.request.id;
      const r = await response(q.user || 'alice', id, { variant: q.variant || 'good', relayState: q.RelayState });
      return send(200, 'application/json', JSON.stringify({ SAMLResponse: r, RelayState: q.RelayState || '' }));
    }
    if (url.pathname === '/slo' && q.SAMLResponse) {
      // The SP's answer to an IdP-initiated LogoutRequest.
      const { extract } = await idp.parseLogoutResponse(sp, 'redirect', { query: q, octetString: octet(q) });
      log.logoutResponses.push({ inResponseTo: extract.response && extract.response.inResponseTo, signed: !!q.Signature });
      return send(200, 'text/html', '<!doctype html><h1>Signed out of Corp IdP</h1>');
    }
    if (url.pathname === '/slo') {
      const { extract } = await idp.parseLogoutRequest(sp, 'redirect', { query: q, octetString: octet(q) });
      log.logoutRequests.push({ id: extract.request.id, nameID: extract.nameID, sessionIndex: extract.sessionIndex, signed: !!q.Signature });
      const r = idp.createLogoutResponse(sp, { extract }, 'redirect', q.RelayState);
      return send(302, 'text/plain', '', { location: r.context });
    }
    if (url.pathname === '/slo-init') {
      const r = idp.createLogoutRequest(sp, 'redirect', { logoutNameID: q.user }, q.relay || '');
      return send(302, 'text/plain', '', { location: r.context });
    }
    send(404, 'text/plain', 'not found');
  } catch (e) {
    console.error(e);
    send(500, 'text/plain', String(e && e.stack || e));
  }
});
console.log(JSON.stringify({ url: base, metadata_url: `${base}/metadata` }));
