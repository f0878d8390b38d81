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

/// Answers the two issuer documents; `None` for any other path.
pub async fn handle(svc: &Cognate, path: &str) -> Option<Response> {
    let rest = path.strip_prefix('/')?;
    let (pool, doc) = rest.split_once("/.well-known/")?;
    if pool.contains('/') || !matches!(doc, "jwks.json" | "openid-configuration") {
        return None;
    }
    if !svc.pool_exists(&UserPoolId::new(pool)).await {
        return Some(json_reply(404, json!({"message": format!("User pool {pool} does not exist.")})));
    }
    Some(match doc {
        "jwks.json" => json_reply(200, svc.jwks()),
        _ => {
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
    })
}
