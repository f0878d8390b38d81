// CUSTOM_AUTH with amazon-cognito-identity-js: initiateAuth (no password), then each
// customChallenge is answered with the next of a comma-separated list of answers. Prints one
// JSON line: the outcome, how many challenges came, and the first one's public parameter.
const { CognitoUserPool, CognitoUser, AuthenticationDetails } = require('amazon-cognito-identity-js');

const [endpoint, poolId, clientId, username, answerList] = process.argv.slice(2);
const answers = answerList.split(',');
const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint });
const user = new CognitoUser({ Username: username, Pool: pool });
user.setAuthenticationFlowType('CUSTOM_AUTH');
const details = new AuthenticationDetails({ Username: username, ClientMetadata: { app: 'js' } });
let challenges = 0;
let hint = null;

const callbacks = {
  onSuccess(session) {
    console.log(JSON.stringify({
      ok: true,
      username: session.getAccessToken().payload.username,
      challenges,
      hint,
    }));
  },
  onFailure(err) {
    console.log(JSON.stringify({ ok: false, code: err.code, message: err.message, challenges }));
    process.exit(1);
  },
  customChallenge(parameters) {
    challenges += 1;
    if (hint === null) hint = parameters.hint;
    const next = answers.shift();
    if (next === undefined) {
      console.log(JSON.stringify({ ok: false, stage: 'out of answers', challenges }));
      process.exit(1);
    }
    user.sendCustomChallengeAnswer(next, callbacks);
  },
};

user.initiateAuth(details, callbacks);
