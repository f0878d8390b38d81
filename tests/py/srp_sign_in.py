"""Signs in with pycognito's AWSSRP (USER_SRP_AUTH; it sends no Session back) against the
endpoint, verifies the ID token the way pycognito does (JWKS at {endpoint}/{pool}), and calls
GetUser. Prints one JSON line."""
import json
import sys

import boto3
from pycognito import Cognito
from pycognito.aws_srp import AWSSRP

endpoint, pool_id, client_id, username, password = sys.argv[1:6]
client = boto3.client(
    "cognito-idp",
    endpoint_url=endpoint,
    region_name=pool_id.split("_")[0],
    aws_access_key_id="unused",
    aws_secret_access_key="unused",
)
try:
    tokens = AWSSRP(username=username, password=password, pool_id=pool_id, client_id=client_id, client=client).authenticate_user()
except Exception as e:  # noqa: BLE001 - report any failure as data
    print(json.dumps({"ok": False, "stage": "authenticate_user", "error": repr(e)}))
    sys.exit(1)
result = tokens["AuthenticationResult"]
u = Cognito(pool_id, client_id, user_pool_region=pool_id.split("_")[0], botocore_config=None, boto3_client_kwargs={
    "endpoint_url": endpoint, "aws_access_key_id": "unused", "aws_secret_access_key": "unused"})
u.verify_token(result["IdToken"], "id_token", "id")
u.verify_token(result["AccessToken"], "access_token", "access")
me = client.get_user(AccessToken=result["AccessToken"])
print(json.dumps({"ok": True, "username": me["Username"], "token_type": result["TokenType"]}))
