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
    let user = User {
        pool_id: pool.id.clone(),
        username: "u".into(),
        username_key: "u".into(),
        sub: "sub-1".into(),
        status: UserStatus::Confirmed,
        enabled: true,
        attributes: vec![],
        password_hash: None,
        password_set_at: None,
        created_at: 1,
        updated_at: 1,
        version: 1,
        mfa: Default::default(),
        srp_verifier: None,
        pending_attributes: vec![],
    };
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
