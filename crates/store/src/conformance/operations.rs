//! Conformance of the operations features: pool jobs, the bulk user insert, the change log.

use super::{pool, user};
use crate::{PoolJob, Store, StoreError};
use cognate_model::UserPoolId;

/// Pool jobs: versioned documents (a stale version loses), listing in creation order with a
/// cursor, an upload kept and removed; the bulk insert refuses taken names and keys one by one.
pub async fn jobs(store: &dyn Store) {
    let p = pool("jobs");
    store.create_pool(&p).await.unwrap();
    let mk = |id: &str, at: i64| PoolJob {
        pool_id: p.id.clone(),
        job_id: id.into(),
        kind: "import".into(),
        created_at: at,
        version: 1,
        document: format!("{{\"n\":\"{id}\"}}"),
    };
    for (i, id) in ["import-b", "import-a", "import-c"].iter().enumerate() {
        store.create_job(&mk(id, 10 + i as i64)).await.unwrap();
    }
    assert!(matches!(store.create_job(&mk("import-a", 5)).await, Err(StoreError::Conflict(_))));
    let mut orphan = mk("import-x", 1);
    orphan.pool_id = UserPoolId::new("us-east-1_nopool");
    assert!(matches!(store.create_job(&orphan).await, Err(StoreError::NotFound)));
    let all = store.list_jobs(&p.id, "import", None, 10).await.unwrap();
    assert_eq!(all.iter().map(|j| j.job_id.as_str()).collect::<Vec<_>>(), ["import-b", "import-a", "import-c"]);
    let page = store.list_jobs(&p.id, "import", Some("import-b"), 1).await.unwrap();
    assert_eq!(page[0].job_id, "import-a");
    assert!(store.list_jobs(&p.id, "restore", None, 10).await.unwrap().is_empty());
    let mut j = store.get_job(&p.id, "import-a").await.unwrap().unwrap();
    j.document = "{}".into();
    assert!(store.update_job(&j).await.unwrap());
    assert!(!store.update_job(&j).await.unwrap(), "a stale version loses");
    let j = store.get_job(&p.id, "import-a").await.unwrap().unwrap();
    assert_eq!((j.version, j.document.as_str()), (2, "{}"));
    assert!(store.jobs_of_kind("import").await.unwrap().iter().any(|x| x.job_id == "import-c"));
    assert_eq!(store.job_upload(&p.id, "import-a").await.unwrap(), None);
    store.put_job_upload(&p.id, "import-a", Some(b"a,b\n1,2\n")).await.unwrap();
    assert_eq!(store.job_upload(&p.id, "import-a").await.unwrap().as_deref(), Some(&b"a,b\n1,2\n"[..]));
    store.put_job_upload(&p.id, "import-a", None).await.unwrap();
    assert_eq!(store.job_upload(&p.id, "import-a").await.unwrap(), None);
    assert!(matches!(store.put_job_upload(&p.id, "import-z", None).await, Err(StoreError::NotFound)));

    store.create_user(&user(&p.id, "taken", &[]), &["email:t@x.io".into()]).await.unwrap();
    let batch = vec![
        (user(&p.id, "n1", &[]), vec!["email:n1@x.io".to_string()]),
        (user(&p.id, "taken", &[]), vec![]),
        (user(&p.id, "n2", &[]), vec!["email:t@x.io".to_string()]),
        (user(&p.id, "n3", &[]), vec![]),
        (user(&p.id, "n1", &[]), vec![]),
    ];
    let r = store.create_users(&batch).await.unwrap();
    let ok: Vec<bool> = r.iter().map(|x| x.is_ok()).collect();
    assert_eq!(ok, [true, false, false, true, false]);
    assert!(matches!(r[2], Err(StoreError::Conflict(_))));
    assert!(store.get_user(&p.id, "n2").await.unwrap().is_none(), "a refused user leaves nothing");
    assert_eq!(store.find_key(&p.id, "email:n1@x.io").await.unwrap().as_deref(), Some("n1"));
    assert_eq!(store.count_users(&p.id).await.unwrap(), 3);
    // A batch over two pools takes the one-by-one path: the same answers.
    let q = pool("jobs2");
    store.create_pool(&q).await.unwrap();
    let mixed = vec![
        (user(&q.id, "m1", &[]), vec!["email:m1@x.io".to_string()]),
        (user(&p.id, "n3", &[]), vec![]),
        (user(&q.id, "m2", &[]), vec!["email:m1@x.io".to_string()]),
        (user(&p.id, "n4", &[]), vec![]),
    ];
    let ok: Vec<bool> = store.create_users(&mixed).await.unwrap().iter().map(|x| x.is_ok()).collect();
    assert_eq!(ok, [true, false, false, true]);
    assert!(store.users_before(&p.id, 0).await.unwrap().iter().any(|(k, b)| k == "n4" && b.is_none()), "logged");
    let none = store.create_users(&[(user(&UserPoolId::new("us-east-1_nopool"), "x", &[]), vec![])]).await.unwrap();
    assert!(matches!(none[0], Err(StoreError::NotFound)));
    store.delete_pool(&q.id).await.unwrap();
    store.delete_pool(&p.id).await.unwrap();
    assert!(store.get_job(&p.id, "import-a").await.unwrap().is_none(), "jobs go with their pool");
}

/// The change log: each user write keeps the user as it was before; `users_before` gives each
/// changed user's state at a moment, `restore_user` puts it back (and is logged too).
pub async fn change_log(store: &dyn Store) {
    let p = pool("changes");
    store.create_pool(&p).await.unwrap();
    let ann = user(&p.id, "ann", &[("email", "ann@x.io")]);
    store.create_user(&ann, &["email:ann@x.io".into()]).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let t = cognate_model::now_millis();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let mut changed = store.get_user(&p.id, "ann").await.unwrap().unwrap();
    changed.set_attribute("name", "Ann B");
    store.update_user(&changed, None).await.unwrap();
    let bob = user(&p.id, "bob", &[]);
    store.create_user(&bob, &[]).await.unwrap();
    let mut again = store.get_user(&p.id, "ann").await.unwrap().unwrap();
    again.set_attribute("name", "Ann C");
    store.update_user(&again, None).await.unwrap();
    store.delete_user(&p.id, "ann").await.unwrap();

    let mut at_t = store.users_before(&p.id, t).await.unwrap();
    at_t.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(at_t.len(), 2);
    assert_eq!(at_t[0].0, "ann");
    assert_eq!(at_t[0].1.as_ref().unwrap().attribute("name"), None, "ann as she was at t");
    assert_eq!(at_t[1], ("bob".to_string(), None), "bob did not exist at t");
    assert_eq!(store.users_before(&p.id, 0).await.unwrap().len(), 2);

    let old = at_t[0].1.clone().unwrap();
    store.restore_user(&p.id, "ann", Some((&old, &["email:ann@x.io".to_string()]))).await.unwrap();
    store.restore_user(&p.id, "bob", None).await.unwrap();
    assert_eq!(store.get_user(&p.id, "ann").await.unwrap().unwrap(), old);
    assert_eq!(store.find_key(&p.id, "email:ann@x.io").await.unwrap().as_deref(), Some("ann"));
    assert!(store.get_user(&p.id, "bob").await.unwrap().is_none());
    let after = cognate_model::now_millis();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    store.restore_user(&p.id, "bob", Some((&bob, &[]))).await.unwrap();
    let undo = store.users_before(&p.id, after).await.unwrap();
    assert_eq!(undo, vec![("bob".to_string(), None)], "a restore is logged like any write");
    assert!(store.prune_changes(cognate_model::now_millis() + 1).await.unwrap() >= 7);
    assert!(store.users_before(&p.id, 0).await.unwrap().is_empty());
    store.delete_pool(&p.id).await.unwrap();
}
