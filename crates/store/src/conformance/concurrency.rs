//! Conformance under concurrent writers (the backends' own tests run these with a shared store).

use super::*;

/// Many tasks create the same user name and the same key at once: exactly one wins each.
pub async fn concurrent_unique_names(store: Arc<dyn Store>) {
    let p = pool("race");
    store.create_pool(&p).await.unwrap();
    let mut tasks = vec![];
    for i in 0..16 {
        let store = store.clone();
        let pid = p.id.clone();
        tasks.push(tokio::spawn(async move {
            let same_name = store.create_user(&user(&pid, "racer", &[]), &[]).await;
            let same_key =
                store.create_user(&user(&pid, &format!("k{i}"), &[]), &["email:race@example.com".into()]).await;
            (same_name.is_ok(), same_key.is_ok())
        }));
    }
    let (mut names, mut keys) = (0, 0);
    for t in tasks {
        let (n, k) = t.await.unwrap();
        names += n as usize;
        keys += k as usize;
    }
    assert_eq!((names, keys), (1, 1));
}

/// Refresh tokens stored at once (SQLite commits them together): each insert gets its own
/// answer — the duplicates a conflict, the one of a deleted user `NotFound` — and every
/// acknowledged one is stored.
pub async fn concurrent_refresh_tokens(store: Arc<dyn Store>) {
    let p = pool("burst");
    store.create_pool(&p).await.unwrap();
    store.create_user(&user(&p.id, "ann", &[]), &[]).await.unwrap();
    let rt = |hash: String, user: &str| RefreshToken {
        token_hash: hash,
        pool_id: p.id.clone(),
        client_id: ClientId::new("c1"),
        username_key: user.into(),
        origin_jti: "j".into(),
        auth_time: 1,
        device_key: None,
        created_at: 10,
        expires_at: 1_000_000,
        revoked_at: None,
        scopes: vec![],
    };
    let mut tasks = vec![];
    for i in 0..64 {
        let store = store.clone();
        // Every eighth one repeats a hash, one names a user who does not exist.
        let t = match i {
            13 => rt(format!("{}-burst-13", p.id), "nobody"),
            i if i % 8 == 7 => rt(format!("{}-burst-dup", p.id), "ann"),
            i => rt(format!("{}-burst-{i}", p.id), "ann"),
        };
        tasks.push(tokio::spawn(async move { (store.add_refresh_token(&t).await, t.token_hash) }));
    }
    let (mut stored, mut conflicts, mut missing) = (vec![], 0, 0);
    for task in tasks {
        match task.await.unwrap() {
            (Ok(()), hash) => stored.push(hash),
            (Err(StoreError::Conflict(_)), _) => conflicts += 1,
            (Err(StoreError::NotFound), _) => missing += 1,
            (Err(e), _) => panic!("{e}"),
        }
    }
    assert_eq!((stored.len(), conflicts, missing), (56, 7, 1));
    for hash in stored {
        assert!(store.get_refresh_token(&hash).await.unwrap().is_some(), "{hash} was acknowledged");
    }
}
