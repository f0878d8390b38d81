//! A service on an in-memory store with cheap password hashing, for unit tests here and in the
//! API crates (admin logic is testable without a server).

use crate::crypto::{generate_master_key_b64, MasterKey};
use crate::outbox::FileOutbox;
use crate::password::PasswordHasher;
use crate::principal::AdminKeys;
use crate::{Cognate, ServiceConfig};
use std::sync::Arc;

/// The admin key [`service`] accepts.
pub const ADMIN_KEY: (&str, &str) = ("AKIATESTADMIN0000001", "test-admin-secret");

/// A fresh service: in-memory SQLite, argon2 at its cheapest, messages to a temp file,
/// issuer `http://issuer/{poolId}`, region `us-east-1`, account `000000000000`.
pub async fn service() -> Cognate {
    let store = cognate_store::sqlite::SqliteStore::open_in_memory().await.expect("in-memory store");
    let outbox = std::env::temp_dir().join(format!("cognate-test-outbox-{}.jsonl", uuid::Uuid::new_v4()));
    Cognate::start(
        Arc::new(store),
        MasterKey::from_base64(&generate_master_key_b64()).expect("fresh master key"),
        PasswordHasher::with_params(1, 64, 1),
        Arc::new(FileOutbox::new(outbox)),
        ServiceConfig {
            region: "us-east-1".into(),
            account_id: "000000000000".into(),
            public_url: "http://issuer".into(),
            admin_keys: AdminKeys::new([(ADMIN_KEY.0.to_string(), ADMIN_KEY.1.to_string())]),
            social_endpoints: Default::default(),
            change_log_retention_days: 7,
            lambda_timeout_ms: 5_000,
            code_encryption_key: None,
            auth_event_retention_days: 90,
        },
    )
    .await
    .expect("service starts")
}
