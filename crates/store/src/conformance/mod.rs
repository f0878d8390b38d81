//! The backend conformance suite: every backend runs these against a fresh store
//! (see `sqlite::tests`). Each check makes its own pool, so they can share one database.

use crate::{Failures, FilterColumn, RefreshToken, Store, StoreError, StoredCode, StoredKey, UserFilter};
use cognate_model::{
    AppClient, ClientId, ClientSettings, Device, Group, PoolSettings, User, UserPool, UserPoolId, UserStatus,
};
use std::sync::Arc;

mod cache;
mod concurrency;
mod operations;
mod sign_in;
mod sync;
mod threat;

pub use cache::{inserts_beside_an_exclusive_cache, read_your_writes_across};
pub use concurrency::{concurrent_refresh_tokens, concurrent_unique_names};

fn pool(name: &str) -> UserPool {
    UserPool {
        id: UserPoolId::generate("us-east-1"),
        name: name.into(),
        created_at: 1,
        updated_at: 1,
        settings: PoolSettings::default(),
    }
}

fn user(pool: &UserPoolId, name: &str, attrs: &[(&str, &str)]) -> User {
    let attrs = attrs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    User::new(pool.clone(), name.into(), name.to_lowercase(), uuid_like(name), UserStatus::Confirmed, attrs, 1)
}

/// A client named "web" without a secret.
fn app_client(pool: &UserPoolId) -> AppClient {
    AppClient {
        pool_id: pool.clone(),
        client_id: ClientId::generate(),
        name: "web".into(),
        secret_sealed: None,
        created_at: 1,
        updated_at: 1,
        settings: ClientSettings::default(),
    }
}

fn uuid_like(seed: &str) -> String {
    format!("sub-{seed}-{}", cognate_model::ids::random_string(b"0123456789abcdef", 12))
}

/// Runs every check.
pub async fn run_all(store: &dyn Store) {
    pools(store).await;
    clients(store).await;
    users_and_keys(store).await;
    user_listing(store).await;
    groups(store).await;
    meta(store).await;
    keys(store).await;
    tokens(store).await;
    guards(store).await;
    devices(store).await;
    sign_in::sessions(store).await;
    sign_in::webauthn(store).await;
    threat::auth_events(store).await;
    hosted_ui(store).await;
    identity_providers(store).await;
    identity_pools(store).await;
    usage(store).await;
    operations::jobs(store).await;
    operations::change_log(store).await;
    sync::sync(store).await;
}

/// Monthly active users: once per pool, month and user; federated ones apart.
pub async fn usage(store: &dyn Store) {
    let pool = format!("us-east-1_mau{}", cognate_model::ids::random_string(b"0123456789", 6));
    assert!(store.record_active(&pool, "2026-10", "ann", false).await.unwrap());
    assert!(!store.record_active(&pool, "2026-10", "ann", false).await.unwrap(), "once a month");
    assert!(store.record_active(&pool, "2026-10", "Corp_bob", true).await.unwrap());
    assert!(store.record_active(&pool, "2026-11", "ann", false).await.unwrap());
    let all = store.active_users(Some(&pool), None).await.unwrap();
    let row = |m: &str| all.iter().find(|r| r.month == m).cloned().unwrap();
    assert_eq!((row("2026-10").users, row("2026-10").federated), (1, 1));
    assert_eq!((row("2026-11").users, row("2026-11").federated), (1, 0));
    assert!(all.windows(2).all(|w| w[0].month <= w[1].month));
    let nov = store.active_users(None, Some("2026-11")).await.unwrap();
    assert!(nov.iter().any(|r| r.pool_id == pool) && nov.iter().all(|r| r.month == "2026-11"));
}

/// Identity pools: CRUD and paging; a login belongs to one identity of a pool (another pool may
/// have the same login), an identity has one subject per provider; logins added, removed and
/// merged; deleting an identity or its pool takes its logins along.
pub async fn identity_pools(store: &dyn Store) {
    use cognate_model::{Identity, IdentityPool};
    let suffix = cognate_model::ids::random_string(b"0123456789abcdef", 8);
    let mk = |n: &str| IdentityPool {
        id: format!("us-east-1:{n}-{suffix}"),
        name: n.into(),
        allow_unauthenticated: true,
        allow_classic_flow: false,
        supported_login_providers: Default::default(),
        developer_provider_name: Some("login.dev".into()),
        open_id_connect_provider_arns: vec![],
        cognito_identity_providers: vec![],
        saml_provider_arns: vec![],
        tags: [("k".to_string(), "v".to_string())].into(),
        roles: Default::default(),
        role_mappings: Default::default(),
        principal_tags: Default::default(),
        created_at: 1,
        updated_at: 1,
    };
    let (mut a, b) = (mk("a"), mk("b"));
    store.create_identity_pool(&a).await.unwrap();
    store.create_identity_pool(&b).await.unwrap();
    assert!(matches!(store.create_identity_pool(&a).await, Err(StoreError::Conflict(_))));
    a.allow_classic_flow = true;
    store.update_identity_pool(&a).await.unwrap();
    assert_eq!(store.get_identity_pool(&a.id).await.unwrap().unwrap(), a);
    let page = store.list_identity_pools(Some(&a.id), 1000).await.unwrap();
    assert!(page.iter().any(|p| p.id == b.id) && page.iter().all(|p| p.id > a.id));
    let ident = |pool: &IdentityPool, n: &str, logins: &[(&str, &str)]| Identity {
        id: format!("us-east-1:{n}-{suffix}"),
        pool_id: pool.id.clone(),
        logins: logins.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        created_at: 1,
        updated_at: 1,
    };
    let one = ident(&a, "1", &[("login.dev", "u1")]);
    store.create_identity(&one).await.unwrap();
    assert_eq!(store.get_identity(&one.id).await.unwrap().unwrap(), one);
    let (i, p) = store.identity_with_pool(&one.id).await.unwrap().unwrap();
    assert_eq!((i, p.id), (one.clone(), a.id.clone()));
    assert!(store.identity_with_pool("us-east-1:none").await.unwrap().is_none());
    // The same login in another identity of the pool: refused; in another pool: fine.
    let taken = ident(&a, "2", &[("login.dev", "u1")]);
    assert!(matches!(store.create_identity(&taken).await, Err(StoreError::Conflict(_))));
    assert!(store.get_identity(&taken.id).await.unwrap().is_none(), "nothing half-written");
    store.create_identity(&ident(&b, "3", &[("login.dev", "u1")])).await.unwrap();
    let two = ident(&a, "2", &[]);
    store.create_identity(&two).await.unwrap();
    assert_eq!(store.identity_by_login(&a.id, "login.dev", "u1").await.unwrap(), Some(one.id.clone()));
    // Linking: new logins, the same one again, a taken one, a second subject for a provider.
    store.add_logins(&two.id, &[("accounts.google.com".into(), "g2".into())], 5).await.unwrap();
    store.add_logins(&two.id, &[("accounts.google.com".into(), "g2".into())], 6).await.unwrap();
    assert!(matches!(
        store.add_logins(&two.id, &[("login.dev".into(), "u1".into())], 7).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.add_logins(&two.id, &[("accounts.google.com".into(), "g3".into())], 7).await,
        Err(StoreError::Conflict(_))
    ));
    let got = store.get_identity(&two.id).await.unwrap().unwrap();
    assert_eq!(got.logins.len(), 1);
    assert_eq!(got.updated_at, 6);
    assert!(matches!(store.add_logins("us-east-1:gone", &[], 1).await, Err(StoreError::NotFound)));
    // Merge two into one: its logins move, it is gone.
    store.merge_identities(&two.id, &one.id, 9).await.unwrap();
    let merged = store.get_identity(&one.id).await.unwrap().unwrap();
    assert_eq!(merged.logins.len(), 2);
    assert!(store.get_identity(&two.id).await.unwrap().is_none());
    assert_eq!(store.identity_by_login(&a.id, "accounts.google.com", "g2").await.unwrap(), Some(one.id.clone()));
    store.remove_logins(&one.id, &["accounts.google.com".to_string()], 10).await.unwrap();
    assert_eq!(store.get_identity(&one.id).await.unwrap().unwrap().logins.len(), 1);
    let listed = store.list_identities(&a.id, None, 10).await.unwrap();
    assert_eq!(listed.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), [one.id.as_str()]);
    assert!(store.delete_identity(&one.id).await.unwrap());
    assert!(!store.delete_identity(&one.id).await.unwrap());
    assert_eq!(store.identity_by_login(&a.id, "login.dev", "u1").await.unwrap(), None);
    // Deleting a pool takes its identities along.
    store.delete_identity_pool(&b.id).await.unwrap();
    assert!(store.get_identity(&format!("us-east-1:3-{suffix}")).await.unwrap().is_none());
    assert!(matches!(store.delete_identity_pool(&b.id).await, Err(StoreError::NotFound)));
    store.delete_identity_pool(&a.id).await.unwrap();
}

/// Identity providers: names and identifiers unique in a pool (not across pools), identifiers
/// replaced on update, lookups by identifier, paging by name, cascade on pool deletion.
pub async fn identity_providers(store: &dyn Store) {
    use cognate_model::{IdentityProvider, ProviderLink, ProviderType};
    let p = pool("idps");
    let q = pool("idps-other");
    store.create_pool(&p).await.unwrap();
    store.create_pool(&q).await.unwrap();
    let mk = |pool: &UserPool, name: &str, ids: &[&str]| IdentityProvider {
        pool_id: pool.id.clone(),
        name: name.into(),
        provider_type: ProviderType::Oidc,
        details: [("client_id".to_string(), "c".to_string())].into_iter().collect(),
        attribute_mapping: [("email".to_string(), "email".to_string())].into_iter().collect(),
        identifiers: ids.iter().map(|s| s.to_string()).collect(),
        created_at: 1,
        updated_at: 1,
    };
    let mut a = mk(&p, "Corp", &["corp.example", "corp"]);
    store.create_provider(&a).await.unwrap();
    assert!(matches!(store.create_provider(&mk(&p, "Corp", &[])).await, Err(StoreError::Conflict(w)) if w == "name"));
    let taken = store.create_provider(&mk(&p, "Other", &["corp"])).await;
    assert!(matches!(&taken, Err(StoreError::Conflict(w)) if w == "identifier:corp"), "{taken:?}");
    assert!(store.get_provider(&p.id, "Other").await.unwrap().is_none(), "nothing of a refused create stays");
    store.create_provider(&mk(&q, "Corp", &["corp"])).await.unwrap();
    assert_eq!(store.get_provider(&p.id, "Corp").await.unwrap().unwrap(), a);
    assert_eq!(store.provider_by_identifier(&p.id, "corp.example").await.unwrap().unwrap().name, "Corp");
    a.identifiers = vec!["new-id".into()];
    a.updated_at = 2;
    store.update_provider(&a).await.unwrap();
    assert!(store.provider_by_identifier(&p.id, "corp").await.unwrap().is_none());
    assert_eq!(store.provider_by_identifier(&p.id, "new-id").await.unwrap().unwrap(), a);
    store.create_provider(&mk(&p, "Beta", &[])).await.unwrap();
    let names: Vec<String> = store.list_providers(&p.id, None, 10).await.unwrap().into_iter().map(|x| x.name).collect();
    assert_eq!(names, ["Beta", "Corp"]);
    assert_eq!(store.list_providers(&p.id, Some("Beta"), 10).await.unwrap().len(), 1);
    assert_eq!(store.count_providers(&p.id).await.unwrap(), 2);
    // External identities linked to users: one user per identity, at most `max` per user.
    store.create_user(&user(&p.id, "lee", &[]), &[]).await.unwrap();
    store.create_user(&user(&p.id, "kim", &[]), &[]).await.unwrap();
    let link = |provider: &str, subject: &str, who: &str| ProviderLink {
        pool_id: p.id.clone(),
        provider_name: provider.into(),
        attribute_name: "Cognito_Subject".into(),
        subject: subject.into(),
        username_key: who.into(),
        created_at: 3,
    };
    assert!(store.link_provider(&link("Corp", "s1", "lee"), 2).await.unwrap());
    assert!(store.link_provider(&link("Beta", "s1", "lee"), 2).await.unwrap());
    assert!(!store.link_provider(&link("Corp", "s2", "lee"), 2).await.unwrap(), "the user's limit");
    assert!(
        matches!(store.link_provider(&link("Corp", "s1", "kim"), 2).await, Err(StoreError::Conflict(w)) if w == "link")
    );
    assert!(matches!(store.link_provider(&link("Corp", "s3", "nobody"), 2).await, Err(StoreError::NotFound)));
    assert!(matches!(store.link_provider(&link("Nope", "s3", "kim"), 2).await, Err(StoreError::NotFound)));
    assert_eq!(store.provider_link(&p.id, "Corp", "s1").await.unwrap(), Some(link("Corp", "s1", "lee")));
    assert!(store.provider_link(&p.id, "Corp", "s2").await.unwrap().is_none());
    assert_eq!(
        store.links_of_user(&p.id, "lee").await.unwrap(),
        vec![link("Beta", "s1", "lee"), link("Corp", "s1", "lee")]
    );
    store.unlink_provider(&p.id, "Beta", "s1").await.unwrap();
    assert!(matches!(store.unlink_provider(&p.id, "Beta", "s1").await, Err(StoreError::NotFound)));
    assert!(store.link_provider(&link("Corp", "s2", "kim"), 2).await.unwrap());
    store.delete_user(&p.id, "kim").await.unwrap();
    assert!(store.provider_link(&p.id, "Corp", "s2").await.unwrap().is_none(), "a deleted user's links go");
    store.delete_provider(&p.id, "Corp").await.unwrap();
    assert!(store.links_of_user(&p.id, "lee").await.unwrap().is_empty(), "a deleted provider's links go");
    assert!(matches!(store.delete_provider(&p.id, "Corp").await, Err(StoreError::NotFound)));
    assert!(store.provider_by_identifier(&p.id, "new-id").await.unwrap().is_none());
    assert!(matches!(store.update_provider(&a).await, Err(StoreError::NotFound)));
    store.delete_pool(&q.id).await.unwrap();
    assert!(store.get_provider(&q.id, "Corp").await.unwrap().is_none());
}

/// Domains (unique across pools), resource servers, UI customization per client or pool,
/// brandings (one per client), and authorization codes taken once.
pub async fn hosted_ui(store: &dyn Store) {
    use cognate_model::{Group, ManagedLoginBranding, PoolDomain, ResourceServer, Scope, UiCustomization};
    let p = pool("hosted");
    let q = pool("other");
    store.create_pool(&p).await.unwrap();
    store.create_pool(&q).await.unwrap();
    let prefix = format!("auth-{}", p.id.short_name().to_lowercase());
    let mut d = PoolDomain {
        domain: prefix.clone(),
        pool_id: p.id.clone(),
        custom: false,
        certificate_arn: None,
        managed_login_version: 1,
        created_at: 1,
    };
    store.create_domain(&d).await.unwrap();
    let taken = PoolDomain { pool_id: q.id.clone(), ..d.clone() };
    assert!(matches!(store.create_domain(&taken).await, Err(StoreError::Conflict(_))));
    d.managed_login_version = 2;
    store.update_domain(&d).await.unwrap();
    assert_eq!(store.get_domain(&prefix).await.unwrap().unwrap(), d);
    assert_eq!(store.domains_of_pool(&p.id).await.unwrap(), vec![d.clone()]);
    assert!(store.domains_of_pool(&q.id).await.unwrap().is_empty());
    // A client with its pool and whether the pool has a domain, in one read.
    for (pool, has) in [(&p, true), (&q, false)] {
        let c = app_client(&pool.id);
        store.create_client(&c).await.unwrap();
        let (got, got_pool, got_has) = store.oauth_client(&c.client_id).await.unwrap().unwrap();
        assert_eq!((got, got_pool.id.clone(), got_has), (c.clone(), pool.id.clone(), has));
        assert_eq!(got_pool, store.get_pool(&pool.id).await.unwrap().unwrap());
        // And, in the same read, a user of that pool with their groups.
        let (found, none) = store.oauth_client_and_user(&c.client_id, "dana").await.unwrap().unwrap();
        assert_eq!((found.0, found.2), (c.clone(), has));
        assert!(none.is_none(), "no such user yet");
        let u = user(&pool.id, "dana", &[("email", "d@example.com")]);
        store.create_user(&u, &[]).await.unwrap();
        let (_, alone) = store.oauth_client_and_user(&c.client_id, "dana").await.unwrap().unwrap();
        assert_eq!(alone, Some((u.clone(), vec![])));
        let mut groups = vec![];
        for (name, precedence) in [("zeta", Some(1)), ("alpha", None)] {
            let g = Group {
                pool_id: pool.id.clone(),
                name: name.into(),
                description: Some("d".into()),
                role_arn: Some(format!("arn:aws:iam::123456789012:role/{name}")),
                precedence,
                created_at: 2,
                updated_at: 3,
            };
            store.create_group(&g).await.unwrap();
            store.add_member(&pool.id, name, "dana").await.unwrap();
            groups.insert(0, g);
        }
        let (found, with) = store.oauth_client_and_user(&c.client_id, "dana").await.unwrap().unwrap();
        assert_eq!(
            (found.0, found.1, found.2),
            (c.clone(), got_pool.clone(), has),
            "the client, once per membership row"
        );
        assert_eq!(with, Some((u, groups)), "all the user's groups, by name");
    }
    assert!(store.oauth_client(&ClientId::generate()).await.unwrap().is_none());
    assert!(store.oauth_client_and_user(&ClientId::generate(), "dana").await.unwrap().is_none());

    let mut rs = ResourceServer {
        pool_id: p.id.clone(),
        identifier: "https://api.example.com".into(),
        name: "api".into(),
        scopes: vec![Scope { name: "read".into(), description: "Read".into() }],
    };
    store.put_resource_server(&rs, true).await.unwrap();
    assert!(matches!(store.put_resource_server(&rs, true).await, Err(StoreError::Conflict(_))));
    rs.scopes.push(Scope { name: "write".into(), description: "Write".into() });
    store.put_resource_server(&rs, false).await.unwrap();
    assert_eq!(store.get_resource_server(&p.id, &rs.identifier).await.unwrap().unwrap(), rs);
    let missing = ResourceServer { identifier: "nope".into(), ..rs.clone() };
    assert!(matches!(store.put_resource_server(&missing, false).await, Err(StoreError::NotFound)));
    assert_eq!(store.list_resource_servers(&p.id, None, 10).await.unwrap().len(), 1);
    assert!(store.list_resource_servers(&p.id, Some(&rs.identifier), 10).await.unwrap().is_empty());

    let c = ClientId::generate();
    let pool_wide = UiCustomization {
        pool_id: p.id.clone(),
        client_id: None,
        css: Some(".banner-customizable { color: red }".into()),
        image: None,
        created_at: 1,
        updated_at: 1,
    };
    store.put_ui_customization(&pool_wide).await.unwrap();
    let per_client = UiCustomization { client_id: Some(c.clone()), css: None, ..pool_wide.clone() };
    store.put_ui_customization(&per_client).await.unwrap();
    assert_eq!(store.get_ui_customization(&p.id, None).await.unwrap().unwrap(), pool_wide);
    assert_eq!(store.get_ui_customization(&p.id, Some(&c)).await.unwrap().unwrap(), per_client);

    let mut b = ManagedLoginBranding {
        id: "b1".into(),
        pool_id: p.id.clone(),
        client_id: c.clone(),
        use_cognito_provided_values: true,
        settings: serde_json::json!({}),
        assets: serde_json::json!([]),
        created_at: 1,
        updated_at: 1,
    };
    store.create_branding(&b).await.unwrap();
    let twin = ManagedLoginBranding { id: "b2".into(), ..b.clone() };
    assert!(matches!(store.create_branding(&twin).await, Err(StoreError::Conflict(_))));
    b.use_cognito_provided_values = false;
    store.update_branding(&b).await.unwrap();
    assert_eq!(store.branding_of_client(&p.id, &c).await.unwrap().unwrap(), b);
    assert_eq!(store.get_branding(&p.id, "b1").await.unwrap().unwrap(), b);
    store.delete_branding(&p.id, "b1").await.unwrap();
    assert!(matches!(store.delete_branding(&p.id, "b1").await, Err(StoreError::NotFound)));

    store.delete_domain(&prefix).await.unwrap();
    assert!(matches!(store.delete_domain(&prefix).await, Err(StoreError::NotFound)));
    store.delete_pool(&p.id).await.unwrap();
    assert!(store.get_resource_server(&p.id, &rs.identifier).await.unwrap().is_none());
}

/// Devices: upsert, listing per user, deletion, cascade with the user.
pub async fn devices(store: &dyn Store) {
    let p = pool("devices");
    store.create_pool(&p).await.unwrap();
    store.create_user(&user(&p.id, "dee", &[]), &[]).await.unwrap();
    let mut d = Device {
        pool_id: p.id.clone(),
        username_key: "dee".into(),
        device_key: "us-east-1_a".into(),
        group_key: "-abc".into(),
        name: None,
        status: cognate_model::DeviceStatus::NotRemembered,
        confirmed: false,
        verifier: None,
        last_ip: None,
        created_at: 1,
        updated_at: 1,
        last_auth_at: 1,
    };
    store.put_device(&d).await.unwrap();
    d.confirmed = true;
    d.name = Some("phone".into());
    store.put_device(&d).await.unwrap();
    assert_eq!(store.get_device(&p.id, "us-east-1_a").await.unwrap().unwrap(), d);
    let mut d2 = d.clone();
    d2.device_key = "us-east-1_b".into();
    store.put_device(&d2).await.unwrap();
    assert_eq!(store.list_devices(&p.id, "dee", None, 10).await.unwrap().len(), 2);
    assert_eq!(store.list_devices(&p.id, "dee", Some("us-east-1_a"), 10).await.unwrap()[0].device_key, "us-east-1_b");
    store.delete_device(&p.id, "us-east-1_a").await.unwrap();
    assert!(matches!(store.delete_device(&p.id, "us-east-1_a").await, Err(StoreError::NotFound)));
    store.delete_user(&p.id, "dee").await.unwrap();
    assert!(store.get_device(&p.id, "us-east-1_b").await.unwrap().is_none());
}

/// Signing keys: listing order and pruning that always keeps the newest.
pub async fn keys(store: &dyn Store) {
    let base = 1_000 + store.list_keys().await.unwrap().len() as i64;
    for i in 0..3 {
        let k = StoredKey {
            kid: format!("k{base}-{i}"),
            created_at: base + i,
            sealed_key: "s".into(),
            n: "n".into(),
            e: "AQAB".into(),
        };
        store.add_key(&k).await.unwrap();
    }
    let all = store.list_keys().await.unwrap();
    assert!(all.windows(2).all(|w| w[0].created_at <= w[1].created_at));
    store.prune_keys(i64::MAX).await.unwrap();
    let left = store.list_keys().await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].kid, format!("k{base}-2"));
}

/// Refresh tokens, session revocation and the revocation feed.
pub async fn tokens(store: &dyn Store) {
    let p = pool("tokens");
    store.create_pool(&p).await.unwrap();
    store.create_user(&user(&p.id, "tom", &[]), &[]).await.unwrap();
    let rt = |hash: &str, jti: &str| RefreshToken {
        token_hash: hash.into(),
        pool_id: p.id.clone(),
        client_id: ClientId::new("c1"),
        username_key: "tom".into(),
        origin_jti: jti.into(),
        auth_time: 1,
        device_key: None,
        created_at: 10,
        expires_at: 1_000_000,
        revoked_at: None,
        scopes: vec!["openid".into(), "email".into()],
    };
    store.add_refresh_token(&rt("h1", "j1")).await.unwrap();
    store.add_refresh_token(&rt("h2", "j2")).await.unwrap();
    store.add_refresh_token(&rt("h3", "j3")).await.unwrap();
    assert!(
        matches!(store.add_refresh_token(&rt("h3", "j9")).await, Err(StoreError::Conflict(_))),
        "a token hash is unique: a code's refresh token is inserted once"
    );
    assert_eq!(store.get_refresh_token("h1").await.unwrap().unwrap(), rt("h1", "j1"));
    assert!(store.get_refresh_token("nope").await.unwrap().is_none());
    let before = store.revocations_since(0, 0).await.unwrap().last().map(|r| r.id).unwrap_or(0);
    assert!(store.revoke_refresh_token("h3", 50).await.unwrap());
    assert!(!store.revoke_refresh_token("h3", 60).await.unwrap(), "a refresh token is revoked once");
    assert!(store.revoke_session(&p.id, "j1", 100, 5_000).await.unwrap());
    assert_eq!(store.get_refresh_token("h1").await.unwrap().unwrap().revoked_at, Some(100));
    let jtis = store.revoke_user_sessions(&p.id, "tom", 200, 5_000).await.unwrap();
    assert_eq!(jtis, vec!["j2"]);
    let feed = store.revocations_since(before, 0).await.unwrap();
    assert_eq!(feed.iter().map(|r| r.origin_jti.as_str()).collect::<Vec<_>>(), vec!["j1", "j2"]);
    assert!(feed.windows(2).all(|w| w[0].id < w[1].id));
    assert!(store.revocations_since(before, 6_000).await.unwrap().is_empty());
    let swept = store.revocations_recorded_since(0, 0).await.unwrap();
    assert!(feed.iter().all(|r| swept.iter().any(|s| s.id == r.id)));
    store.purge_expired(2_000_000).await.unwrap();
    assert!(store.get_refresh_token("h2").await.unwrap().is_none());
    // Tokens go with their user.
    store.add_refresh_token(&rt("h4", "j4")).await.unwrap();
    store.delete_user(&p.id, "tom").await.unwrap();
    assert!(store.get_refresh_token("h4").await.unwrap().is_none());
    assert!(matches!(store.add_refresh_token(&rt("h5", "j5")).await, Err(StoreError::NotFound)));
}

/// Failure counters and single-use codes.
pub async fn guards(store: &dyn Store) {
    let p = pool("guards");
    store.create_pool(&p).await.unwrap();
    store.create_user(&user(&p.id, "gus", &[]), &[]).await.unwrap();
    assert_eq!(store.get_failures(&p.id, "gus").await.unwrap(), Failures::default());
    let f = Failures { failures: 3, last_failure: 7, locked_until: 9 };
    store.put_failures(&p.id, "gus", &f).await.unwrap();
    assert_eq!(store.get_failures(&p.id, "gus").await.unwrap(), f);
    store.clear_failures(&p.id, "gus").await.unwrap();
    assert_eq!(store.get_failures(&p.id, "gus").await.unwrap(), Failures::default());
    // Names that are no user: counted apart, purged once old and unlocked.
    assert_eq!(store.get_unknown_failures(&p.id, "nobody").await.unwrap(), Failures::default());
    let now = 10 * crate::UNKNOWN_FAILURES_TTL_MS;
    let old = Failures { failures: 2, last_failure: now - crate::UNKNOWN_FAILURES_TTL_MS - 1, locked_until: 0 };
    let locked = Failures { failures: 9, last_failure: old.last_failure, locked_until: now + 1 };
    let fresh = Failures { failures: 1, last_failure: now - 1, locked_until: 0 };
    store.put_unknown_failures(&p.id, "old", &old).await.unwrap();
    store.put_unknown_failures(&p.id, "locked", &locked).await.unwrap();
    store.put_unknown_failures(&p.id, "fresh", &fresh).await.unwrap();
    store.put_unknown_failures(&p.id, "fresh", &Failures { failures: 2, ..fresh }).await.unwrap();
    store.purge_expired(now).await.unwrap();
    assert_eq!(store.get_unknown_failures(&p.id, "old").await.unwrap(), Failures::default());
    assert_eq!(store.get_unknown_failures(&p.id, "locked").await.unwrap(), locked);
    assert_eq!(store.get_unknown_failures(&p.id, "fresh").await.unwrap().failures, 2);
    let code = StoredCode { code_hash: "h".into(), expires_at: 50, attempts: 0, created_at: 1 };
    store.put_code(&p.id, "gus", "signup", &code).await.unwrap();
    assert_eq!(store.get_code(&p.id, "gus", "signup").await.unwrap().unwrap(), code);
    assert_eq!(store.bump_code_attempts(&p.id, "gus", "signup").await.unwrap(), 1);
    assert_eq!(store.bump_code_attempts(&p.id, "gus", "signup").await.unwrap(), 2);
    let newer = StoredCode { code_hash: "h2".into(), expires_at: 60, attempts: 0, created_at: 2 };
    store.put_code(&p.id, "gus", "signup", &newer).await.unwrap();
    assert_eq!(store.get_code(&p.id, "gus", "signup").await.unwrap().unwrap(), newer);
    assert!(store.get_code(&p.id, "gus", "reset").await.unwrap().is_none());
    assert!(store.take_code(&p.id, "gus", "signup").await.unwrap());
    assert!(!store.take_code(&p.id, "gus", "signup").await.unwrap());
    // A claim succeeds once, and does not touch other purposes.
    assert!(store.claim_code(&p.id, "gus", "srp:n1", &code).await.unwrap());
    assert!(!store.claim_code(&p.id, "gus", "srp:n1", &code).await.unwrap());
    assert!(store.claim_code(&p.id, "gus", "srp:n2", &code).await.unwrap());
    // A marker of no user: once while it lives, again once it has expired.
    assert!(store.claim_once("saml:Corp:_a1", 2_000, 1_000).await.unwrap());
    assert!(!store.claim_once("saml:Corp:_a1", 2_000, 1_500).await.unwrap());
    assert!(store.claim_once("saml:Corp:_a2", 2_000, 1_500).await.unwrap());
    assert!(store.claim_once("saml:Corp:_a1", 4_000, 3_000).await.unwrap());
    assert!(!store.claim_once("saml:Corp:_a1", 4_000, 3_500).await.unwrap());
    store.purge_expired(5_000).await.unwrap();
    assert!(store.claim_once("saml:Corp:_a1", 6_000, 5_000).await.unwrap());
}

/// Pool CRUD, listing order and pagination.
pub async fn pools(store: &dyn Store) {
    let mut a = pool("a");
    store.create_pool(&a).await.unwrap();
    assert!(matches!(store.create_pool(&a).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.get_pool(&a.id).await.unwrap().unwrap(), a);
    a.name = "renamed".into();
    a.settings.tags.insert("k".into(), "v".into());
    store.update_pool(&a).await.unwrap();
    assert_eq!(store.get_pool(&a.id).await.unwrap().unwrap(), a);
    let b = pool("b");
    store.create_pool(&b).await.unwrap();
    let all = store.list_pools(None, 1000).await.unwrap();
    assert!(all.windows(2).all(|w| w[0].id < w[1].id));
    let first = store.list_pools(None, 1).await.unwrap();
    let second = store.list_pools(Some(first[0].id.as_str()), 1).await.unwrap();
    assert!(second[0].id > first[0].id);
    store.delete_pool(&b.id).await.unwrap();
    assert!(store.get_pool(&b.id).await.unwrap().is_none());
    assert!(matches!(store.delete_pool(&b.id).await, Err(StoreError::NotFound)));
    assert!(matches!(store.update_pool(&b).await, Err(StoreError::NotFound)));
}

/// Client CRUD, scoping to the pool, cascade on pool deletion.
pub async fn clients(store: &dyn Store) {
    let p = pool("clients");
    store.create_pool(&p).await.unwrap();
    let mut c = AppClient {
        pool_id: p.id.clone(),
        client_id: ClientId::generate(),
        name: "web".into(),
        secret_sealed: Some("sealed".into()),
        created_at: 1,
        updated_at: 1,
        settings: ClientSettings::default(),
    };
    store.create_client(&c).await.unwrap();
    assert_eq!(store.get_client(&c.client_id).await.unwrap().unwrap(), c);
    c.name = "web2".into();
    c.settings.explicit_auth_flows = vec![cognate_model::ExplicitAuthFlow::AllowUserSrpAuth];
    store.update_client(&c).await.unwrap();
    assert_eq!(store.get_client(&c.client_id).await.unwrap().unwrap(), c);
    assert_eq!(store.list_clients(&p.id, None, 10).await.unwrap().len(), 1);
    assert_eq!(store.count_clients(&p.id).await.unwrap(), 1);
    assert!(store.count_pools().await.unwrap() >= 1);
    let other = UserPoolId::generate("us-east-1");
    assert!(matches!(store.delete_client(&other, &c.client_id).await, Err(StoreError::NotFound)));
    let mut orphan = c.clone();
    orphan.client_id = ClientId::generate();
    orphan.pool_id = other;
    assert!(matches!(store.create_client(&orphan).await, Err(StoreError::NotFound)));
    store.delete_pool(&p.id).await.unwrap();
    assert!(store.get_client(&c.client_id).await.unwrap().is_none());
}

/// Users: unique names and keys, versions, key replacement, deletion.
pub async fn users_and_keys(store: &dyn Store) {
    let p = pool("users");
    store.create_pool(&p).await.unwrap();
    let mut alice = user(&p.id, "alice", &[("email", "a@example.com")]);
    store.create_user(&alice, &["email:a@example.com".into()]).await.unwrap();
    let dup = user(&p.id, "Alice", &[]);
    assert!(matches!(store.create_user(&dup, &[]).await, Err(StoreError::Conflict(k)) if k == "username"));
    let bob = user(&p.id, "bob", &[]);
    match store.create_user(&bob, &["email:a@example.com".into()]).await {
        Err(StoreError::Conflict(k)) => assert_eq!(k, "email:a@example.com"),
        other => panic!("expected a key conflict, got {other:?}"),
    }
    // The failed insert left nothing behind.
    assert!(store.get_user(&p.id, "bob").await.unwrap().is_none());
    store.create_user(&bob, &[]).await.unwrap();
    assert_eq!(store.get_user(&p.id, "alice").await.unwrap().unwrap(), alice);
    assert_eq!(store.get_user_by_sub(&p.id, &alice.sub).await.unwrap().unwrap(), alice);
    assert_eq!(store.find_key(&p.id, "email:a@example.com").await.unwrap().as_deref(), Some("alice"));

    alice.set_attribute("email", "new@example.com");
    alice.mfa.sms_enabled = true;
    alice.srp_verifier = Some("sealed-verifier".into());
    alice.pending_attributes = vec![("phone_number".into(), "+15555550199".into())];
    store.update_user(&alice, Some(&["email:new@example.com".into()])).await.unwrap();
    assert!(store.find_key(&p.id, "email:a@example.com").await.unwrap().is_none());
    assert_eq!(store.find_key(&p.id, "email:new@example.com").await.unwrap().as_deref(), Some("alice"));
    let stored = store.get_user(&p.id, "alice").await.unwrap().unwrap();
    assert_eq!(stored.version, alice.version + 1);
    assert!(stored.mfa.sms_enabled);
    assert_eq!(stored.srp_verifier.as_deref(), Some("sealed-verifier"));
    assert_eq!(stored.pending_attributes, alice.pending_attributes);
    // A stale version loses.
    assert!(matches!(store.update_user(&alice, None).await, Err(StoreError::VersionMismatch)));
    // A key taken by another user is refused, and the update is rolled back.
    let mut bob2 = store.get_user(&p.id, "bob").await.unwrap().unwrap();
    bob2.set_attribute("email", "new@example.com");
    assert!(matches!(
        store.update_user(&bob2, Some(&["email:new@example.com".into()])).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.get_user(&p.id, "bob").await.unwrap().unwrap().attribute("email"), None);

    store.delete_user(&p.id, "alice").await.unwrap();
    assert!(store.get_user(&p.id, "alice").await.unwrap().is_none());
    assert!(store.find_key(&p.id, "email:new@example.com").await.unwrap().is_none());
    assert!(matches!(store.delete_user(&p.id, "alice").await, Err(StoreError::NotFound)));
    let mut ghost = alice.clone();
    ghost.version = stored.version;
    assert!(matches!(store.update_user(&ghost, None).await, Err(StoreError::NotFound)));
    assert_eq!(store.count_users(&p.id).await.unwrap(), 1);
}

/// ListUsers: every filter kind and cursor pagination.
pub async fn user_listing(store: &dyn Store) {
    let p = pool("listing");
    store.create_pool(&p).await.unwrap();
    for i in 0..25 {
        let mut u = user(
            &p.id,
            &format!("user{i:02}"),
            &[("email", &format!("u{i:02}@{}.com", if i % 2 == 0 { "even" } else { "odd" }))],
        );
        if i % 5 == 0 {
            u.status = UserStatus::Unconfirmed;
        }
        u.enabled = i != 3;
        store.create_user(&u, &[]).await.unwrap();
    }
    let everyone = collect(store, &p.id, UserFilter::All, 7).await;
    assert_eq!(everyone.len(), 25);
    assert!(everyone.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(
        collect(store, &p.id, UserFilter::Equals(FilterColumn::Email, "u04@even.com".into()), 10).await,
        vec!["user04"]
    );
    assert_eq!(
        collect(store, &p.id, UserFilter::Equals(FilterColumn::Username, "user07".into()), 10).await,
        vec!["user07"]
    );
    let odd = collect(store, &p.id, UserFilter::Prefix(FilterColumn::Email, "u1".into()), 3).await;
    assert_eq!(odd.len(), 10);
    assert!(odd.iter().all(|n| n.starts_with("user1")));
    assert_eq!(collect(store, &p.id, UserFilter::Prefix(FilterColumn::Email, "zz".into()), 3).await.len(), 0);
    assert_eq!(collect(store, &p.id, UserFilter::StatusIn(vec![UserStatus::Unconfirmed]), 2).await.len(), 5);
    assert_eq!(collect(store, &p.id, UserFilter::Enabled(false), 2).await, vec!["user03"]);
    assert_eq!(collect(store, &p.id, UserFilter::Nothing, 2).await.len(), 0);
}

async fn collect(store: &dyn Store, pool: &UserPoolId, filter: UserFilter, page: usize) -> Vec<String> {
    let mut all = vec![];
    let mut after = None;
    loop {
        let pg = store.list_users(pool, &filter, after.as_ref(), page).await.unwrap();
        all.extend(pg.users.into_iter().map(|u| u.username));
        match pg.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    all
}

/// Groups and memberships, with cascades from both sides.
pub async fn groups(store: &dyn Store) {
    let p = pool("groups");
    store.create_pool(&p).await.unwrap();
    let mut g = Group {
        pool_id: p.id.clone(),
        name: "admins".into(),
        description: Some("d".into()),
        role_arn: None,
        precedence: Some(1),
        created_at: 1,
        updated_at: 1,
    };
    store.create_group(&g).await.unwrap();
    assert!(matches!(store.create_group(&g).await, Err(StoreError::Conflict(_))));
    g.precedence = Some(5);
    store.update_group(&g).await.unwrap();
    assert_eq!(store.get_group(&p.id, "admins").await.unwrap().unwrap(), g);
    let mut g2 = g.clone();
    g2.name = "users".into();
    store.create_group(&g2).await.unwrap();
    assert_eq!(store.count_groups(&p.id).await.unwrap(), 2);
    let u = user(&p.id, "carol", &[]);
    store.create_user(&u, &[]).await.unwrap();
    store.add_member(&p.id, "admins", "carol").await.unwrap();
    store.add_member(&p.id, "admins", "carol").await.unwrap();
    store.add_member(&p.id, "users", "carol").await.unwrap();
    assert!(matches!(store.add_member(&p.id, "nope", "carol").await, Err(StoreError::NotFound)));
    assert_eq!(store.groups_of_user(&p.id, "carol", None, 10).await.unwrap().len(), 2);
    assert_eq!(store.groups_of_user(&p.id, "carol", Some("admins"), 10).await.unwrap()[0].name, "users");
    let (with, groups) = store.user_with_groups(&p.id, "carol").await.unwrap().unwrap();
    assert_eq!(with, store.get_user(&p.id, "carol").await.unwrap().unwrap());
    assert_eq!(groups, vec![g.clone(), g2.clone()], "all of the user's groups, by name");
    assert!(store.user_with_groups(&p.id, "nobody").await.unwrap().is_none());
    assert_eq!(store.users_in_group(&p.id, "admins", None, 10).await.unwrap()[0].username, "carol");
    store.remove_member(&p.id, "users", "carol").await.unwrap();
    assert_eq!(store.groups_of_user(&p.id, "carol", None, 10).await.unwrap().len(), 1);
    assert_eq!(store.list_groups(&p.id, None, 10).await.unwrap().len(), 2);
    store.delete_group(&p.id, "admins").await.unwrap();
    assert!(store.groups_of_user(&p.id, "carol", None, 10).await.unwrap().is_empty());
    let (_, groups) = store.user_with_groups(&p.id, "carol").await.unwrap().unwrap();
    assert!(groups.is_empty(), "a user in no group is still found");
    store.add_member(&p.id, "users", "carol").await.unwrap();
    store.delete_user(&p.id, "carol").await.unwrap();
    assert!(store.users_in_group(&p.id, "users", None, 10).await.unwrap().is_empty());
}

/// Server-wide values.
pub async fn meta(store: &dyn Store) {
    let key = format!("conformance-{}", cognate_model::ids::random_string(b"abc", 8));
    assert!(store.get_meta(&key).await.unwrap().is_none());
    assert!(store.put_meta_if_absent(&key, "one").await.unwrap());
    assert!(!store.put_meta_if_absent(&key, "two").await.unwrap());
    assert_eq!(store.get_meta(&key).await.unwrap().as_deref(), Some("one"));
}
