//! The front door in process, with a credential lookup that also knows a non-admin principal:
//! identity credentials get `AccessDeniedException` for admin operations.

use super::{FrontDoor, Registry};
use async_trait::async_trait;
use axum::extract::connect_info::MockConnectInfo;
use cognate_core::principal::{Credential, CredentialLookup, IdentityPrincipal, PrincipalKind};
use cognate_core::testing::ADMIN_KEY;
use cognate_core::{Cognate, CoreResult};
use std::sync::Arc;
use tower::ServiceExt;

const IDENTITY_KEY: (&str, &str, &str) = ("ASIATESTIDENTITY0001", "identity-secret", "identity-session-token");

struct Lookup(Cognate);

#[async_trait]
impl CredentialLookup for Lookup {
    async fn lookup(&self, key: &str, token: Option<&str>) -> CoreResult<Option<Credential>> {
        if key == IDENTITY_KEY.0 {
            let kind = PrincipalKind::Identity(IdentityPrincipal {
                identity_id: "us-east-1:11111111-2222-3333-4444-555555555555".into(),
                identity_pool_id: "us-east-1:66666666-7777-8888-9999-000000000000".into(),
                role_arn: "arn:aws:iam::000000000000:role/Cognito_Authenticated".into(),
                session_name: "CognitoIdentityCredentials".into(),
            });
            return Ok(Some(Credential::new(key, IDENTITY_KEY.1, Some(IDENTITY_KEY.2), kind)));
        }
        self.0.lookup(key, token).await
    }
}

async fn app() -> (axum::Router, Arc<FrontDoor>) {
    let svc = cognate_core::testing::service().await;
    let door = Arc::new(FrontDoor {
        registry: Registry::new("us-east-1", vec![Box::new(cognate_api_idp::IdpApi::new(svc.clone()))]),
        credentials: Arc::new(Lookup(svc.clone())),
        max_body_bytes: 64 * 1024,
        body_timeout: std::time::Duration::from_secs(5),
        trusted_proxies: vec![],
        rate: None,
    });
    let ui = Arc::new(crate::hosted::Hosted::new(&svc, "http://127.0.0.1:9229", None, door.clone()));
    let app = crate::routes::app(svc, door.clone(), ui, None)
        .layer(MockConnectInfo(std::net::SocketAddr::from(([127, 0, 0, 1], 40000))));
    (app, door)
}

async fn call(
    app: &axum::Router,
    op: &str,
    body: &str,
    key: (&str, &str),
    token: Option<&str>,
) -> (u16, serde_json::Value) {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let amz_date = cognate_sigv4::format_amz_date(now);
    let mut h = http::HeaderMap::new();
    h.insert("content-type", "application/x-amz-json-1.1".parse().unwrap());
    h.insert("x-amz-target", format!("AWSCognitoIdentityProviderService.{op}").parse().unwrap());
    h.insert("x-amz-date", amz_date.parse().unwrap());
    if let Some(t) = token {
        h.insert("x-amz-security-token", t.parse().unwrap());
    }
    let auth = cognate_testkit::sign(key.0, key.1, "cognito-idp", "localhost", &h, body.as_bytes(), &amz_date);
    let mut req = http::Request::builder().method("POST").uri("/").header("host", "localhost");
    for (k, v) in &h {
        req = req.header(k, v);
    }
    let req = req.header("authorization", auth).body(axum::body::Body::from(body.to_string())).unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn identity_credentials_are_not_an_administrator() {
    let (app, door) = app().await;
    let (status, out) = call(&app, "CreateUserPool", r#"{"PoolName":"p"}"#, ADMIN_KEY, None).await;
    assert_eq!(status, 200, "{out}");
    let pool = out["UserPool"]["Id"].as_str().unwrap().to_string();
    let body = format!(r#"{{"UserPoolId":"{pool}","Username":"alice"}}"#);
    let identity = (IDENTITY_KEY.0, IDENTITY_KEY.1);
    let (status, out) = call(&app, "AdminGetUser", &body, identity, Some(IDENTITY_KEY.2)).await;
    assert_eq!(status, 400, "{out}");
    assert_eq!(out["__type"], "AccessDeniedException");
    let msg = out["message"].as_str().unwrap();
    assert!(
        msg.starts_with("User: arn:aws:sts::000000000000:assumed-role/Cognito_Authenticated/CognitoIdentityCredentials is not authorized to perform: cognito-idp:AdminGetUser on resource: arn:aws:cognito-idp:us-east-1:000000000000:userpool/"),
        "{msg}"
    );
    // Without its session token the identity key is not even recognized.
    let (status, out) = call(&app, "AdminGetUser", &body, identity, None).await;
    assert_eq!((status, out["__type"].as_str()), (400, Some("UnrecognizedClientException")), "{out}");
    // The admin key still reaches the operation (the user does not exist).
    let (status, out) = call(&app, "AdminGetUser", &body, ADMIN_KEY, None).await;
    assert_eq!((status, out["__type"].as_str()), (400, Some("UserNotFoundException")), "{out}");
    // The front door counted each answer under its operation.
    let reg = door.registry.apis.first().unwrap();
    let i = cognate_api_idp::Operation::AdminGetUser as usize;
    let s = reg.stats.get(i).unwrap();
    assert_eq!(s.calls.load(std::sync::atomic::Ordering::Relaxed), 3);
    assert_eq!(s.client_errors.load(std::sync::atomic::Ordering::Relaxed), 3);
}
