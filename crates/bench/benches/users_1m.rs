//! One pool with 1,000,000 users in the SQLite store (WAL, synchronous=FULL as the server runs
//! it): ListUsers `email ^= "…"` and the AdminGetUser read, p50/p99 over random keys, and the
//! store size per user. Users are realistic: six attributes, an argon2id PHC string and a sealed
//! SRP verifier (the two largest fields).
//! Run: `cargo bench -p cognate-bench --bench users_1m` (USERS=… to change the count).

use cognate_model::{now_millis, PoolSettings, User, UserPool, UserPoolId, UserStatus};
use cognate_store::sqlite::SqliteStore;
use cognate_store::{FilterColumn, PoolStore, UserFilter, UserStore};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::ConnectOptions;
use std::time::{Duration, Instant};

fn pct(v: &mut [Duration], p: f64) -> f64 {
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3
}

/// A cheap deterministic generator (no dependency): SplitMix64.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
}

fn main() {
    let n: usize = std::env::var("USERS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(run(n));
}

async fn run(n: usize) {
    // KEEP_DIR=/some/dir keeps the database there (a data dir `cognate serve` can open, to
    // measure the same through the API with `cognate-bench --existing-pool`).
    let tmp = tempfile::tempdir().unwrap();
    let dir_path = std::env::var("KEEP_DIR").map(std::path::PathBuf::from).unwrap_or_else(|_| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir_path).unwrap();
    let path = dir_path.join("cognate.db");
    let store = SqliteStore::open(&path).await.unwrap();
    let pool = UserPool {
        id: UserPoolId::new("us-east-1_Bench1M00"),
        name: "bench".into(),
        created_at: 1,
        updated_at: 1,
        settings: PoolSettings::default(),
    };
    store.create_pool(&pool).await.unwrap();
    // Bulk load on a side connection (the store's own path is one transaction per user, the
    // rate of an fsync; loading a million that way would take an hour).
    let started = Instant::now();
    let mut conn = SqliteConnectOptions::new().filename(&path).connect().await.unwrap();
    let phc = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$J5mxO8ZqfVvz0S3sP2cH0n8qzXk1C8b7xq0ZfQhKx2E";
    // A sealed SRP verifier as the server stores it (16-byte salt + 3072-bit v, binary, sealed,
    // base64): 579 characters.
    let verifier = format!("v1:{}", "A".repeat(576));
    let mut rng = Rng(42);
    for chunk in (0..n).collect::<Vec<_>>().chunks(20_000) {
        let mut tx = sqlx::Connection::begin(&mut conn).await.unwrap();
        for &i in chunk {
            let name = format!("user{i:07}");
            let email = format!("{name}.{:04x}@example.com", rng.next() & 0xffff);
            let attrs = serde_json::json!([
                ["email", email],
                ["email_verified", "true"],
                ["name", format!("User {i}")],
                ["given_name", "User"],
                ["family_name", format!("Number{i}")],
                ["phone_number", format!("+1555{i:07}")]
            ]);
            sqlx::query(
                "INSERT INTO users (pool_id, username_key, username, sub, status, enabled, attributes, password_hash, \
                 password_set_at, tokens_valid_after, created_at, updated_at, version, mfa, srp_verifier, pending_attributes, \
                 email, phone_number, name, given_name, family_name, preferred_username) \
                 VALUES ($1, $2, $3, $4, 'CONFIRMED', 1, $5, $6, 1, 0, 1, 1, 1, '{}', $7, '[]', $8, $9, $10, 'User', $11, NULL)",
            )
            .bind(pool.id.as_str())
            .bind(&name)
            .bind(&name)
            .bind(format!("{:016x}-{:016x}", rng.next(), i))
            .bind(attrs.to_string())
            .bind(phc)
            .bind(&verifier)
            .bind(&email)
            .bind(format!("+1555{i:07}"))
            .bind(format!("User {i}"))
            .bind(format!("Number{i}"))
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
    }
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut conn).await.unwrap();
    // Where the bytes are (SQLite's dbstat table, when the library has it).
    let parts: Result<Vec<(String, i64)>, _> =
        sqlx::query_as("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetch_all(&mut conn).await;
    if let Ok(parts) = parts {
        for (name, bytes) in parts.iter().take(14) {
            println!("  {name:<28} {:>8.1} MiB = {:>5} bytes per user", *bytes as f64 / 1048576.0, bytes / n as i64);
        }
    }
    drop(conn);
    println!("loaded {n} users in {:.1} s", started.elapsed().as_secs_f64());
    let size = std::fs::metadata(&path).unwrap().len()
        + std::fs::metadata(dir_path.join("cognate.db-wal")).map(|m| m.len()).unwrap_or(0);
    println!("store size: {:.1} MiB = {:.0} bytes per user", size as f64 / 1048576.0, size as f64 / n as f64);

    // ListUsers email ^= "userNNNN" (about 100 matches; a page of 60), as the API runs it.
    let mut lat = vec![];
    let mut found = 0;
    for _ in 0..2000 {
        let prefix = format!("user{:04}", rng.next() % (n as u64 / 1000).max(1));
        let t = Instant::now();
        let page =
            store.list_users(&pool.id, &UserFilter::Prefix(FilterColumn::Email, prefix), None, 60).await.unwrap();
        lat.push(t.elapsed());
        found += page.users.len();
    }
    println!(
        "ListUsers email ^= prefix, page of 60: p50 {:.2} ms, p99 {:.2} ms ({} users per page on average)",
        pct(&mut lat, 0.5),
        pct(&mut lat, 0.99),
        found / 2000
    );
    // The AdminGetUser read.
    let mut lat = vec![];
    for _ in 0..20_000 {
        let key = format!("user{:07}", rng.next() % n as u64);
        let t = Instant::now();
        let u: Option<User> = store.get_user(&pool.id, &key).await.unwrap();
        lat.push(t.elapsed());
        assert!(u.is_some_and(|u| u.status == UserStatus::Confirmed));
    }
    println!("AdminGetUser read: p50 {:.3} ms, p99 {:.3} ms", pct(&mut lat, 0.5), pct(&mut lat, 0.99));
    let _ = now_millis();
}
