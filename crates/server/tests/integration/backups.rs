//! Backups: `cognate backup` copies a running server's database while users are being created;
//! `cognate restore` puts it into a fresh data dir (after checking the master key) and a server
//! started there has every user acknowledged before the backup began. A backup does not open
//! with another master key. SQLite only (PostgreSQL is backed up with pg_dump; README).

use crate::common::*;
use std::sync::{Arc, Mutex};

fn cognate(args: &[&str]) -> std::process::Output {
    std::process::Command::new(BIN).args(args).output().expect("cognate runs")
}

#[tokio::test]
async fn a_backup_taken_under_load_restores_every_acknowledged_user() {
    if cognate_testkit::on_postgres() {
        eprintln!("skipped on PostgreSQL: backups there are pg_dump's (README)");
        return;
    }
    let mut s = server().await;
    let c = s.client();
    let pool = pool(&c).await;
    // Writers: each acknowledged user is noted with when the answer came.
    let acked: Arc<Mutex<Vec<(String, std::time::Instant)>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut writers = vec![];
    for w in 0..4 {
        let (c, pool, acked, stop) = (c.clone(), pool.clone(), acked.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let name = format!("w{w}-{i}");
                if c.admin_create_user().user_pool_id(&pool).username(&name).send().await.is_ok() {
                    acked.lock().unwrap().push((name, std::time::Instant::now()));
                }
                i += 1;
            }
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("cognate-backup.db");
    let began = std::time::Instant::now();
    let data_dir = s.data_dir.to_str().unwrap().to_string();
    let backup = tokio::task::spawn_blocking({
        let out = out.clone();
        move || cognate(&["backup", "--data-dir", &data_dir, out.to_str().unwrap()])
    })
    .await
    .unwrap();
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    let before: Vec<String> =
        acked.lock().unwrap().iter().filter(|(_, t)| *t < began).map(|(n, _)| n.clone()).collect();
    assert!(before.len() > 10, "the load ran before the backup: {}", before.len());
    // Not over a running server.
    let busy = cognate(&["restore", "--data-dir", s.data_dir.to_str().unwrap(), out.to_str().unwrap()]);
    assert!(!busy.status.success());
    assert!(
        String::from_utf8_lossy(&busy.stderr).contains("stop it first"),
        "{}",
        String::from_utf8_lossy(&busy.stderr)
    );
    assert!(s.stop().await);

    // Another master key: refused, nothing replaced.
    let fresh = tempfile::tempdir().unwrap();
    let other = fresh.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let wrong = std::process::Command::new(BIN)
        .args(["restore", "--data-dir", other.to_str().unwrap(), out.to_str().unwrap()])
        .env("COGNATE_MASTER_KEY", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
        .output()
        .unwrap();
    assert!(!wrong.status.success());
    assert!(
        String::from_utf8_lossy(&wrong.stderr).contains("master key"),
        "{}",
        String::from_utf8_lossy(&wrong.stderr)
    );
    assert!(!other.join("cognate.db").exists());

    // The backup's key beside it: restored, and every acknowledged user is there.
    let restored = fresh.path().join("restored");
    std::fs::create_dir(&restored).unwrap();
    std::fs::copy(s.data_dir.join("master.key"), restored.join("master.key")).unwrap();
    let r = cognate(&["restore", "--data-dir", restored.to_str().unwrap(), out.to_str().unwrap()]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let back = TestServer::try_start(BIN, &restored, &[]).await.expect("starts on the restored data");
    let c = back.client();
    for name in &before {
        let got = c.admin_get_user().user_pool_id(&pool).username(name).send().await;
        assert!(got.is_ok(), "{name} was acknowledged before the backup and is missing");
    }
}
