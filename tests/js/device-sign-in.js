// amazon-cognito-identity-js with a pool that tracks devices: the first sign-in gets
// NewDeviceMetadata and the library confirms the device itself; the second sign-in (a new
// CognitoUser, same in-memory storage) goes through DEVICE_SRP_AUTH. Prints one JSON line.
const { CognitoUserPool, CognitoUser, AuthenticationDetails } = require('amazon-cognito-identity-js');

const [endpoint, poolId, clientId, username, password] = process.argv.slice(2);
const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint });

function signIn() {
  return new Promise((resolve, reject) => {
    const user = new CognitoUser({ Username: username, Pool: pool });
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: (session) => resolve({ user, session }),
      onFailure: reject,
    });
  });
}

(async () => {
  try {
    const first = await signIn();
    first.user.getCachedDeviceKeyAndPassword();
    const deviceKey = first.user.deviceKey;
    const second = await signIn();
    console.log(JSON.stringify({
      ok: true,
      deviceKey,
      firstTokenDevice: first.session.getAccessToken().payload.device_key,
      secondTokenDevice: second.session.getAccessToken().payload.device_key,
    }));
  } catch (err) {
    console.log(JSON.stringify({ ok: false, code: err.code, message: err.message }));
    process.exit(1);
  }
})();
