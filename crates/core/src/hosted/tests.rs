//! The OAuth rules without HTTP: authorization checks and where their errors go, codes (single
//! use, PKCE, replay revokes), the client-credentials grant, userInfo by scope, sessions.

use super::*;
use crate::ctx::RequestContext;
use crate::Cognate;
use cognate_model::{
    now_millis, AppClient, ClientId, ClientSettings, OAuthFlow, PoolDomain, ResourceServer, Scope, User, UserStatus,
};

const CB: &str = "https://app.example.com/cb";
const SECRET: &str = "s3cret-of-the-client";

struct World {
    svc: Cognate,
    pool: cognate_model::UserPool,
    client: ClientId,
    user: User,
}

async fn world(flows: &[OAuthFlow], scopes: &[&str], with_secret: bool) -> World {
    let (svc, pool, _) = crate::tests::service().await;
    svc.store
        .create_domain(&PoolDomain {
            domain: "test-login".into(),
            pool_id: pool.id.clone(),
            custom: false,
            certificate_arn: None,
            managed_login_version: 1,
            created_at: 1,
        })
        .await
        .unwrap();
    svc.store
        .put_resource_server(
            &ResourceServer {
                pool_id: pool.id.clone(),
                identifier: "api".into(),
                name: "API".into(),
                scopes: vec![Scope { name: "read".into(), description: "r".into() }],
            },
            true,
        )
        .await
        .unwrap();
    let client = ClientId::new("client1234567890abcdefghij");
    let settings = ClientSettings {
        allowed_oauth_flows: flows.to_vec(),
        allowed_oauth_scopes: scopes.iter().map(|s| s.to_string()).collect(),
        allowed_oauth_flows_user_pool_client: true,
        callback_urls: vec![CB.into()],
        logout_urls: vec!["https://app.example.com/bye".into()],
        supported_identity_providers: vec!["COGNITO".into()],
        enable_token_revocation: true,
        explicit_auth_flows: crate::clients::DEFAULT_FLOWS.to_vec(),
        auth_session_validity: 3,
        ..Default::default()
    };
    svc.store
        .create_client(&AppClient {
            pool_id: pool.id.clone(),
            client_id: client.clone(),
            name: "web".into(),
            secret_sealed: with_secret.then(|| svc.master.seal(SECRET.as_bytes(), client.as_str())),
            created_at: 1,
            updated_at: 1,
            settings,
        })
        .await
        .unwrap();
    let mut user = User::new(
        pool.id.clone(),
        "alice".into(),
        "alice".into(),
        "sub-alice".into(),
        UserStatus::Confirmed,
        vec![
            ("email".into(), "alice@example.com".into()),
            ("email_verified".into(), "true".into()),
            ("given_name".into(), "Alice".into()),
            ("phone_number".into(), "+15555550100".into()),
        ],
        1,
    );
    user.password_set_at = Some(1);
    svc.store.create_user(&user, &[]).await.unwrap();
    World { svc, pool, client, user }
}

fn params(w: &World) -> AuthorizeParams {
    AuthorizeParams {
        response_type: Some("code".into()),
        client_id: Some(w.client.to_string()),
        redirect_uri: Some(CB.into()),
        state: Some("st&te".into()),
        scope: Some("openid email".into()),
        ..Default::default()
    }
}

fn query_param(location: &str, name: &str) -> Option<String> {
    let q = location.split_once(['?', '#'])?.1;
    q.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| v.replace("%26", "&").replace("%20", " "))
    })
}

fn claims_of(token: &str) -> Option<serde_json::Value> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

fn secret_creds(w: &World) -> ClientCredentials {
    ClientCredentials { basic: Some((w.client.to_string(), SECRET.into())), ..Default::default() }
}

#[tokio::test]
async fn authorization_errors_before_the_redirect_uri_is_trusted_never_redirect() {
    let w = world(&[OAuthFlow::Code], &["openid", "email"], true).await;
    let rc = RequestContext::internal();
    let oauth = w.svc.oauth(&rc);
    let page = |r: Result<AuthorizeRequest, AuthorizeRefusal>| match r {
        Err(AuthorizeRefusal::Page { error, .. }) => error,
        other => panic!("expected the error page, got {other:?}"),
    };
    let mut p = params(&w);
    p.client_id = Some("nope".into());
    assert_eq!(page(oauth.check_authorize(&p, None).await.unwrap()), "invalid_client");
    let mut p = params(&w);
    p.redirect_uri = Some(format!("{CB}/"));
    assert_eq!(page(oauth.check_authorize(&p, None).await.unwrap()), "redirect_mismatch", "exact match only");
    let mut p = params(&w);
    p.redirect_uri = None;
    assert_eq!(page(oauth.check_authorize(&p, None).await.unwrap()), "redirect_mismatch");
    // A request to another pool's domain.
    w.svc
        .store
        .create_pool(&cognate_model::UserPool {
            id: cognate_model::UserPoolId::new("us-east-1_Other1234"),
            ..w.pool.clone()
        })
        .await
        .unwrap();
    w.svc
        .store
        .create_domain(&PoolDomain {
            domain: "auth.other.example".into(),
            pool_id: cognate_model::UserPoolId::new("us-east-1_Other1234"),
            custom: true,
            certificate_arn: None,
            managed_login_version: 1,
            created_at: 1,
        })
        .await
        .unwrap();
    assert_eq!(page(oauth.check_authorize(&params(&w), Some("auth.other.example")).await.unwrap()), "invalid_client");
    assert!(oauth.check_authorize(&params(&w), Some("unknown.example")).await.unwrap().is_ok());
    // No domain, no OAuth.
    w.svc.store.delete_domain("test-login").await.unwrap();
    assert_eq!(page(oauth.check_authorize(&params(&w), None).await.unwrap()), "invalid_request");
}

#[tokio::test]
async fn authorization_errors_after_it_is_trusted_go_back_with_the_state() {
    let w = world(&[OAuthFlow::Code], &["openid", "email", "api/read"], true).await;
    let rc = RequestContext::internal();
    let oauth = w.svc.oauth(&rc);
    let redirect = |r: Result<AuthorizeRequest, AuthorizeRefusal>| match r {
        Err(AuthorizeRefusal::Redirect { location, error }) => {
            let fragment = location.starts_with(&format!("{CB}#error={error}&"));
            assert!(location.starts_with(&format!("{CB}?error={error}&")) || fragment, "{location}");
            assert_eq!(query_param(&location, "state").as_deref(), Some("st&te"));
            error
        }
        other => panic!("expected a redirect, got {other:?}"),
    };
    type Change = Box<dyn Fn(&mut AuthorizeParams)>;
    let cases: Vec<(Change, &str)> = vec![
        (Box::new(|p| p.response_type = None), "invalid_request"),
        (Box::new(|p| p.response_type = Some("id_token".into())), "unsupported_response_type"),
        (Box::new(|p| p.response_type = Some("token".into())), "unauthorized_client"),
        (Box::new(|p| p.scope = Some("openid phone".into())), "invalid_scope"),
        (Box::new(|p| p.scope = Some("email".into())), "invalid_scope"),
        (Box::new(|p| p.code_challenge = Some("x".repeat(43))), "invalid_request"),
        (
            Box::new(|p| {
                p.code_challenge = Some("x".repeat(43));
                p.code_challenge_method = Some("plain".into())
            }),
            "invalid_request",
        ),
        (Box::new(|p| p.prompt = Some("none login".into())), "invalid_request"),
        (Box::new(|p| p.max_age = Some("-1".into())), "invalid_request"),
        (Box::new(|p| p.request = Some("eyJ...".into())), "request_not_supported"),
        (Box::new(|p| p.identity_provider = Some("Google".into())), "invalid_request"),
    ];
    for (change, want) in cases {
        let mut p = params(&w);
        change(&mut p);
        assert_eq!(redirect(oauth.check_authorize(&p, None).await.unwrap()), want, "{p:?}");
    }
    let mut p = params(&w);
    p.scope = None;
    let ok = oauth.check_authorize(&p, None).await.unwrap().unwrap();
    assert_eq!(ok.scopes, ["openid", "email", "api/read"], "no scope asked: all the client's");
}

#[tokio::test]
async fn a_code_is_single_use_bound_to_client_redirect_and_verifier_and_a_replay_revokes() {
    let w = world(&[OAuthFlow::Code], &["openid", "email"], true).await;
    let rc = RequestContext::internal();
    let oauth = w.svc.oauth(&rc);
    let verifier = "v".repeat(50);
    let mut p = params(&w);
    p.code_challenge = Some(authorize::s256(&verifier));
    p.code_challenge_method = Some("S256".into());
    p.nonce = Some("n-1".into());
    let req = oauth.check_authorize(&p, None).await.unwrap().unwrap();
    let (session, _) = oauth.start_session(&w.pool.id, "alice", now_millis() / 1000);
    let exchange = |code: String, verifier: Option<String>, redirect: &str| TokenRequest {
        grant_type: Some("authorization_code".into()),
        code: Some(code),
        redirect_uri: Some(redirect.into()),
        code_verifier: verifier,
        client: secret_creds(&w),
        ..Default::default()
    };

    // A wrong verifier, a missing one, a wrong redirect URI, a forged or altered code get
    // nothing, and leave the code good for the app that holds the verifier.
    let loc = oauth.grant(&req, &session).await.unwrap();
    let code = query_param(&loc, "code").unwrap();
    let e = oauth.token(&exchange(code.clone(), Some("w".repeat(50)), CB)).await.unwrap_err();
    assert_eq!(e.code(), "invalid_grant");
    assert_eq!(oauth.token(&exchange(code.clone(), None, CB)).await.unwrap_err().code(), "invalid_grant");
    assert_eq!(
        oauth.token(&exchange(code.clone(), Some(verifier.clone()), "https://x/")).await.unwrap_err().code(),
        "invalid_grant"
    );
    for forged in [uuid::Uuid::new_v4().to_string(), format!("{code}A"), code[1..].to_string()] {
        assert_eq!(
            oauth.token(&exchange(forged, Some(verifier.clone()), CB)).await.unwrap_err().code(),
            "invalid_grant"
        );
    }
    // Bad client authentication is 401 and leaves the code alone.
    let mut bad = exchange(code.clone(), Some(verifier.clone()), CB);
    bad.client.basic = Some((w.client.to_string(), "wrong".into()));
    let e = oauth.token(&bad).await.unwrap_err();
    assert_eq!((e.code(), e.status()), ("invalid_client", 401));

    let t = oauth.token(&exchange(code.clone(), Some(verifier.clone()), CB)).await.unwrap();
    let id = claims_of(t.id_token.as_deref().unwrap()).unwrap();
    assert_eq!(id["nonce"], "n-1");
    assert_eq!(id["at_hash"], crate::tokens::at_hash(&t.access_token));
    assert_eq!(id["aud"], w.client.as_str());
    let access = claims_of(&t.access_token).unwrap();
    assert_eq!(access["scope"], "openid email");
    assert_eq!(access["auth_time"], session.auth_time);
    assert!(oauth.user_info(&t.access_token).await.is_ok());

    // The replay fails and revokes what the first redemption gave.
    assert_eq!(oauth.token(&exchange(code, Some(verifier), CB)).await.unwrap_err().code(), "invalid_grant");
    assert_eq!(oauth.user_info(&t.access_token).await.unwrap_err().code(), "invalid_token");
    let refresh = TokenRequest {
        grant_type: Some("refresh_token".into()),
        refresh_token: t.refresh_token.clone(),
        client: secret_creds(&w),
        ..Default::default()
    };
    assert_eq!(oauth.token(&refresh).await.unwrap_err().code(), "invalid_grant");
}

#[tokio::test]
async fn refresh_keeps_the_scopes_and_revoke_ends_it() {
    let w = world(&[OAuthFlow::Code], &["openid", "profile"], false).await;
    let rc = RequestContext::internal();
    let oauth = w.svc.oauth(&rc);
    let mut p = params(&w);
    p.scope = Some("openid profile".into());
    let req = oauth.check_authorize(&p, None).await.unwrap().unwrap();
    let (session, _) = oauth.start_session(&w.pool.id, "alice", now_millis() / 1000);
    let code = query_param(&oauth.grant(&req, &session).await.unwrap(), "code").unwrap();
    let public = ClientCredentials { client_id: Some(w.client.to_string()), ..Default::default() };
    let t = oauth
        .token(&TokenRequest {
            grant_type: Some("authorization_code".into()),
            code: Some(code),
            redirect_uri: Some(CB.into()),
            client: public.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    let refresh = TokenRequest {
        grant_type: Some("refresh_token".into()),
        refresh_token: t.refresh_token.clone(),
        client: public.clone(),
        ..Default::default()
    };
    let again = oauth.token(&refresh).await.unwrap();
    assert!(again.refresh_token.is_none(), "no rotation: no new refresh token");
    let access = claims_of(&again.access_token).unwrap();
    assert_eq!(access["scope"], "openid profile");
    // A public client that sends a secret is refused.
    let mut with_secret = refresh.clone();
    with_secret.client.client_secret = Some("x".into());
    assert_eq!(oauth.token(&with_secret).await.unwrap_err().code(), "invalid_client");
    assert_eq!(oauth.revoke(Some(&t.access_token), &public).await.unwrap_err().code(), "unsupported_token_type");
    oauth.revoke(t.refresh_token.as_deref(), &public).await.unwrap();
    oauth.revoke(Some("unknown-token"), &public).await.unwrap();
    assert_eq!(oauth.token(&refresh).await.unwrap_err().code(), "invalid_grant");
}

#[tokio::test]
async fn client_credentials_grant_custom_scopes_only() {
    let w = world(&[OAuthFlow::ClientCredentials], &["api/read"], true).await;
    let rc = RequestContext::internal();
    let oauth = w.svc.oauth(&rc);
    let req = |scope: Option<&str>| TokenRequest {
        grant_type: Some("client_credentials".into()),
        scope: scope.map(String::from),
        client: ClientCredentials {
            client_id: Some(w.client.to_string()),
            client_secret: Some(SECRET.into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let t = oauth.token(&req(None)).await.unwrap();
    assert!(t.id_token.is_none() && t.refresh_token.is_none());
    let c = claims_of(&t.access_token).unwrap();
    assert_eq!((c["sub"].as_str(), c["scope"].as_str()), (Some(w.client.as_str()), Some("api/read")));
    assert!(c.get("username").is_none());
    assert_eq!(oauth.token(&req(Some("openid"))).await.unwrap_err().code(), "invalid_scope");
    assert_eq!(oauth.token(&req(Some("api/write"))).await.unwrap_err().code(), "invalid_scope");
    let e = oauth.user_info(&t.access_token).await.unwrap_err();
    assert_eq!(e.code(), "insufficient_scope");
    let mut code_grant = req(None);
    code_grant.grant_type = Some("authorization_code".into());
    assert_eq!(oauth.token(&code_grant).await.unwrap_err().code(), "unauthorized_client");
    code_grant.grant_type = Some("password".into());
    assert_eq!(oauth.token(&code_grant).await.unwrap_err().code(), "unsupported_grant_type");
}

#[tokio::test]
async fn user_info_answers_by_scope() {
    let w = world(&[OAuthFlow::Code], &["openid", "email", "phone", "profile"], true).await;
    let rc = RequestContext::internal();
    let oauth = w.svc.oauth(&rc);
    let (session, _) = oauth.start_session(&w.pool.id, "alice", now_millis() / 1000);
    let claims = |scope: &'static str| {
        let oauth = &oauth;
        let session = &session;
        let w = &w;
        async move {
            let mut p = params(w);
            p.scope = Some(scope.into());
            let req = oauth.check_authorize(&p, None).await.unwrap().unwrap();
            let code = query_param(&oauth.grant(&req, session).await.unwrap(), "code").unwrap();
            let t = oauth
                .token(&TokenRequest {
                    grant_type: Some("authorization_code".into()),
                    code: Some(code),
                    redirect_uri: Some(CB.into()),
                    client: secret_creds(w),
                    ..Default::default()
                })
                .await
                .unwrap();
            let mut keys: Vec<String> = oauth.user_info(&t.access_token).await.unwrap().keys().cloned().collect();
            keys.sort();
            keys
        }
    };
    assert_eq!(claims("openid").await, ["email", "email_verified", "given_name", "phone_number", "sub", "username"]);
    assert_eq!(claims("openid email").await, ["email", "email_verified", "sub", "username"]);
    assert_eq!(claims("openid phone").await, ["phone_number", "sub", "username"]);
    assert_eq!(claims("openid profile").await, ["given_name", "sub", "username"]);
    let _ = &w.user;
}

#[tokio::test]
async fn sessions_end_with_logout_a_password_change_or_a_disabled_user() {
    let w = world(&[OAuthFlow::Code], &["openid"], true).await;
    let rc = RequestContext::internal();
    let oauth = w.svc.oauth(&rc);
    let (s, sealed) = oauth.start_session(&w.pool.id, "alice", now_millis() / 1000);
    assert_eq!(oauth.session(&sealed, &w.pool.id).await.unwrap(), Some(s.clone()));
    assert_eq!(
        oauth.session(&sealed, &cognate_model::UserPoolId::new("us-east-1_Other1234")).await.unwrap(),
        None,
        "another pool's"
    );
    assert_eq!(oauth.session("garbage", &w.pool.id).await.unwrap(), None);
    let mut tampered = sealed.clone().into_bytes();
    tampered[10] ^= 1;
    assert_eq!(oauth.session(&String::from_utf8(tampered).unwrap(), &w.pool.id).await.unwrap(), None);
    let renewed = oauth.renew_session(&s);
    assert!(oauth.session(&renewed, &w.pool.id).await.unwrap().unwrap().exp >= s.exp);

    let change = |f: fn(&mut User)| {
        let store = w.svc.store.clone();
        let pool = w.pool.id.clone();
        async move {
            let mut u = store.get_user(&pool, "alice").await.unwrap().unwrap();
            f(&mut u);
            store.update_user(&u, None).await.unwrap();
        }
    };
    change(|u| u.password_set_at = Some(now_millis() + 5_000)).await;
    assert_eq!(oauth.session(&sealed, &w.pool.id).await.unwrap(), None, "password changed since");
    change(|u| {
        u.password_set_at = Some(1);
        u.enabled = false
    })
    .await;
    assert_eq!(oauth.session(&sealed, &w.pool.id).await.unwrap(), None, "disabled");
    change(|u| u.enabled = true).await;
    assert!(oauth.session(&sealed, &w.pool.id).await.unwrap().is_some());
    oauth.end_session(&sealed).await.unwrap();
    assert_eq!(oauth.session(&renewed, &w.pool.id).await.unwrap(), None, "logged out, renewed copies too");
}
