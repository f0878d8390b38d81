// An upstream OpenID Connect provider for the federation tests: panva's oidc-provider with one
// confidential client (Cognate) and two accounts, its development login form (any password for
// a known login name), consent given automatically. Listens on a free port of 127.0.0.1 and
// prints one JSON line {issuer} when ready; runs until killed.
//
// Usage: node oidc-upstream.mjs CONFIG_JSON   CONFIG_JSON: {client_id, client_secret, redirect_uri}
import Provider from 'oidc-provider';
import { createServer } from 'node:http';

const cfg = JSON.parse(process.argv[2]);
// The login name is the account id, which oidc-provider uses as the subject.
const accounts = {
  'alice-0001': { sub: 'alice-0001', email: 'alice@corp.example', email_verified: true, name: 'Alice Corp' },
  'bob-0002': { sub: 'bob-0002', email: 'bob@corp.example', email_verified: false, name: 'Bob Corp' },
};
const byLogin = (id) => accounts[id];

const server = createServer();
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const issuer = `http://127.0.0.1:${server.address().port}`;
const provider = new Provider(issuer, {
  clients: [{
    client_id: cfg.client_id, client_secret: cfg.client_secret, redirect_uris: [cfg.redirect_uri],
    grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  findAccount: async (ctx, id) => {
    const a = byLogin(id);
    return a && { accountId: a.sub, claims: async () => a };
  },
  loadExistingGrant: async (ctx) => {
    const g = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    g.addOIDCScope('openid email profile');
    await g.save();
    return g;
  },
  features: { devInteractions: { enabled: true }, userinfo: { enabled: true } },
  pkce: { required: () => true },
});
provider.on('server_error', (ctx, err) => console.error('server_error', err));
server.on('request', provider.callback());
console.log(JSON.stringify({ issuer }));
