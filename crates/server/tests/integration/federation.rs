//! Identity-provider management through the SDK: details checked per type and completed, secrets
//! returned to the administrator (sealed at rest), names and identifiers unique, paging, updates,
//! and deletion refused while an app client uses the provider.

use crate::common::*;
use idp::types::*;
use std::collections::HashMap;

pub(crate) fn details(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// A SAML IdP's metadata (the test IdP's, tests/js/saml-idp.mjs, with its test certificate).
pub(crate) const METADATA: &str = include_str!("../../../core/src/federation/saml/testdata/idp-metadata.xml");

#[tokio::test]
async fn identity_providers_round_trip() {
    let s = server().await;
    let c = s.client();
    let pool = pool(&c).await;
    let google = c
        .create_identity_provider()
        .user_pool_id(&pool)
        .provider_name("Google")
        .provider_type(IdentityProviderTypeType::Google)
        .set_provider_details(Some(details(&[
            ("client_id", "g-id"),
            ("client_secret", "g-secret"),
            ("authorize_scopes", "openid email"),
        ])))
        .attribute_mapping("email", "email")
        .send()
        .await
        .unwrap()
        .identity_provider
        .unwrap();
    let d = google.provider_details.unwrap();
    assert_eq!(d["client_secret"], "g-secret", "the administrator reads the secret back");
    assert_eq!(d["oidc_issuer"], "https://accounts.google.com");
    assert_eq!(google.attribute_mapping.unwrap()["username"], "sub");
    // A social preset is named after its type; details are checked per type.
    let e = c
        .create_identity_provider()
        .user_pool_id(&pool)
        .provider_name("MyGoogle")
        .provider_type(IdentityProviderTypeType::Google)
        .set_provider_details(Some(details(&[
            ("client_id", "x"),
            ("client_secret", "y"),
            ("authorize_scopes", "openid"),
        ])))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    let e = c
        .create_identity_provider()
        .user_pool_id(&pool)
        .provider_name("Corp")
        .provider_type(IdentityProviderTypeType::Oidc)
        .set_provider_details(Some(details(&[("client_id", "x"), ("authorize_scopes", "openid")])))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException", "{}", message(&e));
    let corp = [
        ("client_id", "corp-id"),
        ("client_secret", "corp-secret"),
        ("attributes_request_method", "GET"),
        ("oidc_issuer", "https://login.corp.example"),
        ("authorize_scopes", "openid email profile"),
    ];
    // Without its endpoints, an OIDC provider's discovery document must be readable.
    let e = c
        .create_identity_provider()
        .user_pool_id(&pool)
        .provider_name("Corp")
        .provider_type(IdentityProviderTypeType::Oidc)
        .set_provider_details(Some(details(&corp)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    assert!(message(&e).contains("discovery document"), "{}", message(&e));
    let endpoints = [
        ("authorize_url", "https://login.corp.example/authorize"),
        ("token_url", "https://login.corp.example/token"),
        ("attributes_url", "https://login.corp.example/userinfo"),
        ("jwks_uri", "https://login.corp.example/jwks"),
    ];
    c.create_identity_provider()
        .user_pool_id(&pool)
        .provider_name("Corp")
        .provider_type(IdentityProviderTypeType::Oidc)
        .set_provider_details(Some(details(&[&corp[..], &endpoints[..]].concat())))
        .idp_identifiers("corp.example")
        .send()
        .await
        .unwrap();
    let e = c
        .create_identity_provider()
        .user_pool_id(&pool)
        .provider_name("Saml")
        .provider_type(IdentityProviderTypeType::Saml)
        .set_provider_details(Some(details(&[("MetadataFile", METADATA)])))
        .idp_identifiers("corp.example")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "DuplicateProviderException");
    c.create_identity_provider()
        .user_pool_id(&pool)
        .provider_name("Saml")
        .provider_type(IdentityProviderTypeType::Saml)
        .set_provider_details(Some(details(&[("MetadataFile", METADATA), ("IDPSignout", "true")])))
        .idp_identifiers("saml.example")
        .send()
        .await
        .unwrap();
    let e = c
        .create_identity_provider()
        .user_pool_id(&pool)
        .provider_name("Corp")
        .provider_type(IdentityProviderTypeType::Saml)
        .set_provider_details(Some(details(&[("MetadataFile", METADATA)])))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "DuplicateProviderException");

    let by_id = c
        .get_identity_provider_by_identifier()
        .user_pool_id(&pool)
        .idp_identifier("corp.example")
        .send()
        .await
        .unwrap();
    assert_eq!(by_id.identity_provider.unwrap().provider_name.as_deref(), Some("Corp"));
    let page = c.list_identity_providers().user_pool_id(&pool).max_results(2).send().await.unwrap();
    assert_eq!(page.providers.len(), 2);
    let rest = c
        .list_identity_providers()
        .user_pool_id(&pool)
        .max_results(2)
        .next_token(page.next_token.unwrap())
        .send()
        .await
        .unwrap();
    let mut names: Vec<String> =
        page.providers.iter().chain(rest.providers.iter()).filter_map(|p| p.provider_name.clone()).collect();
    names.sort();
    assert_eq!(names, ["Corp", "Google", "Saml"]);

    // Update: details merge (the secret stays), identifiers replace.
    let u = c
        .update_identity_provider()
        .user_pool_id(&pool)
        .provider_name("Corp")
        .set_provider_details(Some(details(&[("authorize_scopes", "openid email")])))
        .idp_identifiers("corp.example.org")
        .send()
        .await
        .unwrap()
        .identity_provider
        .unwrap();
    let d = u.provider_details.unwrap();
    assert_eq!((d["client_secret"].as_str(), d["authorize_scopes"].as_str()), ("corp-secret", "openid email"));
    let gone = c
        .get_identity_provider_by_identifier()
        .user_pool_id(&pool)
        .idp_identifier("corp.example")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&gone), "ResourceNotFoundException");

    // A client may name the providers; then the provider cannot be deleted.
    let client = c
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("web")
        .supported_identity_providers("COGNITO")
        .supported_identity_providers("Corp")
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap()
        .client_id
        .unwrap();
    let e = c.delete_identity_provider().user_pool_id(&pool).provider_name("Corp").send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidParameterException");
    c.update_user_pool_client()
        .user_pool_id(&pool)
        .client_id(&client)
        .supported_identity_providers("COGNITO")
        .send()
        .await
        .unwrap();
    c.delete_identity_provider().user_pool_id(&pool).provider_name("Corp").send().await.unwrap();
    let e = c.describe_identity_provider().user_pool_id(&pool).provider_name("Corp").send().await.unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    // The secret is not stored in the clear.
    let db = std::fs::read(s.data_dir.join("cognate.db")).unwrap_or_default();
    let wal = std::fs::read(s.data_dir.join("cognate.db-wal")).unwrap_or_default();
    let hay = [db, wal].concat();
    assert!(!hay.windows(8).any(|w| w == b"g-secret"), "a provider secret is sealed at rest");
}

fn who(provider: &str, attribute: Option<&str>, value: &str) -> ProviderUserIdentifierType {
    ProviderUserIdentifierType::builder()
        .provider_name(provider)
        .set_provider_attribute_name(attribute.map(String::from))
        .provider_attribute_value(value)
        .build()
}

#[tokio::test]
async fn external_identities_are_linked_to_users_and_unlinked() {
    let s = server().await;
    let c = s.client();
    let pool = pool(&c).await;
    for name in ["Corp", "Saml"] {
        let (t, d) = if name == "Corp" {
            (
                IdentityProviderTypeType::Oidc,
                details(&[
                    ("client_id", "corp"),
                    ("client_secret", "s"),
                    ("attributes_request_method", "GET"),
                    ("oidc_issuer", "https://corp.example.com"),
                    ("authorize_scopes", "openid"),
                    ("authorize_url", "https://corp.example.com/auth"),
                    ("token_url", "https://corp.example.com/token"),
                    ("attributes_url", "https://corp.example.com/userinfo"),
                    ("jwks_uri", "https://corp.example.com/jwks"),
                ]),
            )
        } else {
            (IdentityProviderTypeType::Saml, details(&[("MetadataFile", METADATA)]))
        };
        c.create_identity_provider()
            .user_pool_id(&pool)
            .provider_name(name)
            .provider_type(t)
            .set_provider_details(Some(d))
            .send()
            .await
            .unwrap();
    }
    for u in ["lee", "kim"] {
        c.admin_create_user().user_pool_id(&pool).username(u).send().await.unwrap();
    }
    let link = |to: &str, from: ProviderUserIdentifierType| {
        c.admin_link_provider_for_user()
            .user_pool_id(&pool)
            .destination_user(who("Cognito", None, to))
            .source_user(from)
            .send()
    };
    link("lee", who("Corp", Some("Cognito_Subject"), "corp-1")).await.unwrap();
    link("lee", who("Corp", Some("Cognito_Subject"), "corp-1")).await.unwrap(); // the same link again
    link("lee", who("Saml", Some("email"), "lee@corp.example.com")).await.unwrap();
    let refused = [
        (link("kim", who("Corp", Some("Cognito_Subject"), "corp-1")).await, "AliasExistsException"),
        (link("nobody", who("Corp", Some("Cognito_Subject"), "corp-9")).await, "UserNotFoundException"),
        (link("kim", who("Nope", Some("Cognito_Subject"), "x")).await, "ResourceNotFoundException"),
        (link("kim", who("Corp", Some("email"), "x")).await, "InvalidParameterException"),
        (link("kim", who("Cognito", Some("Cognito_Subject"), "lee")).await, "InvalidParameterException"),
        (link("kim", who("Corp", Some("Cognito_Subject"), "")).await, "InvalidParameterException"),
    ];
    for (r, want) in refused {
        assert_eq!(code(&r.unwrap_err()), want);
    }
    // Five identities per user.
    for i in 2..=4 {
        link("lee", who("Corp", Some("Cognito_Subject"), &format!("corp-{i}"))).await.unwrap();
    }
    let over = link("lee", who("Corp", Some("Cognito_Subject"), "corp-5")).await.unwrap_err();
    assert_eq!(code(&over), "LimitExceededException");
    // Disabling the identity removes its link, so it can be linked to someone else.
    let disable =
        |u: ProviderUserIdentifierType| c.admin_disable_provider_for_user().user_pool_id(&pool).user(u).send();
    disable(who("Corp", Some("Cognito_Subject"), "corp-1")).await.unwrap();
    link("kim", who("Corp", Some("Cognito_Subject"), "corp-1")).await.unwrap();
    assert_eq!(
        code(&disable(who("Corp", Some("Cognito_Subject"), "never-seen")).await.unwrap_err()),
        "UserNotFoundException"
    );
    assert_eq!(
        code(&disable(who("Cognito", Some("Cognito_Subject"), "kim")).await.unwrap_err()),
        "InvalidParameterException"
    );
    // The users themselves are untouched; deleting the provider drops its links.
    assert!(c.admin_get_user().user_pool_id(&pool).username("kim").send().await.unwrap().enabled);
    c.delete_identity_provider().user_pool_id(&pool).provider_name("Corp").send().await.unwrap();
    c.create_identity_provider()
        .user_pool_id(&pool)
        .provider_name("Corp")
        .provider_type(IdentityProviderTypeType::Saml)
        .set_provider_details(Some(details(&[("MetadataFile", METADATA)])))
        .send()
        .await
        .unwrap();
    link("lee", who("Corp", Some("email"), "corp-1")).await.unwrap();
}
