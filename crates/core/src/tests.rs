//! Unit tests that need to move the clock: expired access tokens and expired codes.

use crate::{Cognate, CoreError};
use cognate_model::{now_millis, PoolSettings, User, UserPool, UserPoolId, UserStatus};
use cognate_store::StoredCode;
use serde_json::json;

pub(crate) async fn service() -> (Cognate, UserPool, User) {
    let svc = crate::testing::service().await;
    let pool = UserPool {
        id: UserPoolId::new("us-east-1_Test12345"),
        name: "t".into(),
        created_at: 1,
        updated_at: 1,
        settings: PoolSettings::default(),
    };
    svc.store.create_pool(&pool).await.unwrap();
    let user = User::new(pool.id.clone(), "u".into(), "u".into(), "sub-1".into(), UserStatus::Confirmed, vec![], 1);
    svc.store.create_user(&user, &[]).await.unwrap();
    (svc, pool, user)
}

fn access_claims(exp: i64, scope: &str) -> serde_json::Value {
    json!({"sub": "sub-1", "iss": "http://issuer/us-east-1_Test12345", "token_use": "access", "scope": scope,
           "exp": exp, "iat": exp - 3600, "origin_jti": "o-1", "username": "u", "client_id": "c"})
}

#[tokio::test]
async fn expired_foreign_and_scopeless_access_tokens_are_refused() {
    let (svc, _, _) = service().await;
    let ring = svc.keys.current();
    let now = now_millis() / 1000;
    let expired = ring.signing.sign(&access_claims(now - 1, "aws.cognito.signin.user.admin")).unwrap();
    assert!(matches!(svc.authenticate(&expired), Err(CoreError::NotAuthorized(m)) if m == "Access Token has expired"));
    let good = ring.signing.sign(&access_claims(now + 60, "aws.cognito.signin.user.admin")).unwrap();
    assert_eq!(svc.authenticate(&good).unwrap().sub(), "sub-1");
    let scopeless = ring.signing.sign(&access_claims(now + 60, "openid email")).unwrap();
    assert!(
        matches!(svc.authenticate(&scopeless), Err(CoreError::NotAuthorized(m)) if m == "Access Token does not have required scopes")
    );
    let mut other = access_claims(now + 60, "aws.cognito.signin.user.admin");
    other["iss"] = json!("https://elsewhere/us-east-1_Test12345");
    let foreign = ring.signing.sign(&other).unwrap();
    assert!(matches!(svc.authenticate(&foreign), Err(CoreError::NotAuthorized(m)) if m == "Invalid Access Token"));
    svc.revocations.add([("o-1".to_string(), now_millis() + 60_000)]);
    assert!(
        matches!(svc.authenticate(&good), Err(CoreError::NotAuthorized(m)) if m == "Access Token has been revoked")
    );
}

#[tokio::test]
async fn expired_codes_are_refused_and_removed() {
    let (svc, pool, user) = service().await;
    let code = svc.issue_code(&pool, &user, "signup", 60_000).await.unwrap();
    let mut stored = svc.store.get_code(&pool.id, "u", "signup").await.unwrap().unwrap();
    stored.expires_at = now_millis() - 1;
    svc.store.put_code(&pool.id, "u", "signup", &StoredCode { ..stored }).await.unwrap();
    assert!(matches!(svc.check_code(&pool, &user, "signup", &code).await, Err(CoreError::ExpiredCode(_))));
    assert!(svc.store.get_code(&pool.id, "u", "signup").await.unwrap().is_none());
    // A fresh code works once.
    let code = svc.issue_code(&pool, &user, "reset", 60_000).await.unwrap();
    svc.check_code(&pool, &user, "reset", &code).await.unwrap();
    assert!(matches!(svc.check_code(&pool, &user, "reset", &code).await, Err(CoreError::ExpiredCode(_))));
}

/// The admin view on an in-memory store: a pool, a user, groups and their precedence in the
/// tokens' order, an attribute update with its alias key, and the deletion that takes the
/// memberships with it — no server involved.
#[tokio::test]
async fn admin_view_manages_a_pool_without_a_server() {
    use crate::{AdminCtx, CreateUserInput, GroupInput, ListUsersInput, MessageAction, PoolInput, RequestContext};
    let svc = crate::testing::service().await;
    let (ctx, rc) = (AdminCtx::for_tests(), RequestContext::internal());
    let admin = svc.admin(&ctx, &rc);
    let mut settings = PoolSettings { alias_attributes: vec!["email".into()], ..Default::default() };
    settings.case_sensitive = false;
    let pool = admin.create_pool(PoolInput { name: Some("p".into()), settings, tags_given: false }).await.unwrap();
    let input = CreateUserInput {
        username: "Alice".into(),
        attributes: vec![("email".into(), "a@example.com".into()), ("email_verified".into(), "true".into())],
        message_action: Some(MessageAction::Suppress),
        ..Default::default()
    };
    let alice = admin.create_user(&pool.id, input).await.unwrap();
    assert_eq!(alice.status, UserStatus::ForceChangePassword);
    // Case-insensitive names and the verified email alias both find her.
    assert_eq!(admin.get_user(&pool.id, "ALICE").await.unwrap().sub, alice.sub);
    assert_eq!(admin.get_user(&pool.id, "a@example.com").await.unwrap().sub, alice.sub);
    for (name, precedence) in [("b-admins", 1), ("a-users", 5)] {
        let g = GroupInput { precedence: Some(precedence), ..Default::default() };
        admin.create_group(&pool.id, name, g).await.unwrap();
        admin.add_user_to_group(&pool.id, "alice", name).await.unwrap();
    }
    let (groups, _) = admin.groups_for_user(&pool.id, "alice", None, None).await.unwrap();
    assert_eq!(groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(), ["a-users", "b-admins"]);
    // A changed email is unverified, so it is no longer an alias.
    admin.update_user_attributes(&pool.id, "alice", &[("email".into(), "new@example.com".into())]).await.unwrap();
    assert!(matches!(admin.get_user(&pool.id, "new@example.com").await, Err(CoreError::UserNotFound)));
    let filter = ListUsersInput { filter: Some("email = \"new@example.com\"".into()), ..Default::default() };
    assert_eq!(admin.list_users(&pool.id, filter).await.unwrap().users.len(), 1);
    admin.delete_user(&pool.id, "alice").await.unwrap();
    assert!(matches!(admin.groups_for_user(&pool.id, "alice", None, None).await, Err(CoreError::UserNotFound)));
    let (members, _) = admin.users_in_group(&pool.id, "a-users", None, None).await.unwrap();
    assert!(members.is_empty());
}

mod properties {
    use crate::srp::{from_hex, SrpGroup};
    use crate::tokens::jwt;
    use num_bigint::BigUint;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any token is refused by the JWT parser without a panic (no key can match).
        #[test]
        fn arbitrary_tokens_are_refused(token in "[A-Za-z0-9_.=-]{0,300}") {
            prop_assert!(jwt::verify(&token, |_| None).is_err());
        }

        /// Tokens with three parts of base64url, decoding to anything.
        #[test]
        fn three_part_tokens_are_refused(
            h in prop::collection::vec(any::<u8>(), 0..64),
            p in prop::collection::vec(any::<u8>(), 0..64),
            s in prop::collection::vec(any::<u8>(), 0..64),
        ) {
            use base64::Engine;
            let e = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
            let token = [e(&h), e(&p), e(&s)].join(".");
            prop_assert!(jwt::verify(&token, |_| None).is_err());
        }

        /// The ListUsers filter grammar parses or refuses anything, never panicking.
        #[test]
        fn arbitrary_filters(filter in r#"[a-z_ ="^!\\-]{0,60}"#) {
            let _ = crate::filter::parse(&filter);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

        /// SRP with any A: refused unless 0 < A < N; an accepted one gives a key, no panic.
        #[test]
        fn arbitrary_srp_a(a in "[0-9a-f]{0,800}") {
            let g = SrpGroup::default();
            let a = from_hex(&a);
            let v = g.pow_g(&BigUint::from(12345u32));
            let (b, big_b) = g.server_ephemeral(&v);
            if g.valid_a(&a) {
                let _ = g.server_key(&a, &big_b, &v, &b);
            } else {
                prop_assert!(a == BigUint::default() || a >= g.n);
            }
        }
    }
}
