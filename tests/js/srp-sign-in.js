// Signs in with amazon-cognito-identity-js (USER_SRP_AUTH, the library's default flow) against
// COGNATE_ENDPOINT, then calls getUserAttributes with the session. Prints one JSON line.
const { CognitoUserPool, CognitoUser, AuthenticationDetails } = require('amazon-cognito-identity-js');

const [endpoint, poolId, clientId, username, password] = process.argv.slice(2);
const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint });
const user = new CognitoUser({ Username: username, Pool: pool });
const details = new AuthenticationDetails({ Username: username, Password: password });

user.authenticateUser(details, {
  onSuccess(session) {
    user.getUserAttributes((err, attrs) => {
      if (err) {
        console.log(JSON.stringify({ ok: false, stage: 'getUserAttributes', code: err.code, message: err.message }));
        process.exit(1);
      }
      console.log(JSON.stringify({
        ok: true,
        username: session.getAccessToken().payload.username,
        idTokenUse: session.getIdToken().payload.token_use,
        attributes: attrs.map((a) => [a.getName(), a.getValue()]),
      }));
    });
  },
  onFailure(err) {
    console.log(JSON.stringify({ ok: false, stage: 'authenticateUser', code: err.code, message: err.message }));
    process.exit(1);
  },
  newPasswordRequired() {
    console.log(JSON.stringify({ ok: false, stage: 'newPasswordRequired' }));
    process.exit(1);
  },
});
