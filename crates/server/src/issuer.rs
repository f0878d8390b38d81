//! Issuer metadata on the API host: `/{poolId}/.well-known/jwks.json` and
//! `/{poolId}/.well-known/openid-configuration`, so that `iss` = `{COGNATE_PUBLIC_URL}/{poolId}`
//! works with pycognito, aws-jwt-verify's generic verifier and any OIDC library.

use axum::body::Body;
use axum::response::Response;
use cognate_core::Cognate;
use cognate_model::UserPoolId;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use serde_json::json;

fn json_reply(status: u16, body: serde_json::Value) -> Response {
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
    r.headers_mut().insert(CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    r.headers_mut().insert(CACHE_CONTROL, http::HeaderValue::from_static("public, max-age=300"));
    r.headers_mut().insert("access-control-allow-origin", http::HeaderValue::from_static("*"));
    r
}

async fn known(svc: &Cognate, pool: &str) -> Result<(), Response> {
    if svc.pool_exists(&UserPoolId::new(pool)).await {
        Ok(())
    } else {
        Err(json_reply(404, json!({"message": format!("User pool {pool} does not exist.")})))
    }
}

/// `/{poolId}/.well-known/jwks.json`: every published signing key.
pub async fn jwks(svc: &Cognate, pool: &str) -> Response {
    match known(svc, pool).await {
        Ok(()) => json_reply(200, svc.jwks()),
        Err(r) => r,
    }
}

/// `/{poolId}/.well-known/openid-configuration`.
pub async fn openid_configuration(svc: &Cognate, pool: &str) -> Response {
    if let Err(r) = known(svc, pool).await {
        return r;
    }
    let iss = svc.issuer(pool);
    json_reply(
        200,
        json!({
            "issuer": iss,
            "jwks_uri": format!("{iss}/.well-known/jwks.json"),
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "token"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "subject_types_supported": ["public"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }),
    )
}
