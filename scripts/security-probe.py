#!/usr/bin/env python3
"""Measures what the hardening work is about, against any running Cognate (or Cognito-compatible)
server: the size of the answer to an error-amplification request, the server's peak RSS while
16 clients send it, and the response-time medians that could tell existing users from unknown
ones when the client prevents user-existence errors.

Usage: scripts/security-probe.py ENDPOINT SERVER_PID
  Needs boto3 (the test command's venv has it) and the admin key in AWS_ACCESS_KEY_ID /
  AWS_SECRET_ACCESS_KEY.
"""
import json, os, statistics, sys, threading, time, urllib.request, uuid

import boto3


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


def post(endpoint, target, body):
    req = urllib.request.Request(endpoint + "/", data=body, method="POST", headers={
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "AWSCognitoIdentityProviderService." + target})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def amplification(endpoint, pid):
    names = json.dumps([""] * 100_000)
    body = ('{"AccessToken":"x","UserAttributeNames":' + names + "}").encode()
    status, answer = post(endpoint, "DeleteUserAttributes", body)
    print(f"amplification: request {len(body)} bytes -> HTTP {status}, answer {len(answer)} bytes")
    peak, stop = rss_mib(pid), time.time() + 10
    before = peak

    def sender():
        while time.time() < stop:
            post(endpoint, "DeleteUserAttributes", body)

    threads = [threading.Thread(target=sender) for _ in range(16)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        peak = max(peak, rss_mib(pid))
        time.sleep(0.05)
    print(f"16 senders for 10 s: RSS {before:.1f} MiB before, peak {peak:.1f} MiB, after {rss_mib(pid):.1f} MiB")


def timings(endpoint):
    idp = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1")
    pool = idp.create_user_pool(PoolName="probe", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="probe", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors="ENABLED")["UserPoolClient"]["ClientId"]
    for i in range(20):
        idp.admin_create_user(UserPoolId=pool, Username=f"user{i}", MessageAction="SUPPRESS", TemporaryPassword="Passw0rd!x",
                              UserAttributes=[{"Name": "email", "Value": f"user{i}@example.com"},
                                              {"Name": "email_verified", "Value": "true"}])
        idp.admin_set_user_password(UserPoolId=pool, Username=f"user{i}", Password="Passw0rd!x", Permanent=True)
    public_signup = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1",
                                 config=__import__("botocore.config").config.Config(signature_version=__import__("botocore").UNSIGNED))
    for i in range(20):
        public_signup.sign_up(ClientId=client, Username=f"pending{i}", Password="Passw0rd!x",
                              UserAttributes=[{"Name": "email", "Value": f"pending{i}@example.com"}])
    public = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1",
                          config=__import__("botocore.config").config.Config(signature_version=__import__("botocore").UNSIGNED))

    def timed(fn):
        t = time.perf_counter()
        try:
            out = fn()
        except Exception as e:  # the error is the answer
            out = type(e).__name__ + ": " + str(e)
        return (time.perf_counter() - t) * 1000, out

    cases = {
        "ForgotPassword": ("user", lambda name: public.forgot_password(ClientId=client, Username=name)),
        "ResendConfirmationCode": ("pending", lambda name: public.resend_confirmation_code(ClientId=client, Username=name)),
        "ConfirmSignUp (wrong code)": ("pending", lambda name: public.confirm_sign_up(
            ClientId=client, Username=name, ConfirmationCode="000000")),
        "InitiateAuth (wrong password)": ("user", lambda name: public.initiate_auth(
            ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": name, "PASSWORD": "Wrong1!xx"})),
    }
    for label, (prefix, fn) in cases.items():
        known, unknown = [], []
        for round in range(3):
            for i in range(20):
                ms, out_k = timed(lambda: fn(f"{prefix}{i}"))
                known.append(ms)
                ms, out_u = timed(lambda: fn(f"nobody{uuid.uuid4().hex[:8]}"))
                unknown.append(ms)
        print(f"{label}: median {statistics.median(known):.2f} ms existing, {statistics.median(unknown):.2f} ms unknown")
        print(f"    existing answer: {str(out_k)[:140]}")
        print(f"    unknown  answer: {str(out_u)[:140]}")


if __name__ == "__main__":
    endpoint, pid = sys.argv[1].rstrip("/"), int(sys.argv[2])
    amplification(endpoint, pid)
    timings(endpoint)
