// aws-amplify v6 with an identity pool: `fetchAuthSession()` as a guest (GetId and
// GetCredentialsForIdentity without logins), then after `signIn` (the user pool's ID token as
// the login Amplify keys by the token's `iss` without its scheme), with identityPoolEndpoint
// pointed at Cognate. Prints one JSON line.
import { Amplify } from 'aws-amplify';
import { signIn, fetchAuthSession } from 'aws-amplify/auth';

const [endpoint, userPoolId, userPoolClientId, identityPoolId, username, password] = process.argv.slice(2);
Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId, userPoolClientId, identityPoolId, allowGuestAccess: true,
      userPoolEndpoint: endpoint, identityPoolEndpoint: endpoint,
    },
  },
});
const creds = (s) => s.credentials && {
  accessKeyId: s.credentials.accessKeyId, secretAccessKey: s.credentials.secretAccessKey,
  sessionToken: s.credentials.sessionToken, expiration: s.credentials.expiration,
};
try {
  const guest = await fetchAuthSession();
  const r = await signIn({ username, password });
  if (!r.isSignedIn) throw new Error(`not signed in: ${r.nextStep?.signInStep}`);
  const user = await fetchAuthSession();
  console.log(JSON.stringify({
    ok: true,
    guest: { identityId: guest.identityId, credentials: creds(guest) },
    user: { identityId: user.identityId, credentials: creds(user), iss: user.tokens?.idToken?.payload?.iss },
  }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, name: e.name, message: e.message, stack: String(e.stack).slice(0, 600) }));
  process.exit(1);
}
