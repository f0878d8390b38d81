"""Times `/metrics` scrapes (BENCHMARKS.md, the ≤ 10 ms target): makes POOLS pools with three
users each who sign in (so every pool has monthly active users and the counters and histograms
have rows), then scrapes SCRAPES times and prints p50/p99/max and the page's size.

Usage: metrics-scrape.py ENDPOINT ACCESS_KEY SECRET_KEY [POOLS=100] [SCRAPES=50]
(boto3 from the test venv: $CARGO_TARGET_DIR/client-venv/bin/python)
"""
import sys
import time
import urllib.request

import boto3

endpoint, key, secret = sys.argv[1:4]
pools = int(sys.argv[4]) if len(sys.argv) > 4 else 100
scrapes = int(sys.argv[5]) if len(sys.argv) > 5 else 50
idp = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=endpoint,
                   aws_access_key_id=key, aws_secret_access_key=secret)
pw = "Scrape-Passw0rd!"
for p in range(pools):
    pool = idp.create_user_pool(PoolName=f"scrape{p}")["UserPool"]["Id"]
    client = idp.create_user_pool_client(UserPoolId=pool, ClientName="c",
                                         ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    for u in range(3):
        idp.admin_create_user(UserPoolId=pool, Username=f"u{u}", MessageAction="SUPPRESS")
        idp.admin_set_user_password(UserPoolId=pool, Username=f"u{u}", Password=pw, Permanent=True)
        idp.initiate_auth(ClientId=client, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": f"u{u}", "PASSWORD": pw})
time.sleep(1)
times = []
for _ in range(scrapes):
    t = time.perf_counter()
    body = urllib.request.urlopen(f"{endpoint}/metrics").read()
    times.append((time.perf_counter() - t) * 1000)
times.sort()
lines = body.count(b"\n")
print(f"{pools} pools: p50 {times[len(times) // 2]:.2f} ms, p99 {times[int(len(times) * 0.99) - 1]:.2f} ms, "
      f"max {times[-1]:.2f} ms; {lines} lines, {len(body)} bytes")
