//! User import against the store's raw insert rate (issue: import ≥ 0.8× the raw rate for
//! users without passwords), on SQLite on disk (WAL, synchronous=FULL, as the server runs it).
//! Raw: prebuilt `User`s (email, email_verified, name; RESET_REQUIRED, no password) through the
//! store's bulk insert, 1,000 a transaction, the same batches an import uses. Import: the same
//! users as a Cognito CSV through `Cognate::import_users_file` (what `cognate users import`
//! and an import job run: parse, Cognito's row rules, the bulk insert) into a fresh database.
//! Then every imported user is listed (ListUsers' store path, 60 a page).
//! Run: `cargo bench -p cognate-bench --bench import_1m` (USERS=… to change the count).

use cognate_core::crypto::{generate_master_key_b64, MasterKey};
use cognate_core::outbox::FileOutbox;
use cognate_core::password::PasswordHasher;
use cognate_core::principal::AdminKeys;
use cognate_core::{Cognate, ServiceConfig};
use cognate_model::{now_millis, PoolSettings, User, UserPool, UserPoolId, UserStatus};
use cognate_store::sqlite::SqliteStore;
use cognate_store::{JobStore, PoolStore, Store, UserFilter};
use std::sync::Arc;
use std::time::Instant;

fn pool() -> UserPool {
    UserPool {
        id: UserPoolId::new("us-east-1_Import1M0"),
        name: "import".into(),
        created_at: 1,
        updated_at: 1,
        settings: PoolSettings {
            schema: cognate_core::attributes::standard_schema(),
            auto_verified_attributes: vec!["email".into()],
            alias_attributes: vec!["email".into()],
            ..Default::default()
        },
    }
}

fn main() {
    let n: usize = std::env::var("USERS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(run(n));
}

async fn run(n: usize) {
    let base = std::env::var("BENCH_DIR").map(std::path::PathBuf::from).unwrap_or_else(|_| std::env::temp_dir());
    let tmp = tempfile::tempdir_in(base).unwrap();
    let p = pool();

    // Raw: the store's bulk insert of prebuilt users.
    let raw_store = SqliteStore::open(&tmp.path().join("raw.db")).await.unwrap();
    raw_store.create_pool(&p).await.unwrap();
    let mut raw_secs = 0.0;
    for start in (0..n).step_by(1000) {
        let batch: Vec<(User, Vec<String>)> = (start..(start + 1000).min(n))
            .map(|i| {
                let email = format!("user{i:07}@example.com");
                let attrs = vec![
                    ("email".to_string(), email.clone()),
                    ("email_verified".to_string(), "true".to_string()),
                    ("name".to_string(), format!("User, number {i}")),
                ];
                let sub = uuid::Uuid::new_v4().to_string(); // random, as every user's sub is
                let u = User::new(
                    p.id.clone(),
                    format!("user{i:07}"),
                    format!("user{i:07}"),
                    sub,
                    UserStatus::ResetRequired,
                    attrs,
                    now_millis(),
                );
                (u, vec![format!("email:{email}")])
            })
            .collect();
        let t = Instant::now();
        let r = raw_store.create_users(&batch).await.unwrap();
        raw_secs += t.elapsed().as_secs_f64();
        assert!(r.iter().all(|x| x.is_ok()));
    }
    raw_store.close().await;
    let raw_rate = n as f64 / raw_secs;
    println!("raw bulk insert: {n} users in {raw_secs:.1} s = {raw_rate:.0} users/s");

    // Import: the same users as a Cognito CSV, into a fresh database.
    let store = SqliteStore::open(&tmp.path().join("import.db")).await.unwrap();
    store.create_pool(&p).await.unwrap();
    let store: Arc<dyn Store> = Arc::new(store);
    let master = MasterKey::from_base64(&generate_master_key_b64()).unwrap();
    let svc = Cognate::start(
        store.clone(),
        master,
        PasswordHasher::new(1),
        Arc::new(FileOutbox::new(tmp.path().join("outbox.jsonl"))),
        ServiceConfig {
            region: "us-east-1".into(),
            account_id: "000000000000".into(),
            public_url: "http://127.0.0.1:9229".into(),
            admin_keys: AdminKeys::new(Vec::<(String, String)>::new()),
            social_endpoints: Default::default(),
            change_log_retention_days: 7,
            lambda_timeout_ms: 5_000,
            code_encryption_key: None,
            auth_event_retention_days: 90,
        },
    )
    .await
    .unwrap();
    let header = "name,given_name,family_name,middle_name,nickname,preferred_username,profile,picture,website,email,email_verified,gender,birthdate,zoneinfo,locale,phone_number,phone_number_verified,address,updated_at,cognito:mfa_enabled,cognito:username";
    let mut csv = String::with_capacity(n * 80);
    csv.push_str(header);
    csv.push('\n');
    for i in 0..n {
        csv.push_str(&format!("\"User, number {i}\",,,,,,,,,user{i:07}@example.com,true,,,,,,,,,false,user{i:07}\n"));
    }
    let t = Instant::now();
    let r = svc.import_users_file(Some(&p.id), csv.as_bytes(), None, &mut |_, _| {}).await.unwrap();
    let import_secs = t.elapsed().as_secs_f64();
    assert_eq!((r.imported as usize, r.failed), (n, 0));
    let import_rate = n as f64 / import_secs;
    println!(
        "import (CSV → rules → bulk insert): {n} users in {import_secs:.1} s = {import_rate:.0} users/s; {:.2}× the raw rate",
        import_rate / raw_rate
    );

    // Every imported user, listed.
    let t = Instant::now();
    let (mut after, mut listed) = (None, 0usize);
    loop {
        let page = store.list_users(&p.id, &UserFilter::All, after.as_ref(), 60).await.unwrap();
        listed += page.users.len();
        match page.next {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    assert_eq!(listed, n);
    println!("listed {listed} users, 60 a page, in {:.1} s", t.elapsed().as_secs_f64());
    let size = std::fs::metadata(tmp.path().join("import.db")).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(tmp.path().join("import.db-wal")).map(|m| m.len()).unwrap_or(0);
    println!("database: {:.0} bytes a user (with the change log)", size as f64 / n as f64);
    svc.close().await;
}
