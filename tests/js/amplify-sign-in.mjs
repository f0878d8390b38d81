// Signs in with aws-amplify v6 (`signIn`, USER_SRP_AUTH by default) with userPoolEndpoint pointed
// at Cognate, then reads the session and the user's attributes. Prints one JSON line.
import { Amplify } from 'aws-amplify';
import { signIn, fetchAuthSession, fetchUserAttributes, getCurrentUser } from 'aws-amplify/auth';

const [endpoint, userPoolId, userPoolClientId, username, password] = process.argv.slice(2);
Amplify.configure({ Auth: { Cognito: { userPoolId, userPoolClientId, userPoolEndpoint: endpoint } } });
try {
  const r = await signIn({ username, password });
  if (!r.isSignedIn) {
    console.log(JSON.stringify({ ok: false, stage: 'signIn', step: r.nextStep?.signInStep }));
    process.exit(1);
  }
  const session = await fetchAuthSession();
  const attrs = await fetchUserAttributes();
  const me = await getCurrentUser();
  console.log(JSON.stringify({
    ok: true,
    username: me.username,
    tokenUse: session.tokens?.accessToken?.payload?.token_use,
    email: attrs.email,
  }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, stage: 'error', name: e.name, message: e.message }));
  process.exit(1);
}
