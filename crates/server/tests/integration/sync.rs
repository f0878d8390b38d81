//! Cognito Sync through boto3's cognito-sync client, signed with identities' own temporary
//! credentials (and the developer's key): sync counts, conflicts applying nothing, tombstones,
//! another identity refused, limits, deletion, devices, usage and the pool's settings; merged
//! identities' datasets move to the survivor; an identity's datasets go with it.

use crate::common::*;

async fn guest_pool(s: &TestServer) -> String {
    let admin = s.identity_client(None);
    let pool = admin
        .create_identity_pool()
        .identity_pool_name(unique("sync"))
        .allow_unauthenticated_identities(true)
        .developer_provider_name("login.sync.app")
        .send()
        .await
        .unwrap()
        .identity_pool_id;
    admin
        .set_identity_pool_roles()
        .identity_pool_id(&pool)
        .roles("unauthenticated", "arn:aws:iam::000000000000:role/Guest")
        .roles("authenticated", "arn:aws:iam::000000000000:role/Authenticated")
        .send()
        .await
        .unwrap();
    pool
}

#[tokio::test]
async fn boto3_syncs_datasets_with_an_identitys_own_credentials() {
    let Ok(python) = std::env::var("COGNATE_PYTHON") else {
        eprintln!("skipped: run ./scripts/test to install boto3");
        return;
    };
    let s = server().await;
    let pool = guest_pool(&s).await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/py/sync.py");
    let out = std::process::Command::new(python)
        .args([script, &s.endpoint, &pool, cognate_testkit::ACCESS_KEY, cognate_testkit::SECRET_KEY])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let r: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|_| panic!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["new_exists"], false);
    assert_eq!(r["written"], serde_json::json!([["lang", "fr", 1], ["theme", "dark", 1]]));
    assert_eq!(r["dataset_sync_count"], 1);
    assert_eq!(r["listed"], serde_json::json!(["lang", "theme"]));
    assert_eq!(r["stale"], "ResourceConflictException");
    assert_eq!(r["font_absent"], true, "a refused request applies nothing");
    assert_eq!(r["no_token"], "InvalidParameterException");
    assert_eq!(r["since_1"], serde_json::json!([["lang", null, 2]]), "a removal is a tombstone");
    assert_eq!(r["described"], serde_json::json!(["prefs", 1, 9]));
    assert_eq!(r["other_reads_mine"], "NotAuthorizedException");
    assert_eq!(r["other_writes_mine"], "NotAuthorizedException");
    assert_eq!(r["identity_usage"], 1);
    assert_eq!(r["21st"], "LimitExceededException");
    assert_eq!(r["datasets"], 20);
    assert_eq!(r["deleted_seen"], serde_json::json!([false, true]));
    assert_eq!(r["same_device"], true);
    assert_eq!(r["identity_denied_pool_call"], "NotAuthorizedException");
    assert_eq!(r["developer_reads"], 2);
    assert_eq!(r["pool_storage"], 9 + 19 * 2 - 2);
    assert_eq!(r["listed_pools"], true);
    assert_eq!(r["config"], serde_json::json!(["arn:aws:sns:us-east-1:000000000000:app/GCM/x", "ENABLED"]));
    assert_eq!(r["events"]["SyncTrigger"], "arn:aws:lambda:us-east-1:000000000000:function:sync");
    assert_eq!(r["bad_event"], "InvalidParameterException");
}
