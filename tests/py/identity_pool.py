"""boto3 against Cognate's identity pools: the enhanced flow (GetId, GetCredentialsForIdentity)
as a guest and with a user pool's ID token, the basic flow (GetOpenIdToken, then STS
AssumeRoleWithWebIdentity), and the credentials used (STS GetCallerIdentity). Unsigned where
AWS's clients send unsigned calls. Prints one JSON line.

Usage: identity_pool.py ENDPOINT IDENTITY_POOL_ID LOGIN_KEY ID_TOKEN AUTH_ROLE_ARN
"""
import json
import sys

import boto3
from botocore import UNSIGNED
from botocore.config import Config

endpoint, pool, login_key, id_token, auth_role = sys.argv[1:6]
unsigned = dict(region_name="us-east-1", endpoint_url=endpoint, config=Config(signature_version=UNSIGNED))
ci = boto3.client("cognito-identity", **unsigned)
sts = boto3.client("sts", **unsigned)
out = {}


def signed_sts(c):
    return boto3.client(
        "sts", region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id=c["AccessKeyId"],
        aws_secret_access_key=c.get("SecretKey") or c.get("SecretAccessKey"), aws_session_token=c["SessionToken"])


try:
    guest = ci.get_id(IdentityPoolId=pool)["IdentityId"]
    g = ci.get_credentials_for_identity(IdentityId=guest)["Credentials"]
    out["guest_arn"] = signed_sts(g).get_caller_identity()["Arn"]
    logins = {login_key: id_token}
    ident = ci.get_id(IdentityPoolId=pool, Logins=logins)["IdentityId"]
    c = ci.get_credentials_for_identity(IdentityId=ident, Logins=logins)["Credentials"]
    out["enhanced_arn"] = signed_sts(c).get_caller_identity()["Arn"]
    out["expiration_in"] = c["Expiration"].timestamp()
    token = ci.get_open_id_token(IdentityId=ident, Logins=logins)["Token"]
    r = sts.assume_role_with_web_identity(RoleArn=auth_role, RoleSessionName="boto3", WebIdentityToken=token)
    out["classic_subject"] = r["SubjectFromWebIdentityToken"]
    out["classic_arn"] = signed_sts(r["Credentials"]).get_caller_identity()["Arn"]
    out["identity"] = ident
    try:
        ci.get_credentials_for_identity(IdentityId=ident)
        out["no_logins"] = "accepted"
    except ci.exceptions.NotAuthorizedException as e:
        out["no_logins"] = e.response["Error"]["Message"]
    out["ok"] = True
except Exception as e:  # noqa: BLE001 - reported to the Rust test
    out.update(ok=False, error=repr(e))
print(json.dumps(out, default=str))
