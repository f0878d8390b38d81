// The browser app of amplify-redirect.mjs: Amplify v6 configured for the hosted UI, as an app
// would be, with its OAuth domain pointing at Cognate. Bundled by esbuild at test time.
import { Amplify } from 'aws-amplify';
import { signInWithRedirect, signOut, fetchAuthSession, getCurrentUser } from 'aws-amplify/auth';
import { Hub } from 'aws-amplify/utils';
import 'aws-amplify/auth/enable-oauth-listener';

const cfg = JSON.parse(document.getElementById('cfg').textContent);
Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: cfg.pool,
      userPoolClientId: cfg.client,
      userPoolEndpoint: cfg.endpoint,
      loginWith: {
        oauth: {
          domain: cfg.domain,
          scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
          redirectSignIn: [cfg.app + '/'],
          redirectSignOut: [cfg.app + '/bye'],
          responseType: 'code',
        },
      },
    },
  },
});
window.hub = [];
Hub.listen('auth', ({ payload }) => window.hub.push(payload.event + (payload.data?.message ? ': ' + payload.data.message : '')));
window.signIn = () => signInWithRedirect();
window.signOutNow = () => signOut();
window.state = async () => {
  const s = await fetchAuthSession();
  if (!s.tokens) return { signedIn: false };
  const user = await getCurrentUser();
  return {
    signedIn: true,
    username: user.username,
    idClaims: s.tokens.idToken.payload,
    accessScope: s.tokens.accessToken.payload.scope,
  };
};
window.ready = true;
