//! Conformance of Cognito Sync's storage.

use crate::{Store, StoreError};

/// Cognito Sync: all-or-nothing patches with per-record sync counts, tombstones and paging by
/// count, the limits, a deleted dataset kept as such and revived, merges moving datasets, pool
/// settings, devices and subscriptions; an identity's datasets go with it.
pub async fn sync(store: &dyn Store) {
    use crate::{PatchOutcome, SyncDevice, SyncLimits, SyncPatch};
    use cognate_model::{Identity, IdentityPool};
    let suffix = cognate_model::ids::random_string(b"0123456789abcdef", 8);
    let pool = IdentityPool {
        id: format!("us-east-1:sync-{suffix}"),
        name: "sync".into(),
        allow_unauthenticated: true,
        allow_classic_flow: false,
        supported_login_providers: Default::default(),
        developer_provider_name: None,
        open_id_connect_provider_arns: vec![],
        cognito_identity_providers: vec![],
        saml_provider_arns: vec![],
        tags: Default::default(),
        roles: Default::default(),
        role_mappings: Default::default(),
        principal_tags: Default::default(),
        created_at: 1,
        updated_at: 1,
    };
    store.create_identity_pool(&pool).await.unwrap();
    let ident = |n: &str| Identity {
        id: format!("us-east-1:{n}-{suffix}"),
        pool_id: pool.id.clone(),
        logins: Default::default(),
        created_at: 1,
        updated_at: 1,
    };
    let (me, other) = (ident("me"), ident("other"));
    store.create_identity(&me).await.unwrap();
    store.create_identity(&other).await.unwrap();
    let limits = SyncLimits { datasets_per_identity: 2, bytes_per_dataset: 40, records_per_dataset: 3 };
    let put = |k: &str, v: Option<&str>, c: i64| SyncPatch {
        key: k.into(),
        value: v.map(str::to_string),
        sync_count: c,
        device_modified_at: Some(5),
    };
    let apply = |name: &'static str, patches: Vec<SyncPatch>| {
        let id = me.id.clone();
        let pool = pool.id.clone();
        async move {
            let at = crate::DatasetRef { pool: &pool, identity: &id, name };
            store.apply_patches(at, &patches, "dev1", 10, limits).await.unwrap()
        }
    };
    let PatchOutcome::Applied(recs, d) = apply("prefs", vec![put("a", Some("1"), 0), put("b", Some("2"), 0)]).await
    else {
        panic!("applied")
    };
    assert_eq!((d.sync_count, d.records, d.bytes, recs.len()), (1, 2, 4, 2));
    assert!(recs.iter().all(|r| r.sync_count == 1));
    assert_eq!(apply("prefs", vec![put("a", Some("x"), 0)]).await, PatchOutcome::Conflict("a".into()));
    // One stale patch: nothing of the request is applied.
    assert_eq!(
        apply("prefs", vec![put("c", Some("3"), 0), put("b", Some("y"), 7)]).await,
        PatchOutcome::Conflict("b".into())
    );
    assert!(store.list_records(&me.id, "prefs", 0, None, 10).await.unwrap().iter().all(|r| r.key != "c"));
    let PatchOutcome::Applied(_, d) = apply("prefs", vec![put("a", None, 1), put("c", Some("3"), 0)]).await else {
        panic!("applied")
    };
    assert_eq!((d.sync_count, d.records), (2, 2));
    let all = store.list_records(&me.id, "prefs", 0, None, 10).await.unwrap();
    let keys: Vec<(&str, Option<&str>, i64)> =
        all.iter().map(|r| (r.key.as_str(), r.value.as_deref(), r.sync_count)).collect();
    assert_eq!(keys, [("b", Some("2"), 1), ("a", None, 2), ("c", Some("3"), 2)], "a tombstone, by count then key");
    let since1 = store.list_records(&me.id, "prefs", 1, None, 10).await.unwrap();
    assert_eq!(since1.len(), 2);
    let page = store.list_records(&me.id, "prefs", 0, Some((1, "b")), 1).await.unwrap();
    assert_eq!(page[0].key, "a");
    // Limits: records, bytes, datasets.
    assert!(matches!(
        apply("prefs", vec![put("d", Some("4"), 0), put("e", Some("5"), 0)]).await,
        PatchOutcome::Limit(_)
    ));
    assert!(matches!(apply("prefs", vec![put("b", Some(&"z".repeat(50)), 1)]).await, PatchOutcome::Limit(_)));
    assert!(matches!(apply("second", vec![put("k", Some("v"), 0)]).await, PatchOutcome::Applied(..)));
    assert!(matches!(apply("third", vec![put("k", Some("v"), 0)]).await, PatchOutcome::Limit(_)));
    // Delete: kept as deleted with a higher count; revived afresh.
    let gone = store.delete_dataset(&me.id, "second", "dev1", 11).await.unwrap().unwrap();
    assert!(gone.deleted && gone.sync_count == 2);
    assert!(store.delete_dataset(&me.id, "second", "dev1", 11).await.unwrap().is_none());
    assert_eq!(store.list_datasets(&me.id, None, 10).await.unwrap().len(), 1);
    assert!(store.list_records(&me.id, "second", 0, None, 10).await.unwrap().is_empty());
    let PatchOutcome::Applied(_, d) = apply("second", vec![put("k", Some("new"), 0)]).await else { panic!("revived") };
    assert_eq!((d.sync_count, d.deleted, d.records), (3, false, 1));
    // Usage, settings, devices.
    assert_eq!(
        store.pool_sync_usage(&pool.id).await.unwrap(),
        (5, 2, 8, 10),
        "counts 2 and 3; two datasets; b2 c3 knew"
    );
    store.put_sync_config(&pool.id, "{\"x\":1}").await.unwrap();
    assert_eq!(store.get_sync_config(&pool.id).await.unwrap().as_deref(), Some("{\"x\":1}"));
    assert!(matches!(store.put_sync_config("us-east-1:none", "{}").await, Err(StoreError::NotFound)));
    let dev = SyncDevice {
        device_id: format!("dev-{suffix}"),
        pool_id: pool.id.clone(),
        identity_id: me.id.clone(),
        platform: "GCM".into(),
        token: "t1".into(),
        created_at: 1,
    };
    assert_eq!(store.put_sync_device(&dev).await.unwrap(), dev);
    let again = SyncDevice { device_id: "another".into(), ..dev.clone() };
    assert_eq!(store.put_sync_device(&again).await.unwrap().device_id, dev.device_id, "same token, same device");
    store.set_subscription(&me.id, "prefs", &dev.device_id, true).await.unwrap();
    assert_eq!(store.subscribers(&me.id, "prefs").await.unwrap(), vec![dev.clone()]);
    store.set_subscription(&me.id, "prefs", &dev.device_id, false).await.unwrap();
    assert!(store.subscribers(&me.id, "prefs").await.unwrap().is_empty());
    // A merge moves the datasets; the survivor's same-named one lists the moved one.
    let PatchOutcome::Applied(..) = store
        .apply_patches(
            crate::DatasetRef { pool: &pool.id, identity: &other.id, name: "prefs" },
            &[put("o", Some("1"), 0)],
            "dev2",
            12,
            limits,
        )
        .await
        .unwrap()
    else {
        panic!("applied")
    };
    // Four devices push the same new record at once: one wins, the others conflict (whether
    // the backend commits them together or apart).
    let race = |n: i64| {
        let (pool, id) = (pool.id.clone(), other.id.clone());
        async move {
            let at = crate::DatasetRef { pool: &pool, identity: &id, name: "race" };
            let p =
                SyncPatch { key: "k".into(), value: Some(format!("v{n}")), sync_count: 0, device_modified_at: None };
            store.apply_patches(at, &[p], "dev", 20 + n, limits).await.unwrap()
        }
    };
    let (r1, r2, r3, r4) = tokio::join!(race(1), race(2), race(3), race(4));
    let outcomes = [r1, r2, r3, r4];
    assert_eq!(outcomes.iter().filter(|o| matches!(o, PatchOutcome::Applied(..))).count(), 1, "{outcomes:?}");
    assert_eq!(outcomes.iter().filter(|o| matches!(o, PatchOutcome::Conflict(_))).count(), 3, "{outcomes:?}");
    assert_eq!(store.get_dataset(&other.id, "race").await.unwrap().unwrap().sync_count, 1);
    store.merge_identities(&me.id, &other.id, 13).await.unwrap();
    let moved = format!("prefs.{}", me.id);
    let survivor = store.get_dataset(&other.id, "prefs").await.unwrap().unwrap();
    assert_eq!(survivor.merged, vec![moved.clone()]);
    assert_eq!(store.list_records(&other.id, &moved, 0, None, 10).await.unwrap().len(), 3, "records follow");
    assert!(store.get_dataset(&me.id, "prefs").await.unwrap().is_none());
    assert!(store.delete_identity(&other.id).await.unwrap());
    assert!(store.get_dataset(&other.id, "prefs").await.unwrap().is_none(), "datasets go with their identity");
    store.delete_identity_pool(&pool.id).await.unwrap();
}
