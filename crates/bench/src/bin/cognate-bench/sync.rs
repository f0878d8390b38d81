//! Cognito Sync, signed with a guest identity's own temporary credentials: `sync-update`
//! (UpdateRecords of 10 records; each worker its own dataset, patching with the counts the
//! previous answer gave) and `sync-list` (ListRecords of a 10-record dataset from count 0).

use crate::{drive, err, Measured};
use aws_sdk_cognitosync as cs;
use std::sync::Arc;
use tokio::sync::Mutex;

fn sync_client(endpoint: &str, (k, s, t): (String, String, Option<String>)) -> cs::Client {
    let conf = cs::Config::builder()
        .behavior_version(cs::config::BehaviorVersion::latest())
        .region(cs::config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(cs::config::Credentials::new(k, s, t, None, "cognate-bench"))
        .retry_config(cs::config::retry::RetryConfig::disabled())
        .build();
    cs::Client::from_conf(conf)
}

fn patches(counts: &[i64; 10], round: u64) -> Vec<cs::types::RecordPatch> {
    (0..10)
        .map(|i| {
            cs::types::RecordPatch::builder()
                .op(cs::types::Operation::Replace)
                .key(format!("k{i}"))
                .value(format!("value {round} of record {i}"))
                .sync_count(counts[i])
                .build()
                .expect("a patch")
        })
        .collect()
}

/// Runs one of this file's scenarios; `None` for other names.
pub async fn run(name: &str, endpoint: &str, secs: u64, conc: usize, pid: Option<u32>) -> Option<Measured> {
    if !matches!(name, "sync-update" | "sync-list") {
        return None;
    }
    let (k, s) = (
        std::env::var("AWS_ACCESS_KEY_ID").unwrap_or_else(|_| "x".into()),
        std::env::var("AWS_SECRET_ACCESS_KEY").unwrap_or_else(|_| "x".into()),
    );
    let admin = cognate_testkit::identity_client_at(endpoint, (&k, &s, None));
    let pool = admin
        .create_identity_pool()
        .identity_pool_name("syncbench")
        .allow_unauthenticated_identities(true)
        .send()
        .await
        .expect("CreateIdentityPool")
        .identity_pool_id;
    admin
        .set_identity_pool_roles()
        .identity_pool_id(&pool)
        .roles("unauthenticated", "arn:aws:iam::000000000000:role/Guest")
        .send()
        .await
        .expect("SetIdentityPoolRoles");
    let id = admin.get_id().identity_pool_id(&pool).send().await.expect("GetId").identity_id.unwrap();
    let c = admin.get_credentials_for_identity().identity_id(&id).send().await.expect("credentials");
    let c = c.credentials.unwrap();
    let client = sync_client(endpoint, (c.access_key_id.unwrap(), c.secret_key.unwrap(), c.session_token));
    // One dataset per worker, ten records each, and the session token to write it.
    let mut workers = vec![];
    for w in 0..conc.max(1) {
        let name = format!("bench{w}");
        let token = client
            .list_records()
            .identity_pool_id(&pool)
            .identity_id(&id)
            .dataset_name(&name)
            .send()
            .await
            .expect("ListRecords")
            .sync_session_token
            .unwrap();
        let out = client
            .update_records()
            .identity_pool_id(&pool)
            .identity_id(&id)
            .dataset_name(&name)
            .sync_session_token(&token)
            .set_record_patches(Some(patches(&[0; 10], 0)))
            .send()
            .await
            .expect("UpdateRecords");
        let mut counts = [0i64; 10];
        for r in out.records() {
            let i: usize = r.key.as_deref().unwrap_or("k0")[1..].parse().unwrap_or(0);
            counts[i] = r.sync_count.unwrap_or(0);
        }
        workers.push(Arc::new(Mutex::new((name, token, counts))));
    }
    let workers = Arc::new(workers);
    Some(if name == "sync-update" {
        drive(secs, conc, pid, move |t, round| {
            let (c, pool, id, w) = (client.clone(), pool.clone(), id.clone(), workers[t % workers.len()].clone());
            async move {
                let mut w = w.lock().await;
                let out = c
                    .update_records()
                    .identity_pool_id(pool)
                    .identity_id(id)
                    .dataset_name(&w.0)
                    .sync_session_token(&w.1)
                    .set_record_patches(Some(patches(&w.2, round + 1)))
                    .send()
                    .await
                    .map_err(err)?;
                for r in out.records() {
                    let i: usize = r.key.as_deref().unwrap_or("k0")[1..].parse().unwrap_or(0);
                    w.2[i] = r.sync_count.unwrap_or(0);
                }
                Ok(())
            }
        })
        .await
    } else {
        drive(secs, conc, pid, move |t, _| {
            let (c, pool, id, w) = (client.clone(), pool.clone(), id.clone(), workers[t % workers.len()].clone());
            async move {
                let name = w.lock().await.0.clone();
                let out = c
                    .list_records()
                    .identity_pool_id(pool)
                    .identity_id(id)
                    .dataset_name(name)
                    .last_sync_count(0)
                    .send()
                    .await
                    .map_err(err)?;
                if out.records().len() != 10 {
                    return Err(format!("ListRecords gave {} records", out.records().len()));
                }
                Ok(())
            }
        })
        .await
    })
}
