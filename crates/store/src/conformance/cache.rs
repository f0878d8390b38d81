//! The read cache seen from outside: two handles on one database (two nodes on PostgreSQL; the
//! server and the CLI on SQLite) read each other's acknowledged writes.

use super::{app_client as client, pool, user};
use crate::{Store, StoreError};
use cognate_model::UserPoolId;
use std::sync::Arc;

/// Sets `attr` = `value` on `name` through `store`, reading the user first (through its cache)
/// and trying again when another writer got in between.
async fn set(store: &dyn Store, pool: &UserPoolId, name: &str, attr: &str, value: &str) -> i64 {
    loop {
        let mut u = store.get_user(pool, name).await.unwrap().unwrap();
        u.set_attribute(attr, value);
        match store.update_user(&u, None).await {
            Ok(()) => return u.version + 1,
            Err(StoreError::VersionMismatch) => continue,
            Err(e) => panic!("{e}"),
        }
    }
}

/// Two handles that both update and delete (several nodes): every read after an acknowledged
/// write on either returns it, by key and by sub, for users, pools and clients; deletions and a
/// user made again under the same name are seen; writers on both at once lose nothing.
pub async fn read_your_writes_across(a: Arc<dyn Store>, b: Arc<dyn Store>) {
    let mut p = pool("cache");
    a.create_pool(&p).await.unwrap();
    let mut c = client(&p.id);
    a.create_client(&c).await.unwrap();
    let u = user(&p.id, "ann", &[("email", "ann@example.com")]);
    a.create_user(&u, &[]).await.unwrap();
    for s in [&a, &b] {
        assert_eq!(s.get_pool(&p.id).await.unwrap().unwrap(), p);
        assert_eq!(s.get_client(&c.client_id).await.unwrap().unwrap(), c);
        assert_eq!(s.get_user(&p.id, "ann").await.unwrap().unwrap().sub, u.sub);
        assert!(s.get_user_by_sub(&p.id, &u.sub).await.unwrap().is_some());
    }
    p.name = "renamed".into();
    b.update_pool(&p).await.unwrap();
    assert_eq!(a.get_pool(&p.id).await.unwrap().unwrap().name, "renamed");
    c.name = "renamed".into();
    a.update_client(&c).await.unwrap();
    assert_eq!(b.get_client(&c.client_id).await.unwrap().unwrap().name, "renamed");

    // Writers on both handles at once, each checking both after each acknowledgement.
    let mut tasks = vec![];
    for (attr, w) in [("name", a.clone()), ("nickname", b.clone())] {
        let (a, b, pool, sub) = (a.clone(), b.clone(), p.id.clone(), u.sub.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0..20 {
                let value = format!("{attr}-{i}");
                let version = set(w.as_ref(), &pool, "ann", attr, &value).await;
                for s in [&a, &b] {
                    let by_key = s.get_user(&pool, "ann").await.unwrap().unwrap();
                    assert!(by_key.version >= version);
                    assert_eq!(by_key.attribute(attr), Some(value.as_str()));
                    let by_sub = s.get_user_by_sub(&pool, &sub).await.unwrap().unwrap();
                    assert_eq!(by_sub.attribute(attr), Some(value.as_str()));
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }

    a.delete_user(&p.id, "ann").await.unwrap();
    assert!(b.get_user(&p.id, "ann").await.unwrap().is_none());
    assert!(b.get_user_by_sub(&p.id, &u.sub).await.unwrap().is_none());
    let again = user(&p.id, "ann", &[]);
    b.create_user(&again, &[]).await.unwrap();
    assert_eq!(a.get_user(&p.id, "ann").await.unwrap().unwrap().sub, again.sub, "the new user, not the cached one");
    assert!(a.get_user_by_sub(&p.id, &u.sub).await.unwrap().is_none());

    b.delete_client(&p.id, &c.client_id).await.unwrap();
    assert!(a.get_client(&c.client_id).await.unwrap().is_none());
    a.delete_pool(&p.id).await.unwrap();
    assert!(b.get_pool(&p.id).await.unwrap().is_none());
    assert!(b.get_user(&p.id, "ann").await.unwrap().is_none());
}

/// `server` caches with nothing to confirm (SQLite: one server per data dir), `cli` is another
/// process's uncached handle that only adds rows (the CLI's import): what it adds is read at once,
/// and the server's own writes are read back through its cache.
pub async fn inserts_beside_an_exclusive_cache(server: Arc<dyn Store>, cli: Arc<dyn Store>) {
    let mut p = pool("exclusive");
    server.create_pool(&p).await.unwrap();
    assert!(server.get_user(&p.id, "new").await.unwrap().is_none());
    let u = user(&p.id, "new", &[]);
    let results = cli.create_users(&[(u.clone(), vec![])]).await.unwrap();
    assert!(results[0].is_ok());
    assert_eq!(server.get_user(&p.id, "new").await.unwrap().unwrap().sub, u.sub, "an absence is never cached");
    let q = pool("imported");
    cli.create_pool(&q).await.unwrap();
    assert_eq!(server.get_pool(&q.id).await.unwrap().unwrap(), q);
    for i in 0..5 {
        p.name = format!("name-{i}");
        server.update_pool(&p).await.unwrap();
        assert_eq!(server.get_pool(&p.id).await.unwrap().unwrap().name, p.name);
        let value = format!("v{i}");
        set(server.as_ref(), &p.id, "new", "name", &value).await;
        assert_eq!(server.get_user(&p.id, "new").await.unwrap().unwrap().attribute("name"), Some(value.as_str()));
        assert_eq!(cli.get_user(&p.id, "new").await.unwrap().unwrap().attribute("name"), Some(value.as_str()));
    }
    server.delete_user(&p.id, "new").await.unwrap();
    assert!(server.get_user(&p.id, "new").await.unwrap().is_none());
}
