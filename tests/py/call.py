"""One boto3 cognito-idp call, for the Rust tests of operations newer than the Rust SDK of the
lock (the session operations). Prints one JSON line: {"ok": response} or {"error": code,
"message": text}.

Usage: call.py ENDPOINT ACCESS_KEY SECRET_KEY OPERATION JSON_PARAMETERS
(OPERATION is boto3's snake_case name, e.g. list_user_sessions.)
"""
import json
import sys

import boto3
from botocore.exceptions import ClientError

endpoint, key, secret, operation, params = sys.argv[1:6]
idp = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=endpoint,
                   aws_access_key_id=key, aws_secret_access_key=secret)
try:
    out = getattr(idp, operation)(**json.loads(params))
    out.pop("ResponseMetadata", None)
    print(json.dumps({"ok": out}, default=lambda v: v.timestamp() if hasattr(v, "timestamp") else str(v)))
except ClientError as e:
    print(json.dumps({"error": e.response["Error"]["Code"], "message": e.response["Error"].get("Message", "")}))
