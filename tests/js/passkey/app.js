// The browser app of passkey-browser.mjs: Amplify v6 configured for Cognate's API, as an app
// would be, and a raw helper that calls the API the way any WebAuthn page would. Bundled by
// esbuild at test time.
import { Amplify } from 'aws-amplify';
import {
  signIn, signOut, associateWebAuthnCredential, listWebAuthnCredentials, deleteWebAuthnCredential, fetchAuthSession,
} from 'aws-amplify/auth';

const cfg = JSON.parse(document.getElementById('cfg').textContent);
Amplify.configure({ Auth: { Cognito: { userPoolId: cfg.pool, userPoolClientId: cfg.client, userPoolEndpoint: cfg.endpoint } } });
window.amplify = { signIn, signOut, associateWebAuthnCredential, listWebAuthnCredentials, deleteWebAuthnCredential, fetchAuthSession };

// One cognito-idp call; throws "Code: message" on an error answer.
window.api = async (target, body) => {
  const r = await fetch(cfg.endpoint + '/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.' + target },
    body: JSON.stringify(body),
  });
  const j = await r.json();
  if (!r.ok) throw new Error((j.__type || '').split('#').pop() + ': ' + (j.message || j.Message || ''));
  return j;
};
const b64 = {
  dec: (s) => new TextDecoder().decode(Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))),
  enc: (s) => btoa(String.fromCharCode(...new TextEncoder().encode(s))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
};
// Registers a passkey through the API; `tamper` may change the options before create() and the
// answer before CompleteWebAuthnRegistration. Returns the answer sent.
window.register = async (access, tamper = {}) => {
  const { CredentialCreationOptions: options } = await window.api('StartWebAuthnRegistration', { AccessToken: access });
  const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
  if (tamper.rpId) publicKey.rp.id = tamper.rpId;
  const cred = await navigator.credentials.create({ publicKey });
  const json = cred.toJSON();
  if (tamper.origin) {
    const data = JSON.parse(b64.dec(json.response.clientDataJSON));
    data.origin = tamper.origin;
    json.response.clientDataJSON = b64.enc(JSON.stringify(data));
  }
  await window.api('CompleteWebAuthnRegistration', { AccessToken: access, Credential: json });
  return json;
};
window.registerError = async (access, tamper) => {
  try { await window.register(access, tamper); return 'registered'; } catch (e) { return String(e.message); }
};
// USER_AUTH with WEB_AUTHN: the challenge, the browser's assertion, the answer. Returns
// {tokens, next} (next: the challenge that followed, if any) or {error}, and the answer (to replay).
window.passkeySignIn = async (username, replay) => {
  try {
    if (replay) {
      const r = await window.api('RespondToAuthChallenge', replay);
      return { tokens: !!r.AuthenticationResult };
    }
    const ch = await window.api('InitiateAuth', {
      AuthFlow: 'USER_AUTH', ClientId: cfg.client, AuthParameters: { USERNAME: username, PREFERRED_CHALLENGE: 'WEB_AUTHN' },
    });
    if (ch.ChallengeName !== 'WEB_AUTHN') return { error: 'challenge ' + ch.ChallengeName };
    const options = JSON.parse(ch.ChallengeParameters.CREDENTIAL_REQUEST_OPTIONS);
    const cred = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
    const answer = {
      ChallengeName: 'WEB_AUTHN', ClientId: cfg.client, Session: ch.Session,
      ChallengeResponses: { USERNAME: username, CREDENTIAL: JSON.stringify(cred.toJSON()) },
    };
    const r = await window.api('RespondToAuthChallenge', answer);
    return { tokens: !!(r.AuthenticationResult && r.AuthenticationResult.AccessToken), next: r.ChallengeName, answer };
  } catch (e) {
    return { error: String(e.message) };
  }
};
window.ready = true;
