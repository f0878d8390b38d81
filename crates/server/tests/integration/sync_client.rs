//! The Cognito Sync client library (`cognate-sync`) against the real server: two devices of one
//! identity edit offline, synchronize, meet a conflict, converge; removals travel; a
//! synchronize cut off by the server stopping loses nothing and the next one completes it; the
//! `cognate-sync` command line does the same from a script.

use crate::common::*;
use cognate_sync::{ConflictPolicy, Error, SyncClient};
use std::collections::HashMap;

async fn guest_pool(s: &TestServer) -> String {
    let admin = s.identity_client(None);
    let pool = admin
        .create_identity_pool()
        .identity_pool_name(unique("lib"))
        .allow_unauthenticated_identities(true)
        .send()
        .await
        .unwrap()
        .identity_pool_id;
    admin
        .set_identity_pool_roles()
        .identity_pool_id(&pool)
        .roles("unauthenticated", "arn:aws:iam::000000000000:role/Guest")
        .send()
        .await
        .unwrap();
    pool
}

#[tokio::test]
async fn two_devices_edit_offline_synchronize_and_converge() {
    let mut s = server().await;
    let pool = guest_pool(&s).await;
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = SyncClient::open(dir_a.path(), &s.endpoint, &pool, HashMap::new()).await.unwrap();
    let id = a.identity_id().await.unwrap();
    let b = SyncClient::open(dir_b.path(), &s.endpoint, &pool, HashMap::new()).await.unwrap();
    b.set_identity_id(&id).await.unwrap();

    // Offline on both: only the caches change.
    let (pa, pb) = (a.dataset("prefs"), b.dataset("prefs"));
    pa.put("theme", "dark").await.unwrap();
    pa.put("lang", "fr").await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    pb.put("theme", "light").await.unwrap();
    pb.put("font", "big").await.unwrap();
    assert_eq!(pa.get("theme").await.unwrap().as_deref(), Some("dark"));

    let r = pa.synchronize(&ConflictPolicy::LastWriterWins).await.unwrap();
    assert_eq!((r.pushed, r.conflicts), (2, 0));
    // B changed theme later: last writer wins, and B's font goes up too.
    let r = pb.synchronize(&ConflictPolicy::LastWriterWins).await.unwrap();
    assert_eq!(r.conflicts, 1, "{r:?}");
    assert_eq!(pb.get("lang").await.unwrap().as_deref(), Some("fr"), "pulled A's");
    let r = pa.synchronize(&ConflictPolicy::LastWriterWins).await.unwrap();
    assert_eq!(r.pushed, 0);
    assert_eq!(pa.get_all().await.unwrap(), pb.get_all().await.unwrap(), "converged");
    assert_eq!(pa.get("theme").await.unwrap().as_deref(), Some("light"));

    // Removals travel; RemoteWins keeps the server's value against a local edit.
    pa.remove("lang").await.unwrap();
    pa.synchronize(&ConflictPolicy::LastWriterWins).await.unwrap();
    pb.put("font", "small").await.unwrap();
    pa.put("font", "huge").await.unwrap();
    pa.synchronize(&ConflictPolicy::LastWriterWins).await.unwrap();
    pb.synchronize(&ConflictPolicy::RemoteWins).await.unwrap();
    assert_eq!(pb.get("lang").await.unwrap(), None);
    assert_eq!(pb.get("font").await.unwrap().as_deref(), Some("huge"));
    assert!(pb.pending().await.unwrap().is_empty());

    // Cut off: the server stops; the change stays pending, and the next synchronize (the
    // server back, on another port) completes it.
    pb.put("offline", "yes").await.unwrap();
    assert!(s.stop().await);
    let e = pb.synchronize(&ConflictPolicy::LastWriterWins).await.unwrap_err();
    assert!(matches!(e, Error::Unreachable(_)), "{e}");
    assert_eq!(pb.pending().await.unwrap().len(), 1, "nothing lost");
    s.restart_after_stop().await;
    let b = SyncClient::open(dir_b.path(), &s.endpoint, &pool, HashMap::new()).await.unwrap();
    assert_eq!(b.identity_id().await.unwrap(), id, "the identity id is cached");
    b.dataset("prefs").synchronize(&ConflictPolicy::LastWriterWins).await.unwrap();
    let a = SyncClient::open(dir_a.path(), &s.endpoint, &pool, HashMap::new()).await.unwrap();
    a.dataset("prefs").synchronize(&ConflictPolicy::LastWriterWins).await.unwrap();
    assert_eq!(a.dataset("prefs").get("offline").await.unwrap().as_deref(), Some("yes"));
    assert_eq!(a.dataset("prefs").get_all().await.unwrap(), b.dataset("prefs").get_all().await.unwrap());
    assert_eq!(a.remote_datasets().await.unwrap(), ["prefs"]);

    // The command line, as a script would use it.
    let cli = std::path::Path::new(BIN).with_file_name("cognate-sync");
    if !cli.exists() {
        eprintln!("skipped the command line: build the workspace (cargo test --workspace)");
        return;
    }
    let dir_c = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(&cli)
            .args(["--endpoint", &s.endpoint, "--identity-pool", &pool, "--cache", dir_c.path().to_str().unwrap()])
            .args(["--identity-id", &id])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    run(&["put", "prefs", "cli", "was here"]);
    assert!(run(&["sync", "prefs"]).contains("synchronized prefs"));
    assert_eq!(run(&["get", "prefs", "theme"]).trim(), "light");
    a.dataset("prefs").synchronize(&ConflictPolicy::LastWriterWins).await.unwrap();
    assert_eq!(a.dataset("prefs").get("cli").await.unwrap().as_deref(), Some("was here"));
}

#[tokio::test]
async fn devices_on_two_nodes_converge() {
    let Some((a, b, _)) = crate::multinode::nodes().await else { return };
    let pool = guest_pool(&a).await;
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let on_a = SyncClient::open(dir_a.path(), &a.endpoint, &pool, HashMap::new()).await.unwrap();
    let id = on_a.identity_id().await.unwrap();
    let on_b = SyncClient::open(dir_b.path(), &b.endpoint, &pool, HashMap::new()).await.unwrap();
    on_b.set_identity_id(&id).await.unwrap();
    let (pa, pb) = (on_a.dataset("notes"), on_b.dataset("notes"));
    for i in 0..20 {
        pa.put(&format!("a{i}"), "from a").await.unwrap();
        pb.put(&format!("b{i}"), "from b").await.unwrap();
    }
    pa.put("shared", "a").await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    pb.put("shared", "b").await.unwrap();
    // Both push at once, each to its own node: one meets the other's count and merges.
    let (ra, rb) =
        tokio::join!(pa.synchronize(&ConflictPolicy::LastWriterWins), pb.synchronize(&ConflictPolicy::LastWriterWins));
    ra.unwrap();
    rb.unwrap();
    pa.synchronize(&ConflictPolicy::LastWriterWins).await.unwrap();
    pb.synchronize(&ConflictPolicy::LastWriterWins).await.unwrap();
    let all = pa.get_all().await.unwrap();
    assert_eq!(all, pb.get_all().await.unwrap(), "converged across nodes");
    assert_eq!(all.len(), 41);
    assert_eq!(pa.get("shared").await.unwrap().as_deref(), Some("b"), "the later write");
}

/// aws-sdk-cognitosync signed with the admin key: the developer.
fn developer(s: &TestServer) -> aws_sdk_cognitosync::Client {
    let conf = aws_sdk_cognitosync::Config::builder()
        .behavior_version(aws_sdk_cognitosync::config::BehaviorVersion::latest())
        .region(aws_sdk_cognitosync::config::Region::new("us-east-1"))
        .endpoint_url(&s.endpoint)
        .credentials_provider(aws_sdk_cognitosync::config::Credentials::new(
            cognate_testkit::ACCESS_KEY,
            cognate_testkit::SECRET_KEY,
            None,
            None,
            "test",
        ))
        .build();
    aws_sdk_cognitosync::Client::from_conf(conf)
}

#[tokio::test]
async fn the_sync_trigger_sees_each_update_and_may_change_it() {
    use cognate_testkit::lambda::{arn, Answer, LambdaServer};
    use serde_json::{json, Value};
    let lambda = LambdaServer::start().await;
    let s = TestServer::start_with(BIN, &[("COGNATE_LAMBDA_ENDPOINT", &lambda.endpoint)]).await;
    let pool = guest_pool(&s).await;
    // The developer sets the pool's SyncTrigger (SetCognitoEvents, signed with the admin key).
    let dev = developer(&s);
    dev.set_cognito_events().identity_pool_id(&pool).events("SyncTrigger", arn("sync")).send().await.unwrap();
    // The function upper-cases names, turns `secret` into a removal, and fails on `boom`.
    lambda.on(&arn("sync"), |e| {
        let mut e = e.clone();
        if e["datasetRecords"].get("boom").is_some() {
            return Answer::Error("no booms".into());
        }
        let records = e["datasetRecords"].as_object_mut().unwrap();
        if let Some(r) = records.get_mut("name") {
            r["newValue"] = Value::String(r["newValue"].as_str().unwrap_or("").to_uppercase());
        }
        if let Some(r) = records.get_mut("secret") {
            r["op"] = json!("remove");
        }
        Answer::Event(e)
    });

    let dir = tempfile::tempdir().unwrap();
    let a = SyncClient::open(dir.path(), &s.endpoint, &pool, HashMap::new()).await.unwrap();
    let id = a.identity_id().await.unwrap();
    let prefs = a.dataset("prefs");
    prefs.put("name", "ada").await.unwrap();
    prefs.put("secret", "hunter2").await.unwrap();
    prefs.synchronize(&ConflictPolicy::LastWriterWins).await.unwrap();
    let e = lambda.events(&arn("sync")).pop().unwrap();
    assert_eq!(
        (e["version"].as_i64(), e["eventType"].as_str(), e["region"].as_str()),
        (Some(2), Some("SyncTrigger"), Some("us-east-1"))
    );
    assert_eq!((e["identityPoolId"].as_str(), e["identityId"].as_str()), (Some(pool.as_str()), Some(id.as_str())));
    assert_eq!(e["datasetName"], "prefs");
    assert_eq!(e["datasetRecords"]["name"], json!({ "oldValue": null, "newValue": "ada", "op": "replace" }));

    // What the function returned is what the server keeps: another device sees it.
    let dir_b = tempfile::tempdir().unwrap();
    let b = SyncClient::open(dir_b.path(), &s.endpoint, &pool, HashMap::new()).await.unwrap();
    b.set_identity_id(&id).await.unwrap();
    let pb = b.dataset("prefs");
    pb.synchronize(&ConflictPolicy::LastWriterWins).await.unwrap();
    assert_eq!(pb.get("name").await.unwrap().as_deref(), Some("ADA"));
    assert_eq!(pb.get("secret").await.unwrap(), None);

    // The next change shows the old value; a function error refuses the whole update.
    pb.put("name", "grace").await.unwrap();
    pb.synchronize(&ConflictPolicy::LastWriterWins).await.unwrap();
    let e = lambda.events(&arn("sync")).pop().unwrap();
    assert_eq!(e["datasetRecords"]["name"]["oldValue"], "ADA");
    pb.put("boom", "1").await.unwrap();
    match pb.synchronize(&ConflictPolicy::LastWriterWins).await {
        Err(Error::Service { code, message }) => {
            assert_eq!(code, "InvalidLambdaFunctionOutputException");
            assert_eq!(message, "SyncTrigger failed with error no booms.");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn streams_bulk_publish_and_push_reach_their_sinks() {
    use aws_sdk_cognitosync::types::{CognitoStreams, PushSync, StreamingStatus};
    use serde_json::Value;
    let streams = tempfile::tempdir().unwrap();
    let hook = cognate_testkit::WebhookSink::start(200).await;
    let dir = streams.path().to_str().unwrap().to_string();
    let s =
        TestServer::start_with(BIN, &[("COGNATE_SYNC_STREAM_SINK", &dir), ("COGNATE_SYNC_PUSH_WEBHOOK", &hook.url)])
            .await;
    let pool = guest_pool(&s).await;
    let dev = developer(&s);
    // BulkPublish needs a stream.
    let e = dev.bulk_publish().identity_pool_id(&pool).send().await.unwrap_err();
    assert_eq!(e.into_service_error().meta().code(), Some("InvalidParameterException"));
    dev.set_identity_pool_configuration()
        .identity_pool_id(&pool)
        .cognito_streams(
            CognitoStreams::builder()
                .stream_name("prefs-stream")
                .role_arn("arn:aws:iam::000000000000:role/Streams")
                .streaming_status(StreamingStatus::Enabled)
                .build(),
        )
        .push_sync(PushSync::builder().application_arns("arn:aws:sns:us-east-1:000000000000:app/GCM/app").build())
        .send()
        .await
        .unwrap();

    let cache = tempfile::tempdir().unwrap();
    let a = SyncClient::open(cache.path(), &s.endpoint, &pool, HashMap::new()).await.unwrap();
    let id = a.identity_id().await.unwrap();
    // Another device of the identity subscribes to the dataset.
    let device = dev
        .register_device()
        .identity_pool_id(&pool)
        .identity_id(&id)
        .platform(aws_sdk_cognitosync::types::Platform::Gcm)
        .token("gcm-token-1")
        .send()
        .await
        .unwrap()
        .device_id
        .unwrap();
    dev.subscribe_to_dataset()
        .identity_pool_id(&pool)
        .identity_id(&id)
        .dataset_name("prefs")
        .device_id(&device)
        .send()
        .await
        .unwrap();

    let prefs = a.dataset("prefs");
    prefs.put("theme", "dark").await.unwrap();
    prefs.synchronize(&ConflictPolicy::LastWriterWins).await.unwrap();
    let file = streams.path().join("prefs-stream.jsonl");
    let read = |n: usize| {
        let file = file.clone();
        async move {
            for _ in 0..200 {
                let lines: Vec<Value> = std::fs::read_to_string(&file)
                    .unwrap_or_default()
                    .lines()
                    .map(|l| serde_json::from_str(l).unwrap())
                    .collect();
                if lines.len() >= n {
                    return lines;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            panic!("fewer than {n} stream records");
        }
    };
    let r = read(1).await.remove(0);
    assert_eq!((r["identityPoolId"].as_str(), r["identityId"].as_str()), (Some(pool.as_str()), Some(id.as_str())));
    assert_eq!((r["dataSetName"].as_str(), r["operation"].as_str()), (Some("prefs"), Some("replace")));
    assert_eq!((r["payloadType"].as_str(), r["syncCount"].as_i64()), (Some("Inline"), Some(1)));
    let k = &r["kinesisSyncRecords"][0];
    assert_eq!(
        (k["key"].as_str(), k["value"].as_str(), k["op"].as_str()),
        (Some("theme"), Some("dark"), Some("replace"))
    );
    assert!(k["lastModifiedDate"].as_i64().unwrap() > 0);
    // The subscribed device is notified.
    for _ in 0..200 {
        if !hook.bodies().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let n = hook.bodies().remove(0);
    assert_eq!((n["platform"].as_str(), n["token"].as_str()), (Some("GCM"), Some("gcm-token-1")));
    assert_eq!((n["data"]["datasetName"].as_str(), n["data"]["syncCount"].as_i64()), (Some("prefs"), Some(1)));

    // BulkPublish: every dataset once more, then GetBulkPublishDetails says it is done; a
    // second one the same day is refused.
    a.dataset("other").put("k", "v").await.unwrap();
    a.dataset("other").synchronize(&ConflictPolicy::LastWriterWins).await.unwrap();
    read(2).await;
    dev.bulk_publish().identity_pool_id(&pool).send().await.unwrap();
    let lines = read(4).await;
    let published: Vec<&str> = lines[2..].iter().map(|l| l["dataSetName"].as_str().unwrap()).collect();
    assert_eq!(published, ["other", "prefs"]);
    let mut status = None;
    for _ in 0..100 {
        let d = dev.get_bulk_publish_details().identity_pool_id(&pool).send().await.unwrap();
        status = d.bulk_publish_status().map(|s| s.as_str().to_string());
        if status.as_deref() == Some("SUCCEEDED") {
            assert!(d.bulk_publish_complete_time().is_some());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status.as_deref(), Some("SUCCEEDED"));
    let e = dev.bulk_publish().identity_pool_id(&pool).send().await.unwrap_err();
    assert_eq!(e.into_service_error().meta().code(), Some("AlreadyStreamedException"));

    // Deleting a dataset is published as `remove`.
    dev.delete_dataset().identity_pool_id(&pool).identity_id(&id).dataset_name("other").send().await.unwrap();
    let last = read(5).await.pop().unwrap();
    assert_eq!((last["dataSetName"].as_str(), last["operation"].as_str()), (Some("other"), Some("remove")));
}

/// `cognate_requests_total` of cognito-sync's `op` from `/metrics`.
async fn sync_calls(s: &TestServer, op: &str) -> u64 {
    let m = s.http().get(format!("{}/metrics", s.endpoint)).send().await.unwrap().text().await.unwrap();
    m.lines()
        .filter(|l| l.starts_with("cognate_requests_total{") && l.contains(&format!("operation=\"{op}\"")))
        .filter(|l| l.contains("api=\"cognito-sync\""))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

#[tokio::test]
async fn a_one_megabyte_dataset_synchronizes_in_one_round_trip_per_page() {
    let s = server().await;
    let pool = guest_pool(&s).await;
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = SyncClient::open(dir_a.path(), &s.endpoint, &pool, HashMap::new()).await.unwrap();
    let id = a.identity_id().await.unwrap();
    let big = a.dataset("big");
    // 1,000 records of 1,000 bytes: just under the 1 MB limit (keys and values counted).
    for i in 0..1000 {
        big.put(&format!("k{i:04}"), &"x".repeat(995)).await.unwrap();
    }
    let started = std::time::Instant::now();
    let r = big.synchronize(&ConflictPolicy::LastWriterWins).await.unwrap();
    let push = started.elapsed();
    assert_eq!(r.pushed, 1000);
    assert_eq!((sync_calls(&s, "ListRecords").await, sync_calls(&s, "UpdateRecords").await), (1, 1));

    let b = SyncClient::open(dir_b.path(), &s.endpoint, &pool, HashMap::new()).await.unwrap();
    b.set_identity_id(&id).await.unwrap();
    let started = std::time::Instant::now();
    b.dataset("big").synchronize(&ConflictPolicy::LastWriterWins).await.unwrap();
    let pull = started.elapsed();
    assert_eq!(b.dataset("big").get_all().await.unwrap().len(), 1000);
    // The other device pulls the megabyte in one ListRecords page, and has nothing to push.
    assert_eq!((sync_calls(&s, "ListRecords").await, sync_calls(&s, "UpdateRecords").await), (2, 1));
    eprintln!("1 MB dataset (debug build): push {push:?}, pull {pull:?}");
}
