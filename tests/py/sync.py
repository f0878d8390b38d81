"""boto3's cognito-sync client against Cognate, signed with a guest identity's own temporary
credentials (and the developer's admin key for the pool-wide calls): records written and read
back by sync count, a stale patch refused with nothing applied, tombstones, another identity
refused, the dataset limit, deletion seen by a device, devices and subscriptions, usage and
the pool's settings. Prints one JSON line.

Usage: sync.py ENDPOINT IDENTITY_POOL_ID ACCESS_KEY SECRET_KEY
"""
import json
import sys

import boto3
from botocore import UNSIGNED
from botocore.config import Config

endpoint, pool, key, secret = sys.argv[1:5]
ci = boto3.client("cognito-identity", region_name="us-east-1", endpoint_url=endpoint,
                  config=Config(signature_version=UNSIGNED))
out = {}


def identity():
    iid = ci.get_id(IdentityPoolId=pool)["IdentityId"]
    c = ci.get_credentials_for_identity(IdentityId=iid)["Credentials"]
    client = boto3.client("cognito-sync", region_name="us-east-1", endpoint_url=endpoint,
                          aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretKey"],
                          aws_session_token=c["SessionToken"])
    return iid, client


def code(call):
    try:
        call()
        return None
    except Exception as e:  # noqa: BLE001
        return getattr(e, "response", {}).get("Error", {}).get("Code", type(e).__name__)


try:
    me, sync = identity()
    other, other_sync = identity()
    out["identity"] = me
    first = sync.list_records(IdentityPoolId=pool, IdentityId=me, DatasetName="prefs")
    out["new_exists"] = first["DatasetExists"]
    tok = first["SyncSessionToken"]
    upd = sync.update_records(IdentityPoolId=pool, IdentityId=me, DatasetName="prefs", SyncSessionToken=tok,
                              DeviceId="device-1",
                              RecordPatches=[{"Op": "replace", "Key": "theme", "Value": "dark", "SyncCount": 0},
                                             {"Op": "replace", "Key": "lang", "Value": "fr", "SyncCount": 0}])
    out["written"] = sorted((r["Key"], r["Value"], r["SyncCount"]) for r in upd["Records"])
    lr = sync.list_records(IdentityPoolId=pool, IdentityId=me, DatasetName="prefs", LastSyncCount=0)
    out["dataset_sync_count"] = lr["DatasetSyncCount"]
    out["listed"] = sorted(r["Key"] for r in lr["Records"])
    tok = lr["SyncSessionToken"]
    out["stale"] = code(lambda: sync.update_records(
        IdentityPoolId=pool, IdentityId=me, DatasetName="prefs", SyncSessionToken=tok,
        RecordPatches=[{"Op": "replace", "Key": "font", "Value": "big", "SyncCount": 0},
                       {"Op": "replace", "Key": "theme", "Value": "light", "SyncCount": 0}]))
    out["no_token"] = code(lambda: sync.update_records(
        IdentityPoolId=pool, IdentityId=me, DatasetName="prefs", SyncSessionToken="forged",
        RecordPatches=[{"Op": "replace", "Key": "x", "Value": "y", "SyncCount": 0}]))
    sync.update_records(IdentityPoolId=pool, IdentityId=me, DatasetName="prefs", SyncSessionToken=tok,
                        RecordPatches=[{"Op": "remove", "Key": "lang", "SyncCount": 1}])
    since = sync.list_records(IdentityPoolId=pool, IdentityId=me, DatasetName="prefs", LastSyncCount=1)
    out["since_1"] = [(r["Key"], r.get("Value"), r["SyncCount"]) for r in since["Records"]]
    out["font_absent"] = all(r["Key"] != "font" for r in sync.list_records(
        IdentityPoolId=pool, IdentityId=me, DatasetName="prefs")["Records"])
    d = sync.describe_dataset(IdentityPoolId=pool, IdentityId=me, DatasetName="prefs")["Dataset"]
    out["described"] = [d["DatasetName"], d["NumRecords"], d["DataStorage"]]
    out["other_reads_mine"] = code(lambda: other_sync.list_records(IdentityPoolId=pool, IdentityId=me, DatasetName="prefs"))
    out["other_writes_mine"] = code(lambda: other_sync.list_datasets(IdentityPoolId=pool, IdentityId=me))
    out["identity_usage"] = sync.describe_identity_usage(IdentityPoolId=pool, IdentityId=me)["IdentityUsage"]["DatasetCount"]
    # Twenty datasets at most.
    for i in range(19):
        t = sync.list_records(IdentityPoolId=pool, IdentityId=me, DatasetName=f"d{i}")["SyncSessionToken"]
        sync.update_records(IdentityPoolId=pool, IdentityId=me, DatasetName=f"d{i}", SyncSessionToken=t,
                            RecordPatches=[{"Op": "replace", "Key": "k", "Value": "v", "SyncCount": 0}])
    t = sync.list_records(IdentityPoolId=pool, IdentityId=me, DatasetName="d19")["SyncSessionToken"]
    out["21st"] = code(lambda: sync.update_records(
        IdentityPoolId=pool, IdentityId=me, DatasetName="d19", SyncSessionToken=t,
        RecordPatches=[{"Op": "replace", "Key": "k", "Value": "v", "SyncCount": 0}]))
    out["datasets"] = len(sync.list_datasets(IdentityPoolId=pool, IdentityId=me, MaxResults=60)["Datasets"])
    sync.delete_dataset(IdentityPoolId=pool, IdentityId=me, DatasetName="d0")
    gone = sync.list_records(IdentityPoolId=pool, IdentityId=me, DatasetName="d0", LastSyncCount=1)
    out["deleted_seen"] = [gone["DatasetExists"], gone["DatasetDeletedAfterRequestedSyncCount"]]
    dev = sync.register_device(IdentityPoolId=pool, IdentityId=me, Platform="GCM", Token="push-token")["DeviceId"]
    out["same_device"] = dev == sync.register_device(IdentityPoolId=pool, IdentityId=me, Platform="GCM", Token="push-token")["DeviceId"]
    sync.subscribe_to_dataset(IdentityPoolId=pool, IdentityId=me, DatasetName="prefs", DeviceId=dev)
    sync.unsubscribe_from_dataset(IdentityPoolId=pool, IdentityId=me, DatasetName="prefs", DeviceId=dev)
    out["identity_denied_pool_call"] = code(lambda: sync.describe_identity_pool_usage(IdentityPoolId=pool))
    dev_client = boto3.client("cognito-sync", region_name="us-east-1", endpoint_url=endpoint,
                              aws_access_key_id=key, aws_secret_access_key=secret)
    out["developer_reads"] = len(dev_client.list_records(IdentityPoolId=pool, IdentityId=me, DatasetName="prefs")["Records"])
    u = dev_client.describe_identity_pool_usage(IdentityPoolId=pool)["IdentityPoolUsage"]
    out["pool_storage"] = u["DataStorage"]
    out["pool_sessions"] = u["SyncSessionsCount"]
    out["listed_pools"] = pool in [p["IdentityPoolId"] for p in dev_client.list_identity_pool_usage(MaxResults=60)["IdentityPoolUsages"]]
    dev_client.set_identity_pool_configuration(
        IdentityPoolId=pool, PushSync={"ApplicationArns": ["arn:aws:sns:us-east-1:000000000000:app/GCM/x"], "RoleArn": "arn:aws:iam::000000000000:role/push"},
        CognitoStreams={"StreamName": "changes", "RoleArn": "arn:aws:iam::000000000000:role/streams", "StreamingStatus": "ENABLED"})
    cfg = dev_client.get_identity_pool_configuration(IdentityPoolId=pool)
    out["config"] = [cfg["PushSync"]["ApplicationArns"][0], cfg["CognitoStreams"]["StreamingStatus"]]
    dev_client.set_cognito_events(IdentityPoolId=pool, Events={"SyncTrigger": "arn:aws:lambda:us-east-1:000000000000:function:sync"})
    out["events"] = dev_client.get_cognito_events(IdentityPoolId=pool)["Events"]
    out["bad_event"] = code(lambda: dev_client.set_cognito_events(IdentityPoolId=pool, Events={"Other": "x"}))
    out["ok"] = True
except Exception as e:  # noqa: BLE001 - the test reads the message
    out["ok"] = False
    out["error"] = f"{type(e).__name__}: {e}"
print(json.dumps(out))
