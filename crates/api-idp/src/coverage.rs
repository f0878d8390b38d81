//! Keeps the README's coverage table true: every operation is listed once, and "served"
//! exactly when the dispatcher serves it.

use crate::{dispatch::dispatch, ApiError, Auth, Operation};
use cognate_core::crypto::{generate_master_key_b64, MasterKey};
use cognate_core::outbox::FileOutbox;
use cognate_core::password::PasswordHasher;
use cognate_core::{Cognate, ServiceConfig};
use std::collections::HashMap;
use std::sync::Arc;

#[tokio::test]
async fn readme_coverage_table_matches_the_dispatcher() {
    let readme = include_str!("../../../README.md");
    let table: HashMap<&str, &str> = readme
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            (cells.len() == 3 && Operation::from_name(cells[0]).is_some()).then(|| (cells[0], cells[2]))
        })
        .collect();
    assert_eq!(table.len(), Operation::ALL.len(), "every operation has one row");
    let store = cognate_store::sqlite::SqliteStore::open_in_memory().await.unwrap();
    let svc = Cognate::start(
        Arc::new(store),
        MasterKey::from_base64(&generate_master_key_b64()).unwrap(),
        PasswordHasher::with_params(1, 64, 1),
        Arc::new(FileOutbox::new(std::env::temp_dir().join("cognate-coverage-outbox.jsonl"))),
        ServiceConfig { region: "us-east-1".into(), account_id: "000000000000".into(), public_url: "http://x".into() },
    )
    .await
    .unwrap();
    for op in Operation::ALL {
        let served = !matches!(dispatch(&svc, op, &Auth::Public, Default::default()).await, Err(ApiError::NotBuilt(_)));
        let want = if served { "served" } else { "not yet" };
        assert_eq!(table[op.name()], want, "README row for {}", op.name());
    }
}
