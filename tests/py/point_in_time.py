"""boto3 drives point-in-time recovery of a user pool: the window's limits, a preview, one
open restoration per pool, cancel, then a restore to MOMENT (epoch seconds) until it
completes, and the list. Prints one JSON line.

Usage: point_in_time.py ENDPOINT ACCESS_KEY SECRET_KEY USER_POOL_ID MOMENT
"""
import datetime
import json
import sys
import time

import boto3

endpoint, key, secret, pool, moment = sys.argv[1:6]
at = datetime.datetime.fromtimestamp(float(moment), tz=datetime.timezone.utc)
idp = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=endpoint,
                   aws_access_key_id=key, aws_secret_access_key=secret)
out = {}


def error_code(call):
    try:
        call()
        return None
    except idp.exceptions.ClientError as e:
        return e.response["Error"]["Code"]


try:
    future = datetime.datetime(2100, 1, 1, tzinfo=datetime.timezone.utc)
    old = datetime.datetime(2001, 1, 1, tzinfo=datetime.timezone.utc)
    out["future"] = error_code(lambda: idp.initiate_point_in_time_recovery(UserPoolId=pool, RestoreTimestamp=future))
    out["too_old"] = error_code(lambda: idp.initiate_point_in_time_recovery(UserPoolId=pool, RestoreTimestamp=old))
    r = idp.initiate_point_in_time_recovery(UserPoolId=pool, RestoreTimestamp=at)["Restoration"]
    out["first_status"] = r["RestoreStatus"]
    out["preview"] = r["RestorePreview"]
    out["second_open"] = error_code(lambda: idp.initiate_point_in_time_recovery(UserPoolId=pool, RestoreTimestamp=at))
    out["cancelled"] = idp.cancel_point_in_time_recovery(UserPoolId=pool, RestoreId=r["RestoreId"])["Restoration"]["RestoreStatus"]
    out["start_cancelled"] = error_code(lambda: idp.start_point_in_time_recovery(UserPoolId=pool, RestoreId=r["RestoreId"]))
    r = idp.initiate_point_in_time_recovery(UserPoolId=pool, RestoreTimestamp=at)["Restoration"]
    out["started"] = idp.start_point_in_time_recovery(UserPoolId=pool, RestoreId=r["RestoreId"])["Restoration"]["RestoreStatus"]
    for _ in range(300):
        d = idp.describe_point_in_time_recovery(UserPoolId=pool, RestoreId=r["RestoreId"])["Restoration"]
        if d["RestoreStatus"] != "RESTORING":
            break
        time.sleep(0.1)
    out["final"] = d["RestoreStatus"]
    out["restore_timestamp_ok"] = abs(d["RestoreTimestamp"].timestamp() - float(moment)) < 0.01
    out["listed"] = [x["RestoreStatus"] for x in idp.list_point_in_time_recoveries(UserPoolId=pool)["Restorations"]]
    out["unknown"] = error_code(lambda: idp.describe_point_in_time_recovery(UserPoolId=pool, RestoreId="00000000-0000-4000-8000-000000000000"))
    out["ok"] = True
except Exception as e:  # noqa: BLE001 - the test reads the message
    out["ok"] = False
    out["error"] = f"{type(e).__name__}: {e}"
print(json.dumps(out, default=str))
