//! Conformance of the sign-in state: tracked sessions and passkeys.

use super::{pool, user};
use crate::{SessionKind, Store, StoreError, UserSession, WebAuthnCredential};

/// Tracked sessions: recorded once and then touched, listed most recent first without the
/// expired, deleted by id, ended with a global sign-out (token sessions only) and with the user.
pub async fn sessions(store: &dyn Store) {
    let p = pool("sessions");
    store.create_pool(&p).await.unwrap();
    store.create_user(&user(&p.id, "sal", &[]), &[]).await.unwrap();
    let s = |id: &str, kind: SessionKind, at: i64| UserSession {
        pool_id: p.id.clone(),
        session_id: id.into(),
        username_key: "sal".into(),
        kind,
        session_key: format!("key-{id}"),
        origin_session: None,
        client_id: Some("c1".into()),
        device_type: Some("agent".into()),
        ip: Some("10.0.0.1".into()),
        created_at: at,
        last_active_at: at,
        expires_at: at + 1_000,
    };
    store.put_session(&s("tkn1", SessionKind::Token, 10)).await.unwrap();
    store.put_session(&s("tkn2", SessionKind::Token, 20)).await.unwrap();
    store.put_session(&s("sso1", SessionKind::Sso, 30)).await.unwrap();
    // Recorded again: a use, not a new session.
    let again = UserSession {
        ip: Some("10.0.0.2".into()),
        last_active_at: 40,
        expires_at: 900,
        ..s("tkn1", SessionKind::Token, 35)
    };
    store.put_session(&again).await.unwrap();
    let all = store.list_sessions(&p.id, "sal", 0).await.unwrap();
    assert_eq!(all.iter().map(|x| x.session_id.as_str()).collect::<Vec<_>>(), ["tkn1", "sso1", "tkn2"]);
    assert_eq!((all[0].created_at, all[0].ip.as_deref(), all[0].expires_at), (10, Some("10.0.0.2"), 1_010));
    assert!(store.touch_session(&p.id, "tkn2", 50, None, 5_000).await.unwrap());
    assert!(!store.touch_session(&p.id, "tkn9", 50, None, 5_000).await.unwrap());
    let all = store.list_sessions(&p.id, "sal", 1_015).await.unwrap();
    let listed: Vec<_> = all.iter().map(|x| (x.session_id.as_str(), x.expires_at, x.last_active_at)).collect();
    assert_eq!(listed, [("tkn2", 5_000, 50), ("sso1", 1_030, 30)]);
    assert_eq!(all[0].ip.as_deref(), Some("10.0.0.1"), "a touch without an address keeps the last one");
    assert_eq!(store.delete_sessions(&p.id, &["tkn1".into(), "nope".into()]).await.unwrap(), 1);
    store.revoke_user_sessions(&p.id, "sal", 100, 5_000).await.unwrap();
    let left = store.list_sessions(&p.id, "sal", 0).await.unwrap();
    assert_eq!(left.iter().map(|x| x.session_id.as_str()).collect::<Vec<_>>(), ["sso1"]);
    store.purge_expired(1_031).await.unwrap();
    assert!(store.list_sessions(&p.id, "sal", 0).await.unwrap().is_empty());
    store.put_session(&s("tkn3", SessionKind::Token, 10)).await.unwrap();
    store.delete_user(&p.id, "sal").await.unwrap();
    assert!(store.list_sessions(&p.id, "sal", 0).await.unwrap().is_empty());
    assert!(matches!(store.put_session(&s("tkn4", SessionKind::Token, 10)).await, Err(StoreError::NotFound)));
}

/// Passkeys: one id per pool, listed oldest first, a sign-in moves the counter only forward,
/// deleted by their user only, gone with the user.
pub async fn webauthn(store: &dyn Store) {
    let p = pool("webauthn");
    store.create_pool(&p).await.unwrap();
    store.create_user(&user(&p.id, "wes", &[]), &[]).await.unwrap();
    store.create_user(&user(&p.id, "zed", &[]), &[]).await.unwrap();
    let c = |id: &str, who: &str, at: i64| WebAuthnCredential {
        pool_id: p.id.clone(),
        credential_id: id.into(),
        username_key: who.into(),
        friendly_name: None,
        relying_party_id: "localhost".into(),
        attachment: Some("platform".into()),
        transports: vec!["internal".into()],
        passkey: "{}".into(),
        sign_count: 0,
        created_at: at,
        last_used_at: None,
    };
    store.add_webauthn_credential(&c("b", "wes", 2)).await.unwrap();
    store.add_webauthn_credential(&c("a", "wes", 1)).await.unwrap();
    assert!(matches!(store.add_webauthn_credential(&c("a", "zed", 3)).await, Err(StoreError::Conflict(_))));
    assert!(matches!(store.add_webauthn_credential(&c("z", "nobody", 3)).await, Err(StoreError::NotFound)));
    let listed = store.list_webauthn_credentials(&p.id, "wes").await.unwrap();
    assert_eq!(listed.iter().map(|x| x.credential_id.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(listed[0], c("a", "wes", 1));
    // A counter of 0 that stays 0 (authenticators without one), then only forward.
    assert!(store.use_webauthn_credential(&p.id, "a", "{\"v\":1}", 0, 10).await.unwrap());
    assert!(store.use_webauthn_credential(&p.id, "a", "{\"v\":2}", 5, 11).await.unwrap());
    assert!(!store.use_webauthn_credential(&p.id, "a", "{\"v\":3}", 5, 12).await.unwrap(), "a repeated counter");
    assert!(!store.use_webauthn_credential(&p.id, "a", "{\"v\":3}", 4, 12).await.unwrap(), "a stale counter");
    assert!(!store.use_webauthn_credential(&p.id, "a", "{\"v\":3}", 0, 12).await.unwrap());
    let a = store.get_webauthn_credential(&p.id, "a").await.unwrap().unwrap();
    assert_eq!((a.passkey.as_str(), a.sign_count, a.last_used_at), ("{\"v\":2}", 5, Some(11)));
    assert!(matches!(store.delete_webauthn_credential(&p.id, "zed", "a").await, Err(StoreError::NotFound)));
    store.delete_webauthn_credential(&p.id, "wes", "a").await.unwrap();
    assert!(store.get_webauthn_credential(&p.id, "a").await.unwrap().is_none());
    store.delete_user(&p.id, "wes").await.unwrap();
    assert!(store.get_webauthn_credential(&p.id, "b").await.unwrap().is_none());
}
