"""boto3 imports users into Cognate as into Cognito: GetCSVHeader, CreateUserImportJob, the
CSV PUT to the job's PreSignedUrl (as the Cognito guide's curl does, with the KMS header),
StartUserImportJob, then DescribeUserImportJob until the job ends. Every 1000th row is bad
(no verified email). Prints one JSON line.

Usage: import_users.py ENDPOINT ACCESS_KEY SECRET_KEY USER_POOL_ID COUNT
"""
import csv
import io
import json
import sys
import time
import urllib.request

import boto3

endpoint, key, secret, pool, count = sys.argv[1:6]
count = int(count)
idp = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=endpoint,
                   aws_access_key_id=key, aws_secret_access_key=secret)
out = {}
try:
    header = idp.get_csv_header(UserPoolId=pool)["CSVHeader"]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    w.writeheader()
    for i in range(count):
        row = {h: "" for h in header}
        row["cognito:username"] = f"user{i:07d}"
        row["cognito:mfa_enabled"] = "false"
        row["email"] = f"user{i:07d}@example.com"
        row["email_verified"] = "false" if i % 1000 == 999 else "true"
        row["name"] = f"User, number {i}"
        w.writerow(row)
    body = buf.getvalue().encode()
    job = idp.create_user_import_job(JobName="boto3 import", UserPoolId=pool,
                                     CloudWatchLogsRoleArn="arn:aws:iam::000000000000:role/CognitoImport")["UserImportJob"]
    out["created_status"] = job["Status"]
    started = time.time()
    req = urllib.request.Request(job["PreSignedUrl"], data=body, method="PUT",
                                 headers={"x-amz-server-side-encryption": "aws:kms", "Content-Type": "text/csv"})
    out["upload_status"] = urllib.request.urlopen(req).status
    try:
        urllib.request.urlopen(urllib.request.Request(job["PreSignedUrl"], data=body, method="PUT"))
        out["second_upload_status"] = 200
    except urllib.error.HTTPError as e:
        out["second_upload_status"] = e.code
    out["step"] = "start"
    idp.start_user_import_job(UserPoolId=pool, JobId=job["JobId"])
    out["step"] = "describe"
    while True:
        j = idp.describe_user_import_job(UserPoolId=pool, JobId=job["JobId"])["UserImportJob"]
        if j["Status"] not in ("Pending", "InProgress"):
            break
        time.sleep(0.2)
    out["step"] = "done"
    out["seconds"] = round(time.time() - started, 2)
    out["status"] = j["Status"]
    out["imported"] = j["ImportedUsers"]
    out["failed"] = j["FailedUsers"]
    out["skipped"] = j["SkippedUsers"]
    out["message"] = j.get("CompletionMessage")
    out["listed"] = [x["JobId"] for x in idp.list_user_import_jobs(UserPoolId=pool, MaxResults=10)["UserImportJobs"]]
    out["job_id"] = job["JobId"]
    u = idp.admin_get_user(UserPoolId=pool, Username="user0000042")
    out["user_status"] = u["UserStatus"]
    out["ok"] = True
except Exception as e:  # noqa: BLE001 - the test reads the message
    out["ok"] = False
    out["error"] = f"{type(e).__name__}: {e}"
print(json.dumps(out))
