//! Temporary credentials and role choice, hard: expiry, another key, a forged or revoked
//! session; guests, Token and Rules mappings, ambiguity.

use super::logins::VerifiedLogin;
use super::roles;
use cognate_model::{IdentityPool, MappingRule, RoleMapping};
use serde_json::json;

#[tokio::test]
async fn credentials_verify_until_they_expire_or_their_identity_goes() {
    let svc = crate::testing::service().await;
    let c = svc.mint_credentials("us-east-1:i1", "us-east-1:p1", "arn:aws:iam::000000000000:role/R", "s", 60_000);
    let cred = svc.temporary_credential(&c.access_key_id, &c.session_token).expect("valid");
    assert_eq!(cred.secret(), c.secret_key);
    // Another key id with this token, an expired session, a changed token: nothing.
    assert!(svc.temporary_credential("ASIAAAAAAAAAAAAAAAAA", &c.session_token).is_none());
    let old = svc.mint_credentials("us-east-1:i1", "us-east-1:p1", "arn:aws:iam::000000000000:role/R", "s", -1);
    assert!(svc.temporary_credential(&old.access_key_id, &old.session_token).is_none());
    let mut forged = c.session_token.clone().into_bytes();
    forged[10] ^= 1;
    assert!(svc.temporary_credential(&c.access_key_id, std::str::from_utf8(&forged).unwrap()).is_none());
    // The secret is the server's own: another service's key derives another one.
    let other = crate::testing::service().await;
    assert!(other.temporary_credential(&c.access_key_id, &c.session_token).is_none());
    // Revoked with the identity, or with its pool.
    svc.revoke_credentials_of("us-east-1:p1", "us-east-1:i1").await.unwrap();
    assert!(svc.temporary_credential(&c.access_key_id, &c.session_token).is_none());
    let p = svc.mint_credentials("us-east-1:i2", "us-east-1:p2", "arn:aws:iam::000000000000:role/R", "s", 60_000);
    svc.revoke_credentials_of("us-east-1:p2", "us-east-1:p2").await.unwrap();
    assert!(svc.temporary_credential(&p.access_key_id, &p.session_token).is_none());
    // A role an administrator assumed (no identity) is a Role principal.
    let r = svc.mint_credentials("", "", "arn:aws:iam::000000000000:role/Ops", "ops", 60_000);
    let cred = svc.temporary_credential(&r.access_key_id, &r.session_token).unwrap();
    assert!(format!("{cred:?}").contains("Role(RolePrincipal"), "{cred:?}");
}

fn pool(mappings: &[(&str, RoleMapping)]) -> IdentityPool {
    IdentityPool {
        id: "us-east-1:p".into(),
        name: "p".into(),
        allow_unauthenticated: true,
        allow_classic_flow: false,
        supported_login_providers: Default::default(),
        developer_provider_name: None,
        open_id_connect_provider_arns: vec![],
        cognito_identity_providers: vec![],
        saml_provider_arns: vec![],
        tags: Default::default(),
        roles: [
            ("authenticated".to_string(), "auth".to_string()),
            ("unauthenticated".to_string(), "guest".to_string()),
        ]
        .into(),
        role_mappings: mappings.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
        principal_tags: Default::default(),
        created_at: 0,
        updated_at: 0,
    }
}

fn login(claims: serde_json::Value) -> VerifiedLogin {
    VerifiedLogin {
        provider: "up".into(),
        subject: "s".into(),
        claims,
        client_id: Some("c".into()),
        identity_token_of: None,
    }
}

#[test]
fn roles_follow_the_mappings() {
    let token =
        |amb: &str| RoleMapping { kind: "Token".into(), ambiguous_role_resolution: Some(amb.into()), rules: vec![] };
    let rules = RoleMapping {
        kind: "Rules".into(),
        ambiguous_role_resolution: Some("Deny".into()),
        rules: vec![MappingRule {
            claim: "dept".into(),
            match_type: "Equals".into(),
            value: "ops".into(),
            role_arn: "ops".into(),
        }],
    };
    let none = pool(&[]);
    assert_eq!(roles::resolve(&none, None, None).unwrap(), "guest");
    assert_eq!(roles::resolve(&none, Some(&[login(json!({}))]), None).unwrap(), "auth");
    let t = pool(&[("up", token("AuthenticatedRole"))]);
    let grants = login(json!({"cognito:roles": ["a", "b"], "cognito:preferred_role": "a"}));
    assert_eq!(roles::resolve(&t, Some(std::slice::from_ref(&grants)), None).unwrap(), "a");
    assert_eq!(roles::resolve(&t, Some(std::slice::from_ref(&grants)), Some("b")).unwrap(), "b");
    assert!(roles::resolve(&t, Some(std::slice::from_ref(&grants)), Some("z")).is_err());
    assert_eq!(
        roles::resolve(&t, Some(&[login(json!({}))]), None).unwrap(),
        "auth",
        "ambiguous: the authenticated role"
    );
    let deny = pool(&[("up:c", token("Deny"))]);
    assert!(roles::resolve(&deny, Some(&[login(json!({}))]), None).is_err(), "the client-specific key, and Deny");
    let r = pool(&[("up", rules)]);
    assert_eq!(roles::resolve(&r, Some(&[login(json!({"dept": "ops"}))]), None).unwrap(), "ops");
    assert!(roles::resolve(&r, Some(&[login(json!({"dept": "dev"}))]), None).is_err());
    let mut no_roles = pool(&[]);
    no_roles.roles.clear();
    assert!(matches!(
        roles::resolve(&no_roles, None, None),
        Err(crate::CoreError::InvalidIdentityPoolConfiguration(_))
    ));
}
